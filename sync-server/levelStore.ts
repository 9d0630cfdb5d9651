/**
 * The relay's durable store for one relay: y-leveldb under DATA_DIR, one update log per room, plus
 * each room's verifier (never the secret or the token), its devices and its snapshots under keys
 * of their own (levelKeys.ts). The `RoomStore` contract is in store.ts.
 *
 * Trap: y-leveldb's transaction wrapper swallows errors and resolves with `null` (it logs a
 * warning). Every call here turns that `null` into a thrown error, so a failed load is never
 * mistaken for an empty document and a failed write is never acknowledged.
 *
 * Trap: y-leveldb's own `flushDocument` (also run by its `getYDoc` once a log passes 500 updates)
 * writes the merged update and deletes the old ones in separate operations. Loading and
 * compaction are done here instead: the load only reads, and compaction is one LevelDB batch.
 */
import * as Y from 'yjs'
import { encodeAny } from 'lib0/buffer'
import {
  LeveldbPersistence,
  getCurrentUpdateClock,
  getLevelBulkEntries,
  getLevelUpdatesEntries,
  type LevelDb,
  type LevelOp,
} from 'y-leveldb'
import { deviceKey, deviceValue, emptyKey, readDeviceRecord, readSnapshotInfo, snapshotKey, snapshotOps, stateVectorEntry } from './levelKeys'
import type { SnapshotInfo } from './snapshots'
import { StoreError, type DeviceRecord, type RoomStore } from './store'
import { GroupCommit } from './groupCommit'

/**
 * Options of the LevelDB store. `fsync`: every append and compaction waits until LevelDB has
 * synced it to disk (`sync: true`), so an acknowledged update survives a power cut of the relay
 * machine, not only a crash of the process. Appends are batched per room (roomLog.ts) and the
 * rooms' appends grouped (groupCommit.ts), so this costs one fsync per group, not per edit.
 */
export interface LevelStoreOptions {
  readonly fsync?: boolean
  /** Least time between the starts of two group writes under load (groupCommit.ts); default 20 ms (`DEFAULT_GROUP_INTERVAL_MS`), 0: none. */
  readonly groupIntervalMs?: number
}

/**
 * Appends and compactions go straight to LevelDB, not through y-leveldb's `_transact` chain: that
 * chain runs every operation of every room one after another (and `storeUpdate` reads the log's
 * last key before each put), which made one busy room slow down all others. Rooms.ts already runs a
 * room's writes one after another; different rooms touch different keys. The room's next clock is
 * kept here once known, so an append needs no read; the appends of all rooms made in one turn of
 * the event loop, or while the previous group was on disk, are written as one batch (groupCommit.ts).
 */
export function openLevelStore(dir: string, options: LevelStoreOptions = {}): RoomStore {
  const ldb = new LeveldbPersistence(dir)
  const writeOptions = { sync: options.fsync ?? false }
  /** Per room: the clock of the last update in its log (-1: none). */
  const lastClocks = new Map<string, number>()
  /** Appends of all rooms, written together (groupCommit.ts). */
  const appends = new GroupCommit<LevelOp>(
    (ops) => (rawDb ? rawDb.batch(ops, writeOptions) : db().then((d) => d.batch(ops, writeOptions))),
    options.groupIntervalMs,
  )
  /** Direct writes in flight; `close` waits for them. */
  const inFlight = new Set<Promise<unknown>>()
  let rawDb: LevelDb | undefined
  /** Device writes, one at a time: a `touchDevice` (read, then write) never undoes a removal. */
  let deviceWrites: Promise<unknown> = Promise.resolve()
  const deviceWrite = (f: (d: LevelDb) => Promise<void>): Promise<void> => {
    const next = deviceWrites.catch(() => undefined).then(() => using('write device', f))
    deviceWrites = next
    return track(next)
  }

  async function db(): Promise<LevelDb> {
    if (rawDb) return rawDb
    const got = await ldb._transact((d) => Promise.resolve(d))
    if (!got) throw new StoreError('open')
    rawDb = got
    return got
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p)
    // unnamed callbacks: tsx names every named closure with a defineProperty call, on every append
    p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    )
    return p
  }

  /** `f` on the open database; any failure is a StoreError of `operation`. */
  async function using<T>(operation: string, f: (d: LevelDb) => Promise<T>): Promise<T> {
    try {
      return await f(await db())
    } catch (err) {
      throw new StoreError(operation, err)
    }
  }

  /** A write `close` waits for, as `using`. */
  function write<T>(operation: string, f: (d: LevelDb) => Promise<T>): Promise<T> {
    return track(using(operation, f))
  }

  /** Reads the room's last clock from its log and keeps it (an append looks in `lastClocks` first: no wait once known). */
  async function lastClock(room: string): Promise<number> {
    const clock = await getCurrentUpdateClock(await db(), room)
    lastClocks.set(room, clock)
    return clock
  }

  return {
    async load(room) {
      const entries = await ldb._transact((d) => getLevelUpdatesEntries(d, room))
      if (!entries) throw new StoreError('load')
      const last = entries.length === 0 ? -1 : entries[entries.length - 1]!.key[3]
      lastClocks.set(room, last)
      const doc = new Y.Doc()
      doc.transact(() => {
        for (const e of entries) Y.applyUpdate(doc, e.value)
      })
      return { doc, logLength: entries.length, position: last + 1 }
    },
    append(room, update) {
      return track(
        (async () => {
          try {
            const clock = lastClocks.get(room) ?? (await lastClock(room))
            const ops: LevelOp[] = [{ type: 'put', key: ['v1', room, 'update', clock + 1], value: Buffer.from(update) }]
            // like y-leveldb: a room always has a state-vector entry, so its tools can list rooms;
            // and its first write ends its time as an empty room (it never expires now)
            if (clock === -1) ops.push({ type: 'put', key: ['v1_sv', room], value: stateVectorEntry(0, update) }, { type: 'del', key: emptyKey(room) })
            await appends.add(ops)
            lastClocks.set(room, clock + 1)
            return clock + 2 // positions count from 1; y-leveldb's clocks from 0
          } catch (err) {
            lastClocks.delete(room) // read it again next time
            throw err instanceof StoreError ? err : new StoreError('append', err)
          }
        })(),
      )
    },
    compact(room, snapshot) {
      return write('compact', async (d) => {
        const entries = await getLevelUpdatesEntries(d, room)
        if (entries.length <= 1) return
        const merged = Y.mergeUpdates(entries.map((e) => e.value))
        const last = entries[entries.length - 1]!.key
        const change = snapshot ? await snapshot(merged) : undefined
        await d.batch(
          [
            ...entries.slice(0, -1).map((e) => ({ type: 'del' as const, key: e.key })),
            { type: 'put', key: last, value: Buffer.from(merged) },
            { type: 'put', key: ['v1_sv', room], value: stateVectorEntry(last[3], merged) },
            ...(change ? snapshotOps(room, change) : []),
          ],
          writeOptions,
        )
      })
    },
    async getVerifier(room) {
      const value = (await ldb.getMeta(room, 'verifier')) as unknown
      if (value === null) throw new StoreError('read verifier')
      return typeof value === 'string' ? value : undefined
    },
    setVerifier(room, verifier) {
      // y-leveldb's meta entry (what getMeta reads) and the never-written mark, in one batch
      return write('write verifier', (d) =>
        d.batch(
          [
            { type: 'put', key: ['v1', room, 'meta', 'verifier'], value: encodeAny(verifier) },
            { type: 'put', key: emptyKey(room), value: Buffer.from(String(Date.now())) },
          ],
          writeOptions,
        ),
      )
    },
    emptyRoomsCreatedBefore(time, limit) {
      return using('list empty rooms', async (d) => {
        const entries = await getLevelBulkEntries(d, { gte: ['sb_empty'], lt: ['sb_emptz'] })
        const rooms: string[] = []
        for (const e of entries) {
          const createdAt = Number(Buffer.from(e.value).toString('utf8'))
          if (typeof e.key[1] === 'string' && createdAt < time) rooms.push(e.key[1])
          if (rooms.length >= limit) break
        }
        return rooms
      })
    },
    forgetEmptyRoom(room) {
      return write('forget empty room', async (d) => {
        if ((await getCurrentUpdateClock(d, room)) !== -1) {
          await d.batch([{ type: 'del', key: emptyKey(room) }], writeOptions) // written after all
          return false
        }
        const metas = await getLevelBulkEntries(d, { gte: ['v1', room, 'meta', ''], lt: ['v1', room, 'metb'] })
        const devices = await getLevelBulkEntries(d, { gte: ['sb_devices', room, 'device', ''], lt: ['sb_devices', room, 'devicf'] })
        await d.batch(
          [...metas, ...devices].map((e) => ({ type: 'del' as const, key: e.key })).concat([{ type: 'del', key: emptyKey(room) }]),
          writeOptions,
        )
        lastClocks.delete(room)
        return true
      })
    },
    replaceVerifier(room, verifier, change) {
      // y-leveldb's meta entries (what getMeta reads), both in one batch
      return write('replace verifier', (d) =>
        d.batch(
          [
            { type: 'put', key: ['v1', room, 'meta', 'verifier'], value: encodeAny(verifier) },
            { type: 'put', key: ['v1', room, 'meta', 'inviteChanged'], value: encodeAny({ at: change.at, by: change.by }) },
          ],
          writeOptions,
        ),
      )
    },
    async getInviteChange(room) {
      const value = (await ldb.getMeta(room, 'inviteChanged')) as unknown
      if (value === null) throw new StoreError('read invite change')
      if (typeof value !== 'object' || value === undefined) return undefined
      const { at, by } = value as Record<string, unknown>
      return typeof at === 'number' && typeof by === 'string' ? { at, by } : undefined
    },
    getDevice(room, id) {
      return using('read device', async (d) => {
        const key = deviceKey(room, id)
        const [entry] = await getLevelBulkEntries(d, { gte: key, lte: key })
        return entry ? readDeviceRecord(id, entry.value) : undefined
      })
    },
    listDevices(room) {
      return using('list devices', async (d) => {
        const entries = await getLevelBulkEntries(d, { gte: deviceKey(room, ''), lt: ['sb_devices', room, 'devicf'] })
        const list: DeviceRecord[] = []
        for (const e of entries) {
          const record = typeof e.key[3] === 'string' ? readDeviceRecord(e.key[3], e.value) : undefined
          if (record) list.push(record)
        }
        return list.sort((a, b) => a.registeredAt - b.registeredAt || (a.id < b.id ? -1 : 1))
      })
    },
    putDevice(room, record) {
      return deviceWrite(async (d) => {
        const key = deviceKey(room, record.id)
        // like pgStore: a removal is never undone, and the last-seen time never goes back
        const [entry] = await getLevelBulkEntries(d, { gte: key, lte: key })
        const old = entry ? readDeviceRecord(record.id, entry.value) : undefined
        const merged: DeviceRecord = {
          ...record,
          lastSeenAt: Math.max(record.lastSeenAt, old?.lastSeenAt ?? 0),
          ...(old?.removedAt !== undefined ? { removedAt: old.removedAt } : {}),
          ...(old?.removedBy !== undefined ? { removedBy: old.removedBy } : {}),
        }
        await d.batch([{ type: 'put', key, value: deviceValue(merged) }], writeOptions)
      })
    },
    touchDevice(room, id, at) {
      return deviceWrite(async (d) => {
        const key = deviceKey(room, id)
        const [entry] = await getLevelBulkEntries(d, { gte: key, lte: key })
        const record = entry ? readDeviceRecord(id, entry.value) : undefined
        if (!record || record.lastSeenAt >= at) return
        await d.batch([{ type: 'put', key, value: deviceValue({ ...record, lastSeenAt: at }) }], writeOptions)
      })
    },
    forget(room) {
      lastClocks.delete(room)
    },
    snapshots: {
      async list(room) {
        const d = await db()
        const entries = await getLevelBulkEntries(d, { gte: snapshotKey(room, 'info', ''), lt: ['sb_snapshots', room, 'infp'] })
        const list: SnapshotInfo[] = []
        for (const e of entries) {
          const info = readSnapshotInfo(e.key[3], e.value)
          if (info) list.push(info)
        }
        return list.sort((a, b) => b.takenAt - a.takenAt || (a.id < b.id ? 1 : -1))
      },
      async read(room, id) {
        const d = await db()
        const key = snapshotKey(room, 'update', id)
        const [entry] = await getLevelBulkEntries(d, { gte: key, lte: key })
        return entry ? new Uint8Array(entry.value) : undefined
      },
      async storedState(room) {
        const d = await db()
        const entries = await getLevelUpdatesEntries(d, room)
        if (entries.length === 0) return undefined
        return entries.length === 1 ? new Uint8Array(entries[0]!.value) : Y.mergeUpdates(entries.map((e) => e.value))
      },
      write(room, change) {
        return track(
          (async () => {
            const d = await db()
            await d.batch(snapshotOps(room, change), writeOptions)
          })(),
        )
      },
    },
    async close() {
      await Promise.allSettled([...inFlight])
      await ldb.destroy()
    },
  }
}

