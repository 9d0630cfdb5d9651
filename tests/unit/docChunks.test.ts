/**
 * The document on this device in rows of bounded size (src/storage/docChunks.ts, docStore.ts):
 * the state of a partnership written by many devices comes out as updates of at most about CHUNK_BYTES (16 KB)
 * that together hold every change and, applied in key order, never leave Yjs waiting for a later
 * one; a row of megabytes (a join's first sync) is rewritten so; a refused rewrite (a full phone)
 * changes nothing and the next open tries again; a write an observer makes while rows are applied
 * is still journaled and stored.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { listActivities, listLetterThreads } from '../../src/domain'
import { docName, openLocalDocument } from '../../src/storage'
import { CHUNK_BYTES, encodeStateInChunks } from '../../src/storage/docChunks'
import { buildFiveYearPartnership } from '../bench/fixture'
import { localDocuments } from '../helpers/localDocuments'

/** What the relay would send a joining device: the whole partnership as one update (10 % of the bench's, about 0.5 MB). */
let joined: Uint8Array
let partnership: Y.Doc
beforeAll(() => {
  partnership = buildFiveYearPartnership({ seed: 3, scale: 0.1 }).doc
  joined = Y.encodeStateAsUpdate(partnership)
}, 120_000)

const docs = localDocuments()
const openDoc = docs.open
afterEach(async () => {
  refuseDeletesIn.clear()
  await docs.destroyAll()
  localStorage.clear()
})

/** The rows IndexedDB holds for a room, in key order (what the next start reads). */
async function storedRows(roomId: string): Promise<Uint8Array[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(docName(roomId))
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  try {
    return await new Promise<Uint8Array[]>((resolve, reject) => {
      const req = db.transaction(['updates'], 'readonly').objectStore('updates').getAll()
      req.onsuccess = () => resolve(req.result as Uint8Array[])
      req.onerror = () => reject(req.error)
    })
  } finally {
    db.close()
  }
}

/** Stores `count` rows for `room` as an earlier session would have left them: one one-field edit each. */
async function storeOneFieldRows(room: string, count: number): Promise<void> {
  const writer = new Y.Doc()
  const rows: Uint8Array[] = []
  writer.on('update', (u: Uint8Array) => rows.push(u))
  for (let i = 0; i < count; i++) writer.getMap('meta').set(`note-${i}`, `edit ${i}`)
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(docName(room), 1)
    req.onupgradeneeded = () => {
      req.result.createObjectStore('updates', { autoIncrement: true })
      req.result.createObjectStore('custom')
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['updates'], 'readwrite')
    for (const r of rows) tx.objectStore('updates').add(r)
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
  db.close()
  expect(await storedRows(room)).toHaveLength(count)
}

const until = async (cond: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 400 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10))
  expect(await cond()).toBe(true)
}

/** Applies rows one by one to a new document: after each, is anything held aside waiting for a later row? */
function applyInOrder(rows: readonly Uint8Array[]): { doc: Y.Doc; waited: number } {
  const doc = new Y.Doc()
  let waited = 0
  for (const row of rows) {
    Y.applyUpdate(doc, row)
    if (doc.store.pendingStructs || doc.store.pendingDs) waited++
  }
  return { doc, waited }
}

const sameState = (a: Y.Doc, b: Y.Doc): boolean =>
  Buffer.compare(Buffer.from(Y.encodeStateAsUpdate(a)), Buffer.from(Y.encodeStateAsUpdate(b))) === 0

/** Databases whose object-store deletes fail (the compaction's transaction then aborts). */
const refuseDeletesIn = new Set<string>()
let refusedDeletes = 0
type Delete = (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) => IDBRequest<undefined>
const proto = IDBObjectStore.prototype as unknown as { delete: Delete }
const originalDelete = proto.delete
proto.delete = function (this: IDBObjectStore, key) {
  if (!refuseDeletesIn.has(this.transaction.db.name)) return originalDelete.call(this, key)
  refusedDeletes++
  // the request fails and its transaction aborts, asynchronously (fake-indexeddb's own request machinery)
  const tx = this.transaction as unknown as { _execRequestAsync(r: { operation: () => never; source: unknown }): IDBRequest<undefined> }
  return tx._execRequestAsync({
    operation: () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    },
    source: this,
  })
}

describe('the state in chunks', () => {
  it('holds every change in updates of bounded size that apply in order without waiting', () => {
    const chunks = encodeStateInChunks(partnership)
    expect(chunks.length).toBeGreaterThan(4)
    for (const c of chunks) expect(c.byteLength).toBeLessThanOrEqual(CHUNK_BYTES + 8 * 1024)
    const { doc, waited } = applyInOrder(chunks)
    expect(waited).toBe(0)
    expect(sameState(doc, partnership)).toBe(true)
    // and in reverse order (another tab's rows may come first): the same document
    expect(sameState(applyInOrder([...chunks].reverse()).doc, partnership)).toBe(true)
  }, 120_000)

  it('writes a device with more history than a chunk in pieces of bounded size that apply in order, its deletions with them', () => {
    // one device wrote four chunks' worth of letters' text, and deleted some of it
    const doc = new Y.Doc()
    const letters = doc.getMap<Y.Text>('letters')
    for (let i = 0; i < 160; i++) {
      const text = new Y.Text()
      letters.set(`letter-${i}`, text)
      text.insert(0, `Dear class ${i}, `.padEnd(400, 'we planted trees and sang together. '))
    }
    for (let i = 0; i < 160; i += 7) letters.get(`letter-${i}`)!.delete(0, 5)
    letters.delete('letter-3')
    // and another device answered in it
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    other.getMap<Y.Text>('letters').get('letter-14')!.insert(0, 'Thank you! ')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)))
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeGreaterThan(4 * CHUNK_BYTES)

    const chunks = encodeStateInChunks(doc)
    expect(chunks.length).toBeGreaterThanOrEqual(4)
    for (const c of chunks) expect(c.byteLength).toBeLessThanOrEqual(CHUNK_BYTES + 1024)
    const { doc: applied, waited } = applyInOrder(chunks)
    expect(waited).toBe(0)
    expect(sameState(applied, doc)).toBe(true)
    expect(applied.getMap<Y.Text>('letters').has('letter-3')).toBe(false)
    expect(applied.getMap<Y.Text>('letters').get('letter-14')!.toString()).toMatch(/^Thank you! class 14, /)
    expect(sameState(applyInOrder([...chunks].reverse()).doc, doc)).toBe(true)
  })

  it('keeps deletions and what the document holds aside', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.getArray<string>('list').insert(0, ['one', 'two', 'three'])
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    b.getArray<string>('list').delete(1, 1)
    b.getMap('m').set('k', 'v')
    // a change whose predecessor this document never saw: Yjs holds it aside
    const c = new Y.Doc()
    Y.applyUpdate(c, Y.encodeStateAsUpdate(b))
    const before = Y.encodeStateVector(c)
    c.getArray<string>('list').insert(2, ['four'])
    const first = Y.encodeStateAsUpdate(c, before)
    const sv = Y.encodeStateVector(c)
    c.getArray<string>('list').insert(3, ['five'])
    Y.applyUpdate(b, Y.encodeStateAsUpdate(c, sv))
    expect(b.store.pendingStructs).not.toBeNull()
    const { doc } = applyInOrder([...encodeStateInChunks(b, 16), first])
    expect(doc.getArray<string>('list').toArray()).toEqual(['one', 'three', 'four', 'five'])
    expect(doc.getMap('m').get('k')).toBe('v')
  })
})

describe('the document on this device', () => {
  it('rewrites a joined partnership (one update of half a megabyte) as rows of bounded size, in order', async () => {
    const d = await openDoc('room-join')
    Y.applyUpdate(d.doc, joined, { source: 'relay' })
    expect(await d.flush()).toBe(true)
    await until(async () => (await storedRows('room-join')).length > 4)
    const rows = await storedRows('room-join')
    for (const r of rows) expect(r.byteLength).toBeLessThanOrEqual(CHUNK_BYTES + 8 * 1024)
    const { doc, waited } = applyInOrder(rows)
    expect(waited).toBe(0)
    expect(sameState(doc, partnership)).toBe(true)
    await docs.destroyAll()
    const again = await openDoc('room-join')
    expect(sameState(again.doc, partnership)).toBe(true)
    expect(listActivities(again.doc)).toHaveLength(listActivities(partnership).length)
  }, 120_000)

  it('changes nothing when the rewrite is refused, and rewrites at the next open', async () => {
    const room = 'room-refused'
    const d = await openDoc(room)
    refuseDeletesIn.add(docName(room))
    refusedDeletes = 0
    Y.applyUpdate(d.doc, joined, { source: 'relay' })
    expect(await d.flush()).toBe(true)
    const rowsBefore = await storedRows(room)
    await until(() => refusedDeletes > 0)
    // the aborted transaction added no chunk and deleted nothing
    await new Promise((r) => setTimeout(r, 50))
    const rowsAfter = await storedRows(room)
    expect(rowsAfter.map((r) => r.byteLength)).toEqual(rowsBefore.map((r) => r.byteLength))
    expect(sameState(applyInOrder(rowsAfter).doc, partnership)).toBe(true)
    await docs.destroyAll()
    refuseDeletesIn.clear()
    // the next open finds the big row and rewrites it
    const again = await openDoc(room)
    expect(sameState(again.doc, partnership)).toBe(true)
    await until(async () => (await storedRows(room)).every((r) => r.byteLength <= CHUNK_BYTES + 8 * 1024))
    expect(sameState(applyInOrder(await storedRows(room)).doc, partnership)).toBe(true)
  }, 120_000)

  it('stores the changes made while the rows are rewritten after them, so the next open waits for nothing', async () => {
    const room = 'room-edits-while-compacting'
    const d = await openDoc(room)
    Y.applyUpdate(d.doc, joined, { source: 'relay' })
    expect(await d.flush()).toBe(true)
    // a teacher goes on working while the join's big row is rewritten (a slice at a time): each
    // change changes something the big row holds (the partnership's name), so before the
    // rewrite's rows it would point to what is not there yet
    const changes: Promise<boolean>[] = []
    const timer = setInterval(() => {
      d.doc.getMap('meta').set('name', `Gent–Huye ${changes.length}`)
      changes.push(d.flush())
    }, 1)
    try {
      await until(async () => (await storedRows(room)).every((r) => r.byteLength <= 4 * CHUNK_BYTES))
    } finally {
      clearInterval(timer)
    }
    expect(await Promise.all(changes)).not.toContain(false)
    expect(changes.length).toBeGreaterThan(1)
    const rows = await storedRows(room)
    expect(rows.every((r) => r.byteLength <= CHUNK_BYTES + 8 * 1024)).toBe(true)
    const { doc, waited } = applyInOrder(rows)
    expect(waited).toBe(0)
    expect(sameState(doc, d.doc)).toBe(true)
  }, 120_000)

  it('rewrites rows it finds out of order (a row waiting for a later one), so the next open waits for nothing', async () => {
    const room = 'room-out-of-order'
    const d = await openDoc(room)
    Y.applyUpdate(d.doc, joined, { source: 'relay' })
    expect(await d.flush()).toBe(true)
    await until(async () => (await storedRows(room)).every((r) => r.byteLength <= CHUNK_BYTES + 8 * 1024))
    await docs.destroyAll()
    // an earlier version left a change before the rows it points to
    const copy = new Y.Doc()
    Y.applyUpdate(copy, joined)
    const sv = Y.encodeStateVector(copy)
    copy.getMap('meta').set('name', 'Renamed elsewhere')
    const change = Y.encodeStateAsUpdate(copy, sv)
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(docName(room))
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    const rows = await storedRows(room)
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['updates'], 'readwrite')
      const store = tx.objectStore('updates')
      store.clear()
      for (const r of [change, ...rows]) store.add(r)
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
    })
    db.close()
    expect(applyInOrder(await storedRows(room)).waited).toBeGreaterThan(0)
    const again = await openDoc(room)
    expect(again.doc.getMap('meta').get('name')).toBe('Renamed elsewhere')
    await until(async () => applyInOrder(await storedRows(room)).waited === 0)
    expect(sameState(applyInOrder(await storedRows(room)).doc, copy)).toBe(true)
  }, 120_000)

  it('opens a document of many small rows in a few Yjs transactions, not one per row', async () => {
    // each Yjs transaction builds the whole state vector twice: one per row cost a five-year
    // partnership 12 MB of garbage at every cold start (bench:app)
    const room = 'room-many-rows'
    await storeOneFieldRows(room, 200)
    const opened = docs.track(openLocalDocument(room))
    let transactions = 0
    opened.doc.on('beforeTransaction', () => transactions++)
    await opened.whenLoaded
    expect(opened.doc.getMap('meta').get('note-199')).toBe('edit 199')
    expect(opened.doc.getMap('meta').size).toBe(200)
    // a transaction per slice of LOAD_SLICE_MS (200 one-field rows apply in a few ms)
    expect(transactions).toBeGreaterThan(0)
    expect(transactions).toBeLessThanOrEqual(10)
  }, 120_000)

  it('applies no stored row after it was closed while opening', async () => {
    const room = 'room-closed-while-opening'
    await storeOneFieldRows(room, 20)
    // every row takes a whole slice (LOAD_SLICE_MS): one row per transaction, a turn between
    let now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 50))
    try {
      const opened = openLocalDocument(room)
      let closing: Promise<void> | undefined
      let transactionsAfter = 0
      opened.doc.on('afterTransaction', () => {
        if (closing) transactionsAfter++
        // closed during the turn after the first slice, as a screen left while it opens
        else queueMicrotask(() => (closing ??= opened.destroy()))
      })
      await opened.whenLoaded
      await closing
      expect(closing).toBeDefined()
      expect(transactionsAfter).toBe(0)
      expect(opened.doc.getMap('meta').size).toBe(1)
    } finally {
      vi.restoreAllMocks()
    }
  })

  it('journals and stores a write an observer makes while the stored rows are applied', async () => {
    const room = 'room-observer'
    const d = await openDoc(room)
    Y.applyUpdate(d.doc, joined, { source: 'relay' })
    expect(await d.flush()).toBe(true)
    await docs.destroyAll()
    const reopened = docs.track(openLocalDocument(room))
    let wrote = false
    const journalKey = `sb-journal:${docName(room)}`
    let journaledAtOnce = false
    reopened.doc.getMap('letters').observe(() => {
      if (wrote) return
      wrote = true
      reopened.doc.getMap('notes').set('seen', 'while loading')
      // Yjs emits the write's update once the transaction that called this observer is done
      queueMicrotask(() => (journaledAtOnce = localStorage.getItem(journalKey) !== null))
    })
    await reopened.whenLoaded
    expect(wrote).toBe(true)
    expect(journaledAtOnce).toBe(true)
    expect(await reopened.flush()).toBe(true)
    await docs.destroyAll()
    const again = await openDoc(room)
    expect(again.doc.getMap('notes').get('seen')).toBe('while loading')
    expect(listLetterThreads(again.doc).length).toBe(listLetterThreads(partnership).length)
  }, 120_000)
})
