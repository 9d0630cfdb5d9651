/**
 * The school year a planning screen shows (action plan, calendar, printable plan), and the few
 * date helpers those screens share (the device's own date, `localToday`, is in ../format.ts). The
 * rules themselves (which year a date is in, where a school year starts) are the domain's
 * (`schoolYearRange`, `readSchoolYearStartMonth`); nothing here assumes September–June.
 *
 * The choice is remembered per partnership for the browser tab (sessionStorage), so going from
 * the plan to the calendar or the printable plan keeps the same year.
 */
import { useState } from 'react'
import type * as Y from 'yjs'
import { addDays, listActivities, listPeriods, rangesOverlap, schoolYearOf, schoolYearRange, type Activity } from '../../domain'

/** `'all'` is offered by the action plan only; the calendar and printable plan need one year. */
export type SchoolYearChoice = number | 'all'

/** The calendar year the school year holding `date` starts in. */
export function firstYearOf(date: string, startMonth: number): number {
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  return month >= startMonth ? year : year - 1
}

/** "2026–2027" (or "2026" for a school year that follows the calendar year). */
export function schoolYearLabel(firstYear: number, startMonth: number): string {
  return schoolYearOf(schoolYearRange(firstYear, startMonth).from, startMonth)
}

/**
 * The school years worth offering: this one, the next, and every year something is planned in.
 * `activities`: the document's activities when the caller has just read them (saves a second read).
 */
export function schoolYearChoices(doc: Y.Doc, startMonth: number, today: string, activities: readonly Activity[] = listActivities(doc)): number[] {
  const current = firstYearOf(today, startMonth)
  const years = new Set<number>([current, current + 1])
  for (const a of activities) {
    const from = a.startDate || a.endDate
    const to = a.endDate || a.startDate
    if (!from) continue
    for (let y = firstYearOf(from, startMonth); y <= firstYearOf(to, startMonth) && y <= current + 20; y++) years.add(y)
  }
  for (const p of listPeriods(doc)) years.add(firstYearOf(p.from, startMonth))
  return [...years].sort((a, b) => a - b)
}

/** True when an activity has at least one day in the range (undated activities never do). */
export function isActivityIn(a: Activity, range: { from: string; to: string }): boolean {
  const from = a.startDate || a.endDate
  const to = a.endDate || a.startDate
  return from !== '' && rangesOverlap(from, to, range.from, range.to)
}

/** The months of a range as `{ month: 'YYYY-MM', from, to }`, first to last. */
export function monthsOf(range: { from: string; to: string }): { month: string; from: string; to: string }[] {
  const out: { month: string; from: string; to: string }[] = []
  let from = `${range.from.slice(0, 7)}-01`
  while (from <= range.to) {
    const next = addDays(from, 32).slice(0, 7) + '-01'
    out.push({ month: from.slice(0, 7), from, to: addDays(next, -1) })
    from = next
  }
  return out
}

function storageKey(roomId: string): string {
  return `sb-school-year-${roomId}`
}

function readChoice(roomId: string): SchoolYearChoice {
  try {
    const v = sessionStorage.getItem(storageKey(roomId))
    if (v && /^\d{4}$/.test(v)) return Number(v)
  } catch {
    /* storage disabled: start with every school year */
  }
  return 'all'
}

/** The school year chosen on this tab for a partnership; starts as `'all'`. */
export function useSchoolYearChoice(roomId: string): [SchoolYearChoice, (choice: SchoolYearChoice) => void] {
  const [choice, setChoice] = useState<SchoolYearChoice>(() => readChoice(roomId))
  const choose = (next: SchoolYearChoice): void => {
    setChoice(next)
    try {
      if (next === 'all') sessionStorage.removeItem(storageKey(roomId))
      else sessionStorage.setItem(storageKey(roomId), String(next))
    } catch {
      /* remembered for this screen only */
    }
  }
  return [choice, choose]
}

/** A file name made of a partnership's name: no characters that file systems refuse. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = [...name]
    .map((ch) => (ch < ' ' || '\\/:*?"<>|'.includes(ch) ? '-' : ch))
    .join('')
    .trim()
  return cleaned || fallback
}
