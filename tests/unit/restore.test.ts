import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CURRENT_SCHEMA_VERSION,
  DomainError,
  EMPTY_ACTIVITY,
  announceDevice,
  createActivity,
  deleteActivity,
  entriesOf,
  restorableFields,
  futureVersionMarks,
  isLockedByUnknownVersion,
  isTooNew,
  listActivities,
  planRestore,
  readActivity,
  readMeta,
  recentlyDeleted,
  restoreDeleted,
  restorePartnership,
  updateActivity,
} from '../../src/domain'
import { amani, an, day, fork, newPartnership, sync } from '../helpers/devices'





/** A program holding the invite, writing through Yjs only (no history, no tombstones). */
function vandal(doc: Y.Doc): void {
  const foreign = fork(doc)
  foreign.transact(() => {
    const activities = foreign.getMap('activities')
    for (const id of [...activities.keys()]) activities.delete(id)
    foreign.getMap('meta').set('name', 'hacked')
    foreign.getMap('meta').set('version:99', true)
    foreign.getMap('meta').set('schemaVersion', 99)
  })
  sync(doc, foreign)
}

describe('recently deleted', () => {
  it('lists deleted records of every kind with who and when, and Restore brings one back', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    deleteActivity(doc, id, amani, day(2))
    expect(recentlyDeleted(doc)).toEqual([
      { collection: 'activities', id, name: 'Sports day', deletedAt: day(2).toISOString(), deletedBy: 'Amani', isRemoved: false },
    ])
    restoreDeleted(doc, 'activities', id, an, day(3))
    expect(recentlyDeleted(doc)).toEqual([])
    expect(listActivities(doc).map((a) => a.title)).toEqual(['Sports day'])
  })

  it('lists records another program removed outright, by their last known name', () => {
    const doc = newPartnership()
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    vandal(doc)
    expect(recentlyDeleted(doc)).toMatchObject([{ collection: 'activities', name: 'Sports day', isRemoved: true, deletedBy: '' }])
  })
})

describe('restore the partnership', () => {
  it('brings back what a foreign program hard-deleted and overwrote, removes a version mark nobody can explain, on every device', () => {
    const a = newPartnership()
    const ids = ['Sports day', 'Letters', 'Visit'].map((title, i) => createActivity(a, { ...EMPTY_ACTIVITY, title, description: `About ${title}` }, an, day(1 + i)))
    const b = fork(a)
    announceDevice(a, 'laptop-a', day(4))
    announceDevice(b, 'phone-b', day(4))
    sync(a, b)
    const snapshot = Y.encodeStateAsUpdate(a)
    vandal(a)
    sync(a, b)
    for (const doc of [a, b]) {
      expect(listActivities(doc)).toEqual([])
      expect(isTooNew(doc)).toBe(true)
      expect(futureVersionMarks(doc)).toEqual([{ version: 99, isExplained: false, writtenBy: '' }])
      expect(isLockedByUnknownVersion(doc)).toBe(true)
    }
    expect(planRestore(b, snapshot)).toEqual({ broughtBack: 3, changed: 0, deleted: 0, metaKeys: ['name'], removedMarks: [99], changesSince: 0, changedBy: [] })
    restorePartnership(b, snapshot, amani, day(1).toISOString(), day(10))
    // each record brought back says so in its history, with nothing to "restore" to (it was gone)
    const back = entriesOf(b, 'activities', ids[0]!).at(-1)!
    expect(back).toMatchObject({ action: 'restore', isCreation: true, by: 'Amani', restoredFrom: `snapshot:${day(1).toISOString()}` })
    expect(restorableFields(back)).toEqual({ fields: [], texts: [] })
    sync(a, b)
    for (const doc of [a, b]) {
      expect(isTooNew(doc)).toBe(false)
      expect(readMeta(doc)).toMatchObject({ name: 'Gent–Huye', schemaVersion: CURRENT_SCHEMA_VERSION })
      expect(listActivities(doc).map((x) => [x.title, x.description])).toEqual([
        ['Letters', 'About Letters'],
        ['Sports day', 'About Sports day'],
        ['Visit', 'About Visit'],
      ])
    }
    // writable again: an edit goes through and merges
    updateActivity(a, ids[0]!, { status: 'planned' }, an, day(11))
    sync(a, b)
    expect(readActivity(b, ids[0]!)?.status).toBe('planned')
  })

  it('sets back changed fields and texts, undeletes, and deletes records made after the moment', () => {
    const doc = newPartnership()
    const kept = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day', description: 'Football' }, an, day(1))
    const gone = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Letters' }, an, day(1))
    const snapshot = Y.encodeStateAsUpdate(doc)
    updateActivity(doc, kept, { title: 'Renamed', description: 'Only chess' }, amani, day(2))
    deleteActivity(doc, gone, amani, day(2))
    const later = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Made later' }, amani, day(3))
    expect(restorePartnership(doc, snapshot, an, day(1).toISOString(), day(4))).toEqual({
      broughtBack: 1,
      changed: 1,
      deleted: 1,
      metaKeys: [],
      removedMarks: [],
      changesSince: 3,
      changedBy: ['Amani'],
    })
    expect(readActivity(doc, kept)).toMatchObject({ title: 'Sports day', description: 'Football', updatedBy: 'An' })
    expect(readActivity(doc, gone)?.deletedAt).toBeNull()
    expect(readActivity(doc, later)?.deletedAt).toBe(day(4).toISOString())
    expect(recentlyDeleted(doc).map((d) => d.name)).toEqual(['Made later'])
  })

  it('counts a record that comes back already deleted as set back, not brought back', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Old idea' }, an, day(1))
    deleteActivity(doc, id, an, day(2))
    const snapshot = Y.encodeStateAsUpdate(doc)
    vandal(doc)
    expect(planRestore(doc, snapshot)).toMatchObject({ broughtBack: 0, changed: 1 })
    restorePartnership(doc, snapshot, an, day(2).toISOString(), day(3))
    expect(listActivities(doc)).toEqual([])
    expect(recentlyDeleted(doc).map((d) => [d.name, d.isRemoved])).toEqual([['Old idea', false]])
  })

  it('refuses while a device of the partnership runs a newer app (the mark is explained)', () => {
    const doc = newPartnership()
    const snapshot = Y.encodeStateAsUpdate(doc)
    doc.getMap('devices').set('new-phone', { schema: 3, seenAt: day(2).toISOString() })
    doc.getMap('meta').set('version:3', true)
    expect(futureVersionMarks(doc)).toMatchObject([{ version: 3, isExplained: true }])
    expect(isLockedByUnknownVersion(doc)).toBe(false)
    expect(() => restorePartnership(doc, snapshot, an, 'x', day(3))).toThrow(DomainError)
    expect(doc.getMap('meta').get('version:3')).toBe(true)
  })

  it('refuses a snapshot that is not one, and changes nothing', () => {
    const doc = newPartnership()
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const before = Y.encodeStateVector(doc)
    expect(() => restorePartnership(doc, new Uint8Array([1, 2, 3, 4]), an, 'x')).toThrow(DomainError)
    expect(() => restorePartnership(doc, Y.encodeStateAsUpdate(new Y.Doc()), an, 'x')).toThrow(DomainError)
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('records the restore in each record\'s history', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const snapshot = Y.encodeStateAsUpdate(doc)
    updateActivity(doc, id, { title: 'Renamed' }, amani, day(2))
    restorePartnership(doc, snapshot, an, '2026-10-01T08:00:00.000Z', day(3))
    expect(entriesOf(doc, 'activities', id).at(-1)).toMatchObject({ action: 'restore', by: 'An', restoredFrom: 'snapshot:2026-10-01T08:00:00.000Z' })
  })
})
