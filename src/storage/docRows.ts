/**
 * The IndexedDB side of docStore.ts: a document's database in y-indexeddb's layout (`sb-doc-<roomId>`,
 * an auto-increment `updates` store of Yjs updates, a `custom` store), its transactions and reads,
 * and the two ways docStore gives the browser a turn (between rows at open, between compaction slices).
 */

export const UPDATES = 'updates'
/**
 * Rows read per request at open (all in one transaction; each request's result is its own task,
 * and taking it costs the main thread its structured clone: 8 rows of ~16 KB, about 0.13 MB, stay
 * well under 100 ms at 4× CPU).
 */
const READ_BATCH = 8

export function requestResult<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

export function openDatabase(name: string): Promise<IDBDatabase> {
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
export function writeTransaction<T>(db: IDBDatabase, body: (store: IDBObjectStore) => () => T): Promise<T> {
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

export interface StoredRow {
  readonly key: IDBValidKey
  readonly update: Uint8Array
}

/** Every row with its key, in key (arrival) order, in one readonly transaction, READ_BATCH rows per request. */
export function readAllRows(database: IDBDatabase): Promise<StoredRow[]> {
  return new Promise((resolve, reject) => {
    const tx = database.transaction([UPDATES], 'readonly')
    const store = tx.objectStore(UPDATES)
    const rows: StoredRow[] = []
    const keysReq = store.getAllKeys()
    keysReq.onsuccess = () => {
      const keys = keysReq.result
      const readFrom = (i: number): void => {
        if (i >= keys.length) return
        const end = Math.min(keys.length, i + READ_BATCH)
        const req = store.getAll(IDBKeyRange.bound(keys[i], keys[end - 1]))
        req.onsuccess = () => {
          const values = req.result as Uint8Array[]
          for (let k = 0; k < values.length; k++) rows.push({ key: keys[i + k]!, update: values[k]! })
          readFrom(end)
        }
      }
      readFrom(0)
    }
    tx.oncomplete = () => resolve(rows)
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'))
  })
}

/** Lets the browser run its other tasks (input, rendering) before going on. */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  if (typeof scheduler?.yield === 'function') return scheduler.yield()
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0))
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}

/** Runs `fn` when the browser is idle (at the latest after `timeoutMs`); returns a cancel. */
export function whenIdle(fn: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(fn, { timeout: timeoutMs })
    return () => cancelIdleCallback(handle)
  }
  const timer = setTimeout(fn, 0)
  return () => clearTimeout(timer)
}

export function sameBytes(a: unknown, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) && !(a instanceof ArrayBuffer)) return false
  const x = a instanceof Uint8Array ? a : new Uint8Array(a)
  if (x.byteLength !== b.byteLength) return false
  for (let i = 0; i < b.byteLength; i++) if (x[i] !== b[i]) return false
  return true
}
