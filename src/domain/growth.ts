/**
 * Growth over the years: the indicators of a sustainable, equity-based school link, worked out per
 * school year from what the document already holds (what-is-a-school-link seed; draaiboek 7). A
 * link grows slowly — "start small" — so an indicator is reached step by step: `not-yet`, `partly`,
 * `reached`. Nothing here is a score or a judgement; the evidence says what was found.
 *
 * The only thing stored here is a note per indicator per school year, in the top-level map
 * `growth`, keyed `<schoolYear>:<indicator>` → plain string (last writer wins: it is a short note,
 * and a merge by character would mix two notes into one).
 *
 * Traps:
 * - "In the year" means: a dated thing (activity, reflection, meeting) by its date; an undated
 *   activity by the day it was created; a next step by the day it was ticked off (UTC).
 * - The thresholds below are deliberately modest (the weakest link sets the pace). They are
 *   guesses, not VVOB's official levels; change them here if the programme publishes its own.
 */
import type * as Y from 'yjs'
import { listActivities, type Activity } from './activity'
import { AGREEMENT_SECTIONS, listSignedAgreements, readAgreementDraft } from './agreement'
import { readAgreements } from './communication'
import { DomainError, ValidationError } from './errors'
import { hasAnswered, listFeedback } from './feedback'
import { listMeetings } from './meetings'
import { listNextSteps } from './nextSteps'
import { listPartnerInput } from './partnerInput'
import { listPeople } from './people'
import { assertWritable, readMeta } from './schema'
import { readSchoolYearStartMonth, schoolYearOf, schoolYearRange } from './thisWeek'

export const INDICATORS = ['contact', 'jointPlan', 'feedback', 'agreement', 'workingGroup', 'classActivities', 'reciprocity'] as const
export type IndicatorKey = (typeof INDICATORS)[number]

export type IndicatorStatus = 'reached' | 'partly' | 'not-yet'

/** Next steps ticked off in a year, with a contact rhythm agreed, for regular contact to count as kept. */
export const STEPS_FOR_REGULAR_CONTACT = 3
/** Reflections answered by both schools in a year for feedback moments to count as held ("several times a year"). */
export const REFLECTIONS_FOR_FEEDBACK = 2
/** Working-group meetings in a year for the working group to count as working. */
export const MEETINGS_FOR_WORKING_GROUP = 2

/**
 * One finding, shown as a sentence: `count` things, and the names (activity titles, people,
 * schools) that back it. `key` picks the sentence (`growth.facts.<key>` in the locale files).
 */
export interface GrowthFact {
  readonly key: GrowthFactKey
  readonly count: number
  readonly names: readonly string[]
  /** A date (YYYY-MM-DD) the sentence mentions, or ''. */
  readonly date: string
}

export type GrowthFactKey =
  | 'rhythmAgreed'
  | 'noRhythm'
  | 'stepsDone'
  | 'sharedActivities'
  | 'bothResponsible'
  | 'planWrittenBy'
  | 'reflections'
  | 'reflectionsBothAnswered'
  | 'membersAt'
  | 'meetings'
  | 'classActivitiesDone'
  | 'classActivitiesPlanned'
  | 'responsibleAt'
  | 'costAt'
  | 'inputAskedFrom'
  | 'agreementSigned'
  | 'agreementNextReview'
  | 'agreementNoReview'
  | 'agreementDraft'
  | 'agreementNone'

export interface GrowthIndicator {
  readonly key: IndicatorKey
  readonly status: IndicatorStatus
  readonly facts: readonly GrowthFact[]
  /** The note the schools wrote on this indicator for this school year ('' if none). */
  readonly note: string
}

export interface GrowthYear {
  /** As `schoolYearOf` writes it, e.g. "2026–2027" (or "2026" for a year starting in January). */
  readonly label: string
  readonly firstYear: number
  readonly from: string
  readonly to: string
}

export function isIndicatorKey(v: unknown): v is IndicatorKey {
  return typeof v === 'string' && (INDICATORS as readonly string[]).includes(v)
}

/** The school year that starts in `firstYear`, for the partnership's start month. */
export function growthYear(doc: Y.Doc, firstYear: number): GrowthYear {
  const startMonth = readSchoolYearStartMonth(doc)
  const { from, to } = schoolYearRange(firstYear, startMonth)
  return { label: schoolYearOf(from, startMonth), firstYear, from, to }
}

/** The school year `date` (YYYY-MM-DD) falls in. */
export function growthYearContaining(doc: Y.Doc, date: string): GrowthYear {
  const startMonth = readSchoolYearStartMonth(doc)
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  return growthYear(doc, startMonth > 1 && month < startMonth ? year - 1 : year)
}

/**
 * The school years worth showing, oldest first: from the partnership's creation (or its earliest
 * dated activity, if older — a link brought into the app later) to the year of `today`.
 */
export function growthYears(doc: Y.Doc, today: string): GrowthYear[] {
  const current = growthYearContaining(doc, today)
  let first = current.firstYear
  const created = readMeta(doc)?.createdAt.slice(0, 10) ?? ''
  const dates = [created, ...listActivities(doc).map((a) => a.startDate || a.endDate)].filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
  for (const d of dates) first = Math.min(first, growthYearContaining(doc, d).firstYear)
  // never more than ten years back: a mistyped 1926 should not make a hundred rows
  first = Math.max(first, current.firstYear - 9)
  const out: GrowthYear[] = []
  for (let y = first; y <= current.firstYear; y++) out.push(growthYear(doc, y))
  return out
}

function within(date: string, year: GrowthYear): boolean {
  return date !== '' && date >= year.from && date <= year.to
}

/** The day an activity belongs to a year by: its start (or end), or when it was created. */
function activityDay(a: Activity): string {
  return a.startDate || a.endDate || a.createdAt.slice(0, 10)
}

/** Which school a writer's name belongs to, when it can be told: a school's name, or a person of one school. */
function schoolOfWriter(doc: Y.Doc, name: string): string | undefined {
  const meta = readMeta(doc)
  if (!meta || !name.trim()) return undefined
  if (name === meta.schoolA.name) return meta.schoolA.id
  if (name === meta.schoolB.name) return meta.schoolB.id
  const schools = new Set(listPeople(doc).filter((p) => p.name === name).map((p) => p.schoolId))
  return schools.size === 1 ? [...schools][0] : undefined
}

function fact(key: GrowthFactKey, count: number, names: readonly string[] = [], date = ''): GrowthFact {
  return { key, count, names, date }
}

function growthMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('growth')
}

function noteKey(yearLabel: string, key: IndicatorKey): string {
  return `${yearLabel}:${key}`
}

export function readGrowthNote(doc: Y.Doc, yearLabel: string, key: IndicatorKey): string {
  const v = growthMap(doc).get(noteKey(yearLabel, key))
  return typeof v === 'string' ? v : ''
}

const YEAR_LABEL = /^\d{4}(–\d{4})?$/

/** Writes the note on one indicator for one school year (the whole note; last writer wins). */
export function setGrowthNote(doc: Y.Doc, yearLabel: string, key: IndicatorKey, note: string): void {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (!YEAR_LABEL.test(yearLabel)) issues.push(new DomainError('invalidChoice', 'schoolYear'))
  if (!isIndicatorKey(key)) issues.push(new DomainError('invalidChoice', 'indicator'))
  if (issues.length > 0) throw new ValidationError(issues)
  const k = noteKey(yearLabel, key)
  const v = note.trim()
  if (growthMap(doc).get(k) !== v) doc.transact(() => growthMap(doc).set(k, v))
}

/** Every indicator for one school year, in the order of INDICATORS. Empty if the document has no meta yet. */
export function computeGrowth(doc: Y.Doc, year: GrowthYear): GrowthIndicator[] {
  const meta = readMeta(doc)
  if (!meta) return []
  const schools = [meta.schoolA, meta.schoolB]
  const bothSchools = (ids: ReadonlySet<string>): boolean => schools.every((s) => ids.has(s.id))
  const activities = listActivities(doc).filter((a) => within(activityDay(a), year) && a.status !== 'dropped')
  const note = (key: IndicatorKey): string => readGrowthNote(doc, year.label, key)
  const out: GrowthIndicator[] = []

  // regular contact kept: a contact rhythm agreed, and next steps ticked off in the year
  {
    const hasRhythm = readAgreements(doc).rhythm !== null
    const done = listNextSteps(doc).filter((s) => s.isDone && s.doneAt !== null && within(s.doneAt.slice(0, 10), year))
    const status = hasRhythm && done.length >= STEPS_FOR_REGULAR_CONTACT ? 'reached' : hasRhythm || done.length > 0 ? 'partly' : 'not-yet'
    out.push({
      key: 'contact',
      status,
      facts: [hasRhythm ? fact('rhythmAgreed', 1) : fact('noRhythm', 0), fact('stepsDone', done.length, done.map((s) => s.what))],
      note: note('contact'),
    })
  }

  // a joint plan made together: activities done with the partner, with people responsible on both sides
  {
    const shared = activities.filter((a) => a.kind === 'joint' || a.kind === 'with-partner')
    const both = shared.filter((a) => schools.every((s) => (a.responsible[s.id] ?? '').trim() !== ''))
    const writers = new Set<string>()
    for (const a of shared) {
      for (const name of [a.createdBy, a.updatedBy]) {
        const id = schoolOfWriter(doc, name)
        if (id) writers.add(id)
      }
    }
    const status = both.length > 0 ? 'reached' : shared.length > 0 ? 'partly' : 'not-yet'
    const facts = [fact('sharedActivities', shared.length, shared.map((a) => a.title)), fact('bothResponsible', both.length, both.map((a) => a.title))]
    // who wrote the plan, when it can be told; a plan typed in by one school after talking it over is fine
    if (writers.size > 0) facts.push(fact('planWrittenBy', writers.size, schools.filter((s) => writers.has(s.id)).map((s) => s.name)))
    out.push({ key: 'jointPlan', status, facts, note: note('jointPlan') })
  }

  // feedback moments held: reflections in the year, answered by both schools
  {
    const reflections = listFeedback(doc).reflections.filter((r) => within(r.date, year))
    const answered = reflections.filter((r) => schools.some((s) => hasAnswered(r.answers[s.id])))
    const both = reflections.filter((r) => schools.every((s) => hasAnswered(r.answers[s.id])))
    const status = both.length >= REFLECTIONS_FOR_FEEDBACK ? 'reached' : answered.length > 0 ? 'partly' : 'not-yet'
    out.push({ key: 'feedback', status, facts: [fact('reflections', answered.length), fact('reflectionsBothAnswered', both.length)], note: note('feedback') })
  }

  // the partnership agreement, signed by both heads and reviewed: signed versions up to the end of
  // the year; reached when the latest one was signed in the year or its next review is not past
  // at the year's start (a rhythm of review agreed and kept)
  {
    const signed = listSignedAgreements(doc).filter((v) => v.frozenAt !== '' && v.frozenAt.slice(0, 10) <= year.to)
    const latest = signed[0]
    const draft = readAgreementDraft(doc)
    const hasDraft = AGREEMENT_SECTIONS.some((s) => draft.sections[s].trim() !== '')
    const signers = Object.values(draft.signatures)
    let status: IndicatorStatus = 'not-yet'
    const facts: GrowthFact[] = []
    if (latest) {
      const isSignedThisYear = within(latest.frozenAt.slice(0, 10), year)
      const isReviewKept = latest.nextReview !== '' && latest.nextReview >= year.from
      status = isSignedThisYear || isReviewKept ? 'reached' : 'partly'
      facts.push(fact('agreementSigned', signed.length, latest.signatures.map((x) => x.name), latest.frozenAt.slice(0, 10)))
      facts.push(latest.nextReview ? fact('agreementNextReview', latest.reviewEveryMonths, [], latest.nextReview) : fact('agreementNoReview', 0))
    } else if (hasDraft || signers.length > 0) {
      status = 'partly'
      facts.push(fact('agreementDraft', signers.length, signers.map((x) => x.name)))
    } else {
      facts.push(fact('agreementNone', 0))
    }
    out.push({ key: 'agreement', status, facts, note: note('agreement') })
  }

  // a working group on both sides, meeting during the year
  {
    const members = listPeople(doc).filter((p) => p.isWorkingGroupMember)
    const sides = new Set(members.map((p) => p.schoolId))
    const meetings = listMeetings(doc).filter((m) => within(m.date, year))
    const status = bothSchools(sides) && meetings.length >= MEETINGS_FOR_WORKING_GROUP ? 'reached' : members.length > 0 || meetings.length > 0 ? 'partly' : 'not-yet'
    const facts = schools.map((s) => {
      const mine = members.filter((p) => p.schoolId === s.id)
      return fact('membersAt', mine.length, [s.name, ...mine.map((p) => p.name)])
    })
    facts.push(fact('meetings', meetings.length))
    out.push({ key: 'workingGroup', status, facts, note: note('workingGroup') })
  }

  // activities in classes: with a target group, done in the year
  {
    const withGroup = activities.filter((a) => a.targetGroup.trim() !== '')
    const done = withGroup.filter((a) => a.status === 'done')
    const planned = withGroup.filter((a) => a.status !== 'done')
    const status = done.length > 0 ? 'reached' : planned.length > 0 ? 'partly' : 'not-yet'
    const facts = [fact('classActivitiesDone', done.length, done.map((a) => a.title))]
    if (planned.length > 0) facts.push(fact('classActivitiesPlanned', planned.length, planned.map((a) => a.title)))
    out.push({ key: 'classActivities', status, facts, note: note('classActivities') })
  }

  // both schools contribute and gain: responsibilities and costs on both sides, input asked of both
  {
    const ids = new Set(activities.map((a) => a.id))
    const inputs = listPartnerInput(doc).filter((r) => ids.has(r.activityId))
    const responsibleAt = new Set<string>()
    const costAt = new Set<string>()
    const askedFrom = new Set(inputs.map((r) => r.fromSchoolId))
    for (const a of activities) {
      for (const s of schools) {
        if ((a.responsible[s.id] ?? '').trim() !== '') responsibleAt.add(s.id)
        if (a.cost[s.id] !== undefined) costAt.add(s.id)
      }
    }
    const contributes = new Set([...responsibleAt, ...costAt])
    const isBothContributing = bothSchools(contributes)
    const isBothAsked = bothSchools(askedFrom)
    const status = isBothContributing && isBothAsked ? 'reached' : contributes.size > 0 || askedFrom.size > 0 ? 'partly' : 'not-yet'
    const facts: GrowthFact[] = []
    for (const s of schools) {
      facts.push(fact('responsibleAt', activities.filter((a) => (a.responsible[s.id] ?? '').trim() !== '').length, [s.name]))
      facts.push(fact('costAt', activities.filter((a) => a.cost[s.id] !== undefined).length, [s.name]))
      facts.push(fact('inputAskedFrom', inputs.filter((r) => r.fromSchoolId === s.id).length, [s.name]))
    }
    out.push({ key: 'reciprocity', status, facts, note: note('reciprocity') })
  }

  return out
}
