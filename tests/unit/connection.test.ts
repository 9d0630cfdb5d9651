import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, initPartnership, updateActivity } from '../../src/domain'
import { MAX_BACKOFF_MS, isBookkeepingOnly, jitteredBackoff, reasonOfCode } from '../../src/sync/connection'
import { CLOSE } from '../../src/sync/wire'

describe('reconnect backoff', () => {
  it('grows exponentially, is capped, and spreads phones between half and all of each step', () => {
    expect(jitteredBackoff(1, () => 0)).toBe(100)
    expect(jitteredBackoff(1, () => 1)).toBe(200)
    expect(jitteredBackoff(4, () => 0.5)).toBe(1200)
    expect(jitteredBackoff(30, () => 1)).toBe(MAX_BACKOFF_MS)
    expect(jitteredBackoff(30, () => 0)).toBe(MAX_BACKOFF_MS / 2)
    const delays = new Set(Array.from({ length: 20 }, () => jitteredBackoff(8)))
    expect(delays.size).toBeGreaterThan(1)
  })
})

describe('close codes', () => {
  it('maps the relay close codes to reasons the app can explain', () => {
    expect(reasonOfCode(CLOSE.proofRefused)).toBe('proofRefused')
    expect(reasonOfCode(CLOSE.unknownRoom)).toBe('unknownRoom')
    expect(reasonOfCode(CLOSE.unavailable)).toBe('unavailable')
    expect(reasonOfCode(1006)).toBeUndefined()
  })
})

describe('counting changes saved on the device', () => {
  it('counts an edit once: the history entry that follows it is not a change of its own', () => {
    const doc = new Y.Doc()
    initPartnership(doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'One' }, 'An')
    updateActivity(doc, id, { title: 'Two' }, 'An')
    expect(updates.map((u) => isBookkeepingOnly(u, doc))).toEqual([false, true, false, true])
    expect(isBookkeepingOnly(Y.mergeUpdates(updates.slice(0, 2)), doc)).toBe(false)
    expect(isBookkeepingOnly(new Uint8Array([9, 9, 9]), doc)).toBe(false)
  })
})
