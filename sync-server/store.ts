/**
 * The relay's durable store: y-leveldb under DATA_DIR, one update log per room, plus each room's
 * verifier (never the secret or the token).
 *
 * Trap: y-leveldb's transaction wrapper swallows errors and resolves with `null` (it logs a
 * warning). Every call here turns that `null` into a thrown error, so a failed load is never
 * mistaken for an empty document and a failed write is never acknowledged.
 *
 * Trap: y-leveldb's own `flushDocument` (also run by its `getYDoc` once a log passes 500 updates)
 * writes the merged update and deletes the old ones in separate operations. Loading and
 * compaction are done here instead: the load only reads, and compaction is one LevelDB batch.
 *
 * Snapshots (snapshots.ts) live in the same LevelDB under keys of their own, which no y-leveldb
 * range and no compaction touches: `['sb_snapshots', room, 'info', id]` (JSON: takenAt, reason,
 * bytes, fingerprint) and `['sb_snapshots', room, 'update', id]` (the update). y-leveldb's keys
 * all begin with `'v1'` or `'v1_sv'`.
 *
 * A room created and never written carries `['sb_empty', room]` (its creation time), put with its
 * verifier and deleted in the batch of its first append: the relay forgets such rooms after
 * `EMPTY_ROOM_TTL_MS` (relay.ts) by listing these keys alone.
 *
 * Devices (devices.ts) too: `['sb_devices', room, 'device', id]` (JSON: verifier, registeredAt,
 * lastSeenAt, removedAt, removedBy). A replaced invite is y-leveldb meta like the verifier:
 * `verifier` and `inviteChanged` ({at, by}) are written in one batch.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { encodeAny } from 'lib0/buffer'
import {
  LeveldbPersistence,
  getCurrentUpdateClock,
  getLevelBulkEntries,
  getLevelUpdatesEntries,
  type LevelDb,
  type LevelOp,
} from 'y-leveldb'
import type { SnapshotChange, SnapshotInfo, SnapshotReason, SnapshotStore } from './snapshots'

export interface RoomStore {
  /**
   * The room's document, fully loaded, how many updates its log holds, and its position: the
   * number of the last append in the log (0 for none). Throws when it cannot be read.
   */
  load(room: string): Promise<{ doc: Y.Doc; logLength: number; position: number }>
  /**
   * Appends one update to the room's log; resolves with its position once it is written (for
   * LevelDB with `fsync`, synced). Never called twice at once for a room by one relay.
   */
  append(room: string, update: Uint8Array): Promise<number>
  /**
   * Several relays on one store (PostgreSQL): the updates appended after `position` (by any
   * relay) and the position of the last one. Positions of a room have no gaps.
   */
  readSince?(room: string, position: number): Promise<{ updates: Uint8Array[]; position: number }>
  /** Several relays on one store: the position of each room's last append (rooms never written are absent). */
  heads?(rooms: string[]): Promise<Map<string, number>>
  /**
   * Merges the room's log into one update, atomically: the merged update replaces the last entry
   * and the others are deleted in the same batch, so a crash leaves either the old log or the new.
   * `snapshot` is asked, with the merged update, what to write to the room's snapshots in that
   * same batch (a snapshot of the state before compaction, and pruning).
   */
  compact(room: string, snapshot?: (merged: Uint8Array) => Promise<SnapshotChange | undefined>): Promise<void>
  /** The stored verifier, or undefined for a room never created. Throws when it cannot be read. */
  getVerifier(room: string): Promise<string | undefined>
  /**
   * Creates the room: its verifier, and when it was created (until its first write, see
   * `emptyRoomsCreatedBefore`). Never over a log that already holds updates (PostgreSQL: a room the
   * expiry forgot while another relay wrote it): then nothing is written, and `getVerifier` stays
   * undefined, which the relay reads back as a refused create.
   */
  setVerifier(room: string, verifier: string): Promise<void>
  /**
   * Rooms created (`setVerifier`) before `time` (ms since the epoch) and never written since: at
   * most `limit`. Rooms created before the store recorded creation times are never listed.
   */
  emptyRoomsCreatedBefore?(time: number, limit: number): Promise<string[]>
  /**
   * Forgets a room that was never written: its verifier and everything kept about it go, so its
   * invite joins nothing any more (4404). Does nothing to a room with an update in its log.
   * Resolves with whether the room was forgotten.
   */
  forgetEmptyRoom?(room: string): Promise<boolean>
  /**
   * The invite changed (`PUT /invite`, devices.ts): replaces the room's verifier and records when
   * and by which device, in one write. The room must exist.
   */
  replaceVerifier(room: string, verifier: string, change: InviteChange): Promise<void>
  /** When the invite was last replaced and by which device; undefined when never. */
  getInviteChange(room: string): Promise<InviteChange | undefined>
  /** A registered device of the room (removed ones too), or undefined. Throws when it cannot be read. */
  getDevice(room: string, id: string): Promise<DeviceRecord | undefined>
  /** Every device ever registered in the room, removed ones included, oldest first. */
  listDevices(room: string): Promise<DeviceRecord[]>
  /** Registers a device or rewrites its record (removal). A removal is never undone, `lastSeenAt` never goes back. */
  putDevice(room: string, record: DeviceRecord): Promise<void>
  /** Moves a device's `lastSeenAt` forward to `at` (never back), without touching the rest of its record. */
  touchDevice(room: string, id: string, at: number): Promise<void>
  /** The room was unloaded: drop what the store keeps in memory for it. */
  forget(room: string): void
  /** The rooms' snapshots, when this store keeps them. */
  readonly snapshots?: SnapshotStore
  close(): Promise<void>
}

/** A device registered in a room (devices.ts). Times in ms since the epoch. */
export interface DeviceRecord {
  readonly id: string
  /** deriveVerifier(device token): never the device's key or token. */
  readonly verifier: string
  readonly registeredAt: number
  readonly lastSeenAt: number
  readonly removedAt?: number
  /** The device that removed it. */
  readonly removedBy?: string
}

export interface InviteChange {
  readonly at: number
  /** The device that replaced the invite. */
  readonly by: string
}

export class StoreError extends Error {
  constructor(operation: string, cause?: unknown) {
    super(`storage failed: ${operation}`, cause === undefined ? undefined : { cause })
    this.name = 'StoreError'
  }
}

/**
 * Options of the LevelDB store. `fsync`: every append and compaction waits until LevelDB has
 * synced it to disk (`sync: true`), so an acknowledged update survives a power cut of the relay
 * machine, not only a crash of the process. Appends are batched per room (roomLog.ts), so this
 * costs one fsync per batch, not per edit.
 */
export interface LevelStoreOptions {
  readonly fsync?: boolean
}

/**
 * Appends and compactions go straight to LevelDB, not through y-leveldb's `_transact` chain: that
 * chain runs every operation of every room one after another (and `storeUpdate` reads the log's
 * last key before each put), which made one busy room slow down all others. Rooms.ts already runs a
 * room's writes one after another; different rooms touch different keys. The room's next clock is
 * kept here once known, so an append is one batch without a read.
 */
export function openLevelStore(dir: string, options: LevelStoreOptions = {}): RoomStore {
  const ldb = new LeveldbPersistence(dir)
  const writeOptions = { sync: options.fsync ?? false }
  /** Per room: the clock of the last update in its log (-1: none). */
  const lastClocks = new Map<string, number>()
  /** Direct writes in flight; `close` waits for them. */
  const inFlight = new Set<Promise<unknown>>()
  let rawDb: LevelDb | undefined
  /** Device writes, one at a time: a `touchDevice` (read, then write) never undoes a removal. */
  let deviceWrites: Promise<unknown> = Promise.resolve()
  const deviceWrite = (f: (d: LevelDb) => Promise<void>): Promise<void> => {
    const next = deviceWrites.catch(() => undefined).then(async () => {
      try {
        await f(await db())
      } catch (err) {
        throw new StoreError('write device', err)
      }
    })
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
    const done = (): void => void inFlight.delete(p)
    p.then(done, done)
    return p
  }

  async function lastClock(d: LevelDb, room: string): Promise<number> {
    const known = lastClocks.get(room)
    if (known !== undefined) return known
    const clock = await getCurrentUpdateClock(d, room)
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
            const d = await db()
            const clock = await lastClock(d, room)
            const ops: LevelOp[] = [{ type: 'put', key: ['v1', room, 'update', clock + 1], value: Buffer.from(update) }]
            // like y-leveldb: a room always has a state-vector entry, so its tools can list rooms;
            // and its first write ends its time as an empty room (it never expires now)
            if (clock === -1) ops.push({ type: 'put', key: ['v1_sv', room], value: stateVectorEntry(0, update) }, { type: 'del', key: emptyKey(room) })
            await d.batch(ops, writeOptions)
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
      return track(
        (async () => {
          try {
            const d = await db()
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
          } catch (err) {
            throw new StoreError('compact', err)
          }
        })(),
      )
    },
    async getVerifier(room) {
      const value = (await ldb.getMeta(room, 'verifier')) as unknown
      if (value === null) throw new StoreError('read verifier')
      return typeof value === 'string' ? value : undefined
    },
    async setVerifier(room, verifier) {
      try {
        const d = await db()
        // y-leveldb's meta entry (what getMeta reads) and the never-written mark, in one batch
        await track(
          d.batch(
            [
              { type: 'put', key: ['v1', room, 'meta', 'verifier'], value: encodeAny(verifier) },
              { type: 'put', key: emptyKey(room), value: Buffer.from(String(Date.now())) },
            ],
            writeOptions,
          ),
        )
      } catch (err) {
        throw new StoreError('write verifier', err)
      }
    },
    async emptyRoomsCreatedBefore(time, limit) {
      try {
        const d = await db()
        const entries = await getLevelBulkEntries(d, { gte: ['sb_empty'], lt: ['sb_emptz'] })
        const rooms: string[] = []
        for (const e of entries) {
          const createdAt = Number(Buffer.from(e.value).toString('utf8'))
          if (typeof e.key[1] === 'string' && createdAt < time) rooms.push(e.key[1])
          if (rooms.length >= limit) break
        }
        return rooms
      } catch (err) {
        throw new StoreError('list empty rooms', err)
      }
    },
    forgetEmptyRoom(room) {
      return track(
        (async () => {
          try {
            const d = await db()
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
          } catch (err) {
            throw new StoreError('forget empty room', err)
          }
        })(),
      )
    },
    async replaceVerifier(room, verifier, change) {
      try {
        const d = await db()
        // y-leveldb's meta entries (what getMeta reads), both in one batch
        await track(
          d.batch(
            [
              { type: 'put', key: ['v1', room, 'meta', 'verifier'], value: encodeAny(verifier) },
              { type: 'put', key: ['v1', room, 'meta', 'inviteChanged'], value: encodeAny({ at: change.at, by: change.by }) },
            ],
            writeOptions,
          ),
        )
      } catch (err) {
        throw new StoreError('replace verifier', err)
      }
    },
    async getInviteChange(room) {
      const value = (await ldb.getMeta(room, 'inviteChanged')) as unknown
      if (value === null) throw new StoreError('read invite change')
      if (typeof value !== 'object' || value === undefined) return undefined
      const { at, by } = value as Record<string, unknown>
      return typeof at === 'number' && typeof by === 'string' ? { at, by } : undefined
    },
    async getDevice(room, id) {
      try {
        const d = await db()
        const key = deviceKey(room, id)
        const [entry] = await getLevelBulkEntries(d, { gte: key, lte: key })
        return entry ? readDeviceRecord(id, entry.value) : undefined
      } catch (err) {
        throw new StoreError('read device', err)
      }
    },
    async listDevices(room) {
      try {
        const d = await db()
        const entries = await getLevelBulkEntries(d, { gte: deviceKey(room, ''), lt: ['sb_devices', room, 'devicf'] })
        const list: DeviceRecord[] = []
        for (const e of entries) {
          const record = typeof e.key[3] === 'string' ? readDeviceRecord(e.key[3], e.value) : undefined
          if (record) list.push(record)
        }
        return list.sort((a, b) => a.registeredAt - b.registeredAt || (a.id < b.id ? -1 : 1))
      } catch (err) {
        throw new StoreError('list devices', err)
      }
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

/** A room's device: `['sb_devices', room, 'device', id]`, JSON without the id. */
function deviceKey(room: string, id: string): unknown[] {
  return ['sb_devices', room, 'device', id]
}

function deviceValue(record: DeviceRecord): Buffer {
  const { verifier, registeredAt, lastSeenAt, removedAt, removedBy } = record
  return Buffer.from(JSON.stringify({ verifier, registeredAt, lastSeenAt, removedAt, removedBy }))
}

function readDeviceRecord(id: string, value: Uint8Array): DeviceRecord | undefined {
  try {
    const v = JSON.parse(Buffer.from(value).toString('utf8')) as Record<string, unknown>
    if (typeof v.verifier !== 'string' || typeof v.registeredAt !== 'number' || typeof v.lastSeenAt !== 'number') return undefined
    return {
      id,
      verifier: v.verifier,
      registeredAt: v.registeredAt,
      lastSeenAt: v.lastSeenAt,
      ...(typeof v.removedAt === 'number' ? { removedAt: v.removedAt } : {}),
      ...(typeof v.removedBy === 'string' ? { removedBy: v.removedBy } : {}),
    }
  } catch {
    return undefined
  }
}

type SnapshotKey = ['sb_snapshots', string, 'info' | 'update', string]

/** A room created and never written: `['sb_empty', room]`, its creation time (ms, as text); deleted by its first append. */
function emptyKey(room: string): unknown[] {
  return ['sb_empty', room]
}

function snapshotKey(room: string, part: 'info' | 'update', id: string): SnapshotKey {
  return ['sb_snapshots', room, part, id]
}

/** The LevelDB operations of a snapshot change: put the new one (info and update), delete the dropped ones. */
function snapshotOps(room: string, change: SnapshotChange): LevelOp[] {
  const ops: LevelOp[] = []
  if (change.add) {
    const { id, takenAt, reason, bytes, fingerprint } = change.add.info
    ops.push({ type: 'put', key: snapshotKey(room, 'update', id), value: Buffer.from(change.add.update) })
    ops.push({ type: 'put', key: snapshotKey(room, 'info', id), value: Buffer.from(JSON.stringify({ takenAt, reason, bytes, fingerprint })) })
  }
  for (const id of change.drop) {
    ops.push({ type: 'del', key: snapshotKey(room, 'info', id) })
    ops.push({ type: 'del', key: snapshotKey(room, 'update', id) })
  }
  return ops
}

function readSnapshotInfo(id: unknown, value: Uint8Array): SnapshotInfo | undefined {
  try {
    const v = JSON.parse(Buffer.from(value).toString('utf8')) as Record<string, unknown>
    const reason = v.reason
    if (typeof id !== 'string' || typeof v.takenAt !== 'number' || typeof v.bytes !== 'number' || typeof v.fingerprint !== 'string') return undefined
    if (reason !== 'daily' && reason !== 'compaction') return undefined
    return { id, takenAt: v.takenAt, reason: reason satisfies SnapshotReason, bytes: v.bytes, fingerprint: v.fingerprint }
  } catch {
    return undefined
  }
}

/** y-leveldb's state-vector entry: the clock it belongs to, then the state vector of `update`. */
function stateVectorEntry(clock: number, update: Uint8Array): Buffer {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, clock)
  encoding.writeVarUint8Array(e, Y.encodeStateVectorFromUpdate(update))
  return Buffer.from(encoding.toUint8Array(e))
}
