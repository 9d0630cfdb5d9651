import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CHANNELS,
  COLLECTIONS,
  EMPTY_ACTIVITY,
  PERSON,
  STAMP_FIELDS,
  addMeeting,
  addNextStep,
  addOrganisation,
  addPartnerInput,
  addPeriod,
  addPerson,
  addSchoolLeader,
  addTranslation,
  answerReflection,
  createActivity,
  decideOrganisation,
  emptyFields,
  fieldSpec,
  initPartnership,
  isShortValue,
  listPeople,
  planFeedbackMoment,
  readFields,
  recordType,
  sendLetter,
  setNextStepDone,
  setOrganisationStepDone,
  setOrganisationStepNotes,
  setPartnerInputReceived,
  startReflection,
  updateAgreementDraft,
  updateAgreements,
  updateMeeting,
  updatePerson,
  updateSchoolProfile,
  writeChangedFields,
  type Author,
  type FieldSpec,
  type FieldTable,
  type FieldValues,
} from '../../src/domain'
import { fork, sync } from '../helpers/devices'


interface Point {
  readonly x: number
  readonly y: number
}

function isPoint(v: unknown): v is Point {
  const p = v as Record<string, unknown>
  return typeof p.x === 'number' && typeof p.y === 'number'
}

/** A table with every kind, nested records included. */
const TABLE = {
  name: { kind: 'string', max: 10 },
  doneAt: { kind: 'string', nullable: true },
  where: { kind: 'object', is: isPoint },
  pins: { kind: 'map', of: { kind: 'object', is: isPoint } },
  steps: { kind: 'records', fields: { isDone: { kind: 'boolean' }, doneBy: { kind: 'string', nullable: true }, notes: { kind: 'text' } } },
} as const

describe('field kinds', () => {
  it('reads a nullable string as a string or null, never as anything else', () => {
    const doc = new Y.Doc()
    const m = doc.getMap<unknown>('r')
    expect(emptyFields(TABLE).doneAt).toBeNull()
    expect(readFields(TABLE, m).doneAt).toBeNull()
    m.set('doneAt', 5)
    expect(readFields(TABLE, m).doneAt).toBeNull()
    m.set('doneAt', '2026-10-05T08:30:00.000Z')
    expect(readFields(TABLE, m).doneAt).toBe('2026-10-05T08:30:00.000Z')
    expect(isShortValue(TABLE.doneAt, null)).toBe(true)
    expect(isShortValue(TABLE.name, null)).toBe(false)
  })

  it('reads an object only when its check accepts it, and skips map entries it refuses', () => {
    const doc = new Y.Doc()
    const m = doc.getMap<unknown>('r')
    const pins = new Y.Map<unknown>()
    m.set('where', { x: 'one', y: 2 })
    m.set('pins', pins)
    pins.set('a', { x: 1, y: 2 })
    pins.set('b', 'not a point')
    pins.set('c', [1, 2])
    const got = readFields(TABLE, m)
    expect(got.where).toBeNull()
    expect(got.pins).toEqual({ a: { x: 1, y: 2 } })
    const where: Point | null = got.where
    expect(where).toBeNull()
    expect(isShortValue(TABLE.where, { x: 1, y: 2 })).toBe(true)
    expect(isShortValue(TABLE.where, null)).toBe(false)
  })

  it('reads nested records with their own fields and skips entries that are not maps', () => {
    const doc = new Y.Doc()
    const m = doc.getMap<unknown>('r')
    writeChangedFields(TABLE, m, undefined, { steps: { one: { isDone: true, doneBy: 'An', notes: 'First.' } } })
    const steps = m.get('steps') as Y.Map<unknown>
    expect(steps).toBeInstanceOf(Y.Map)
    expect((steps.get('one') as Y.Map<unknown>).get('notes')).toBeInstanceOf(Y.Text)
    steps.set('odd', 'not a record')
    ;(steps.get('one') as Y.Map<unknown>).set('isDone', 'yes')
    expect(readFields(TABLE, m).steps).toEqual({ one: { isDone: false, doneBy: 'An', notes: 'First.' } })
    // a nested record, a nested map or a text is never one short value
    expect(isShortValue(TABLE.steps, {})).toBe(false)
    expect(isShortValue(TABLE.pins, {})).toBe(false)
  })

  it('writes only the nested fields that changed, so a concurrent edit of another survives', () => {
    const north = new Y.Doc()
    const m = north.getMap<unknown>('r')
    writeChangedFields(TABLE, m, undefined, { steps: { one: { isDone: false, doneBy: null, notes: '' } } })
    const south = fork(north)
    const prevNorth = readFields(TABLE, north.getMap('r'))
    writeChangedFields(TABLE, north.getMap('r'), prevNorth, { steps: { one: { ...prevNorth.steps.one!, isDone: true, doneBy: 'An' } } })
    const prevSouth = readFields(TABLE, south.getMap('r'))
    writeChangedFields(TABLE, south.getMap('r'), prevSouth, { steps: { one: { ...prevSouth.steps.one!, notes: 'Called them.' } } })
    sync(north, south)
    for (const d of [north, south]) expect(readFields(TABLE, d.getMap('r')).steps.one).toEqual({ isDone: true, doneBy: 'An', notes: 'Called them.' })
  })

  it('keeps a nested record that the next value leaves out', () => {
    const doc = new Y.Doc()
    const m = doc.getMap<unknown>('r')
    const values: Partial<FieldValues<typeof TABLE>> = { steps: { one: { isDone: true, doneBy: null, notes: '' } } }
    writeChangedFields(TABLE, m, undefined, values)
    writeChangedFields(TABLE, m, readFields(TABLE, m), { steps: {} })
    expect(Object.keys(readFields(TABLE, m).steps)).toEqual(['one'])
  })

  it('gives the spec of a nested record’s field by its path', () => {
    expect(fieldSpec('organisations', 'steps.decision.isDone')).toEqual({ kind: 'boolean' })
    expect(fieldSpec('organisations', 'steps.decision.notes')).toEqual({ kind: 'text' })
    expect(fieldSpec('organisations', 'steps.decision')).toBeUndefined()
    expect(fieldSpec('organisations', 'steps.decision.unknown')).toBeUndefined()
    expect(fieldSpec('activities', 'responsible.sa')).toEqual({ kind: 'string' })
    expect(fieldSpec('activities', 'toString.x')).toBeUndefined()
  })
})

// ---- every record type, against what the domain writes -------------------------------------

const AN: Author = { personId: 'p-an', name: 'An', deviceId: 'd-north' }
const PHOTO = { hash: 'a'.repeat(64), bytes: 1200, width: 800, height: 600, type: 'image/jpeg' }

/** The maps that hold records of a type: each collection, and `communication`, itself one record. */
const RECORD_ROOTS = [...COLLECTIONS, 'communication'] as const

/** A partnership in which the domain's own functions wrote every field of every record type. */
function filledPartnership(): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId: 'gent', schoolBId: 'huye' }, AN)
  updateSchoolProfile(
    doc,
    'gent',
    {
      schoolType: 'primary school',
      educationOffered: 'nursery and primary',
      pupils: 420,
      teachers: 31,
      town: 'Gent',
      country: 'Belgium',
      timeZone: 'Europe/Brussels',
      languages: ['nl'],
      currency: 'EUR',
      vision: 'Learning from each other.',
      motivation: 'Our partner asked us.',
      infrastructure: 'Computer room',
      communicationMeans: ['email', 'whatsapp'],
      internationalExperience: 'None yet',
    },
    AN,
  )
  addSchoolLeader(doc, 'gent', { name: 'Ms Peeters', role: 'coordinator', subjects: 'French' }, AN)
  const activity = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Letters', description: 'Class 5 writes.', expectedResults: 'Pen pals', targetGroup: 'Class 5', leadSchoolId: 'gent', startDate: '2026-10-05', endDate: '2026-10-30', status: 'planned', responsible: { gent: 'Ms Peeters' }, cost: { gent: { amount: 12, currency: 'EUR' } } }, AN)
  addPeriod(doc, { schoolId: 'huye', kind: 'exam-period', label: 'Exams, term 1', from: '2026-11-16', to: '2026-11-27', labelKey: 'examsTerm1' }, AN)
  const request = addPartnerInput(doc, { activityId: activity, kind: 'photos', description: 'Photos of the class', fromSchoolId: 'huye', dueDate: '2026-11-20' }, AN)
  setPartnerInputReceived(doc, request, true, AN)
  const person = addPerson(doc, { schoolId: 'huye', name: 'Jean Habimana', role: 'head', phone: '+250 788 000 000', email: 'jean@example.rw', isContactPerson: true, isFollowing: false, isWorkingGroupMember: true }, AN)
  updatePerson(doc, person, { isFollowing: true }, AN)
  const step = addNextStep(doc, { who: 'An', what: 'Write the first letter', toWhom: 'Jean', dueDate: '2026-11-10', sourceId: '' }, AN)
  setNextStepDone(doc, step, true, AN)
  const moment = planFeedbackMoment(doc, { title: 'Autumn feedback', date: '2026-11-25' }, AN)
  const reflection = startReflection(doc, { momentId: moment, date: '2026-11-25' }, AN)
  answerReflection(doc, reflection, 'gent', { wentWell: 'The drawings.', difficult: 'The post.', learned: 'WhatsApp.', change: 'Start earlier.' }, AN)
  startReflection(doc, { activityId: activity, date: '2026-11-26' }, AN)
  const meeting = addMeeting(doc, { date: '2026-11-02', notes: 'Letters.', decisions: 'Start in December.' }, AN)
  updateMeeting(doc, meeting, { notes: 'Letters and photos.' }, AN)
  const letter = sendLetter(
    doc,
    { kind: 'class', fromSchoolId: 'gent', fromWho: 'Class 5B', toSchoolId: 'huye', toWho: 'P5', language: 'nl', subject: 'Hallo', body: 'Wij zijn klas 5B.', activityId: activity, replyTo: '', photos: [PHOTO], nextStep: { who: 'P5', what: 'Answer', toWhom: 'Class 5B', dueDate: '2026-12-15' } },
    AN,
  )
  addTranslation(doc, letter, { language: 'fr', translator: 'Mme Uwase', subject: 'Bonjour', body: 'Nous sommes la 5B.' }, AN)
  const organisation = addOrganisation(doc, { name: 'Wereldschool vzw', website: 'wereldschool.be', contact: 'Els', themes: ['water'], ageGroups: ['10–12'] }, AN)
  setOrganisationStepDone(doc, organisation, 'inform', true, AN)
  setOrganisationStepNotes(doc, organisation, 'inform', 'Read their programme.', AN)
  decideOrganisation(doc, organisation, { decision: 'go', decidedBy: 'Head and colleagues', decidedOn: '2026-10-01' }, AN)
  updateAgreementDraft(doc, { sections: { goals: 'Learn together.' }, partnershipName: 'Gent–Huye link', reviewEveryMonths: 12, language: 'nl' }, AN)
  updateAgreements(doc, { rhythm: { kind: 'monthly', nth: 1, weekday: 1 }, channels: [...CHANNELS], whoWithWhom: 'Class 5 and P5', workingGroupRhythm: 'Monthly' }, AN)
  return doc
}

/** The record maps of a root: its Y.Map entries, or the root itself for `communication`. */
function recordsOf(doc: Y.Doc, root: string): [string, Y.Map<unknown>][] {
  const map = doc.getMap<unknown>(root)
  if (root === 'communication') return [[root, map]]
  return [...map.entries()].filter((e): e is [string, Y.Map<unknown>] => e[1] instanceof Y.Map)
}

const STAMPS: readonly string[] = [...STAMP_FIELDS, 'deletedAt']

/**
 * What is wrong with a stored record against its table: keys that are neither stamps nor fields,
 * and fields whose stored value is not of the field's kind. Nested records are checked the same way.
 */
function mismatches(table: FieldTable, record: Y.Map<unknown>, path: string): string[] {
  const out: string[] = []
  for (const [key, value] of record.entries()) {
    const at = `${path}.${key}`
    if (STAMPS.includes(key)) continue
    const spec: FieldSpec | undefined = Object.hasOwn(table, key) ? table[key] : undefined
    if (!spec) out.push(`${at}: not in the table`)
    else if (spec.kind === 'text') {
      if (!(value instanceof Y.Text)) out.push(`${at}: not a Y.Text`)
    } else if (spec.kind === 'map') {
      if (!(value instanceof Y.Map)) out.push(`${at}: not a Y.Map`)
      else for (const [k, v] of value.entries()) if (!isShortValue(spec.of, v)) out.push(`${at}.${k}: not a ${spec.of.kind}`)
    } else if (spec.kind === 'records') {
      if (!(value instanceof Y.Map)) out.push(`${at}: not a Y.Map`)
      else {
        for (const [k, v] of value.entries()) {
          if (v instanceof Y.Map) out.push(...mismatches(spec.fields, v as Y.Map<unknown>, `${at}.${k}`))
          else out.push(`${at}.${k}: not a Y.Map`)
        }
      }
    } else if (value instanceof Y.AbstractType || !isShortValue(spec, value)) out.push(`${at}: not a ${spec.kind}`)
  }
  return out
}

/** The keys written in any of the records (nested records' keys as `field.*.key`). */
function writtenKeys(table: FieldTable, records: readonly Y.Map<unknown>[], prefix = ''): Set<string> {
  const keys = new Set<string>()
  for (const record of records) {
    for (const [key, value] of record.entries()) {
      keys.add(prefix + key)
      const spec = Object.hasOwn(table, key) ? table[key] : undefined
      if (spec?.kind === 'records' && value instanceof Y.Map) {
        const nested = [...value.values()].filter((v): v is Y.Map<unknown> => v instanceof Y.Map)
        for (const k of writtenKeys(spec.fields, nested, `${prefix}${key}.*.`)) keys.add(k)
      }
    }
  }
  return keys
}

function tableKeys(table: FieldTable, prefix = ''): string[] {
  return Object.entries(table).flatMap(([key, spec]) => [prefix + key, ...(spec.kind === 'records' ? tableKeys(spec.fields, `${prefix}${key}.*.`) : [])])
}

/** A value of the wrong kind for a field, as another program might write it. */
function wrongValue(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'string':
    case 'text':
      return 42
    case 'enum':
      return 'no-such-choice'
    case 'date':
      return 'next Tuesday'
    case 'number':
      return 'seven'
    case 'boolean':
      return 'yes'
    case 'strings':
      return 'not a list'
    case 'money':
      return { amount: -5, currency: 'euro' }
    case 'object':
      return 'not an object'
    case 'map':
    case 'records':
      return ['not', 'a', 'map']
  }
}

/** A different valid value for a field (undefined for kinds this test leaves alone). */
function changedValue(spec: FieldSpec, prev: unknown, tag: string): unknown {
  switch (spec.kind) {
    case 'string':
    case 'text':
      return `${typeof prev === 'string' ? prev : ''} (${tag})`
    case 'enum':
      return spec.values.find((v) => v !== prev)
    case 'date':
      return prev === '2027-03-01' ? '2027-03-02' : '2027-03-01'
    case 'number':
      return (typeof prev === 'number' ? prev : 0) + 1
    case 'boolean':
      return prev !== true
    case 'strings':
      return [...(Array.isArray(prev) ? prev : []), tag]
    default:
      return undefined
  }
}

describe('record types', () => {
  it('registers a record type for every collection and for the communication map', () => {
    for (const root of RECORD_ROOTS) {
      const type = recordType(root)
      expect(type, root).toBeDefined()
      expect(type!.collection).toBe(root)
      if (type!.nameField !== undefined) expect(Object.keys(type!.fields), root).toContain(type!.nameField)
    }
  })

  it('declares exactly what the domain writes: every stored key is a stamp or a field of its kind, and every field is written', () => {
    const doc = filledPartnership()
    for (const root of RECORD_ROOTS) {
      const table = recordType(root)!.fields
      const records = recordsOf(doc, root)
      expect(records.length, root).toBeGreaterThan(0)
      for (const [id, record] of records) expect(mismatches(table, record, `${root}.${id}`)).toEqual([])
      const written = writtenKeys(
        table,
        records.map(([, r]) => r),
      )
      expect(
        tableKeys(table).filter((k) => !written.has(k)),
        `${root}: fields the domain never writes`,
      ).toEqual([])
    }
  })

  it('reads every field of a record written with values of the wrong kind as its fallback', () => {
    for (const root of RECORD_ROOTS) {
      const table = recordType(root)!.fields
      const doc = new Y.Doc()
      const record = doc.getMap<unknown>('odd')
      for (const [name, spec] of Object.entries(table)) record.set(name, wrongValue(spec))
      expect(readFields(table, record), root).toEqual(emptyFields(table))
    }
  })

  it('lists a person written by another program with the fallbacks, not the odd values', () => {
    const doc = filledPartnership()
    const odd = new Y.Map<unknown>()
    doc.getMap('contacts').set('odd', odd)
    for (const [name, spec] of Object.entries(PERSON.fields)) odd.set(name, wrongValue(spec))
    odd.set('schoolId', 'huye')
    const got = listPeople(doc, { schoolId: 'huye' }).find((p) => p.id === 'odd')
    expect(got).toMatchObject({ ...emptyFields(PERSON.fields), schoolId: 'huye' })
  })

  it('writes only changed fields: two devices changing two fields of the same record keep both', () => {
    const base = filledPartnership()
    for (const root of RECORD_ROOTS) {
      const table = recordType(root)!.fields
      const [id] = recordsOf(base, root)[0]!
      const north = new Y.Doc()
      Y.applyUpdate(north, Y.encodeStateAsUpdate(base))
      const south = new Y.Doc()
      Y.applyUpdate(south, Y.encodeStateAsUpdate(base))
      const recordIn = (d: Y.Doc): Y.Map<unknown> => recordsOf(d, root).find(([k]) => k === id)![1]
      const prev = readFields(table, recordIn(base))
      const [a, b] = Object.entries(table).filter(([name, spec]) => changedValue(spec, (prev as Record<string, unknown>)[name], 'x') !== undefined)
      expect(a && b, `${root} has two fields to change`).toBeTruthy()
      const [fa, sa] = a!
      const [fb, sb] = b!
      const va = changedValue(sa, (prev as Record<string, unknown>)[fa], 'north')
      const vb = changedValue(sb, (prev as Record<string, unknown>)[fb], 'south')
      // each device writes its whole form back, with one field changed
      const edit = (d: Y.Doc, field: string, value: unknown): void => {
        const before = readFields(table, recordIn(d))
        writeChangedFields(table, recordIn(d), before, { ...before, [field]: value } as FieldValues<FieldTable>)
      }
      edit(north, fa, va)
      edit(south, fb, vb)
      sync(north, south)
      for (const d of [north, south]) {
        const got = readFields(table, recordIn(d)) as Record<string, unknown>
        expect([got[fa], got[fb]], root).toEqual([va, vb])
      }
    }
  })

  it('leaves a field alone when the patch gives it as undefined', () => {
    const doc = filledPartnership()
    const [id] = recordsOf(doc, 'meetings')[0]!
    updateMeeting(doc, id, { notes: undefined, decisions: 'Start in January.' }, AN)
    const record = doc.getMap<Y.Map<unknown>>('meetings').get(id)!
    expect(record.get('notes')!.toString()).toBe('Letters and photos.')
    expect(record.get('decisions')!.toString()).toBe('Start in January.')
  })
})
