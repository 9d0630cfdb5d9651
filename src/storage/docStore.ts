/**
 * One partnership document on this device: a Y.Doc kept in IndexedDB, with the local journal in
 * front of it (see journal.ts) so an edit survives an immediate tab close.
 *
 * The IndexedDB layout is y-indexeddb's (database `sb-doc-<roomId>`, an auto-increment `updates`
 * store of Yjs updates, a `custom` store — where the plan's saved view is kept, planView.ts), so
 * documents written by earlier versions open as they were. The writing is ours, not y-indexeddb's: y-indexeddb neither reports a refused write
 * (QuotaExceededError on a full phone) nor lets us see it (yjs/y-indexeddb#28), and a failed write
 * at load even leaves it never loaded. Here:
 * - every update (local or from the relay) is queued in memory and written in one readwrite
 *   transaction; the transaction's `complete` or `abort` is the answer;
 * - after `complete`, the row is read back in a new transaction and compared byte for byte; only
 *   then are the journal entries it holds confirmed (dropped);
 * - a refused write is reported to `storageHealth` (the indicator says the phone is full), the
 *   queue stays in memory (the Y.Doc holds the change too) and the journal keeps its entries; the
 *   write is tried again on a timer, on the next edit, and when the app comes back to the front;
 * - once the store holds many rows, the whole state is written again as rows of bounded size in
 *   causal order (docChunks.ts) and the rows it covers are deleted, in one transaction (what
 *   y-indexeddb calls trimming, there into one row); a row of megabytes (a join's first sync, a
 *   whole-state row of an earlier version) is rewritten so too, soon after, a slice at a time.
 *   Rows written while it ran are moved after its rows in the same transaction: before them, they
 *   would point to what is not there yet, and Yjs would hold them aside and retry them at every
 *   later row of the next open (seconds at 4× CPU); an open that finds rows in such an order has
 *   them rewritten so;
 * - at open, the rows are read in one transaction and applied a few at a time with a turn for the
 *   browser in between (no task of seconds on a cheap phone), without Yjs encoding them again for
 *   the 'update' listener (they are stored already).
 */
import * as Y from 'yjs'
import { clearDocument } from 'y-indexeddb'
import { Journal, replayJournal } from './journal'
import { storageHealth } from './health'
import { CHUNK_BYTES, encodeStateInChunksSliced } from './docChunks'
import { UPDATES, nextTask, type StoredRow, openDatabase, readAllRows, requestResult, sameBytes, whenIdle, writeTransaction } from './docRows'

export const JOURNAL_ORIGIN = 'scholenband:journal'

/** Updates applied from IndexedDB while loading: already stored, not written again. */
const LOAD_ORIGIN = { source: 'scholenband:indexeddb' }

/** Rows written since the last compaction after which the state is written again (y-indexeddb's PREFERRED_TRIM_SIZE). */
const COMPACT_AFTER_ROWS = 500
/** A row bigger than this (a join's first sync, a whole-state row) is rewritten as chunks. */
const BIG_ROW_BYTES = 4 * CHUNK_BYTES
/** Time spent applying stored rows before the browser gets a turn. */
const LOAD_SLICE_MS = 10
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
  /** Rows written since the last compaction (or found at open). */
  let rows = 0
  /** Keys of the rows whose content this document holds (applied at open, or written by it): what a compaction may delete. */
  const held = new Set<IDBValidKey>()
  let isLoaded = false
  let isCompacting = false
  let isCompactionAskedAgain = false
  /** While a compaction replaces the rows: writes wait for it. */
  let replacing: Promise<void> | undefined
  let isClosing = false
  let isDestroyed = false
  let cancelIdleCompaction: (() => void) | undefined
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
  let isListening = true

  /**
   * Applies rows read from IndexedDB, in arrival order, for at most LOAD_SLICE_MS, all in one Yjs
   * transaction, calling `applied` after each; returns how many it applied (at least one). One transaction per slice, not per
   * row: each transaction builds the whole state vector twice (before and after), on a five-year
   * partnership 558 client ids — 12 MB of garbage over its 475 rows at every cold start, and the
   * collections that came with it ran into the tasks after the load (bench:app). Yjs encodes each
   * transaction's changes again for the 'update' listeners; for stored rows that is wasted work (at
   * a cold start the whole document, a third of the opening), so onUpdate is off only while this
   * transaction's own update would be emitted (right after 'afterTransactionCleanup'); a
   * transaction an observer starts meanwhile is heard.
   */
  const applyStored = (rows: readonly StoredRow[], from: number, applied: (row: StoredRow) => void): number => {
    const listenFor = (tr: Y.Transaction): void => {
      const wanted = tr.origin !== LOAD_ORIGIN
      if (wanted === isListening) return
      if (wanted) doc.on('update', onUpdate)
      else doc.off('update', onUpdate)
      isListening = wanted
    }
    const sliceStart = performance.now()
    let i = from
    doc.on('afterTransactionCleanup', listenFor)
    try {
      Y.transact(
        doc,
        () => {
          do {
            const row = rows[i++]!
            Y.applyUpdate(doc, row.update, LOAD_ORIGIN)
            applied(row)
          } while (i < rows.length && performance.now() - sliceStart < LOAD_SLICE_MS)
        },
        LOAD_ORIGIN,
        false,
      )
    } finally {
      doc.off('afterTransactionCleanup', listenFor)
      if (!isListening) doc.on('update', onUpdate)
      isListening = true
    }
    return i - from
  }

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
    let key: IDBValidKey
    try {
      key = await writeTransaction(database, (store) => {
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
    held.add(key)
    queue.splice(0, batch.length)
    const seqs = batch.flatMap((q) => (q.seq === undefined ? [] : [q.seq]))
    if (seqs.length > 0) journal.confirm(Math.max(...seqs))
    for (const q of batch) if (q.replayed) journal.confirmReplayed(q.replayed)
    if (queue.length === 0) {
      storageHealth.ok(source)
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      retryTimer = undefined
    }
    // a slice at a time beside the writes that follow (safe: it deletes only rows it holds)
    if (rows >= COMPACT_AFTER_ROWS) void compact(database)
    else if (update.byteLength > BIG_ROW_BYTES) compactWhenIdle()
    return true
  }

  /**
   * The whole state as rows of bounded size in causal order (docChunks.ts), and the rows it covers
   * deleted, in one transaction: a failure (a full phone) changes nothing. The rows it covers are
   * those this instance had applied or written when it started (the document held them then; it
   * only grows while the chunks are encoded, a slice at a time). Another tab may have added rows
   * this one never loaded: they stay (applied in key order at the next open: Yjs updates commute).
   */
  const compact = async (database: IDBDatabase): Promise<void> => {
    if (!isLoaded || isDestroyed) return
    // asked for while one runs (a big row written meanwhile is moved, not rewritten): once more after it
    if (isCompacting) {
      isCompactionAskedAgain = true
      return
    }
    isCompactionAskedAgain = false
    cancelIdleCompaction?.()
    cancelIdleCompaction = undefined
    isCompacting = true
    try {
      const covered = [...held]
      const chunks = await encodeStateInChunksSliced(doc, nextTask, () => isClosing || isDestroyed, LOAD_SLICE_MS)
      if (chunks) {
        // the write on its way finishes first (its read-back included); writes asked for meanwhile wait
        replacing = (async () => {
          for (let i = 0; i < 1000 && running; i++) await running.catch(() => undefined)
          await replaceRows(database, covered, chunks)
        })().finally(() => {
          replacing = undefined
        })
        await replacing
      }
    } finally {
      isCompacting = false
      if (isCompactionAskedAgain) compactWhenIdle()
    }
  }

  /**
   * In one transaction: the chunks added, the rows they cover deleted, and the rows this instance
   * wrote while the chunks were made moved after them: read, deleted, and added again with the same
   * bytes (Yjs updates commute; only the order changes). No write of this instance is on its way
   * meanwhile (`replacing`: its read-back would miss a moved row); another tab's rows stay.
   */
  const replaceRows = async (database: IDBDatabase, covered: readonly IDBValidKey[], chunks: readonly Uint8Array[]): Promise<void> => {
    try {
      const { added, moved } = await writeTransaction(database, (store) => {
        const added: IDBValidKey[] = []
        const moved: IDBValidKey[] = []
        const isCovered = new Set(covered)
        const write = (rest: readonly unknown[]): void => {
          for (const row of [...chunks, ...rest]) {
            const req = store.add(row)
            req.onsuccess = () => void added.push(req.result)
          }
          for (const key of [...covered, ...moved]) store.delete(key)
        }
        const keysReq = store.getAllKeys()
        keysReq.onsuccess = () => {
          for (const key of keysReq.result) if (!isCovered.has(key) && held.has(key)) moved.push(key)
          if (moved.length === 0) return write([])
          // requests of a transaction complete in the order they were made: the last one has them all
          const rest: unknown[] = []
          moved.forEach((key, i) => {
            const req = store.get(key)
            req.onsuccess = () => {
              rest[i] = req.result
              if (i === moved.length - 1) write(rest)
            }
          })
        }
        return () => ({ added, moved })
      })
      for (const key of covered) held.delete(key)
      for (const key of added.slice(0, chunks.length)) held.add(key)
      moved.forEach((key, i) => {
        held.delete(key)
        const now = added[chunks.length + i]
        if (now !== undefined) held.add(now)
      })
      rows = moved.length
    } catch {
      /* the rows stay as they were; tried again after the next write */
    }
  }

  /**
   * A compaction soon (after a row of megabytes: the next open applies it in pieces): when the
   * browser is idle, at the latest after a second; it runs a slice at a time anyway.
   */
  const compactWhenIdle = (): void => {
    if (cancelIdleCompaction || isDestroyed) return
    cancelIdleCompaction = whenIdle(() => {
      cancelIdleCompaction = undefined
      if (db && !isClosing) void compact(db)
    }, 1_000)
  }

  const flush = (): Promise<boolean> => {
    if (replacing) return replacing.then(flush)
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
      // what was queued while a compaction replaces the rows is written after it, for those who asked then
      return ok && (queue.length === 0 || replacing !== undefined)
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
    const stored = await readAllRows(database)
    // rows beyond what a compaction of it would write (about its bytes in chunks): a large
    // partnership's own chunks never count towards the next compaction
    const storedBytes = stored.reduce((n, row) => n + row.update.byteLength, 0)
    rows = Math.max(0, stored.length - Math.ceil(storedBytes / CHUNK_BYTES))
    // in arrival order, a few rows per task: a document written in chunks never holds the page for long
    let hasBigRow = false
    let hasWaited = false
    for (let i = 0; i < stored.length; ) {
      if (i > 0) await nextTask()
      // destroy() runs while a turn is given: no slice after it
      if (isClosing) break
      i += applyStored(stored, i, (row) => {
        held.add(row.key)
        if (row.update.byteLength > BIG_ROW_BYTES) hasBigRow = true
        if (doc.store.pendingStructs || doc.store.pendingDs) hasWaited = true
      })
    }
    // what opening does next (the connection, the first render) starts in a task of its own, not after the last slice
    await nextTask()
    isEmptyOnLoad = replayed.size === 0 && doc.store.clients.size === 0
    isLoaded = !isClosing
    db = database
    if (queue.length > 0) await flush()
    // a row that waited for a later one (rows out of causal order, as an earlier version could leave
    // them): every row after it cost a retry; rewritten in order, the next open has none
    const isOutOfOrder = hasWaited && !doc.store.pendingStructs && !doc.store.pendingDs
    if (hasBigRow || isOutOfOrder) compactWhenIdle()
  })()

  return {
    doc,
    whenLoaded,
    wasEmpty: () => isEmptyOnLoad,
    unsaved: () => queue.length,
    flush,
    destroy: async () => {
      isClosing = true
      cancelIdleCompaction?.()
      cancelIdleCompaction = undefined
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
