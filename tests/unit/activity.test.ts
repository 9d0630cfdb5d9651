import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CURRENT_SCHEMA_VERSION,
  EMPTY_ACTIVITY,
  ValidationError,
  createActivity,
  deleteActivity,
  groupByMonth,
  initPartnership,
  listActivities,
  readActivity,
  readMeta,
  restoreActivity,
  setTextMinimal,
  updateActivity,
  type ActivityInput,
} from '../../src/domain'

function newPartnership(): { doc: Y.Doc; a: string; b: string } {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId: 'sa', schoolBId: 'sb' }, 'An')
  return { doc, a: 'sa', b: 'sb' }
}

/** Two devices that start from the same state, then edit apart. */
function fork(doc: Y.Doc): Y.Doc {
  const other = new Y.Doc()
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
  return other
}

function merge(x: Y.Doc, y: Y.Doc): void {
  Y.applyUpdate(x, Y.encodeStateAsUpdate(y, Y.encodeStateVector(x)))
  Y.applyUpdate(y, Y.encodeStateAsUpdate(x, Y.encodeStateVector(y)))
}

const letters: ActivityInput = {
  ...EMPTY_ACTIVITY,
  title: 'Letter exchange, class 5',
  description: 'Pupils write about their family.',
  expectedResults: 'Every pupil has a pen pal.',
  targetGroup: 'Pupils aged 10–11',
  kind: 'with-partner',
  startDate: '2026-10-05',
  endDate: '2026-11-20',
  status: 'planned',
}

describe('activity', () => {
  it('creates and reads back every field', () => {
    const { doc, a, b } = newPartnership()
    const id = createActivity(doc, { ...letters, leadSchoolId: a, responsible: { [a]: 'Ms Peeters', [b]: 'Mr Habimana' }, cost: { [a]: { amount: 12.5, currency: 'eur' }, [b]: { amount: 3000, currency: 'RWF' } } }, 'An', new Date('2026-09-01T10:00:00Z'))
    const got = readActivity(doc, id)
    expect(got).toMatchObject({
      id,
      title: 'Letter exchange, class 5',
      description: 'Pupils write about their family.',
      expectedResults: 'Every pupil has a pen pal.',
      targetGroup: 'Pupils aged 10–11',
      kind: 'with-partner',
      leadSchoolId: a,
      startDate: '2026-10-05',
      endDate: '2026-11-20',
      status: 'planned',
      responsible: { [a]: 'Ms Peeters', [b]: 'Mr Habimana' },
      cost: { [a]: { amount: 12.5, currency: 'EUR' }, [b]: { amount: 3000, currency: 'RWF' } },
      createdBy: 'An',
      createdAt: '2026-09-01T10:00:00.000Z',
      updatedBy: 'An',
      deletedAt: null,
    })
    expect(doc.getMap<Y.Map<unknown>>('activities').get(id)?.get('description')).toBeInstanceOf(Y.Text)
  })

  it('refuses an empty title, an end before the start and a negative cost, naming each field', () => {
    const { doc, a } = newPartnership()
    try {
      createActivity(doc, { ...letters, title: '  ', startDate: '2026-05-10', endDate: '2026-05-01', cost: { [a]: { amount: -5, currency: 'EUR' } } }, 'An')
      expect.unreachable('validation should have failed')
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError)
      const issues = (err as ValidationError).issues.map((i) => [i.code, i.field])
      expect(issues).toEqual([
        ['titleRequired', 'title'],
        ['endBeforeStart', 'endDate'],
        ['negativeCost', `cost.${a}`],
      ])
    }
    expect(listActivities(doc)).toEqual([])
  })

  it('refuses impossible dates, unknown schools and currencies that are not ISO codes', () => {
    const { doc } = newPartnership()
    expect(() => createActivity(doc, { ...letters, startDate: '2026-02-30' }, 'An')).toThrow(/invalidDate/)
    expect(() => createActivity(doc, { ...letters, leadSchoolId: 'elsewhere' }, 'An')).toThrow(/invalidChoice/)
    expect(() => createActivity(doc, { ...letters, cost: { sa: { amount: 1, currency: 'euro' } } }, 'An')).toThrow(/invalidCurrency/)
  })

  it('updates only what changed and records who changed it', () => {
    const { doc } = newPartnership()
    const id = createActivity(doc, letters, 'An', new Date('2026-09-01T10:00:00Z'))
    updateActivity(doc, id, { status: 'in-progress' }, 'Jean', new Date('2026-10-06T08:00:00Z'))
    const got = readActivity(doc, id)!
    expect(got.status).toBe('in-progress')
    expect(got.title).toBe(letters.title)
    expect(got.updatedBy).toBe('Jean')
    expect(got.updatedAt).toBe('2026-10-06T08:00:00.000Z')
    expect(got.createdBy).toBe('An')
  })

  it('deletes with a tombstone that can be undone', () => {
    const { doc } = newPartnership()
    const id = createActivity(doc, letters, 'An')
    deleteActivity(doc, id, 'An')
    expect(listActivities(doc)).toEqual([])
    expect(listActivities(doc, { includeDeleted: true })[0]?.deletedBy).toBe('An')
    restoreActivity(doc, id, 'An')
    expect(listActivities(doc).map((x) => x.id)).toEqual([id])
  })

  it('groups the plan by month, undated activities last', () => {
    const { doc } = newPartnership()
    createActivity(doc, { ...letters, title: 'B', startDate: '2026-10-20', endDate: '' }, 'An')
    createActivity(doc, { ...letters, title: 'Idea', startDate: '', endDate: '' }, 'An')
    createActivity(doc, { ...letters, title: 'A', startDate: '2026-10-02', endDate: '' }, 'An')
    createActivity(doc, { ...letters, title: 'C', startDate: '2027-01-15', endDate: '' }, 'An')
    expect(groupByMonth(listActivities(doc)).map((g) => [g.month, g.activities.map((x) => x.title)])).toEqual([
      ['2026-10', ['A', 'B']],
      ['2027-01', ['C']],
      ['', ['Idea']],
    ])
  })
})

describe('activity merging between two devices', () => {
  it('keeps both edits when two devices change different fields of the same activity offline', () => {
    const { doc: north } = newPartnership()
    const id = createActivity(north, letters, 'An')
    const south = fork(north)
    updateActivity(north, id, { title: 'Letter exchange, classes 5 and 6' }, 'An')
    updateActivity(south, id, { status: 'in-progress', startDate: '2026-10-12' }, 'Jean')
    merge(north, south)
    for (const d of [north, south]) {
      const got = readActivity(d, id)!
      expect(got.title).toBe('Letter exchange, classes 5 and 6')
      expect(got.status).toBe('in-progress')
      expect(got.startDate).toBe('2026-10-12')
    }
  })

  it('merges concurrent edits of the same description by character', () => {
    const { doc: north } = newPartnership()
    const id = createActivity(north, { ...letters, description: 'Pupils write about their family.' }, 'An')
    const south = fork(north)
    updateActivity(north, id, { description: 'Our pupils write about their family.' }, 'An')
    updateActivity(south, id, { description: 'Pupils write about their family and their town.' }, 'Jean')
    merge(north, south)
    expect(readActivity(north, id)!.description).toBe('Our pupils write about their family and their town.')
    expect(readActivity(south, id)!.description).toBe(readActivity(north, id)!.description)
  })

  it('keeps each school its own cost and responsible people when both edit offline', () => {
    const { doc: north, a, b } = newPartnership()
    const id = createActivity(north, letters, 'An')
    const south = fork(north)
    updateActivity(north, id, { cost: { [a]: { amount: 20, currency: 'EUR' } }, responsible: { [a]: 'Ms Peeters' } }, 'An')
    updateActivity(south, id, { cost: { [b]: { amount: 5000, currency: 'RWF' } }, responsible: { [b]: 'Mr Habimana' } }, 'Jean')
    merge(north, south)
    const got = readActivity(north, id)!
    expect(got.cost).toEqual({ [a]: { amount: 20, currency: 'EUR' }, [b]: { amount: 5000, currency: 'RWF' } })
    expect(got.responsible).toEqual({ [a]: 'Ms Peeters', [b]: 'Mr Habimana' })
  })

  it('shows an edit made on one device to an activity deleted on the other, still deleted but not lost', () => {
    const { doc: north } = newPartnership()
    const id = createActivity(north, letters, 'An')
    const south = fork(north)
    deleteActivity(north, id, 'An')
    updateActivity(south, id, { title: 'Renamed' }, 'Jean')
    merge(north, south)
    const got = listActivities(north, { includeDeleted: true })[0]!
    expect(got.deletedAt).not.toBeNull()
    expect(got.title).toBe('Renamed')
  })

  it('converges when both devices add activities at the same time', () => {
    const { doc: north } = newPartnership()
    const south = fork(north)
    createActivity(north, { ...letters, title: 'North idea' }, 'An')
    createActivity(south, { ...letters, title: 'South idea' }, 'Jean')
    merge(north, south)
    expect(listActivities(north).map((x) => x.title).sort()).toEqual(['North idea', 'South idea'])
    expect(Y.encodeStateVector(north)).toEqual(Y.encodeStateVector(south))
  })
})

describe('setTextMinimal', () => {
  it('edits only the changed middle of a text', () => {
    const doc = new Y.Doc()
    const t = doc.getText('t')
    t.insert(0, 'hello world')
    const ops: unknown[] = []
    t.observe((e) => ops.push(...e.delta))
    setTextMinimal(t, 'hello brave world')
    expect(t.toString()).toBe('hello brave world')
    expect(ops).toEqual([{ retain: 6 }, { insert: 'brave ' }])
  })
})

describe('partnership meta', () => {
  it('records the two schools and refuses a second initialisation', () => {
    const { doc } = newPartnership()
    expect(readMeta(doc)).toMatchObject({ schemaVersion: CURRENT_SCHEMA_VERSION, name: 'Gent–Huye', schoolA: { id: 'sa', name: 'Sint-Jan Gent' }, schoolB: { id: 'sb', name: 'GS Huye' } })
    expect(() => initPartnership(doc, { name: 'x', ourSchoolName: 'y', partnerSchoolName: 'z' }, { schoolAId: '1', schoolBId: '2' }, 'An')).toThrow()
  })
})

describe('fields this app does not understand', () => {
  it('keeps them through an unrelated edit', () => {
    const { doc, a, b } = newPartnership()
    const id = createActivity(doc, { ...letters, responsible: { [a]: 'Ms Peeters' }, cost: { [a]: { amount: 10, currency: 'EUR' } } }, 'An')
    const map = doc.getMap<Y.Map<unknown>>('activities').get(id)!
    // a newer app wrote richer shapes for school b
    ;(map.get('responsible') as Y.Map<unknown>).set(b, { names: ['Jean'], phone: '+250' })
    ;(map.get('cost') as Y.Map<unknown>).set(b, { min: 1000, max: 2000, currency: 'RWF' })
    map.set('photoHash', 'abc123')
    updateActivity(doc, id, { title: 'Renamed' }, 'An')
    expect((map.get('responsible') as Y.Map<unknown>).get(b)).toEqual({ names: ['Jean'], phone: '+250' })
    expect((map.get('cost') as Y.Map<unknown>).get(b)).toEqual({ min: 1000, max: 2000, currency: 'RWF' })
    expect(map.get('photoHash')).toBe('abc123')
    // removing what this app knows still works
    updateActivity(doc, id, { responsible: {}, cost: {} }, 'An')
    expect((map.get('responsible') as Y.Map<unknown>).has(a)).toBe(false)
    expect((map.get('cost') as Y.Map<unknown>).has(a)).toBe(false)
  })
})
