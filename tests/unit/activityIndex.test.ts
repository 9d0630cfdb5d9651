/**
 * The activities the action plan shows, kept read (domain activityIndex.ts): after any mix of
 * edits — here, on another device, merged, inside nested maps and texts, deletions and restores,
 * raw writes another program could make — `activitiesOf` lists what `listActivities` lists, in
 * the same order; an unchanged document gives the same array; the first read can go a slice at
 * a time, and edits during it are not lost.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  EMPTY_ACTIVITY,
  activitiesOf,
  collection,
  createActivity,
  deleteActivity,
  listActivities,
  restoreActivity,
  updateActivity,
  whenActivitiesRead,
  type ActivityInput,
} from '../../src/domain'
import { newPartnership as partnershipOf } from '../helpers/devices'
import { mulberry32 as random } from '../helpers/random'

const newPartnership = (): Y.Doc => partnershipOf({ author: 'An' })


const TITLES = ['Letter exchange', 'Football match', 'Art week', 'Art week', 'Visit', 'Garden']
const DATES = ['', '2026-09-14', '2026-10-05', '2026-10-05', '2027-01-20', '2027-03-01']

function input(rnd: () => number, i: number): ActivityInput {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const start = pick(DATES)
  return {
    ...EMPTY_ACTIVITY,
    title: `${pick(TITLES)} ${i % 3}`,
    description: `About ${i}`,
    startDate: start,
    endDate: start && rnd() < 0.5 ? '2027-06-30' : '',
    status: pick(['idea', 'planned', 'done', 'dropped'] as const),
    responsible: rnd() < 0.5 ? { sa: `Teacher ${i}` } : {},
    cost: rnd() < 0.3 ? { sb: { amount: i, currency: 'RWF' } } : {},
  }
}

/** One random edit of `doc`, made in the ways a device or another program can change activities. */
function randomEdit(doc: Y.Doc, other: Y.Doc, rnd: () => number, step: number): void {
  // records only (another program may have put something else under a key)
  const ids = [...collection(doc, 'activities').entries()].filter(([, m]) => m instanceof Y.Map).map(([k]) => k)
  const id = ids[Math.floor(rnd() * ids.length)]
  const r = rnd()
  if (r < 0.2 || !id) createActivity(doc, input(rnd, step), 'An')
  else if (r < 0.35) updateActivity(doc, id, { title: `Renamed ${step}`, startDate: DATES[step % DATES.length]! }, 'An')
  else if (r < 0.45) deleteActivity(doc, id, 'An')
  else if (r < 0.5) {
    try {
      restoreActivity(doc, id, 'An')
    } catch {
      /* not deleted: nothing to restore */
    }
  } else if (r < 0.6) {
    // nested: a responsible person of one school, and the description text
    const map = collection(doc, 'activities').get(id)!
    doc.transact(() => {
      const responsible = map.get('responsible')
      if (responsible instanceof Y.Map) responsible.set('sb', `Mr ${step}`)
      const text = map.get('description')
      if (text instanceof Y.Text) text.insert(0, `${step} `)
    })
  } else if (r < 0.7) {
    // another program: a record replaced by a value that is no record, or a field of a wrong shape
    if (rnd() < 0.5) collection(doc, 'activities').set(id, 'not a record' as unknown as Y.Map<unknown>)
    else collection(doc, 'activities').get(id)?.set('status', 42)
  } else if (r < 0.85) {
    // on the other device, then merged
    const otherIds = [...collection(other, 'activities').entries()].filter(([, m]) => m instanceof Y.Map).map(([k]) => k)
    const otherId = otherIds[Math.floor(rnd() * otherIds.length)]
    if (otherId && rnd() < 0.5) updateActivity(other, otherId, { status: 'postponed', title: `There ${step}` }, 'Bea')
    else createActivity(other, input(rnd, 1000 + step), 'Bea')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)))
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)))
  } else {
    // something else changes: not an activity
    doc.getMap('meta').set('name', `Name ${step}`)
  }
}

describe('activitiesOf', () => {
  it('lists what listActivities lists, in the same order, after every one of 400 random edits', () => {
    const rnd = random(12)
    const doc = newPartnership()
    for (let i = 0; i < 20; i++) createActivity(doc, input(rnd, i), 'An')
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    expect(activitiesOf(doc)).toEqual(listActivities(doc))
    for (let step = 0; step < 400; step++) {
      randomEdit(doc, other, rnd, step)
      expect(activitiesOf(doc), `after edit ${step}`).toEqual(listActivities(doc))
    }
  })

  it('gives the same array while no activity changed, and a new one when one did', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Art week' }, 'An')
    const first = activitiesOf(doc)
    doc.getMap('meta').set('name', 'Another name')
    expect(activitiesOf(doc)).toBe(first)
    updateActivity(doc, id, { title: 'Art weeks' }, 'An')
    const second = activitiesOf(doc)
    expect(second).not.toBe(first)
    expect(second.map((a) => a.title)).toEqual(['Art weeks'])
  })

  it('reads a short plan at once: nothing to wait for', () => {
    const doc = newPartnership()
    for (let i = 0; i < 5; i++) createActivity(doc, { ...EMPTY_ACTIVITY, title: `Activity ${i}` }, 'An')
    expect(whenActivitiesRead(doc, () => Promise.reject(new Error('no turn needed')))).toBeUndefined()
    expect(activitiesOf(doc)).toEqual(listActivities(doc))
  })

  it('reads the list as it is inside a transaction, before the change is noted', () => {
    const doc = newPartnership()
    const id = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Art week' }, 'An')
    activitiesOf(doc)
    let inside: string[] = []
    doc.transact(() => {
      collection(doc, 'activities').get(id)!.set('title', 'Changed inside')
      inside = activitiesOf(doc).map((a) => a.title)
    })
    expect(inside).toEqual(['Changed inside'])
    expect(activitiesOf(doc).map((a) => a.title)).toEqual(['Changed inside'])
  })

  it('reads a first time a slice at a time, keeping edits made between the slices', async () => {
    const rnd = random(3)
    const doc = newPartnership()
    for (let i = 0; i < 300; i++) createActivity(doc, input(rnd, i), 'An')
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    let turns = 0
    // every turn the browser gets, something changes
    const nextTask = async (): Promise<void> => {
      turns++
      randomEdit(doc, other, rnd, turns)
      await Promise.resolve()
    }
    const reading = whenActivitiesRead(doc, nextTask, 0)
    expect(reading).toBeDefined()
    // one run at a time
    expect(whenActivitiesRead(doc, nextTask, 0)).toBe(reading)
    await reading
    expect(turns).toBeGreaterThan(10)
    expect(whenActivitiesRead(doc, nextTask, 0)).toBeUndefined()
    const read = activitiesOf(doc)
    expect(read).toEqual(listActivities(doc))
    expect(read.length).toBeGreaterThan(200)
  })
})
