/**
 * Communication agreements: the people on each side (contact person, others following along,
 * working group members), the regular contact rhythm with its next contact day, the channels
 * that work, who communicates with whom; and the list of next steps — who writes what to whom by
 * when — that every exchange ends with.
 *
 * People are records in `contacts`; next steps in `nextSteps`; the agreements themselves are
 * plain values in the `communication` map (each key last-writer-wins, no nested types to race).
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { addDays, isIsoDate, weekday } from './dates'
import { assertWritable, collection, schoolIds } from './schema'
import { readBoolean, readString, stampCreated, stampUpdated, deleteRecord } from './record'

// ---- people ---------------------------------------------------------------------------------

export interface PersonInput {
  readonly schoolId: string
  readonly name: string
  /** e.g. "teacher, 5th year", "head", "coordinator" */
  readonly role: string
  readonly phone: string
  readonly email: string
  /** The one person the partner school contacts first. */
  readonly isContactPerson: boolean
  /** Follows along, so the link does not depend on one person. */
  readonly isFollowing: boolean
  readonly isWorkingGroupMember: boolean
}

export interface Person extends PersonInput {
  readonly id: string
  readonly deletedAt: string | null
}

function people(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'contacts')
}

const PERSON_FIELDS = ['schoolId', 'name', 'role', 'phone', 'email', 'isContactPerson', 'isFollowing', 'isWorkingGroupMember'] as const

function toPerson(id: string, m: Y.Map<unknown>): Person {
  const deletedAt = m.get('deletedAt')
  return {
    id,
    schoolId: readString(m, 'schoolId'),
    name: readString(m, 'name'),
    role: readString(m, 'role'),
    phone: readString(m, 'phone'),
    email: readString(m, 'email'),
    isContactPerson: readBoolean(m, 'isContactPerson'),
    isFollowing: readBoolean(m, 'isFollowing'),
    isWorkingGroupMember: readBoolean(m, 'isWorkingGroupMember'),
    deletedAt: typeof deletedAt === 'string' ? deletedAt : null,
  }
}

function checkPerson(doc: Y.Doc, p: PersonInput): PersonInput {
  assertWritable(doc)
  const n = { ...p, name: p.name.trim(), role: p.role.trim(), phone: p.phone.trim(), email: p.email.trim() }
  const issues: DomainError[] = []
  if (!n.name) issues.push(new DomainError('nameRequired', 'name'))
  if (!schoolIds(doc).includes(n.schoolId)) issues.push(new DomainError('invalidChoice', 'schoolId'))
  if (n.email && !/^[^\s@]+@[^\s@]+$/.test(n.email)) issues.push(new DomainError('invalidEmail', 'email'))
  if (issues.length > 0) throw new ValidationError(issues)
  return n
}

export function addPerson(doc: Y.Doc, input: PersonInput, actor: string, now: Date = new Date()): string {
  const n = checkPerson(doc, input)
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    people(doc).set(id, m)
    for (const f of PERSON_FIELDS) m.set(f, n[f])
    stampCreated(m, actor, now)
  })
  return id
}

export function updatePerson(doc: Y.Doc, id: string, patch: Partial<PersonInput>, actor: string, now: Date = new Date()): void {
  const m = people(doc).get(id)
  if (!(m instanceof Y.Map)) throw new DomainError('notFound', 'id')
  const prev = toPerson(id, m)
  const n = checkPerson(doc, { ...prev, ...patch })
  doc.transact(() => {
    for (const f of PERSON_FIELDS) if (prev[f] !== n[f]) m.set(f, n[f])
    stampUpdated(m, actor, now)
  })
}

export function deletePerson(doc: Y.Doc, id: string, actor: string, now: Date = new Date()): void {
  deleteRecord(doc, 'contacts', id, actor, now)
}

export function listPeople(doc: Y.Doc, opts: { schoolId?: string } = {}): Person[] {
  const out: Person[] = []
  for (const [id, m] of people(doc).entries()) {
    if (!(m instanceof Y.Map)) continue
    const p = toPerson(id, m)
    if (p.deletedAt || (opts.schoolId && p.schoolId !== opts.schoolId)) continue
    out.push(p)
  }
  return out.sort((a, b) => Number(b.isContactPerson) - Number(a.isContactPerson) || a.name.localeCompare(b.name))
}

// ---- rhythm and agreements ------------------------------------------------------------------

/**
 * When the schools are in touch regularly:
 * - `monthly`: the `nth` (1–4, or -1 for the last) `weekday` (0 = Monday … 6 = Sunday) of every month;
 * - `weekly`: every `everyWeeks` weeks on the weekday of `anchor`, counting from `anchor`.
 */
export type Rhythm =
  | { readonly kind: 'monthly'; readonly nth: 1 | 2 | 3 | 4 | -1; readonly weekday: number }
  | { readonly kind: 'weekly'; readonly everyWeeks: number; readonly anchor: string }

export const CHANNELS = ['phone', 'whatsapp', 'email', 'post', 'video-call', 'traveller'] as const
export type Channel = (typeof CHANNELS)[number]

export interface CommunicationAgreements {
  readonly rhythm: Rhythm | null
  readonly channels: readonly Channel[]
  /** Free text: which teachers, classes, heads and pupils write to whom. */
  readonly whoWithWhom: string
  /** How often the working group meets, in words ("every first Monday after school"). */
  readonly workingGroupRhythm: string
}

function agreements(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('communication')
}

export function isRhythm(v: unknown): v is Rhythm {
  if (!v || typeof v !== 'object') return false
  const r = v as Record<string, unknown>
  if (r.kind === 'monthly') {
    return [1, 2, 3, 4, -1].includes(r.nth as number) && Number.isInteger(r.weekday) && (r.weekday as number) >= 0 && (r.weekday as number) <= 6
  }
  if (r.kind === 'weekly') {
    return Number.isInteger(r.everyWeeks) && (r.everyWeeks as number) >= 1 && (r.everyWeeks as number) <= 8 && typeof r.anchor === 'string' && isIsoDate(r.anchor)
  }
  return false
}

export function readAgreements(doc: Y.Doc): CommunicationAgreements {
  const m = agreements(doc)
  const rhythm = m.get('rhythm')
  return {
    rhythm: isRhythm(rhythm) ? rhythm : null,
    channels: CHANNELS.filter((c) => m.get(`channel:${c}`) === true),
    whoWithWhom: readString(m, 'whoWithWhom'),
    workingGroupRhythm: readString(m, 'workingGroupRhythm'),
  }
}

export function updateAgreements(doc: Y.Doc, patch: Partial<CommunicationAgreements>, actor: string, now: Date = new Date()): void {
  assertWritable(doc)
  if (patch.rhythm && !isRhythm(patch.rhythm)) throw new ValidationError([new DomainError('invalidChoice', 'rhythm')])
  const m = agreements(doc)
  doc.transact(() => {
    if (patch.rhythm !== undefined) m.set('rhythm', patch.rhythm)
    if (patch.channels !== undefined) {
      // one key per channel: two schools ticking different channels offline both keep theirs
      const prev = readAgreements(doc).channels
      for (const c of CHANNELS) {
        const isOn = patch.channels.includes(c)
        if (isOn !== prev.includes(c)) m.set(`channel:${c}`, isOn)
      }
    }
    if (patch.whoWithWhom !== undefined) m.set('whoWithWhom', patch.whoWithWhom.trim())
    if (patch.workingGroupRhythm !== undefined) m.set('workingGroupRhythm', patch.workingGroupRhythm.trim())
    stampUpdated(m, actor, now)
  })
}

function nthWeekdayOfMonth(year: number, month: number, nth: number, day: number): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`
  if (nth > 0) return addDays(first, ((day - weekday(first) + 7) % 7) + (nth - 1) * 7)
  const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`
  const last = addDays(nextMonth, -1)
  return addDays(last, -((weekday(last) - day + 7) % 7))
}

/** The contact days from `from` (inclusive) on, at most `count` of them. */
export function contactDays(rhythm: Rhythm, from: string, count: number): string[] {
  const out: string[] = []
  if (rhythm.kind === 'monthly') {
    let year = Number(from.slice(0, 4))
    let month = Number(from.slice(5, 7))
    for (let guard = 0; out.length < count && guard < count + 2; guard++) {
      const d = nthWeekdayOfMonth(year, month, rhythm.nth, rhythm.weekday)
      if (d >= from) out.push(d)
      month++
      if (month > 12) {
        month = 1
        year++
      }
    }
    return out
  }
  const step = rhythm.everyWeeks * 7
  let d = rhythm.anchor
  if (d < from) {
    const periods = Math.ceil((Number(new Date(from)) - Number(new Date(d))) / 86_400_000 / step)
    d = addDays(d, periods * step)
  }
  while (out.length < count) {
    out.push(d)
    d = addDays(d, step)
  }
  return out
}

export function nextContactDay(rhythm: Rhythm | null, today: string): string | null {
  return rhythm ? (contactDays(rhythm, today, 1)[0] ?? null) : null
}

// ---- next steps -----------------------------------------------------------------------------

export interface NextStepInput {
  /** Who does it (a name, a class, a school). */
  readonly who: string
  readonly what: string
  readonly toWhom: string
  /** YYYY-MM-DD or '' */
  readonly dueDate: string
  /** Where it was agreed: a meeting, a letter; '' when added by hand. */
  readonly sourceId: string
}

export interface NextStep extends NextStepInput {
  readonly id: string
  readonly isDone: boolean
  readonly doneAt: string | null
  readonly doneBy: string | null
  readonly createdBy: string
  readonly createdAt: string
  readonly deletedAt: string | null
}

function steps(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'nextSteps')
}

function toStep(id: string, m: Y.Map<unknown>): NextStep {
  const doneAt = m.get('doneAt')
  const doneBy = m.get('doneBy')
  const deletedAt = m.get('deletedAt')
  return {
    id,
    who: readString(m, 'who'),
    what: readString(m, 'what'),
    toWhom: readString(m, 'toWhom'),
    dueDate: readString(m, 'dueDate'),
    sourceId: readString(m, 'sourceId'),
    isDone: readBoolean(m, 'isDone'),
    doneAt: typeof doneAt === 'string' ? doneAt : null,
    doneBy: typeof doneBy === 'string' ? doneBy : null,
    createdBy: readString(m, 'createdBy'),
    createdAt: readString(m, 'createdAt'),
    deletedAt: typeof deletedAt === 'string' ? deletedAt : null,
  }
}

export function addNextStep(doc: Y.Doc, input: NextStepInput, actor: string, now: Date = new Date()): string {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (!input.what.trim()) issues.push(new DomainError('required', 'what'))
  if (!input.who.trim()) issues.push(new DomainError('required', 'who'))
  if (input.dueDate && !isIsoDate(input.dueDate)) issues.push(new DomainError('invalidDate', 'dueDate'))
  if (issues.length > 0) throw new ValidationError(issues)
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    steps(doc).set(id, m)
    m.set('who', input.who.trim())
    m.set('what', input.what.trim())
    m.set('toWhom', input.toWhom.trim())
    m.set('dueDate', input.dueDate)
    m.set('sourceId', input.sourceId)
    m.set('isDone', false)
    stampCreated(m, actor, now)
  })
  return id
}

export function setNextStepDone(doc: Y.Doc, id: string, isDone: boolean, actor: string, now: Date = new Date()): void {
  assertWritable(doc)
  const m = steps(doc).get(id)
  if (!(m instanceof Y.Map)) throw new DomainError('notFound', 'id')
  doc.transact(() => {
    m.set('isDone', isDone)
    m.set('doneAt', isDone ? now.toISOString() : null)
    m.set('doneBy', isDone ? actor : null)
    stampUpdated(m, actor, now)
  })
}

export function deleteNextStep(doc: Y.Doc, id: string, actor: string, now: Date = new Date()): void {
  deleteRecord(doc, 'nextSteps', id, actor, now)
}

export function listNextSteps(doc: Y.Doc, opts: { sourceId?: string; isOpen?: boolean } = {}): NextStep[] {
  const out: NextStep[] = []
  for (const [id, m] of steps(doc).entries()) {
    if (!(m instanceof Y.Map)) continue
    const s = toStep(id, m)
    if (s.deletedAt) continue
    if (opts.sourceId !== undefined && s.sourceId !== opts.sourceId) continue
    if (opts.isOpen !== undefined && s.isDone === opts.isOpen) continue
    out.push(s)
  }
  return out.sort((a, b) => Number(a.isDone) - Number(b.isDone) || (a.dueDate || '9999').localeCompare(b.dueDate || '9999') || a.createdAt.localeCompare(b.createdAt))
}
