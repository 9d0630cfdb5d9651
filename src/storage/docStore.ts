/**
 * One partnership document on this device: a Y.Doc kept in IndexedDB, with the local journal in
 * front of it (see journal.ts) so an edit survives an immediate tab close.
 *
 * The IndexedDB layout is y-indexeddb's (database `sb-doc-<roomId>`, an auto-increment `updates`
 * store of Yjs updates, a `custom` store), so documents written by earlier versions open as they
 * were. The writing is ours, not y-indexeddb's: y-indexeddb neither reports a refused write
 * (QuotaExceededError on a full phone) nor lets us see it (yjs/y-indexeddb#28), and a failed write
 * at load even leaves it never loaded. Here:
 * - every update (local or from the relay) is queued in memory and written in one readwrite
 *   transaction; the transaction's `complete` or `abort` is the answer;
 * - after `complete`, the row is read back in a new transaction and compared byte for byte; only
 *   then are the journal entries it holds confirmed (dropped);
 * - a refused write is reported to `storageHealth` (the indicator says the phone is full), the
 *   queue stays in memory (the Y.Doc holds the change too) and the journal keeps its entries; the
 *   write is tried again on a timer, on the next edit, and when the app comes back to the front;
 * - once the store holds many rows, the whole state is written as one row and the older rows
 *   are deleted in the same transaction (what y-indexeddb calls trimming).
 */
import * as Y from 'yjs'
import { clearDocument } from 'y-indexeddb'
import { Journal, replayJournal } from './journal'
import { storageHealth } from './health'

export const JOURNAL_ORIGIN = 'scholenband:journal'

/** Updates applied from IndexedDB while loading: already stored, not written again. */
const LOAD_ORIGIN = { source: 'scholenband:indexeddb' }

const UPDATES = 'updates'
/** Rows after which the state is written as one row (y-indexeddb's PREFERRED_TRIM_SIZE). */
const COMPACT_AFTER_ROWS = 500
/** How often a refused write is tried again while the app is open. */
export const STORAGE_RETRY_MS = 15_000

/** Local edits: made on this device (no origin, or a string such as a migration's), not received. */
export function isLocalOrigin(origin: unknown): boolean {
  return origin === null || origin === undefined || typeof origin === 'string'
}

export function docName(roomId: string): string {
  return `sb-doc-${roomId}`
}

export interface LocalDocument {
  readonly doc: Y.Doc
  /** Resolves once the stored state has been loaded into `doc`. */
  readonly whenLoaded: Promise<void>
  /** True when IndexedDB held nothing for this document (new, or evicted by the browser). */
  wasEmpty(): boolean
  /** Changes held in memory that IndexedDB has not confirmed yet (0 when everything is stored). */
  unsaved(): number
  /**
   * Writes what is waiting now and resolves when it is stored and read back (true), or when
   * IndexedDB refused it (false; it stays queued and is tried again).
   */
  flush(): Promise<boolean>
  destroy(): Promise<void>
}

interface Queued {
  readonly update: Uint8Array
  /** The journal entry holding it, if journaled by this instance. */
  readonly seq?: number
  /** Journal entries (of any instance) replayed at open, confirmed once this is stored. */
  readonly replayed?: ReadonlySet<number>
}

function requestResult<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name)
    req.onupgradeneeded = () => {
      const db = req.result
      if (!db.objectStoreNames.contains(UPDATES)) db.createObjectStore(UPDATES, { autoIncrement: true })
      if (!db.objectStoreNames.contains('custom')) db.createObjectStore('custom')
    }
    req.onsuccess = () => {
      const db = req.result
      db.onversionchange = () => db.close()
      resolve(db)
    }
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'))
  })
}

/** Runs one readwrite transaction; resolves with `result()` on complete, rejects with its error on abort. */
function writeTransaction<T>(db: IDBDatabase, body: (store: IDBObjectStore) => () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    let tx: IDBTransaction
    let result: () => T
    try {
      tx = db.transaction([UPDATES], 'readwrite')
      result = body(tx.objectStore(UPDATES))
    } catch (err) {
      reject(err)
      return
    }
    tx.oncomplete = () => resolve(result())
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'))
  })
}

function sameBytes(a: unknown, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) && !(a instanceof ArrayBuffer)) return false
  const x = a instanceof Uint8Array ? a : new Uint8Array(a)
  if (x.byteLength !== b.byteLength) return false
  for (let i = 0; i < b.byteLength; i++) if (x[i] !== b[i]) return false
  return true
}

export interface OpenLocalDocumentOptions {
  /** How often a refused write is tried again (default STORAGE_RETRY_MS). */
  readonly retryMs?: number
}

export function openLocalDocument(roomId: string, options: OpenLocalDocumentOptions = {}): LocalDocument {
  const name = docName(roomId)
  // one source per open instance: another tab or instance of the same document reports on its own
  const source = `doc:${name}:${Math.random().toString(36).slice(2, 10)}`
  const doc = new Y.Doc()
  const journal = new Journal(name)
  // journal entries first: they may hold the last edit before a tab was closed
  const replayed = replayJournal(journal, doc, JOURNAL_ORIGIN)
  const queue: Queued[] = []
  if (replayed.size > 0) queue.push({ update: Y.encodeStateAsUpdate(doc), replayed })

  let db: IDBDatabase | undefined
  let rows = 0
  let isDestroyed = false
  let running: Promise<boolean> | undefined
  let again = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return
    // local edits also go to the journal, synchronously; updates from the relay only to IndexedDB
    const seq = isLocalOrigin(origin) && origin !== JOURNAL_ORIGIN ? journal.append(update) : undefined
    queue.push(seq === undefined ? { update } : { update, seq })
    // the next edit is also a retry of whatever is waiting
    void flush()
  }
  doc.on('update', onUpdate)

  const scheduleRetry = (): void => {
    if (retryTimer !== undefined || isDestroyed) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void flush()
    }, options.retryMs ?? STORAGE_RETRY_MS)
  }

  /** One attempt at writing what is queued now; resolves true when stored and read back. */
  const writeOnce = async (database: IDBDatabase): Promise<boolean> => {
    const batch = queue.slice()
    if (batch.length === 0) return true
    const update = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((q) => q.update))
    try {
      const key = await writeTransaction(database, (store) => {
        const req = store.add(update)
        return () => req.result
      })
      // read it back: only what IndexedDB returns counts as stored
      const tx = database.transaction([UPDATES], 'readonly')
      const stored: unknown = await requestResult(tx.objectStore(UPDATES).get(key))
      if (!sameBytes(stored, update)) throw new DOMException('read back differs', 'DataError')
    } catch (err) {
      storageHealth.report(source, err)
      scheduleRetry()
      return false
    }
    rows++
    queue.splice(0, batch.length)
    const seqs = batch.flatMap((q) => (q.seq === undefined ? [] : [q.seq]))
    if (seqs.length > 0) journal.confirm(Math.max(...seqs))
    for (const q of batch) if (q.replayed) journal.confirmReplayed(q.replayed)
    if (queue.length === 0) {
      storageHealth.ok(source)
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      retryTimer = undefined
    }
    if (rows >= COMPACT_AFTER_ROWS) await compact(database)
    return true
  }

  /**
   * The whole state as one row, older rows deleted, in one transaction; a failure changes nothing.
   * Trap: another tab may have added rows this instance never loaded; they are read and merged in
   * the same transaction, or deleting "every older row" would lose that tab's edits.
   */
  const compact = async (database: IDBDatabase): Promise<void> => {
    const state = Y.encodeStateAsUpdate(doc)
    try {
      await writeTransaction(database, (store) => {
        const all = store.getAll()
        all.onsuccess = () => {
          const merged = Y.mergeUpdates([...(all.result as Uint8Array[]), state])
          const req = store.add(merged)
          req.onsuccess = () => {
            store.delete(IDBKeyRange.upperBound(req.result, true))
          }
        }
        return () => undefined
      })
      rows = 1
    } catch {
      /* the rows stay as they were; tried again after the next write */
    }
  }

  const flush = (): Promise<boolean> => {
    if (running) {
      again = true
      return running
    }
    if (!db || isDestroyed) return Promise.resolve(queue.length === 0)
    const database = db
    running = (async () => {
      let ok = true
      do {
        again = false
        ok = await writeOnce(database)
      } while (ok && again && queue.length > 0 && !isDestroyed)
      return ok && queue.length === 0
    })().finally(() => {
      running = undefined
    })
    return running
  }

  const stopRetry = storageHealth.onRetry(() => void flush())

  let isEmptyOnLoad = false
  const whenLoaded = (async () => {
    const database = await openDatabase(name)
    if (isDestroyed) {
      database.close()
      return
    }
    const tx = database.transaction([UPDATES], 'readonly')
    const updates = (await requestResult(tx.objectStore(UPDATES).getAll())) as Uint8Array[]
    rows = updates.length
    if (updates.length > 0) {
      Y.transact(doc, () => {
        for (const u of updates) Y.applyUpdate(doc, u)
      }, LOAD_ORIGIN, false)
    }
    isEmptyOnLoad = replayed.size === 0 && doc.store.clients.size === 0
    db = database
    if (queue.length > 0) await flush()
  })()

  return {
    doc,
    whenLoaded,
    wasEmpty: () => isEmptyOnLoad,
    unsaved: () => queue.length,
    flush,
    destroy: async () => {
      doc.off('update', onUpdate)
      // a last try; what is still refused stays in the journal for the next open
      await whenLoaded.catch(() => undefined)
      if (queue.length > 0) await flush()
      else if (running) await running
      isDestroyed = true
      stopRetry()
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      storageHealth.ok(source)
      db?.close()
      doc.destroy()
    },
  }
}

/** Removes a partnership's document and journal from this device. */
export async function deleteLocalDocument(roomId: string): Promise<void> {
  new Journal(docName(roomId)).clear()
  await clearDocument(docName(roomId))
}
