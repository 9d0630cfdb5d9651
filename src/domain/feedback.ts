/**
 * Feedback moments and reflections. "Feedback" or "reflection", never "evaluation": a less
 * successful activity is not a failure when both schools learn from it together.
 *
 * A feedback moment is planned in the year (optionally folded into a meeting). A reflection
 * belongs to an activity or a moment and holds each school's own answers to four prompts, as
 * Y.Text so both schools can write at once. There is one reflection per activity (or moment):
 * its id comes from the activity's, and its skeleton is created deterministically, so two schools
 * that start it on two devices offline write into the same one.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isIsoDate } from './dates'
import { defineRecordType, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection, readMeta } from './schema'
import { addRecord, createDeterministic, deleteRecord, stampCreated, stampUpdated, type Actor } from './record'

export const PROMPTS = ['wentWell', 'difficult', 'learned', 'change'] as const
export type Prompt = (typeof PROMPTS)[number]
export type Answers = Readonly<Record<Prompt, string>>

export const EMPTY_ANSWERS: Answers = { wentWell: '', difficult: '', learned: '', change: '' }

export const FEEDBACK_KINDS = ['moment', 'reflection'] as const

/** One school's answers: a Y.Text per prompt, so both schools (and two people of one) write at once. */
const ANSWER_FIELDS = /* @__PURE__ */ Object.fromEntries(PROMPTS.map((p) => [p, { kind: 'text' }])) as Record<Prompt, { readonly kind: 'text' }>

/**
 * The fields of a feedback record, declared once: reader, writer and types derive from it. Both
 * kinds live in one collection, told apart by `kind`: a moment has a title and a date, a
 * reflection its activity or moment, a date and the answers per school id.
 */
export const FEEDBACK = /* @__PURE__ */ defineRecordType({
  collection: 'feedback',
  nameField: 'title',
  fields: {
    kind: { kind: 'enum', values: FEEDBACK_KINDS, fallback: 'moment' },
    title: { kind: 'string' },
    date: { kind: 'date' },
    /** The activity a reflection is on, or ''. */
    activityId: { kind: 'string' },
    /** The feedback moment a reflection was held at, or ''. */
    momentId: { kind: 'string' },
    /** A reflection's answers per school id, created with it. */
    answers: { kind: 'records', fields: ANSWER_FIELDS },
  },
})

type FeedbackFields = FieldValues<typeof FEEDBACK.fields>

export interface FeedbackMoment extends Pick<FeedbackFields, 'title' | 'date'>, Stamps {
  readonly id: string
  readonly kind: 'moment'
}

export interface Reflection extends Pick<FeedbackFields, 'activityId' | 'momentId' | 'date' | 'answers'>, Stamps {
  readonly id: string
  readonly kind: 'reflection'
}

function feedback(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'feedback')
}

export function planFeedbackMoment(doc: Y.Doc, input: { title: string; date: string }, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (!input.title.trim()) issues.push(new DomainError('required', 'title'))
  if (!isIsoDate(input.date)) issues.push(new DomainError('invalidDate', 'date'))
  if (issues.length > 0) throw new ValidationError(issues)
  return addRecord(doc, FEEDBACK, { kind: 'moment', title: input.title.trim(), date: input.date }, actor, now)
}

/** The id of the reflection on an activity or a moment (one each). */
export function reflectionId(on: { activityId?: string; momentId?: string }): string | undefined {
  if (on.activityId) return `activity:${on.activityId}`
  if (on.momentId) return `moment:${on.momentId}`
  return undefined
}

/**
 * Starts the reflection on an activity or a moment (or returns the one already started, on this
 * device or another), with an empty answer for each school. Without either, a free reflection.
 */
export function startReflection(
  doc: Y.Doc,
  input: { activityId?: string; momentId?: string; date: string },
  actor: Actor,
  now: Date = new Date(),
): string {
  assertWritable(doc)
  const meta = readMeta(doc)!
  const issues: DomainError[] = []
  if (input.activityId && !collection(doc, 'activities').has(input.activityId)) issues.push(new DomainError('notFound', 'activityId'))
  if (input.momentId && !feedback(doc).has(input.momentId)) issues.push(new DomainError('notFound', 'momentId'))
  if (!isIsoDate(input.date)) issues.push(new DomainError('invalidDate', 'date'))
  if (issues.length > 0) throw new ValidationError(issues)
  const skeleton = (m: Y.Map<unknown>): void => {
    m.set('kind', 'reflection')
    m.set('activityId', input.activityId ?? '')
    m.set('momentId', input.activityId ? '' : (input.momentId ?? ''))
    const answers = new Y.Map<unknown>()
    m.set('answers', answers)
    for (const schoolId of [meta.schoolA.id, meta.schoolB.id]) {
      const a = new Y.Map<unknown>()
      answers.set(schoolId, a)
      for (const p of PROMPTS) a.set(p, new Y.Text())
    }
  }
  const sharedId = reflectionId(input)
  if (sharedId) {
    const existing = feedback(doc).get(sharedId)
    if (existing instanceof Y.Map && typeof existing.get('createdAt') === 'string') {
      if (typeof existing.get('deletedAt') === 'string') doc.transact(() => existing.set('deletedAt', null))
      return sharedId
    }
    createDeterministic(doc, 'feedback', sharedId, skeleton)
  }
  const id = sharedId ?? randomId()
  doc.transact(() => {
    let m = feedback(doc).get(id)
    if (!(m instanceof Y.Map)) {
      m = new Y.Map<unknown>()
      feedback(doc).set(id, m)
      skeleton(m)
    }
    writeChangedFields(FEEDBACK.fields, m, undefined, { date: input.date })
    stampCreated(m, actor, now)
  })
  return id
}

/** One school writes its answers; the other school's answers are not touched. */
export function answerReflection(doc: Y.Doc, id: string, schoolId: string, answers: Partial<Answers>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = feedback(doc).get(id)
  const a = m?.get('answers')
  const mine = a instanceof Y.Map ? a.get(schoolId) : undefined
  if (!(m instanceof Y.Map) || !(mine instanceof Y.Map)) throw new DomainError('notFound', 'id')
  doc.transact(() => {
    writeChangedFields(ANSWER_FIELDS, mine, undefined, answers)
    stampUpdated(m, actor, now)
  })
}

export function deleteFeedback(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'feedback', id, actor, now)
}

export function listFeedback(doc: Y.Doc): { moments: FeedbackMoment[]; reflections: Reflection[] } {
  const moments: FeedbackMoment[] = []
  const reflections: Reflection[] = []
  for (const [id, m] of feedback(doc).entries()) {
    // a record of a kind this app does not know (a newer app's) is left out, not shown as a moment
    if (!(m instanceof Y.Map) || typeof m.get('deletedAt') === 'string' || !(FEEDBACK_KINDS as readonly unknown[]).includes(m.get('kind'))) continue
    const { kind, title, date, activityId, momentId, answers } = readFields(FEEDBACK.fields, m)
    const stamps = readStamps(m)
    if (kind === 'moment') moments.push({ id, kind, title, date, ...stamps })
    else reflections.push({ id, kind, activityId, momentId, date, answers, ...stamps })
  }
  const byDate = (x: { date: string; id: string }, y: { date: string; id: string }): number => x.date.localeCompare(y.date) || x.id.localeCompare(y.id)
  return { moments: moments.sort(byDate), reflections: reflections.sort(byDate) }
}

export function hasAnswered(answers: Answers | undefined): boolean {
  return answers !== undefined && PROMPTS.some((p) => answers[p].trim() !== '')
}
