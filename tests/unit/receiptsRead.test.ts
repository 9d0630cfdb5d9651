/**
 * Delivery receipts are read once per change of the map `receipts`, not once per record shown: a
 * school's clocks cover hundreds of clients on a five-year partnership, and the action plan asks
 * for them once per activity card — 1,000 cards read 10 receipts of ~550 clients each, 2.3 s of
 * a cold start in Node before (issue 12).
 */
import { describe, expect, it } from 'vitest'
import { EMPTY_ACTIVITY, collection, createActivity, deliveryState, readReceipts, writeReceipt } from '../../src/domain'
import { amani, an, fork, newPartnership, sync } from '../helpers/devices'

describe('reading delivery receipts', () => {
  it('reads the receipts once until a device writes one again', () => {
    const north = newPartnership()
    const south = fork(north)
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    sync(north, south)
    writeReceipt(south, { schoolId: 'sb', deviceId: 'tablet-1' })
    sync(north, south)

    const first = readReceipts(north)
    // a second read (the next card) gets the receipts already read: the same object, not a new parse
    expect(readReceipts(north)).toBe(first)
    // a change elsewhere in the document is not a change of the receipts
    createActivity(north, { ...EMPTY_ACTIVITY, title: 'Football' }, an)
    expect(readReceipts(north)).toBe(first)

    // the device writes again after news: read anew, with the new clocks
    sync(north, south)
    expect(writeReceipt(south, { schoolId: 'sb', deviceId: 'tablet-1' })).toBe(true)
    sync(north, south)
    const second = readReceipts(north)
    expect(second).not.toBe(first)
    expect(second.held.get('sb')!.get(north.clientID)).toBeGreaterThan(first.held.get('sb')!.get(north.clientID)!)
    const football = [...collection(north, 'activities').values()].find((m) => m.get('title') === 'Football')!
    expect(deliveryState(north, football, 'sa', () => true)).toBe('received-by-partner')
  })

  it('forgets a receipt removed from the document', () => {
    const doc = newPartnership()
    const other = fork(doc)
    createActivity(other, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, amani)
    sync(doc, other)
    writeReceipt(doc, { schoolId: 'sa', deviceId: 'laptop-1' })
    expect([...readReceipts(doc).held.keys()]).toEqual(['sa'])
    doc.getMap('receipts').delete('held:sa')
    expect(readReceipts(doc).held.size).toBe(0)
  })
})
