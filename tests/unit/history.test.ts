import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import {
  EMPTY_ACTIVITY,
  createActivity,
  deleteActivity,
  doubleEditsOf,
  entriesOf,
  foreignChanges,
  keepValue,
  listDoubleEdits,
  readActivity,
  restoreVersion,
  updateActivity,
  type Author,
} from '../../src/domain'
import { amani, an, day, fork, newPartnership, sync } from '../helpers/devices'

const beatrice: Author = { personId: 'p-bea', name: 'Béatrice', deviceId: 'phone-b' }
const jo: Author = { personId: 'p-jo', name: 'Jo', deviceId: 'tablet-c' }





describe('history', () => {
  it('records who changed which field from what to what, on which device', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Letters', description: 'First text' }, amani, day(1))
    updateActivity(doc, id, { title: 'Letters, class 5', description: 'Second text', status: 'planned' }, beatrice, day(2))
    const entries = entriesOf(doc, 'activities', id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'edit'])
    const [created, edited] = entries
    expect(created).toMatchObject({ by: 'Amani', byId: 'p-amani', on: 'phone-b' })
    expect(created?.fields.title).toMatchObject({ old: null, new: 'Letters' })
    expect(edited).toMatchObject({ by: 'Béatrice', byId: 'p-bea', on: 'phone-b' })
    expect(edited?.fields.title).toMatchObject({ old: 'Letters', new: 'Letters, class 5', parents: [created?.id] })
    expect(edited?.fields.status).toMatchObject({ old: 'idea', new: 'planned' })
    expect(edited?.texts.description?.old).toBe('First text')
    expect(Object.keys(edited?.fields ?? {})).not.toContain('updatedAt')
  })

  it('keeps nested map entries and deletions as changes', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Visit', responsible: { sa: 'Ms Peeters' } }, an, day(1))
    updateActivity(doc, id, { responsible: { sa: 'Mr Claes', sb: 'Ms Uwase' } }, an, day(2))
    deleteActivity(doc, id, amani, day(3))
    const [, edited, deleted] = entriesOf(doc, 'activities', id)
    expect(edited?.fields['responsible.sa']).toMatchObject({ old: 'Ms Peeters', new: 'Mr Claes' })
    expect(edited?.fields['responsible.sb']).toMatchObject({ old: null, new: 'Ms Uwase' })
    expect(deleted?.action).toBe('delete')
    expect(deleted?.by).toBe('Amani')
  })

  it('"Restore this version" writes the old values back as a new change that every device merges', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day', description: 'Football and relay' }, an, day(1))
    const b = fork(a)
    updateActivity(b, id, { title: 'Sport day (moved)', description: 'Only football' }, amani, day(2))
    sync(a, b)
    const change = entriesOf(a, 'activities', id).find((e) => e.action === 'edit')
    expect(change).toBeDefined()
    restoreVersion(a, change!.id, an, day(3))
    sync(a, b)
    for (const doc of [a, b]) {
      expect(readActivity(doc, id)).toMatchObject({ title: 'Sports day', description: 'Football and relay', updatedBy: 'An' })
      const last = entriesOf(doc, 'activities', id).at(-1)
      expect(last).toMatchObject({ action: 'restore', restoredFrom: change!.id, by: 'An' })
    }
  })

  it('does not write back a value that does not fit the field table (an entry from a hostile program)', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    doc.getMap('history').set('evil', {
      v: 1, collection: 'activities', record: id, action: 'edit', at: day(2).toISOString(), by: 'x',
      fields: { status: { old: '<script>', new: 'idea', parents: [] }, title: { old: 'Fine title', new: 'Sports day', parents: [] } },
    })
    restoreVersion(doc, 'evil', an, day(3))
    expect(readActivity(doc, id)).toMatchObject({ title: 'Fine title', status: 'idea' })
    expect((doc.getMap('activities').get(id) as Y.Map<unknown>).get('status')).not.toBe('<script>')
  })

  it('shows a change made without history as changed by another program', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day', description: 'Text' }, an, day(1))
    expect(foreignChanges(doc, 'activities', id)).toEqual([])
    // another program: writes through Yjs only
    const other = fork(doc)
    const rec = other.getMap('activities').get(id) as Y.Map<unknown>
    rec.set('title', 'Renamed elsewhere')
    ;(rec.get('description') as Y.Text).insert(0, 'More. ')
    sync(doc, other)
    expect(foreignChanges(doc, 'activities', id)).toEqual([
      { field: 'title', kind: 'value', recorded: 'Sports day', now: 'Renamed elsewhere' },
      { field: 'description', kind: 'text', recorded: null, now: 'More. Text' },
    ])
  })
})

describe('double edits', () => {
  it('two devices offline change the same title: both values shown on both devices, "Keep" settles it everywhere', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const b = fork(a)
    updateActivity(a, id, { title: 'Sports day in May' }, an, day(2))
    updateActivity(b, id, { title: 'Sports day in June' }, amani, day(3))
    sync(a, b)
    for (const doc of [a, b]) {
      const [edit] = doubleEditsOf(doc, 'activities', id)
      expect(edit?.field).toBe('title')
      expect(edit?.values.map((v) => [v.value, v.by])).toEqual([
        ['Sports day in May', 'An'],
        ['Sports day in June', 'Amani'],
      ])
      expect(listDoubleEdits(doc).map((d) => d.record)).toEqual([id])
    }
    // both show the same winner (Yjs) and the notice holds both
    expect(readActivity(a, id)?.title).toBe(readActivity(b, id)?.title)
    keepValue(b, { collection: 'activities', record: id, field: 'title' }, 'Sports day in May', amani, day(4))
    sync(a, b)
    for (const doc of [a, b]) {
      expect(doubleEditsOf(doc, 'activities', id)).toEqual([])
      expect(readActivity(doc, id)?.title).toBe('Sports day in May')
    }
  })

  it('sequential edits are no double edit', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const b = fork(a)
    updateActivity(a, id, { title: 'Sports day in May' }, an, day(2))
    sync(a, b)
    updateActivity(b, id, { title: 'Sports day in June' }, amani, day(3))
    sync(a, b)
    expect(doubleEditsOf(a, 'activities', id)).toEqual([])
    expect(doubleEditsOf(b, 'activities', id)).toEqual([])
  })

  it('the same value on both devices is no double edit', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const b = fork(a)
    updateActivity(a, id, { status: 'planned' }, an, day(2))
    updateActivity(b, id, { status: 'planned' }, amani, day(3))
    sync(a, b)
    expect(doubleEditsOf(a, 'activities', id)).toEqual([])
  })

  it('different fields on two devices are no double edit', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const b = fork(a)
    updateActivity(a, id, { status: 'planned' }, an, day(2))
    updateActivity(b, id, { title: 'Sports day 2027' }, amani, day(3))
    sync(a, b)
    expect(doubleEditsOf(a, 'activities', id)).toEqual([])
    expect(readActivity(a, id)).toMatchObject({ status: 'planned', title: 'Sports day 2027' })
  })

  it('three devices: three values, one notice', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const b = fork(a)
    const c = fork(a)
    updateActivity(a, id, { startDate: '2027-05-03' }, an, day(2))
    updateActivity(b, id, { startDate: '2027-05-10' }, amani, day(3))
    updateActivity(c, id, { startDate: '2027-05-17' }, jo, day(4))
    sync(a, b, c)
    const lists = [a, b, c].map((d) => doubleEditsOf(d, 'activities', id))
    for (const l of lists) expect(l.map((e) => e.values.map((v) => v.value))).toEqual([['2027-05-03', '2027-05-10', '2027-05-17']])
    keepValue(c, { collection: 'activities', record: id, field: 'startDate' }, '2027-05-10', jo, day(5))
    sync(a, b, c)
    for (const d of [a, b, c]) {
      expect(doubleEditsOf(d, 'activities', id)).toEqual([])
      expect(readActivity(d, id)?.startDate).toBe('2027-05-10')
    }
  })

  it('a device offline for weeks: its change meets several later changes and shows as a double edit', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    const b = fork(a)
    const c = fork(a) // goes offline
    for (let week = 1; week <= 4; week++) {
      updateActivity(a, id, { title: `Sports day v${week}` }, an, day(1 + week * 7))
      sync(a, b)
      updateActivity(b, id, { targetGroup: `class ${week}` }, amani, day(2 + week * 7))
      sync(a, b)
    }
    expect(doubleEditsOf(a, 'activities', id)).toEqual([])
    updateActivity(c, id, { title: 'Sports day (Kigali)' }, jo, day(3))
    sync(a, b, c)
    const [edit] = doubleEditsOf(b, 'activities', id)
    expect(edit?.values.map((v) => v.value)).toEqual(['Sports day (Kigali)', 'Sports day v4'])
    expect(doubleEditsOf(a, 'activities', id)).toEqual(doubleEditsOf(c, 'activities', id))
  })

  it('long texts merge by character and are never a double edit', () => {
    const a = newPartnership()
    const id = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Sports day', description: 'Football.' }, an, day(1))
    const b = fork(a)
    updateActivity(a, id, { description: 'Football. Relay.' }, an, day(2))
    updateActivity(b, id, { description: 'Morning: Football.' }, amani, day(3))
    sync(a, b)
    expect(readActivity(a, id)?.description).toBe('Morning: Football. Relay.')
    expect(doubleEditsOf(a, 'activities', id)).toEqual([])
  })
})
