/**
 * Which changes make a device write its delivery receipt (src/ui/session/receiptNews.ts), and whose
 * a record's last change is (domain `lastChangeSchool`, which decides where a delivery state is
 * shown). A letter that reaches the partner in a changes file is news there as much as one from
 * the relay, offline or not; the device's own writes and receipts never are.
 */
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { EMPTY_ACTIVITY, announceDevice, collection, createActivity, lastChangeSchool, updateActivity, writeReceipt } from '../../src/domain'
import { CHANGES_FILE_ORIGIN } from '../../src/sync/fileOrigin'
import { HTTP_JOIN_ORIGIN } from '../../src/sync/joinByHttp'
import { receiptNewsOf, type ReceiptNews } from '../../src/ui/session/receiptNews'
import { amani, an, fork, newPartnership, sync } from '../helpers/devices'

const RELAY = { name: 'the relay provider' }

/** What each transaction on `doc` meant for receipts while `f` ran. */
function newsDuring(doc: Y.Doc, f: () => void): ReceiptNews[] {
  const seen: ReceiptNews[] = []
  const on = (tr: Y.Transaction): void => void seen.push(receiptNewsOf(doc, tr, RELAY))
  doc.on('afterTransaction', on)
  try {
    f()
  } finally {
    doc.off('afterTransaction', on)
  }
  return seen
}

/** Only transactions that are no news for receipts (there may be none, or several). */
const noNews = (seen: ReceiptNews[]): void => expect(seen.filter((n) => n !== undefined)).toEqual([])

const diff = (from: Y.Doc, to: Y.Doc): Uint8Array => Y.encodeStateAsUpdate(from, Y.encodeStateVector(to))

describe('news for delivery receipts', () => {
  it('counts an activity that arrived in a changes file, and one from the relay', () => {
    const north = newPartnership()
    const south = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    expect(newsDuring(south, () => Y.applyUpdate(south, diff(north, south), CHANGES_FILE_ORIGIN))).toEqual(['file'])
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Football' }, an)
    expect(newsDuring(south, () => Y.applyUpdate(south, diff(north, south), RELAY))).toEqual(['relay'])
    // a phone joining over HTTP gets the partnership from the relay too (src/sync/joinByHttp.ts)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Choir' }, an)
    expect(newsDuring(south, () => Y.applyUpdateV2(south, Y.encodeStateAsUpdateV2(north, Y.encodeStateVector(south)), HTTP_JOIN_ORIGIN))).toEqual(['relay'])
  })

  it("never counts this device's own writes, receipts, or updates of another origin", () => {
    const north = newPartnership()
    const south = fork(north)
    // south's own edit and its own receipt
    noNews(newsDuring(south, () => void createActivity(south, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, amani)))
    sync(north, south)
    noNews(newsDuring(north, () => expect(writeReceipt(north, { schoolId: 'sa', deviceId: 'laptop-a' })).toBe(true)))
    // a file (or the relay) that brings only a receipt: answering it would loop
    const onlyReceipt = newsDuring(south, () => Y.applyUpdate(south, diff(north, south), CHANGES_FILE_ORIGIN))
    expect(onlyReceipt.length).toBeGreaterThan(0)
    noNews(onlyReceipt)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Football' }, an)
    noNews(newsDuring(south, () => Y.applyUpdate(south, diff(north, south), 'local storage')))
  })
})

describe("whose a record's last change is", () => {
  it("is the school of the device named in updatedOn, as the devices list places it; unknown otherwise", () => {
    const north = newPartnership()
    const south = fork(north)
    announceDevice(north, 'laptop-a', new Date(), { schoolId: 'sa' })
    announceDevice(south, 'phone-b', new Date(), { schoolId: 'sb' })
    const id = createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, south)
    const record = (doc: Y.Doc): Y.Map<unknown> => collection(doc, 'activities').get(id)!
    expect(lastChangeSchool(south, record(south))).toBe('sa')
    updateActivity(south, id, { ...EMPTY_ACTIVITY, title: 'Pen pals in May' }, amani)
    sync(north, south)
    expect(lastChangeSchool(north, record(north))).toBe('sb')
    // a device that never said its school, or a change that names no device
    updateActivity(north, id, { ...EMPTY_ACTIVITY, title: 'Pen pals in June' }, { ...an, deviceId: 'tablet-x' })
    expect(lastChangeSchool(north, record(north))).toBeUndefined()
    updateActivity(north, id, { ...EMPTY_ACTIVITY, title: 'Pen pals in July' }, 'An')
    expect(lastChangeSchool(north, record(north))).toBeUndefined()
  })
})
