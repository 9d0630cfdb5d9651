/**
 * The relay's store for several relay processes (DATABASE_URL): each room's update log in
 * PostgreSQL, `room_updates(room, seq, update)`, and its verifier in `room_meta(room, key, value)`.
 * Same contract as the LevelDB store (store.ts): a failed read throws, `append` resolves only
 * once the row is committed, and compaction is one transaction.
 */
import * as Y from 'yjs'
import pg from 'pg'
import type { RoomStore } from './store'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS room_updates (
  room text NOT NULL,
  seq bigserial PRIMARY KEY,
  update bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS room_updates_room_seq ON room_updates (room, seq);
CREATE TABLE IF NOT EXISTS room_meta (
  room text NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (room, key)
);`

/** Opens a pool on `url` and creates the tables when missing (several relays may race: the lock makes it one at a time). */
export async function openPgStore(url: string): Promise<RoomStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // A connection that drops while idle is reported here; without a listener it would end the process.
  pool.on('error', () => undefined)
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock(8675309)')
    await client.query(SCHEMA)
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.release()
  }

  return {
    async load(room) {
      const { rows } = await pool.query<{ update: Buffer }>('SELECT update FROM room_updates WHERE room = $1 ORDER BY seq', [room])
      const doc = new Y.Doc()
      doc.transact(() => {
        for (const r of rows) Y.applyUpdate(doc, new Uint8Array(r.update))
      })
      return { doc, logLength: rows.length }
    },
    async append(room, update) {
      await pool.query('INSERT INTO room_updates (room, update) VALUES ($1, $2)', [room, Buffer.from(update)])
    },
    async compact(room) {
      const c = await pool.connect()
      try {
        await c.query('BEGIN')
        // One compaction of a room at a time across every relay; appends go on meanwhile (new rows, higher seq).
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [room])
        const { rows } = await c.query<{ seq: string; update: Buffer }>(
          'SELECT seq, update FROM room_updates WHERE room = $1 ORDER BY seq',
          [room],
        )
        if (rows.length > 1) {
          const merged = Y.mergeUpdates(rows.map((r) => new Uint8Array(r.update)))
          const last = rows[rows.length - 1]!.seq
          await c.query('UPDATE room_updates SET update = $2 WHERE seq = $1', [last, Buffer.from(merged)])
          await c.query('DELETE FROM room_updates WHERE room = $1 AND seq < $2', [room, last])
        }
        await c.query('COMMIT')
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        c.release()
      }
    },
    async logLength(room) {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM room_updates WHERE room = $1', [room])
      return Number(rows[0]!.n)
    },
    async getVerifier(room) {
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM room_meta WHERE room = $1 AND key = 'verifier'", [room])
      return rows[0]?.value
    },
    async setVerifier(room, verifier) {
      // The first verifier stays: two relays creating the same room at once cannot overwrite each other.
      await pool.query("INSERT INTO room_meta (room, key, value) VALUES ($1, 'verifier', $2) ON CONFLICT (room, key) DO NOTHING", [
        room,
        verifier,
      ])
    },
    forget() {
      // nothing kept per room
    },
    async close() {
      await pool.end()
    },
  }
}
