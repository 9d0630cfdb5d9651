/**
 * Photos as files, for one relay (the default): `<dir>/<roomId>/<hash>`, where `dir` is
 * `DATA_DIR/blobs`. See blobs.ts for the HTTP side and blobStore.ts for the `BlobStore` contract.
 *
 * `<hash>` only ever appears by rename, after its hash was verified and its bytes flushed, so a
 * crash never leaves a partial blob under the final name. A one-request upload streams into
 * `<hash>.tmp-<random>`; a resumable one appends to `<hash>.partial` (kept across restarts, so the
 * upload resumes where the relay's disk says it stopped).
 *
 * Unfinished uploads expire: `expireUploads` deletes `.partial` and `.tmp-*` files whose last
 * write (mtime) is older than the TTL; the relay sweeps at start and then periodically.
 *
 * Trap: nothing here stops two processes appending to the same partial. One relay owns DATA_DIR
 * (LevelDB's lock), and within it blobs.ts lets one upload of a blob run at a time.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import { join } from 'node:path'
import type { BlobSink, BlobStore, WholeUpload } from './blobStore'

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** The names in a folder; none when it does not exist. */
async function namesIn(path: string): Promise<string[]> {
  try {
    return await readdir(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

const isUnfinished = (name: string): boolean => name.endsWith('.partial') || name.includes('.tmp-')

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch {
    /* already gone */
  }
}

/** Flushes `from` to disk and renames it to `to`: the data is on disk before the name says it is complete. */
async function syncAndRename(from: string, to: string): Promise<void> {
  const fh = await open(from, 'r+')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(from, to)
}

/** Writes to `path` (created, or appended to with 'a'), waiting for the disk when the stream's buffer is full. */
function fileSink(path: string, flags: 'w' | 'a'): BlobSink {
  const out = createWriteStream(path, { flags })
  let failure: Error | undefined
  out.on('error', (err) => (failure ??= err))
  return {
    write(chunk) {
      if (failure) return Promise.reject(failure)
      if (out.write(chunk)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const onDrain = (): void => {
          out.off('error', onError)
          resolve()
        }
        const onError = (err: Error): void => {
          out.off('drain', onDrain)
          reject(err)
        }
        out.once('drain', onDrain)
        out.once('error', onError)
      })
    },
    async end() {
      if (!out.destroyed) out.end()
      await finished(out)
      if (failure) throw failure
    },
  }
}

export function openFileBlobStore(dir: string): BlobStore {
  const paths = (room: string, hash: string) => {
    const roomDir = join(dir, room)
    return { roomDir, final: join(roomDir, hash), partial: join(roomDir, `${hash}.partial`) }
  }

  return {
    size: (room, hash) => sizeOf(paths(room, hash).final),
    // createReadStream opens lazily: a failure shows as the stream's error, which ends the response
    open: (room, hash) => Promise.resolve(createReadStream(paths(room, hash).final)),
    async partialSize(room, hash) {
      return (await sizeOf(paths(room, hash).partial)) ?? 0
    },
    async beginWhole(room, hash): Promise<WholeUpload> {
      const p = paths(room, hash)
      await mkdir(p.roomDir, { recursive: true })
      const tmp = join(p.roomDir, `${hash}.tmp-${randomBytes(6).toString('hex')}`)
      const sink = fileSink(tmp, 'w')
      return {
        write: (chunk) => sink.write(chunk),
        end: () => sink.end(),
        commit: () => syncAndRename(tmp, p.final),
        discard: () => removeQuietly(tmp),
      }
    },
    async beginAppend(room, hash) {
      const p = paths(room, hash)
      await mkdir(p.roomDir, { recursive: true })
      return fileSink(p.partial, 'a')
    },
    async completePartial(room, hash) {
      const p = paths(room, hash)
      if ((await hashFile(p.partial)) !== hash) {
        await removeQuietly(p.partial)
        return false
      }
      await syncAndRename(p.partial, p.final)
      return true
    },
    dropPartial: (room, hash) => removeQuietly(paths(room, hash).partial),
    async roomBytes(room) {
      // complete blobs and resumable partials; a one-request upload's .tmp- file is bounded by
      // MAX_BLOB_BYTES and gone when its request ends
      const roomDir = join(dir, room)
      let total = 0
      for (const name of await namesIn(roomDir)) {
        if (name.includes('.tmp-')) continue
        total += (await sizeOf(join(roomDir, name))) ?? 0
      }
      return total
    },
    async expireUploads(olderThanMs) {
      const cutoff = Date.now() - olderThanMs
      let removed = 0
      for (const room of await namesIn(dir)) {
        const roomDir = join(dir, room)
        for (const name of await namesIn(roomDir)) {
          if (!isUnfinished(name)) continue
          const path = join(roomDir, name)
          try {
            if ((await stat(path)).mtimeMs >= cutoff) continue
          } catch {
            continue // gone meanwhile (completed or dropped)
          }
          await removeQuietly(path)
          removed++
        }
      }
      return removed
    },
    async close() {
      // nothing held open between requests
    },
  }
}
