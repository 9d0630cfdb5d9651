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
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
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
  setVerifier(room: string, verifier: string): Promise<void>
  /** The room was unloaded: drop what the store keeps in memory for it. */
  forget(room: string): void
  /** The rooms' snapshots, when this store keeps them. */
  readonly snapshots?: SnapshotStore
  close(): Promise<void>
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
 * machine, not only a crash of the process. Appends are batched per room (rooms.ts), so this
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
            // like y-leveldb: a room always has a state-vector entry, so its tools can list rooms
            if (clock === -1) ops.push({ type: 'put', key: ['v1_sv', room], value: stateVectorEntry(0, update) })
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
      const result = (await ldb.setMeta(room, 'verifier', verifier)) as unknown
      if (result === null) throw new StoreError('write verifier')
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

type SnapshotKey = ['sb_snapshots', string, 'info' | 'update', string]

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
