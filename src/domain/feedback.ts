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
import { assertWritable, collection, readMeta } from './schema'
import { createDeterministic, deleteRecord, readString, readText, stampCreated, stampUpdated, type Actor } from './record'
import { writeText } from './text'

export const PROMPTS = ['wentWell', 'difficult', 'learned', 'change'] as const
export type Prompt = (typeof PROMPTS)[number]
export type Answers = Readonly<Record<Prompt, string>>

export const EMPTY_ANSWERS: Answers = { wentWell: '', difficult: '', learned: '', change: '' }

export interface FeedbackMoment {
  readonly id: string
  readonly kind: 'moment'
  readonly title: string
  readonly date: string
  readonly createdBy: string
  readonly createdAt: string
}

export interface Reflection {
  readonly id: string
  readonly kind: 'reflection'
  /** The activity it reflects on, or ''. */
  readonly activityId: string
  /** The feedback moment it was held at, or ''. */
  readonly momentId: string
  readonly date: string
  /** Answers per school id. */
  readonly answers: Readonly<Record<string, Answers>>
  readonly createdBy: string
  readonly createdAt: string
  readonly updatedBy: string
  readonly updatedAt: string
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
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    feedback(doc).set(id, m)
    m.set('kind', 'moment')
    m.set('title', input.title.trim())
    m.set('date', input.date)
    stampCreated(m, actor, now)
  })
  return id
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
    m.set('date', input.date)
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
    for (const p of PROMPTS) {
      const v = answers[p]
      if (v === undefined) continue
      writeText(mine, p, v)
    }
    stampUpdated(m, actor, now)
  })
}

export function deleteFeedback(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'feedback', id, actor, now)
}

function toAnswers(v: unknown): Answers {
  if (!(v instanceof Y.Map)) return EMPTY_ANSWERS
  return { wentWell: readText(v, 'wentWell'), difficult: readText(v, 'difficult'), learned: readText(v, 'learned'), change: readText(v, 'change') }
}

export function listFeedback(doc: Y.Doc): { moments: FeedbackMoment[]; reflections: Reflection[] } {
  const moments: FeedbackMoment[] = []
  const reflections: Reflection[] = []
  for (const [id, m] of feedback(doc).entries()) {
    if (!(m instanceof Y.Map) || typeof m.get('deletedAt') === 'string') continue
    const base = { id, date: readString(m, 'date'), createdBy: readString(m, 'createdBy'), createdAt: readString(m, 'createdAt') }
    if (m.get('kind') === 'moment') {
      moments.push({ ...base, kind: 'moment', title: readString(m, 'title') })
    } else if (m.get('kind') === 'reflection') {
      const answers: Record<string, Answers> = {}
      const a = m.get('answers')
      if (a instanceof Y.Map) for (const [schoolId, v] of a.entries()) answers[schoolId] = toAnswers(v)
      reflections.push({
        ...base,
        kind: 'reflection',
        activityId: readString(m, 'activityId'),
        momentId: readString(m, 'momentId'),
        answers,
        updatedBy: readString(m, 'updatedBy'),
        updatedAt: readString(m, 'updatedAt'),
      })
    }
  }
  const byDate = (x: { date: string; id: string }, y: { date: string; id: string }): number => x.date.localeCompare(y.date) || x.id.localeCompare(y.id)
  return { moments: moments.sort(byDate), reflections: reflections.sort(byDate) }
}

export function hasAnswered(answers: Answers | undefined): boolean {
  return answers !== undefined && PROMPTS.some((p) => answers[p].trim() !== '')
}
