/**
 * Activity: one entry of the annual action plan, made together by both schools.
 *
 * Stored as a nested Y.Map in the `activities` collection, keyed by id. Short fields are plain
 * values (last writer wins per field); description and expected results are Y.Text, so two
 * people editing them at once merge by character. Responsible people and costs are nested
 * Y.Maps keyed by school id, so each side edits its own entry without touching the other's.
 * Deleting sets `deletedAt` (a tombstone): an edit on another device stays visible.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { isIsoDate } from './dates'
import { defineRecordType, emptyFields, type FieldValues, type Money, type Stamps } from './fields'
import { assertWritable, collection, schoolIds, type Migration } from './schema'
import { addRecord, deleteRecord, findRecord, readRecord, restoreRecord, updateRecord, type Actor } from './record'

export const ACTIVITY_KINDS = ['own-school', 'with-partner', 'joint'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]

export const ACTIVITY_STATUSES = ['idea', 'planned', 'in-progress', 'done', 'postponed', 'dropped'] as const
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number]

export const TITLE_MAX_LENGTH = 200

/** The activity's fields, declared once: reader, writer, empty form and history derive from it. */
export const ACTIVITY = /* @__PURE__ */ defineRecordType({
  collection: 'activities',
  nameField: 'title',
  fields: {
    title: { kind: 'string', max: TITLE_MAX_LENGTH },
    description: { kind: 'text' },
    expectedResults: { kind: 'text' },
    /** e.g. "pupils of the 5th year", "staff" */
    targetGroup: { kind: 'string' },
    kind: { kind: 'enum', values: ACTIVITY_KINDS, fallback: 'joint' },
    /** Id of the school that leads, or '' when not decided. */
    leadSchoolId: { kind: 'string' },
    startDate: { kind: 'date' },
    endDate: { kind: 'date' },
    status: { kind: 'enum', values: ACTIVITY_STATUSES, fallback: 'idea' },
    /** Responsible people per school id (free text, e.g. "Ms Uwase, Mr Peeters"). */
    responsible: { kind: 'map', of: { kind: 'string' } },
    /** Cost estimate per school id; a school without an estimate is absent. */
    cost: { kind: 'map', of: { kind: 'money' } },
  },
})

/** What a person fills in. Dates are ISO calendar dates (YYYY-MM-DD) or '' when not yet known. */
export type ActivityInput = FieldValues<typeof ACTIVITY.fields>

export interface Activity extends ActivityInput, Stamps {
  readonly id: string
}

export const EMPTY_ACTIVITY: ActivityInput = /* @__PURE__ */ emptyFields(ACTIVITY.fields)

/** Activity has no migrations yet: version 1 is its first shape. */
export const activityMigrations: readonly Migration[] = []

const CURRENCY = /^[A-Z]{3}$/

export function isActivityKind(v: unknown): v is ActivityKind {
  return typeof v === 'string' && (ACTIVITY_KINDS as readonly string[]).includes(v)
}

export function isActivityStatus(v: unknown): v is ActivityStatus {
  return typeof v === 'string' && (ACTIVITY_STATUSES as readonly string[]).includes(v)
}

/**
 * Checks an activity as a person entered it. Returns every problem, so a form can mark all
 * fields at once. `knownSchoolIds` restricts who may lead or carry a cost.
 */
export function validateActivity(input: ActivityInput, knownSchoolIds: readonly string[]): DomainError[] {
  const issues: DomainError[] = []
  const title = input.title.trim()
  if (!title) issues.push(new DomainError('titleRequired', 'title'))
  else if (title.length > TITLE_MAX_LENGTH) issues.push(new DomainError('invalidChoice', 'title', 'title too long'))
  if (!isActivityKind(input.kind)) issues.push(new DomainError('invalidChoice', 'kind'))
  if (!isActivityStatus(input.status)) issues.push(new DomainError('invalidChoice', 'status'))
  if (input.leadSchoolId && !knownSchoolIds.includes(input.leadSchoolId)) {
    issues.push(new DomainError('invalidChoice', 'leadSchoolId'))
  }
  if (input.startDate && !isIsoDate(input.startDate)) issues.push(new DomainError('invalidDate', 'startDate'))
  if (input.endDate && !isIsoDate(input.endDate)) issues.push(new DomainError('invalidDate', 'endDate'))
  if (isIsoDate(input.startDate) && isIsoDate(input.endDate) && input.endDate < input.startDate) {
    issues.push(new DomainError('endBeforeStart', 'endDate'))
  }
  for (const [schoolId, money] of Object.entries(input.cost)) {
    if (!knownSchoolIds.includes(schoolId)) {
      issues.push(new DomainError('invalidChoice', `cost.${schoolId}`))
      continue
    }
    if (typeof money.amount !== 'number' || !Number.isFinite(money.amount) || money.amount < 0) {
      issues.push(new DomainError('negativeCost', `cost.${schoolId}`))
    }
    if (!CURRENCY.test(money.currency)) issues.push(new DomainError('invalidCurrency', `cost.${schoolId}`))
  }
  for (const schoolId of Object.keys(input.responsible)) {
    if (!knownSchoolIds.includes(schoolId)) issues.push(new DomainError('invalidChoice', `responsible.${schoolId}`))
  }
  return issues
}

/** Turns a stored record (from any device, any app) into a typed value; bad fields fall back. */
function toActivity(id: string, map: Y.Map<unknown>): Activity {
  return readRecord(ACTIVITY, id, map)
}

export function readActivity(doc: Y.Doc, id: string): Activity | undefined {
  return findRecord(doc, 'activities', id, toActivity)
}

/** Order of the plan: dated activities by start date, then undated ones; ties by title. */
export function compareActivities(a: Activity, b: Activity): number {
  const da = a.startDate || a.endDate
  const db = b.startDate || b.endDate
  if (da !== db) {
    if (!da) return 1
    if (!db) return -1
    return da < db ? -1 : 1
  }
  return a.title.localeCompare(b.title) || a.id.localeCompare(b.id)
}

export function listActivities(doc: Y.Doc, opts: { includeDeleted?: boolean } = {}): Activity[] {
  const out: Activity[] = []
  for (const [id, map] of collection(doc, 'activities').entries()) {
    if (!(map instanceof Y.Map)) continue
    const a = toActivity(id, map)
    if (a.deletedAt && !opts.includeDeleted) continue
    out.push(a)
  }
  return out.sort(compareActivities)
}

function normalise(input: ActivityInput): ActivityInput {
  const cost: Record<string, Money> = {}
  for (const [k, v] of Object.entries(input.cost)) cost[k] = { amount: v.amount, currency: v.currency.trim().toUpperCase() }
  const responsible: Record<string, string> = {}
  for (const [k, v] of Object.entries(input.responsible)) responsible[k] = v.trim()
  return { ...input, title: input.title.trim(), targetGroup: input.targetGroup.trim(), cost, responsible }
}

function checked(doc: Y.Doc, input: ActivityInput): ActivityInput {
  assertWritable(doc)
  const n = normalise(input)
  const issues = validateActivity(n, schoolIds(doc))
  if (issues.length > 0) throw new ValidationError(issues)
  return n
}

export function createActivity(doc: Y.Doc, input: ActivityInput, actor: Actor, now: Date = new Date()): string {
  return addRecord(doc, ACTIVITY, checked(doc, input), actor, now)
}

/** Applies a change; only fields that differ from the stored value are written. */
export function updateActivity(
  doc: Y.Doc,
  id: string,
  patch: Partial<ActivityInput>,
  actor: Actor,
  now: Date = new Date(),
): void {
  updateRecord(doc, ACTIVITY, id, toActivity, actor, now, (prev) => checked(doc, { ...prev, ...patch }))
}

/** Tombstones an activity; `restoreActivity` undoes it. */
export function deleteActivity(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'activities', id, actor, now)
}

export function restoreActivity(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  restoreRecord(doc, 'activities', id, actor, now)
}

/** Groups activities by the month they start in (YYYY-MM; '' for undated), in plan order. */
export function groupByMonth(list: readonly Activity[]): { month: string; activities: Activity[] }[] {
  const groups: { month: string; activities: Activity[] }[] = []
  for (const a of [...list].sort(compareActivities)) {
    const month = (a.startDate || a.endDate).slice(0, 7)
    const last = groups[groups.length - 1]
    if (last && last.month === month) last.activities.push(a)
    else groups.push({ month, activities: [a] })
  }
  return groups
}
