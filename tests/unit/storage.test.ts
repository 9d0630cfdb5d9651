import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities } from '../../src/domain'
import { Journal } from '../../src/storage/journal'
import {
  ScholenbandDb,
  deleteLocalDocument,
  dexieOutbox,
  docName,
  readSettings,
  writeSetting,
} from '../../src/storage'
import { localDocuments } from '../helpers/localDocuments'

const docs = localDocuments()
const openDoc = docs.open
afterEach(async () => {
  await docs.destroyAll()
  localStorage.clear()
})

function seed(doc: Y.Doc): void {
  initPartnership(doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(cond()).toBe(true)
}

describe('local documents', () => {
  it('keeps a partnership across reopen, several partnerships side by side', async () => {
    const one = await openDoc('room-one')
    const two = await openDoc('room-two')
    seed(one.doc)
    seed(two.doc)
    createActivity(one.doc, { ...EMPTY_ACTIVITY, title: 'In room one' }, 'An')
    createActivity(two.doc, { ...EMPTY_ACTIVITY, title: 'In room two' }, 'An')
    await until(() => localStorage.length === 0)
    await one.destroy()
    await two.destroy()
    docs.forget()
    const again = await openDoc('room-one')
    expect(listActivities(again.doc).map((a) => a.title)).toEqual(['In room one'])
    expect(again.wasEmpty()).toBe(false)
  })

  it('journals a local edit synchronously and drops it once IndexedDB has committed', async () => {
    const d = await openDoc('room-journal')
    seed(d.doc)
    expect(localStorage.getItem(`sb-journal:${docName('room-journal')}`)).not.toBeNull()
    await until(() => localStorage.getItem(`sb-journal:${docName('room-journal')}`) === null)
  })

  it('recovers an edit whose IndexedDB write was lost when the tab closed', async () => {
    // an edit the device made, journaled, but never reached IndexedDB (tab closed at once)
    const lost = new Y.Doc()
    seed(lost)
    createActivity(lost, { ...EMPTY_ACTIVITY, title: 'Written just before closing' }, 'An')
    new Journal(docName('room-lost')).append(Y.encodeStateAsUpdate(lost))
    const d = await openDoc('room-lost')
    expect(listActivities(d.doc).map((a) => a.title)).toEqual(['Written just before closing'])
    // and it is now in IndexedDB for good
    await until(() => localStorage.length === 0)
    await d.destroy()
    docs.forget()
    const again = await openDoc('room-lost')
    expect(listActivities(again.doc).map((a) => a.title)).toEqual(['Written just before closing'])
  })

  it('still stores edits when localStorage is full', async () => {
    const storage = localStorage as unknown as { quotaChars: number }
    storage.quotaChars = 10
    try {
      const d = await openDoc('room-full')
      seed(d.doc)
      createActivity(d.doc, { ...EMPTY_ACTIVITY, title: 'Kept anyway' }, 'An')
      await new Promise((r) => setTimeout(r, 50))
      await d.destroy()
      docs.forget()
      const again = await openDoc('room-full')
      expect(listActivities(again.doc).map((a) => a.title)).toEqual(['Kept anyway'])
    } finally {
      storage.quotaChars = 5_000_000
    }
  })

  it('tells an empty (new or evicted) document apart, and deletes one from the device', async () => {
    const d = await openDoc('room-empty')
    expect(d.wasEmpty()).toBe(true)
    seed(d.doc)
    await until(() => localStorage.length === 0)
    await d.destroy()
    docs.forget()
    await deleteLocalDocument('room-empty')
    const again = await openDoc('room-empty')
    expect(again.wasEmpty()).toBe(true)
  })
})

describe('two tabs on one document', () => {
  it('keeps the other tab’s edits when one tab merges its rows into one', async () => {
    const first = await openDoc('room-tabs')
    seed(first.doc)
    await first.flush()
    // the second tab opens now and never loads what the first writes from here on
    const second = await openDoc('room-tabs')
    createActivity(first.doc, { ...EMPTY_ACTIVITY, title: 'From the first tab' }, 'An')
    expect(await first.flush()).toBe(true)
    // 500 writes make the second tab merge every row into one (and delete the older rows)
    for (let i = 0; i < 500; i++) {
      createActivity(second.doc, { ...EMPTY_ACTIVITY, title: `Second ${i}` }, 'Amani')
      await second.flush()
    }
    await first.destroy()
    await second.destroy()
    const reopened = await openDoc('room-tabs')
    const titles = listActivities(reopened.doc).map((a) => a.title)
    expect(titles).toContain('From the first tab')
    expect(titles).toContain('Second 499')
    expect(titles).toHaveLength(501)
  })
})

describe('registry', () => {
  it('stores partnerships, settings and the outbox per room', async () => {
    const db = new ScholenbandDb(`test-${Math.random()}`)
    await db.partnerships.add({ roomId: 'r1', inviteCode: 'SB1-X', name: 'One', origin: 'created', isKnownToRelay: false, addedAt: '2026-11-01T00:00:00Z' })
    await db.partnerships.add({ roomId: 'r2', inviteCode: 'SB1-Y', name: 'Two', origin: 'joined', isKnownToRelay: true, addedAt: '2026-11-02T00:00:00Z' })
    expect((await db.partnerships.orderBy('addedAt').toArray()).map((p) => p.name)).toEqual(['One', 'Two'])
    await writeSetting(db, 'currentPersonId', 'person-1')
    await writeSetting(db, 'language', 'nl')
    expect(await readSettings(db)).toEqual({ currentPersonId: 'person-1', language: 'nl', persistence: 'unknown', dataSaver: true, autoDownloadOnUnmetered: false })
    const o1 = dexieOutbox(db, 'r1')
    const o2 = dexieOutbox(db, 'r2')
    const id = await o1.add(new Uint8Array([1, 2, 3]))
    await o2.add(new Uint8Array([4]))
    expect(await o1.load()).toEqual([{ id, update: new Uint8Array([1, 2, 3]) }])
    await o1.remove([id])
    expect(await o1.load()).toEqual([])
    expect((await o2.load()).length).toBe(1)
    db.close()
  })
})

describe('journal shared by two tabs', () => {
  it('never drops the other tab’s entry when one tab confirms its own', () => {
    const one = new Journal('shared-doc')
    const two = new Journal('shared-doc')
    const s1 = one.append(new Uint8Array([1]))
    const s2 = two.append(new Uint8Array([2]))
    expect(s2).toBe(s1! + 1)
    one.confirm(s1!)
    expect(two.pending().map((e) => [...e.update])).toEqual([[2]])
    two.confirm(s2!)
    expect(one.pending()).toEqual([])
  })
})
