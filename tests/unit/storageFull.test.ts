/**
 * A full phone says so (issue 10 §6). IndexedDB refuses writes at the storage boundary — the
 * object store's add/put fails with QuotaExceededError and its transaction aborts, as a browser
 * does when the quota is reached — and we check what a teacher and the next app start see:
 * the indicator says the phone is full, the edit is still in the document and in the journal,
 * and once there is space again the retry stores it and the indicator says "Saved on this device".
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import i18next from 'i18next'
import en from '../../src/i18n/locales/en.json'
import nl from '../../src/i18n/locales/nl.json'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities } from '../../src/domain'
import { Journal } from '../../src/storage/journal'
import { ScholenbandDb, docName, openLocalDocument, storageHealth } from '../../src/storage'
import { finishUpload, freeDownloadedPhotos, photoStorage, putBlob, storePhotoForUpload } from '../../src/storage/blobs'
import { saveDraft } from '../../src/storage/drafts'
import type { LetterDraft } from '../../src/domain/letters'
import { syncStateText } from '../../src/ui/components/SyncIndicator'
import { letterDraft } from '../helpers/letters'
import { localDocuments } from '../helpers/localDocuments'

/** Databases whose writes IndexedDB refuses for lack of space. */
const fullDatabases = new Set<string>()

type AddPut = (this: IDBObjectStore, value: unknown, key?: IDBValidKey) => IDBRequest<IDBValidKey>
const proto = IDBObjectStore.prototype as unknown as { add: AddPut; put: AddPut }
const originalAdd = proto.add
const originalPut = proto.put

function refusing(original: AddPut): AddPut {
  return function (this: IDBObjectStore, value, key) {
    if (!fullDatabases.has(this.transaction.db.name)) return original.call(this, value, key)
    // the request fails and its transaction aborts with QuotaExceededError, asynchronously,
    // as in a browser whose quota is reached (fake-indexeddb's own request machinery)
    const tx = this.transaction as unknown as { _execRequestAsync(r: { operation: () => never; source: unknown }): IDBRequest<IDBValidKey> }
    return tx._execRequestAsync({
      operation: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      },
      source: this,
    })
  }
}
proto.add = refusing(originalAdd)
proto.put = refusing(originalPut)

const docs = localDocuments()
const openDoc = docs.open
afterEach(async () => {
  fullDatabases.clear()
  await docs.destroyAll()
  localStorage.clear()
})

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(cond()).toBe(true)
}

async function translator(lng: 'en' | 'nl') {
  const i18n = i18next.createInstance()
  await i18n.init({ lng, resources: { en: { translation: en }, nl: { translation: nl } }, interpolation: { escapeValue: false } })
  return i18n.t
}

/** What IndexedDB alone holds for a room (no journal): the state the next start reads. */
async function storedTitles(roomId: string): Promise<string[]> {
  const journalKey = `sb-journal:${docName(roomId)}`
  const saved = localStorage.getItem(journalKey)
  localStorage.removeItem(journalKey)
  const d = openLocalDocument(roomId)
  await d.whenLoaded
  const titles = listActivities(d.doc).map((a) => a.title)
  await d.destroy()
  if (saved !== null) localStorage.setItem(journalKey, saved)
  return titles
}

/** Whether the journal holds the edit: what IndexedDB had stored (`base`) plus the journal's entries. */
function journalHolds(roomId: string, title: string, base: Uint8Array): boolean {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, base)
  for (const e of new Journal(docName(roomId)).pending()) Y.applyUpdate(doc, e.update)
  return listActivities(doc).some((a) => a.title === title)
}

const DRAFT: LetterDraft = letterDraft({ body: 'Written on a full phone' })

const SAVED = { kind: 'saved-local', pending: 1 } as const

describe('a full phone', () => {
  it('says the phone is full, keeps the edit in memory and in the journal, and saves it once there is space', async () => {
    const t = await translator('en')
    const room = 'room-full'
    const d = await openDoc(room)
    initPartnership(d.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    await until(() => localStorage.length === 0)
    expect(syncStateText(SAVED, t, storageHealth.getState())).toBe('Saved on this device · 1 change not yet on the relay')

    const base = Y.encodeStateAsUpdate(d.doc)
    fullDatabases.add(docName(room))
    createActivity(d.doc, { ...EMPTY_ACTIVITY, title: 'Written on a full phone' }, 'An')
    await until(() => storageHealth.getState().kind === 'full')
    expect(syncStateText(SAVED, t, storageHealth.getState())).toBe(
      'This phone is full: your last changes are kept only while the app stays open. Free space, then they are saved.',
    )
    expect(syncStateText({ kind: 'offline', pending: 1 }, await translator('nl'), storageHealth.getState())).toMatch(/^Deze telefoon is vol/)
    // nothing is lost: the document holds it, and so does the journal (for the next start)
    expect(listActivities(d.doc).map((a) => a.title)).toContain('Written on a full phone')
    expect(journalHolds(room, 'Written on a full phone', base)).toBe(true)
    // the next edit is a retry too, and is refused as well: still full, both kept
    createActivity(d.doc, { ...EMPTY_ACTIVITY, title: 'Second on a full phone' }, 'An')
    expect(await d.flush()).toBe(false)
    expect(storageHealth.getState().kind).toBe('full')
    expect(journalHolds(room, 'Written on a full phone', base) && journalHolds(room, 'Second on a full phone', base)).toBe(true)
    expect(await storedTitles(room)).toEqual([])

    // space is back; the app comes to the front again (focus): the retry writes everything
    fullDatabases.clear()
    storageHealth.retryNow()
    await until(() => storageHealth.getState().kind === 'ok')
    expect(syncStateText(SAVED, t, storageHealth.getState())).toBe('Saved on this device · 1 change not yet on the relay')
    expect(d.unsaved()).toBe(0)
    await until(() => localStorage.getItem(`sb-journal:${docName(room)}`) === null)
    expect((await storedTitles(room)).sort()).toEqual(['Second on a full phone', 'Written on a full phone'])
  })

  it('keeps the journal entry when the write is refused, so a restart still has the edit', async () => {
    const room = 'room-journal-full'
    const d = await openDoc(room)
    initPartnership(d.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    await until(() => localStorage.length === 0)
    const base = Y.encodeStateAsUpdate(d.doc)
    fullDatabases.add(docName(room))
    createActivity(d.doc, { ...EMPTY_ACTIVITY, title: 'Before the battery died' }, 'An')
    // give IndexedDB every chance to answer (the refused write aborts its transaction)
    await until(() => storageHealth.getState().kind === 'full')
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 5))
    expect(journalHolds(room, 'Before the battery died', base)).toBe(true)
    // the app is closed while the phone is still full, then opened with space: the edit is there
    await d.destroy()
    docs.forget()
    fullDatabases.clear()
    const again = await openDoc(room)
    expect(listActivities(again.doc).map((a) => a.title)).toEqual(['Before the battery died'])
    await until(() => localStorage.getItem(`sb-journal:${docName(room)}`) === null)
    expect(await storedTitles(room)).toEqual(['Before the battery died'])
    expect(storageHealth.getState().kind).toBe('ok')
  })

  it('a draft refused by the registry is reported, and the next save clears it', async () => {
    const db = new ScholenbandDb('full-drafts')
    await db.open()
    fullDatabases.add('full-drafts')
    await expect(saveDraft(db, 'room', 'draft-1', DRAFT, 'person')).rejects.toBeTruthy()
    expect(storageHealth.getState().kind).toBe('full')
    fullDatabases.clear()
    await saveDraft(db, 'room', 'draft-1', DRAFT, 'person')
    expect(storageHealth.getState().kind).toBe('ok')
    expect((await db.drafts.get('draft-1'))?.body).toBe('Written on a full phone')
    db.close()
  })
})

describe('freeing downloaded photos', () => {
  it('counts the photos and frees only those also on the relay, never one still to upload', async () => {
    const db = new ScholenbandDb('free-photos')
    const meta = (hash: string) => ({ hash, type: 'image/jpeg', bytes: 0, width: 1, height: 1 })
    await putBlob(db, meta('a'.repeat(64)), new Uint8Array(1000)) // downloaded from the relay
    await storePhotoForUpload(db, 'room', meta('b'.repeat(64)), new Uint8Array(3000)) // only here, queued
    await storePhotoForUpload(db, 'room', meta('c'.repeat(64)), new Uint8Array(500)) // uploaded since
    await finishUpload(db, 'room', 'c'.repeat(64))
    expect(await photoStorage(db)).toEqual({ count: 3, bytes: 4500, freeableCount: 2, freeableBytes: 1500 })
    expect(await freeDownloadedPhotos(db)).toEqual({ count: 2, bytes: 1500 })
    expect((await db.blobs.toArray()).map((r) => r.hash)).toEqual(['b'.repeat(64)])
    expect(await photoStorage(db)).toEqual({ count: 1, bytes: 3000, freeableCount: 0, freeableBytes: 0 })
    db.close()
  })
})
