/**
 * The two schools' school-year calendars: holidays, closing days and exam periods, and the rule
 * that warns when an activity falls on one of them.
 *
 * Each period is a record in the `calendar` collection with the school it belongs to. School
 * years differ by country and hemisphere, so nothing here assumes September–June: the Flemish
 * starting point is computed from the Flemish rules for one school year, and the partner
 * school starts from a blank template of labels it fills in with its own dates.
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { addDays, dateInZone, easterSunday, isIsoDate, mondayOf, rangesOverlap, weekday } from './dates'
import { defineRecordType, type FieldValues, type Stamps } from './fields'
import { assertWritable, schoolIds } from './schema'
import { addRecord, deleteRecord, listRecords, readRecord, restoreRecord, updateRecord, type Actor } from './record'

export const PERIOD_KINDS = ['holiday', 'closing-day', 'exam-period'] as const
export type PeriodKind = (typeof PERIOD_KINDS)[number]

/** Stable names of the starting points' periods, for translating their labels before storing. */
export const STARTING_POINT_KEYS = [
  'autumnBreak', 'armisticeDay', 'christmasBreak', 'springBreak', 'easterBreak', 'labourDay', 'ascensionDay',
  'dayAfterAscension', 'whitMonday', 'summerHolidays', 'holidaysTerm1', 'holidaysTerm2', 'holidaysEnd',
  'examsTerm1', 'examsTerm2', 'nationalExams', 'publicHoliday',
] as const
export type StartingPointKey = (typeof STARTING_POINT_KEYS)[number]

/** A period's fields, declared once: reader, writer and types derive from it. */
export const PERIOD = /* @__PURE__ */ defineRecordType({
  collection: 'calendar',
  nameField: 'label',
  fields: {
    schoolId: { kind: 'string' },
    kind: { kind: 'enum', values: PERIOD_KINDS, fallback: 'holiday' },
    label: { kind: 'string' },
    /** First day, inclusive. */
    from: { kind: 'date' },
    /** Last day, inclusive; equal to `from` for a single day. */
    to: { kind: 'date' },
    /**
     * For a period loaded from a starting point: its key, so every device shows the label in its
     * own language ('' for a label someone typed). Cleared when the label is changed.
     */
    labelKey: { kind: 'enum', values: ['', ...STARTING_POINT_KEYS], fallback: '' },
  },
})

type PeriodFields = FieldValues<typeof PERIOD.fields>

/** What a person fills in; `labelKey` may be left out ('' then). */
export interface PeriodInput extends Omit<PeriodFields, 'labelKey'> {
  readonly labelKey?: PeriodFields['labelKey']
}

/** A stored period. Its stamps are those callers use (no `deletedBy`). */
export interface CalendarPeriod extends PeriodInput, Pick<Stamps, 'createdBy' | 'createdAt' | 'updatedBy' | 'updatedAt' | 'deletedAt'> {
  readonly id: string
}

export function isPeriodKind(v: unknown): v is PeriodKind {
  return typeof v === 'string' && (PERIOD_KINDS as readonly string[]).includes(v)
}

export function validatePeriod(input: PeriodInput, knownSchoolIds: readonly string[]): DomainError[] {
  const issues: DomainError[] = []
  if (!knownSchoolIds.includes(input.schoolId)) issues.push(new DomainError('invalidChoice', 'schoolId'))
  if (!isPeriodKind(input.kind)) issues.push(new DomainError('invalidChoice', 'kind'))
  if (!input.label.trim()) issues.push(new DomainError('nameRequired', 'label'))
  if (!isIsoDate(input.from)) issues.push(new DomainError('invalidDate', 'from'))
  if (!isIsoDate(input.to)) issues.push(new DomainError('invalidDate', 'to'))
  if (isIsoDate(input.from) && isIsoDate(input.to) && input.to < input.from) issues.push(new DomainError('endBeforeStart', 'to'))
  return issues
}

function toPeriod(id: string, map: Y.Map<unknown>): CalendarPeriod {
  const p = readRecord(PERIOD, id, map)
  return { ...p, to: p.to || p.from }
}

function checkedPeriod(doc: Y.Doc, input: PeriodInput): PeriodInput {
  assertWritable(doc)
  const n: PeriodInput = {
    schoolId: input.schoolId,
    kind: input.kind,
    label: input.label.trim(),
    from: input.from,
    to: input.to || input.from,
    labelKey: isStartingPointKey(input.labelKey) ? input.labelKey : '',
  }
  const issues = validatePeriod(n, schoolIds(doc))
  if (issues.length > 0) throw new ValidationError(issues)
  return n
}

export function addPeriod(doc: Y.Doc, input: PeriodInput, actor: Actor, now: Date = new Date()): string {
  return addRecord(doc, PERIOD, checkedPeriod(doc, input), actor, now)
}

/** Adds several periods in one change (loading a starting point). Returns their ids. */
export function addPeriods(doc: Y.Doc, inputs: readonly PeriodInput[], actor: Actor, now: Date = new Date()): string[] {
  const checked = inputs.map((i) => checkedPeriod(doc, i))
  const ids: string[] = []
  doc.transact(() => {
    for (const n of checked) ids.push(addPeriod(doc, n, actor, now))
  })
  return ids
}

export function updatePeriod(doc: Y.Doc, id: string, patch: Partial<PeriodInput>, actor: Actor, now: Date = new Date()): void {
  updateRecord(doc, PERIOD, id, toPeriod, actor, now, (prev) => {
    // a label typed over a starting point's label is the person's own from now on
    const labelKey = patch.label !== undefined && patch.label.trim() !== prev.label ? '' : prev.labelKey
    return checkedPeriod(doc, { ...prev, labelKey, ...patch })
  })
}

export function deletePeriod(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'calendar', id, actor, now)
}

export function listPeriods(doc: Y.Doc, opts: { schoolId?: string } = {}): CalendarPeriod[] {
  return listRecords(doc, 'calendar', toPeriod)
    .filter((p) => isIsoDate(p.from) && (!opts.schoolId || p.schoolId === opts.schoolId))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.label.localeCompare(b.label)))
}

// ---- the conflict rule ----------------------------------------------------------------------

/** What the rule needs of an activity. */
export interface ScheduledItem {
  readonly startDate: string
  readonly endDate: string
  /** Optional time of day (HH:MM) of a one-moment activity such as a call, at `timeZone`. */
  readonly time?: string
  /** The zone the dates and time are given in (the lead school's); '' = dates as they are. */
  readonly timeZone?: string
}

export interface Conflict {
  readonly schoolId: string
  readonly period: CalendarPeriod
  /** The days of the activity, as that school's calendar sees them. */
  readonly from: string
  readonly to: string
}

/**
 * The holidays, closing days and exam periods of either school that an activity falls on.
 * Ranges are inclusive at both ends, so an activity ending on the first day of a holiday is on
 * it. An activity with only one date is a one-day activity; without dates it conflicts with
 * nothing. An activity with a time of day is moved into each school's time zone first: a call at
 * 23:00 in Brussels is already the next day in Kigali.
 */
export function findConflicts(
  item: ScheduledItem,
  allPeriods: readonly CalendarPeriod[],
  schoolTimeZones: Readonly<Record<string, string>> = {},
): Conflict[] {
  const start = item.startDate || item.endDate
  const end = item.endDate || item.startDate
  if (!isIsoDate(start) || !isIsoDate(end)) return []
  const out: Conflict[] = []
  for (const period of allPeriods) {
    if (period.deletedAt) continue
    let from = start
    let to = end
    const zone = schoolTimeZones[period.schoolId]
    if (item.time && item.timeZone && zone && zone !== item.timeZone) {
      from = dateInZone(start, item.time, item.timeZone, zone)
      to = dateInZone(end, item.time, item.timeZone, zone)
    }
    if (rangesOverlap(from, to, period.from, period.to)) out.push({ schoolId: period.schoolId, period, from, to })
  }
  return out
}

// ---- starting points ------------------------------------------------------------------------

export function isStartingPointKey(v: unknown): v is StartingPointKey {
  return typeof v === 'string' && (STARTING_POINT_KEYS as readonly string[]).includes(v)
}

/** A period of a starting point: `label` is English; `key` names it for a translation. */
export interface StartingPeriod extends PeriodInput {
  readonly key: StartingPointKey
}

/**
 * A starting point for a Flemish school's calendar for the school year that begins in
 * `startYear` (e.g. 2026 → 2026–2027), computed from the rules of the Flemish school calendar
 * since 2022–2023: autumn, Christmas, spring (carnival) and Easter breaks of two weeks, summer
 * from the first Saturday of July, and the usual closing days. A starting point to check
 * against the school's own calendar and edit, not an official list.
 */
export function flemishSchoolYear(startYear: number, schoolId: string): StartingPeriod[] {
  const y = startYear
  const easter = easterSunday(y + 1)
  const easterMonday = addDays(easter, 1)
  const autumn = mondayOf(`${y}-11-01`)
  const christmasDay = `${y}-12-25`
  const christmas = weekday(christmasDay) >= 5 ? addDays(mondayOf(christmasDay), 7) : mondayOf(christmasDay)
  const spring = addDays(easterMonday, -49)
  let summer = `${y + 1}-07-01`
  while (weekday(summer) !== 5) summer = addDays(summer, 1)
  const nextStart = (() => {
    // the next school year starts on the last Monday of August
    let d = `${y + 1}-08-31`
    while (weekday(d) !== 0) d = addDays(d, -1)
    return d
  })()
  const holiday = (key: StartingPointKey, label: string, from: string, to: string): StartingPeriod => ({ key, schoolId, kind: 'holiday', label, from, to })
  const closed = (key: StartingPointKey, label: string, day: string): StartingPeriod => ({ key, schoolId, kind: 'closing-day', label, from: day, to: day })
  return [
    holiday('autumnBreak', 'Autumn break', autumn, addDays(autumn, 13)),
    closed('armisticeDay', 'Armistice Day', `${y}-11-11`),
    holiday('christmasBreak', 'Christmas break', christmas, addDays(christmas, 13)),
    holiday('springBreak', 'Spring break', spring, addDays(spring, 13)),
    holiday('easterBreak', 'Easter break', easterMonday, addDays(easterMonday, 13)),
    closed('labourDay', 'Labour Day', `${y + 1}-05-01`),
    closed('ascensionDay', 'Ascension Day', addDays(easter, 39)),
    closed('dayAfterAscension', 'Day after Ascension', addDays(easter, 40)),
    closed('whitMonday', 'Whit Monday', addDays(easter, 50)),
    holiday('summerHolidays', 'Summer holidays', summer, addDays(nextStart, -1)),
  ]
}

/**
 * A blank template for a partner school: the kinds of periods most school years have, without
 * dates, to fill in with the school's own calendar (terms, national exams, public holidays).
 */
export const PARTNER_TEMPLATE: readonly { key: StartingPointKey; kind: PeriodKind; label: string }[] = [
  { key: 'holidaysTerm1', kind: 'holiday', label: 'Holidays after term 1' },
  { key: 'holidaysTerm2', kind: 'holiday', label: 'Holidays after term 2' },
  { key: 'holidaysEnd', kind: 'holiday', label: 'Holidays at the end of the school year' },
  { key: 'examsTerm1', kind: 'exam-period', label: 'Exams, term 1' },
  { key: 'examsTerm2', kind: 'exam-period', label: 'Exams, term 2' },
  { key: 'nationalExams', kind: 'exam-period', label: 'National exams' },
  { key: 'publicHoliday', kind: 'closing-day', label: 'Public holiday' },
]

/** Undoes `deletePeriod`. */
export function restorePeriod(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  restoreRecord(doc, 'calendar', id, actor, now)
}
