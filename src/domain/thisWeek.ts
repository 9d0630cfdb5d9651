/**
 * "This week": what both schools should look at now, computed offline from the document alone.
 */
import type * as Y from 'yjs'
import { listActivities, type Activity } from './activity'
import { addDays, daysBetween, rangesOverlap } from './dates'
import { listFeedback, type FeedbackMoment } from './feedback'
import { isOverdue, listPartnerInput, type PartnerInputRequest } from './partnerInput'
import { nextContactDay, readAgreements } from './communication'
import { listNextSteps, type NextStep } from './nextSteps'
import { assertWritable, readMeta } from './schema'
import { DomainError, ValidationError } from './errors'

/** How far "this week" looks ahead, today included. */
export const WEEK_DAYS = 7
/** A feedback moment stays "due" this long after its date when nobody reflected yet. */
export const FEEDBACK_GRACE_DAYS = 14

export interface ThisWeek {
  readonly today: string
  readonly until: string
  /** Activities going on or starting in the coming week (not done, not dropped). */
  readonly activities: readonly Activity[]
  /** Partner input not received by its date, either school. */
  readonly overdueInput: readonly PartnerInputRequest[]
  readonly nextContactDay: string | null
  /** Planned moments this week, or recently past without a reflection. */
  readonly feedbackMoments: readonly FeedbackMoment[]
  /** Finished activities nobody reflected on yet. */
  readonly reflectionsDue: readonly Activity[]
  /** Open next steps, overdue first. */
  readonly openSteps: readonly NextStep[]
}

const CLOSED = /* @__PURE__ */ new Set(['done', 'dropped', 'postponed'])

export function computeThisWeek(doc: Y.Doc, today: string): ThisWeek | undefined {
  if (!readMeta(doc)) return undefined
  const until = addDays(today, WEEK_DAYS - 1)
  const all = listActivities(doc)
  const activities = all.filter((a) => {
    if (CLOSED.has(a.status)) return false
    const from = a.startDate || a.endDate
    const to = a.endDate || a.startDate
    return from !== '' && rangesOverlap(from, to, today, until)
  })
  const { moments, reflections } = listFeedback(doc)
  const reflectedActivities = new Set(reflections.map((r) => r.activityId).filter(Boolean))
  const reflectedMoments = new Set(reflections.map((r) => r.momentId).filter(Boolean))
  const feedbackMoments = moments.filter((m) => {
    if (reflectedMoments.has(m.id)) return false
    const days = daysBetween(today, m.date)
    return days <= WEEK_DAYS - 1 && days >= -FEEDBACK_GRACE_DAYS
  })
  const reflectionsDue = all.filter((a) => a.status === 'done' && !reflectedActivities.has(a.id))
  const steps = listNextSteps(doc, { isOpen: true })
  return {
    today,
    until,
    activities,
    overdueInput: listPartnerInput(doc).filter((r) => isOverdue(r, today)),
    nextContactDay: nextContactDay(readAgreements(doc).rhythm, today),
    feedbackMoments,
    reflectionsDue,
    openSteps: steps.filter((s) => s.dueDate === '' || s.dueDate <= addDays(until, 30)),
  }
}

/** The school year (e.g. "2026–2027") a date belongs to, for a year starting in `startMonth`. */
export function schoolYearOf(date: string, startMonth: number): string {
  if (!date) return ''
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  if (startMonth <= 1) return String(year)
  const first = month >= startMonth ? year : year - 1
  return `${first}–${first + 1}`
}

/** First and last day of the school year that starts in `startMonth` of `firstYear`. */
export function schoolYearRange(firstYear: number, startMonth: number): { from: string; to: string } {
  const m = Math.min(12, Math.max(1, startMonth))
  const from = `${firstYear}-${String(m).padStart(2, '0')}-01`
  const nextFrom = m === 1 ? `${firstYear + 1}-01-01` : `${firstYear + 1}-${String(m).padStart(2, '0')}-01`
  return { from, to: addDays(nextFrom, -1) }
}

/** The month (1–12) the partnership's school year starts in, for filters and the calendar. */
export function readSchoolYearStartMonth(doc: Y.Doc): number {
  const v = doc.getMap('meta').get('schoolYearStartMonth')
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 12 ? v : DEFAULT_SCHOOL_YEAR_START_MONTH
}

/**
 * The Flemish school year starts in September; a partnership with a school whose year follows
 * the calendar year (Peru, Rwanda since 2023: January/February) can choose another month.
 */
export const DEFAULT_SCHOOL_YEAR_START_MONTH = 9

export function setSchoolYearStartMonth(doc: Y.Doc, month: number): void {
  assertWritable(doc)
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new ValidationError([new DomainError('invalidChoice', 'schoolYearStartMonth')])
  doc.getMap('meta').set('schoolYearStartMonth', month)
}
