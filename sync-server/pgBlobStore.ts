/**
 * Photos in PostgreSQL, for several relays on one database (DATABASE_URL): any relay serves a
 * photo uploaded through any other, and a resumable upload goes on through whichever relay the
 * phone reaches next. See blobs.ts for the HTTP side and blobStore.ts for the `BlobStore` contract.
 *
 *   room_blobs(room, hash, bytes)                complete blobs, hash-checked; never changed
 *   room_blob_uploads(room, hash, bytes, …)      the bytes of unfinished resumable uploads
 *
 * A row of room_blobs only appears in the statement that deletes the upload and checks its
 * SHA-256 (`completePartial`), or, for a one-request upload, after blobs.ts checked the hash of
 * the body held in memory (at most MAX_BLOB_BYTES per upload) — so no relay ever serves a
 * partial or wrong blob.
 *
 * Appends are compare-and-set on the length: `bytes = bytes || chunk WHERE octet_length(bytes) =
 * <what this upload saw>`. Two relays writing the same upload cannot interleave; the loser gets
 * `UploadConflict` (409, ask HEAD). The same offset of the same hash holds the same bytes for
 * every honest client, and the hash is checked at the end anyway, so an upload dropped and begun
 * again meanwhile cannot produce a wrong blob either.
 *
 * Unfinished uploads expire: `expireUploads` deletes rows of room_blob_uploads whose `updated_at`
 * (set on every append, by the database's clock) is older than the TTL.
 *
 * Traps: the bytes of a chunk reach PostgreSQL every FLUSH_BYTES and when the request ends or
 * breaks; a relay killed mid-chunk loses what it had not flushed yet (the phone's HEAD then says
 * where to go on from). `bytes || chunk` rewrites the value, so an upload costs about
 * size² / (2 · FLUSH_BYTES) bytes of writes: 8 MiB for a 1 MiB photo, fine at these sizes.
 */
import { Readable } from 'node:stream'
import { UploadConflict, type BlobSink, type BlobStore, type WholeUpload } from './blobStore'
import { openPgPool } from './pgStore'

/** How many bytes of a chunk are held in memory before they are appended in PostgreSQL. */
export const FLUSH_BYTES = 64 * 1024

const SCHEMA = `
CREATE TABLE IF NOT EXISTS room_blobs (
  room text NOT NULL,
  hash text NOT NULL,
  bytes bytea NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room, hash)
);
CREATE TABLE IF NOT EXISTS room_blob_uploads (
  room text NOT NULL,
  hash text NOT NULL,
  bytes bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room, hash)
);`

/** Opens a pool on `url` and creates the tables when missing. */
export async function openPgBlobStore(url: string): Promise<BlobStore> {
  const pool = await openPgPool(url, SCHEMA, 5)

  const size = async (room: string, hash: string): Promise<number | undefined> => {
    const { rows } = await pool.query<{ n: number }>('SELECT octet_length(bytes) AS n FROM room_blobs WHERE room = $1 AND hash = $2', [
      room,
      hash,
    ])
    return rows[0]?.n
  }

  return {
    size,
    async open(room, hash) {
      const { rows } = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM room_blobs WHERE room = $1 AND hash = $2', [room, hash])
      const row = rows[0]
      // blobs are never deleted by the relay; an operator may have, between size() and here
      if (!row) throw new Error('blob vanished between size and read')
      return Readable.from([row.bytes])
    },
    async partialSize(room, hash) {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT octet_length(bytes) AS n FROM room_blob_uploads WHERE room = $1 AND hash = $2',
        [room, hash],
      )
      return rows[0]?.n ?? 0
    },
    async beginWhole(room, hash): Promise<WholeUpload> {
      // held in memory until the hash is known to match; blobs.ts stops at MAX_BLOB_BYTES
      let chunks: Buffer[] = []
      return {
        async write(chunk) {
          chunks.push(chunk)
        },
        async end() {
          // nothing to flush: the bytes reach the table only on commit
        },
        async commit() {
          // another relay storing the same photo meanwhile stored the same bytes
          await pool.query('INSERT INTO room_blobs (room, hash, bytes) VALUES ($1, $2, $3) ON CONFLICT (room, hash) DO NOTHING', [
            room,
            hash,
            Buffer.concat(chunks),
          ])
        },
        async discard() {
          chunks = []
        },
      }
    },
    async beginAppend(room, hash, offset): Promise<BlobSink> {
      let held = offset
      let pending: Buffer[] = []
      let pendingBytes = 0
      let failure: unknown
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return
        const data = Buffer.concat(pending, pendingBytes)
        pending = []
        pendingBytes = 0
        try {
          const result =
            held === 0
              ? await pool.query('INSERT INTO room_blob_uploads (room, hash, bytes) VALUES ($1, $2, $3) ON CONFLICT (room, hash) DO NOTHING', [
                  room,
                  hash,
                  data,
                ])
              : await pool.query(
                  'UPDATE room_blob_uploads SET bytes = bytes || $3, updated_at = now() WHERE room = $1 AND hash = $2 AND octet_length(bytes) = $4',
                  [room, hash, data, held],
                )
          if (result.rowCount !== 1) throw new UploadConflict()
        } catch (err) {
          failure = err
          throw err
        }
        held += data.length
      }
      return {
        async write(chunk) {
          if (failure !== undefined) throw failure
          pending.push(chunk)
          pendingBytes += chunk.length
          if (pendingBytes >= FLUSH_BYTES) await flush()
        },
        async end() {
          // after a failed append the rest does not belong after what the table holds
          if (failure === undefined) await flush()
        },
      }
    },
    async completePartial(room, hash) {
      // One statement: the partial goes, and becomes the blob only when its SHA-256 is the hash.
      await pool.query(
        `WITH done AS (DELETE FROM room_blob_uploads WHERE room = $1 AND hash = $2 RETURNING bytes)
         INSERT INTO room_blobs (room, hash, bytes)
         SELECT $1, $2, bytes FROM done WHERE sha256(bytes) = decode($2, 'hex')
         ON CONFLICT (room, hash) DO NOTHING`,
        [room, hash],
      )
      // stored now, by this statement or by another relay that completed the same upload first
      return (await size(room, hash)) !== undefined
    },
    async dropPartial(room, hash) {
      await pool.query('DELETE FROM room_blob_uploads WHERE room = $1 AND hash = $2', [room, hash])
    },
    async roomBytes(room) {
      // octet_length of a bytea reads its stored length, not its bytes
      const { rows } = await pool.query<{ n: string }>(
        `SELECT (SELECT coalesce(sum(octet_length(bytes)), 0) FROM room_blobs WHERE room = $1)
              + (SELECT coalesce(sum(octet_length(bytes)), 0) FROM room_blob_uploads WHERE room = $1) AS n`,
        [room],
      )
      return Number(rows[0]?.n ?? 0)
    },
    async expireUploads(olderThanMs) {
      // the database's clock on both sides: updated_at is set by now() on every append
      const result = await pool.query("DELETE FROM room_blob_uploads WHERE updated_at < now() - $1 * interval '1 millisecond'", [olderThanMs])
      return result.rowCount ?? 0
    },
    async close() {
      await pool.end()
    },
  }
}
