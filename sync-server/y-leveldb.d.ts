// y-leveldb ships types but its package.json "exports" hides them from moduleResolution
// "Bundler"; this declares the part the relay uses. TODO: drop once y-leveldb exports its types.
declare module 'y-leveldb' {
  import type * as Y from 'yjs'
  export const PREFERRED_TRIM_SIZE: number
  /** The `level` instance inside, with y-leveldb's key and value encodings (keys are arrays). */
  export type LevelOp = { type: 'put'; key: unknown[]; value: Uint8Array } | { type: 'del'; key: unknown[] }
  export interface LevelDb {
    batch(ops: LevelOp[], options?: { sync?: boolean }): Promise<void>
  }
  /** The clock of the room's last update, -1 for none. */
  export function getCurrentUpdateClock(db: LevelDb, docName: string): Promise<number>
  /** Every entry with a key in the range (`gte`/`gt`, `lte`/`lt`: keys as arrays), in key order. */
  export function getLevelBulkEntries(
    db: LevelDb,
    opts: { gte?: unknown[]; gt?: unknown[]; lte?: unknown[]; lt?: unknown[] },
  ): Promise<{ key: unknown[]; value: Uint8Array }[]>
  export function getLevelUpdatesEntries(db: LevelDb, docName: string): Promise<{ key: ['v1', string, 'update', number]; value: Uint8Array }[]>
  export class LeveldbPersistence {
    constructor(location: string, opts?: { levelOptions?: object })
    getYDoc(docName: string): Promise<Y.Doc>
    storeUpdate(docName: string, update: Uint8Array): Promise<number>
    flushDocument(docName: string): Promise<void>
    getStateVector(docName: string): Promise<Uint8Array>
    getMeta(docName: string, metaKey: string): Promise<unknown>
    setMeta(docName: string, metaKey: string, value: unknown): Promise<void>
    clearDocument(docName: string): Promise<void>
    getAllDocNames(): Promise<string[]>
    destroy(): Promise<void>
    /** Runs `f` after every earlier operation; resolves with null (and logs) when `f` throws. */
    _transact<T>(f: (db: LevelDb) => Promise<T>): Promise<T | null>
  }
}
