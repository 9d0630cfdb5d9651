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
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { LeveldbPersistence, getLevelUpdates, getLevelUpdatesEntries } from 'y-leveldb'

export interface RoomStore {
  /** The room's document, fully loaded, and how many updates its log holds. Throws when it cannot be read. */
  load(room: string): Promise<{ doc: Y.Doc; logLength: number }>
  /** Appends one update to the room's log; resolves once LevelDB has written it. */
  append(room: string, update: Uint8Array): Promise<void>
  /**
   * Merges the room's log into one update, atomically: the merged update replaces the last entry
   * and the others are deleted in the same batch, so a crash leaves either the old log or the new.
   */
  compact(room: string): Promise<void>
  /** How many updates the room's log holds. */
  logLength(room: string): Promise<number>
  /** The stored verifier, or undefined for a room never created. Throws when it cannot be read. */
  getVerifier(room: string): Promise<string | undefined>
  setVerifier(room: string, verifier: string): Promise<void>
  close(): Promise<void>
}

export class StoreError extends Error {
  constructor(operation: string) {
    super(`storage failed: ${operation}`)
    this.name = 'StoreError'
  }
}

export function openLevelStore(dir: string): RoomStore {
  const ldb = new LeveldbPersistence(dir)
  return {
    async load(room) {
      const updates = await ldb._transact((db) => getLevelUpdates(db, room))
      if (!updates) throw new StoreError('load')
      const doc = new Y.Doc()
      doc.transact(() => {
        for (const u of updates) Y.applyUpdate(doc, u)
      })
      return { doc, logLength: updates.length }
    },
    async append(room, update) {
      const clock = (await ldb.storeUpdate(room, update)) as number | null
      if (clock === null) throw new StoreError('append')
    },
    async compact(room) {
      const done = await ldb._transact(async (db) => {
        const entries = await getLevelUpdatesEntries(db, room)
        if (entries.length <= 1) return true
        const merged = Y.mergeUpdates(entries.map((e) => e.value))
        const last = entries[entries.length - 1]!.key
        // y-leveldb's state-vector entry: the clock it belongs to, then the state vector
        const sv = encoding.createEncoder()
        encoding.writeVarUint(sv, last[3])
        encoding.writeVarUint8Array(sv, Y.encodeStateVectorFromUpdate(merged))
        await db.batch([
          ...entries.slice(0, -1).map((e) => ({ type: 'del' as const, key: e.key })),
          { type: 'put', key: last, value: Buffer.from(merged) },
          { type: 'put', key: ['v1_sv', room], value: Buffer.from(encoding.toUint8Array(sv)) },
        ])
        return true
      })
      if (!done) throw new StoreError('compact')
    },
    async logLength(room) {
      const updates = await ldb._transact((db) => getLevelUpdates(db, room))
      if (!updates) throw new StoreError('read log')
      return updates.length
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
    async close() {
      await ldb.destroy()
    },
  }
}
