/**
 * The relay's store for several relay processes (DATABASE_URL): each room's update log in
 * PostgreSQL, `room_updates(room, seq, update, n)`, its head in `room_heads(room, head)` and its
 * verifier in `room_meta(room, key, value)`.
 * Same contract as the LevelDB store (store.ts): a failed read throws, `append` resolves only
 * once the row is committed, and compaction is one transaction.
 *
 * Positions: every append takes the next number of its room (`n` = 1, 2, 3, … with no gaps),
 * under the row lock of `room_heads`, so a room's rows commit in the order of their numbers on
 * every relay. A relay that has applied 1…k and hears of k+2 knows it missed k+1 and reads
 * `n > k` (catchUp.ts); one that hears nothing compares `head` with its k now and then. Compaction
 * merges a room's rows into the row with the highest `n`, so a reader behind it still gets
 * everything from that one row.
 *
 * Devices (devices.ts) are rows of `room_devices(room, id, verifier, registered_at, last_seen_at,
 * removed_at, removed_by)`; a replaced invite is the `verifier` of `room_meta` plus its
 * `invite_changed` row (JSON {at, by}), written in one transaction. A removal is never undone by a
 * later write (another relay's registration or last-seen time).
 *
 * A room's `created_at` row in `room_meta` (ms) lets a room that is never written (no
 * `room_heads` row) be forgotten after `EMPTY_ROOM_TTL_MS` (emptyRooms.ts).
 *
 * Snapshots (snapshots.ts) are rows of `room_snapshots(room, id, taken_at, reason, bytes,
 * fingerprint)`; one taken before a compaction is written in the compaction's transaction.
 */
import * as Y from 'yjs'
import pg from 'pg'
import type { DeviceRecord, RoomStore } from './store'
import type { SnapshotChange, SnapshotInfo } from './snapshots'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS room_updates (
  room text NOT NULL,
  seq bigserial PRIMARY KEY,
  update bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS room_updates_room_seq ON room_updates (room, seq);
ALTER TABLE room_updates ADD COLUMN IF NOT EXISTS n bigint;
CREATE TABLE IF NOT EXISTS room_heads (
  room text PRIMARY KEY,
  head bigint NOT NULL
);
-- logs written before positions existed: number their rows in the order they were stored
UPDATE room_updates u SET n = o.n
  FROM (SELECT seq, row_number() OVER (PARTITION BY room ORDER BY seq) AS n FROM room_updates) o
  WHERE u.seq = o.seq AND u.n IS NULL;
INSERT INTO room_heads (room, head) SELECT room, max(n) FROM room_updates GROUP BY room
  ON CONFLICT (room) DO UPDATE SET head = GREATEST(room_heads.head, EXCLUDED.head);
CREATE INDEX IF NOT EXISTS room_updates_room_n ON room_updates (room, n);
CREATE TABLE IF NOT EXISTS room_meta (
  room text NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (room, key)
);
CREATE TABLE IF NOT EXISTS room_devices (
  room text NOT NULL,
  id text NOT NULL,
  verifier text NOT NULL,
  registered_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  removed_at timestamptz,
  removed_by text,
  PRIMARY KEY (room, id)
);
CREATE TABLE IF NOT EXISTS room_snapshots (
  room text NOT NULL,
  id text NOT NULL,
  taken_at timestamptz NOT NULL,
  reason text NOT NULL,
  bytes bytea NOT NULL,
  fingerprint text NOT NULL,
  PRIMARY KEY (room, id)
);`

/** Adds and deletes a room's snapshots through `q` (a pool, or a client inside a transaction). */
async function writeSnapshotChange(q: pg.Pool | pg.PoolClient, room: string, change: SnapshotChange): Promise<void> {
  if (change.drop.length > 0) await q.query('DELETE FROM room_snapshots WHERE room = $1 AND id = ANY($2)', [room, change.drop])
  if (change.add) {
    const { info, update } = change.add
    await q.query(
      'INSERT INTO room_snapshots (room, id, taken_at, reason, bytes, fingerprint) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (room, id) DO NOTHING',
      [room, info.id, new Date(info.takenAt), info.reason, Buffer.from(update), info.fingerprint],
    )
  }
}

interface DeviceRow {
  id: string
  verifier: string
  registered_at: Date
  last_seen_at: Date
  removed_at: Date | null
  removed_by: string | null
}

const DEVICE_COLUMNS = 'id, verifier, registered_at, last_seen_at, removed_at, removed_by'

function deviceFromRow(r: DeviceRow): DeviceRecord {
  return {
    id: r.id,
    verifier: r.verifier,
    registeredAt: r.registered_at.getTime(),
    lastSeenAt: r.last_seen_at.getTime(),
    ...(r.removed_at ? { removedAt: r.removed_at.getTime() } : {}),
    ...(r.removed_by !== null ? { removedBy: r.removed_by } : {}),
  }
}

function merge(updates: Buffer[]): Uint8Array | undefined {
  if (updates.length === 0) return undefined
  return updates.length === 1 ? new Uint8Array(updates[0]!) : Y.mergeUpdates(updates.map((u) => new Uint8Array(u)))
}

/** Runs `f` in one transaction on a client of `pool`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect()
  try {
    await c.query('BEGIN')
    const result = await f(c)
    await c.query('COMMIT')
    return result
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    c.release()
  }
}

/**
 * A pool on `url` whose `schema` has been run: relays starting together take one advisory lock,
 * so they create tables (and number old logs) one at a time. Shared by the room and photo stores.
 */
export async function openPgPool(url: string, schema: string, max: number): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max })
  // A connection that drops while idle is reported here; without a listener it would end the process.
  pool.on('error', () => undefined)
  try {
    await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(8675309)')
      await c.query(schema)
    })
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw err
  }
  return pool
}

/** Opens a pool on `url` and creates the tables when missing. */
export async function openPgStore(url: string): Promise<RoomStore> {
  const pool = await openPgPool(url, SCHEMA, 10)

  return {
    async load(room) {
      const { rows } = await pool.query<{ n: string; update: Buffer }>('SELECT n, update FROM room_updates WHERE room = $1 ORDER BY n', [
        room,
      ])
      const doc = new Y.Doc()
      doc.transact(() => {
        for (const r of rows) Y.applyUpdate(doc, new Uint8Array(r.update))
      })
      return { doc, logLength: rows.length, position: rows.length === 0 ? 0 : Number(rows[rows.length - 1]!.n) }
    },
    async append(room, update) {
      // One statement, so one transaction: the head's row lock orders the room's appends across relays.
      const { rows } = await pool.query<{ n: string }>(
        `WITH head AS (
           INSERT INTO room_heads (room, head) VALUES ($1, 1)
           ON CONFLICT (room) DO UPDATE SET head = room_heads.head + 1
           RETURNING head
         )
         INSERT INTO room_updates (room, n, update) SELECT $1, head, $2 FROM head RETURNING n`,
        [room, Buffer.from(update)],
      )
      return Number(rows[0]!.n)
    },
    async readSince(room, position) {
      const { rows } = await pool.query<{ n: string; update: Buffer }>(
        'SELECT n, update FROM room_updates WHERE room = $1 AND n > $2 ORDER BY n',
        [room, position],
      )
      return {
        updates: rows.map((r) => new Uint8Array(r.update)),
        position: rows.length === 0 ? position : Number(rows[rows.length - 1]!.n),
      }
    },
    async heads(rooms) {
      const { rows } = await pool.query<{ room: string; head: string }>('SELECT room, head FROM room_heads WHERE room = ANY($1)', [rooms])
      return new Map(rows.map((r) => [r.room, Number(r.head)]))
    },
    async compact(room, snapshot) {
      await inTransaction(pool, async (c) => {
        // One compaction or append of a room at a time across every relay.
        await c.query('SELECT head FROM room_heads WHERE room = $1 FOR UPDATE', [room])
        const { rows } = await c.query<{ seq: string; update: Buffer }>(
          'SELECT seq, update FROM room_updates WHERE room = $1 ORDER BY n',
          [room],
        )
        if (rows.length > 1) {
          const merged = Y.mergeUpdates(rows.map((r) => new Uint8Array(r.update)))
          const last = rows[rows.length - 1]!.seq
          const change = snapshot ? await snapshot(merged) : undefined
          if (change) await writeSnapshotChange(c, room, change)
          await c.query('UPDATE room_updates SET update = $2 WHERE seq = $1', [last, Buffer.from(merged)])
          await c.query('DELETE FROM room_updates WHERE room = $1 AND seq <> $2', [room, last])
        }
      })
    },
    async getVerifier(room) {
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM room_meta WHERE room = $1 AND key = 'verifier'", [room])
      return rows[0]?.value
    },
    async setVerifier(room, verifier) {
      // The first verifier stays: two relays creating the same room at once cannot overwrite each other.
      // `created_at` (ms) lets a room that is never written expire (emptyRoomsCreatedBefore).
      // Trap: a room whose log holds updates but has no verifier was forgotten by the expiry sweep
      // while another relay made its first write (READ COMMITTED cannot see that write coming).
      // Creating it again would hand its content to whoever knows the room id: nothing is written,
      // and the relay's read-back refuses the create (the room stays unreachable, not exposed).
      await pool.query(
        `INSERT INTO room_meta (room, key, value)
           SELECT v.room, v.key, v.value FROM (VALUES ($1::text, 'verifier', $2::text), ($1::text, 'created_at', $3::text)) AS v(room, key, value)
            WHERE NOT EXISTS (SELECT 1 FROM room_heads WHERE room = $1::text)
         ON CONFLICT (room, key) DO NOTHING`,
        [room, verifier, String(Date.now())],
      )
    },
    async emptyRoomsCreatedBefore(time, limit) {
      // a room with a row in room_heads has been written (its first append inserts it)
      const { rows } = await pool.query<{ room: string }>(
        `SELECT m.room FROM room_meta m
          WHERE m.key = 'created_at' AND (CASE WHEN m.key = 'created_at' THEN m.value::bigint END) < $1
            AND NOT EXISTS (SELECT 1 FROM room_heads h WHERE h.room = m.room)
          LIMIT $2`,
        [time, limit],
      )
      return rows.map((r) => r.room)
    },
    async forgetEmptyRoom(room) {
      return inTransaction(pool, async (c) => {
        const { rowCount } = await c.query(
          'DELETE FROM room_meta WHERE room = $1 AND NOT EXISTS (SELECT 1 FROM room_heads WHERE room = $1)',
          [room],
        )
        const forgotten = (rowCount ?? 0) > 0
        if (forgotten) await c.query('DELETE FROM room_devices WHERE room = $1', [room])
        return forgotten
      })
    },
    async replaceVerifier(room, verifier, change) {
      await inTransaction(pool, async (c) => {
        await c.query("UPDATE room_meta SET value = $2 WHERE room = $1 AND key = 'verifier'", [room, verifier])
        await c.query(
          "INSERT INTO room_meta (room, key, value) VALUES ($1, 'invite_changed', $2) ON CONFLICT (room, key) DO UPDATE SET value = EXCLUDED.value",
          [room, JSON.stringify({ at: change.at, by: change.by })],
        )
      })
    },
    async getInviteChange(room) {
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM room_meta WHERE room = $1 AND key = 'invite_changed'", [room])
      if (!rows[0]) return undefined
      try {
        const { at, by } = JSON.parse(rows[0].value) as Record<string, unknown>
        return typeof at === 'number' && typeof by === 'string' ? { at, by } : undefined
      } catch {
        return undefined
      }
    },
    async getDevice(room, id) {
      const { rows } = await pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM room_devices WHERE room = $1 AND id = $2`, [room, id])
      return rows[0] ? deviceFromRow(rows[0]) : undefined
    },
    async listDevices(room) {
      const { rows } = await pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM room_devices WHERE room = $1 ORDER BY registered_at, id`, [room])
      return rows.map(deviceFromRow)
    },
    async putDevice(room, r) {
      await pool.query(
        `INSERT INTO room_devices (room, ${DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (room, id) DO UPDATE SET verifier = EXCLUDED.verifier, registered_at = EXCLUDED.registered_at,
           last_seen_at = GREATEST(room_devices.last_seen_at, EXCLUDED.last_seen_at),
           removed_at = COALESCE(room_devices.removed_at, EXCLUDED.removed_at), removed_by = COALESCE(room_devices.removed_by, EXCLUDED.removed_by)`,
        [
          room,
          r.id,
          r.verifier,
          new Date(r.registeredAt),
          new Date(r.lastSeenAt),
          r.removedAt === undefined ? null : new Date(r.removedAt),
          r.removedBy ?? null,
        ],
      )
    },
    async touchDevice(room, id, at) {
      await pool.query('UPDATE room_devices SET last_seen_at = $3 WHERE room = $1 AND id = $2 AND last_seen_at < $3', [room, id, new Date(at)])
    },
    forget() {
      // nothing kept per room
    },
    snapshots: {
      async list(room) {
        const { rows } = await pool.query<{ id: string; taken_at: Date; reason: string; size: number; fingerprint: string }>(
          'SELECT id, taken_at, reason, octet_length(bytes) AS size, fingerprint FROM room_snapshots WHERE room = $1 ORDER BY taken_at DESC, id DESC',
          [room],
        )
        return rows.flatMap((r): SnapshotInfo[] =>
          r.reason === 'daily' || r.reason === 'compaction'
            ? [{ id: r.id, takenAt: r.taken_at.getTime(), reason: r.reason, bytes: Number(r.size), fingerprint: r.fingerprint }]
            : [],
        )
      },
      async read(room, id) {
        const { rows } = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM room_snapshots WHERE room = $1 AND id = $2', [room, id])
        return rows[0] ? new Uint8Array(rows[0].bytes) : undefined
      },
      async storedState(room) {
        const { rows } = await pool.query<{ update: Buffer }>('SELECT update FROM room_updates WHERE room = $1 ORDER BY n', [room])
        return merge(rows.map((r) => r.update))
      },
      async write(room, change) {
        await inTransaction(pool, async (c) => {
          await writeSnapshotChange(c, room, change)
        })
      },
    },
    async close() {
      await pool.end()
    },
  }
}
