/**
 * The relay's durable store: y-leveldb under DATA_DIR, one update log per room, plus each room's
 * verifier (never the secret or the token).
 *
 * Trap: y-leveldb's transaction wrapper swallows errors and resolves with `null` (it logs a
 * warning). Every call here turns that `null` into a thrown error, so a failed load is never
 * mistaken for an empty document and a failed write is never acknowledged.
 */
import type * as Y from 'yjs'
import { LeveldbPersistence } from 'y-leveldb'

export interface RoomStore {
  /** The room's document, fully loaded. Throws when it cannot be read. */
  load(room: string): Promise<Y.Doc>
  /** Appends one update to the room's log; resolves once LevelDB has written it. */
  append(room: string, update: Uint8Array): Promise<void>
  /** Merges the room's log into one update. */
  compact(room: string): Promise<void>
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
      const doc = (await ldb.getYDoc(room)) as Y.Doc | null
      if (!doc) throw new StoreError('load')
      return doc
    },
    async append(room, update) {
      const clock = (await ldb.storeUpdate(room, update)) as number | null
      if (clock === null) throw new StoreError('append')
    },
    async compact(room) {
      await ldb.flushDocument(room)
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
