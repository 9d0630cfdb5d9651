/**
 * The receipts' format (docs/schema.md, `receipts`): a receipt written on a partnership with
 * hundreds of client ids costs at most 200 B of Yjs update (issue 12; it was the whole state
 * vector, ~4–7 KB); "Received by partner school" and "Read by partner school" are two states
 * (issue 13); receipts of the old form still count as received; values of the wrong shape are
 * ignored.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  EMPTY_ACTIVITY,
  announceDevice,
  collection,
  createActivity,
  deliveryState,
  markRead,
  readReceipts,
  receivedBySchools,
  updateActivity,
  writeReceipt,
} from '../../src/domain'
import { an, fork, newPartnership, sync } from '../helpers/devices'
import { isBookkeepingOnly } from '../../src/sync/connection'
import { updatesDuring } from '../helpers/updates'

const south = { schoolId: 'sb', deviceId: 'tablet-1' }
const onRelay = (): boolean => true

/** The bytes of every Yjs update `fn` makes on `doc` (what travels to the relay and the partner). */
function updateBytes(doc: Y.Doc, fn: () => void): number {
  return updatesDuring(doc, fn).reduce((sum, u) => sum + u.update.length, 0)
}

/** The Y.Map of the activity titled `title`. */
function activityMap(doc: Y.Doc, title: string): Y.Map<unknown> {
  return [...collection(doc, 'activities').values()].find((m) => m.get('title') === title)!
}

/** The id of the activity titled `title`. */
function activityId(doc: Y.Doc, title: string): string {
  return [...collection(doc, 'activities').entries()].find(([, m]) => m.get('title') === title)![0]
}

/**
 * Years of use, cheaply: `sessions` page loads alternating between the two schools' devices
 * (online together, every update passed on at once), each with a client id of its own, a change
 * and a receipt, as the app writes one after each sync.
 */
function yearsOfUse(sessions: number): Y.Doc {
  const north = newPartnership()
  const southDoc = fork(north)
  const pass = (from: Y.Doc, to: Y.Doc): void => {
    from.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'peer') Y.applyUpdate(to, update, 'peer')
    })
  }
  pass(north, southDoc)
  pass(southDoc, north)
  for (let i = 0; i < sessions; i++) {
    const isNorth = i % 2 === 0
    const doc = isNorth ? north : southDoc
    doc.clientID = 1_000_000 + i * 7919 // a new page load
    doc.getMap('communication').set('rhythm', `Every ${i % 4} weeks`)
    writeReceipt(doc, isNorth ? { schoolId: 'sa', deviceId: 'laptop-a' } : south)
  }
  return north
}

describe('a delivery receipt', () => {
  it('costs at most 200 B of update on a partnership with hundreds of client ids, also for a new device', () => {
    const north = yearsOfUse(300)
    expect(Y.decodeStateVector(Y.encodeStateVector(north)).size).toBeGreaterThanOrEqual(300)
    // a new phone of the partner school joins: it has never written a receipt
    const phone = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, phone)
    let isWritten = false
    const bytes = updateBytes(phone, () => {
      isWritten = writeReceipt(phone, { schoolId: 'sb', deviceId: 'phone-2' })
    })
    expect(isWritten).toBe(true)
    expect(bytes).toBeLessThanOrEqual(200)
    sync(north, phone)
    expect(deliveryState(north, activityMap(north, 'Pen pals'), 'sa', onRelay)).toBe('received-by-partner')

    // the next one, after the next letter or edit arrives, too
    updateActivity(north, activityId(north, 'Pen pals'), { title: 'Pen pals 2' }, an)
    sync(north, phone)
    expect(updateBytes(phone, () => writeReceipt(phone, { schoolId: 'sb', deviceId: 'phone-2' }))).toBeLessThanOrEqual(200)
  }, 60_000)

  it('counts a receipt of the old form (the whole state vector) as received', () => {
    const north = newPartnership()
    const southDoc = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, southDoc)
    // as an app before this change wrote it
    const sv: Record<string, number> = {}
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(southDoc))) sv[String(client)] = clock
    southDoc.getMap('receipts').set('sb:tablet-1', { sv, at: '2026-10-05T08:30:00.000Z' })
    sync(north, southDoc)

    expect(deliveryState(north, activityMap(north, 'Pen pals'), 'sa', onRelay)).toBe('received-by-partner')
    // and the partner's device, now on this app, has nothing new to report
    expect(writeReceipt(southDoc, south)).toBe(false)
  })

  it('says Read only once a person of the partner school opened this version of the record', () => {
    const north = newPartnership()
    const southDoc = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, southDoc)
    writeReceipt(southDoc, south)
    sync(north, southDoc)
    expect(deliveryState(north, activityMap(north, 'Pen pals'), 'sa', onRelay)).toBe('received-by-partner')

    // a person on the partner's device opens it: one mark, written once
    const record = activityMap(southDoc, 'Pen pals')
    expect(updateBytes(southDoc, () => expect(markRead(southDoc, record, 'sb')).toBe(true))).toBeLessThanOrEqual(200)
    expect(markRead(southDoc, record, 'sb')).toBe(false)
    sync(north, southDoc)
    expect(deliveryState(north, activityMap(north, 'Pen pals'), 'sa', onRelay)).toBe('read-by-partner')
    // its own mark says nothing about the other school
    expect(deliveryState(southDoc, record, 'sb', onRelay)).toBe('on-relay')

    // changed after it was read: not received yet, then received, then read again once opened
    updateActivity(north, activityId(north, 'Pen pals'), { title: 'Pen pals, term 2' }, an)
    expect(deliveryState(north, activityMap(north, 'Pen pals, term 2'), 'sa', onRelay)).toBe('on-relay')
    sync(north, southDoc)
    expect(writeReceipt(southDoc, south)).toBe(true)
    sync(north, southDoc)
    expect(deliveryState(north, activityMap(north, 'Pen pals, term 2'), 'sa', onRelay)).toBe('received-by-partner')
    expect(markRead(southDoc, activityMap(southDoc, 'Pen pals, term 2'), 'sb')).toBe(true)
    sync(north, southDoc)
    expect(deliveryState(north, activityMap(north, 'Pen pals, term 2'), 'sa', onRelay)).toBe('read-by-partner')
  })

  it('writes no read mark for a version its own school made: nobody would be told', () => {
    const north = newPartnership()
    expect(announceDevice(north, an.deviceId, new Date(), { schoolId: 'sa' })).toBe(true)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    const southDoc = fork(north)
    // An opens her own activity on her laptop: no mark, no change waiting for the relay
    expect(markRead(north, activityMap(north, 'Pen pals'), 'sa')).toBe(false)
    // a person of the partner school opening it still marks it
    expect(markRead(southDoc, activityMap(southDoc, 'Pen pals'), 'sb')).toBe(true)
  })

  it('counts receipts and read marks as bookkeeping, not as changes saved on the device', () => {
    const north = newPartnership()
    const southDoc = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, southDoc)
    const kinds = (fn: () => void): boolean[] => updatesDuring(southDoc, fn).map((u) => isBookkeepingOnly(u.update, southDoc))
    // the receipt and the first read mark (each school's map made first, in an update of its own),
    // then a second mark over the first (a deletion in receipts)
    const receipt = kinds(() => writeReceipt(southDoc, south))
    const firstMark = kinds(() => markRead(southDoc, activityMap(southDoc, 'Pen pals'), 'sb'))
    updateActivity(north, activityId(north, 'Pen pals'), { title: 'Pen pals, term 2' }, an)
    sync(north, southDoc)
    const secondMark = kinds(() => markRead(southDoc, activityMap(southDoc, 'Pen pals, term 2'), 'sb'))
    expect([receipt, firstMark, secondMark]).toEqual([[true, true], [true, true], [true]])
    // an edit and its history entry: the edit counts
    expect(kinds(() => updateActivity(southDoc, activityId(southDoc, 'Pen pals, term 2'), { title: 'Pen pals, term 3' }, an))).toEqual([false, true])
    // an update the document does not know yet is not taken for bookkeeping
    const other = fork(north)
    const unknown: Uint8Array[] = []
    other.on('update', (u: Uint8Array) => void unknown.push(u))
    markRead(other, activityMap(other, 'Pen pals, term 2'), 'sb')
    expect(unknown.length).toBeGreaterThan(0)
    expect(unknown.every((u) => isBookkeepingOnly(u, new Y.Doc()))).toBe(false)
  })

  it('is not news: a read mark or a receipt arriving makes no receipt (no loop)', () => {
    const north = newPartnership()
    const southDoc = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, southDoc)
    // each school's first receipt (the schools' own records, made deterministically, are news)
    expect(writeReceipt(north, { schoolId: 'sa', deviceId: 'laptop-a' })).toBe(true)
    expect(writeReceipt(southDoc, south)).toBe(true)
    sync(north, southDoc)
    expect(markRead(southDoc, activityMap(southDoc, 'Pen pals'), 'sb')).toBe(true)
    sync(north, southDoc)
    // each now only sees the other's receipt and mark: nothing to answer
    expect(writeReceipt(north, { schoolId: 'sa', deviceId: 'laptop-a' })).toBe(false)
    expect(writeReceipt(southDoc, south)).toBe(false)
  })

  it('keeps what two devices of one school reported offline at the same time', () => {
    const north = newPartnership()
    const tablet = fork(north)
    const phone = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, tablet)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Football' }, an)
    sync(north, phone)
    // both report the same client (north's), with different clocks, not knowing of each other
    expect(writeReceipt(phone, { schoolId: 'sb', deviceId: 'phone-1' })).toBe(true)
    expect(writeReceipt(tablet, south)).toBe(true)
    sync(north, tablet, phone)
    expect(receivedBySchools(north, activityMap(north, 'Pen pals'))).toEqual(['sb'])
    expect(receivedBySchools(north, activityMap(north, 'Football'))).toEqual(['sb'])
  })

  it('ignores receipts and read marks of the wrong shape', () => {
    const north = newPartnership()
    const southDoc = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, southDoc)
    const record = activityMap(north, 'Pen pals')
    const id = activityId(north, 'Pen pals')
    const big = String(north.clientID)
    const receipts = southDoc.getMap<unknown>('receipts')
    southDoc.transact(() => {
      receipts.set('held:sa', 'everything') // not a map
      const held = new Y.Map<unknown>()
      receipts.set('held:sb', held)
      held.set(big, String(1e9)) // a clock that is not a number
      held.set('not-a-client', 1e9)
      held.set('99999999999', 1e9) // not a 32-bit client id
      const read = new Y.Map<unknown>()
      receipts.set('read:sb', read)
      read.set(id, { at: 5, updatedAt: record.get('updatedAt') }) // `at` not a string
      receipts.set('sb:tablet-9', { sv: 'all of it', at: '' })
      receipts.set('sb:tablet-8', { sv: { [big]: -1 } })
      receipts.set('sb:tablet-7', null)
      receipts.set('sb:tablet-6', [1, 2, 3])
      receipts.set(':nobody', { sv: { [big]: 1e9 } })
      receipts.set('read:', new Y.Map())
    })
    sync(north, southDoc)
    expect(readReceipts(north).read.get('sb')?.size ?? 0).toBe(0)
    expect(receivedBySchools(north, record)).toEqual([])
    expect(deliveryState(north, record, 'sa', onRelay)).toBe('on-relay')

    // the partner's next receipt and mark still land, in maps of their own
    expect(writeReceipt(southDoc, south)).toBe(true)
    expect(markRead(southDoc, activityMap(southDoc, 'Pen pals'), 'sb')).toBe(true)
    sync(north, southDoc)
    expect(deliveryState(north, record, 'sa', onRelay)).toBe('read-by-partner')
  })
})
