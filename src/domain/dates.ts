/**
 * Calendar dates (YYYY-MM-DD) as plain strings: they compare and sort as text, and mean the same
 * day everywhere. Time zones only matter when an activity has a time of day (see calendar.ts).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === value
}

export function toIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10)
}

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`)
}

export function addDays(date: string, days: number): string {
  const d = utc(date)
  d.setUTCDate(d.getUTCDate() + days)
  return toIsoDate(d)
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utc(b).getTime() - utc(a).getTime()) / 86_400_000)
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(date: string): number {
  return (utc(date).getUTCDay() + 6) % 7
}

/** The Monday of the week (Monday–Sunday) that holds `date`. */
export function mondayOf(date: string): string {
  return addDays(date, -weekday(date))
}

/** Easter Sunday (Gregorian calendar, anonymous algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** True when the inclusive ranges [aFrom, aTo] and [bFrom, bTo] share at least one day. */
export function rangesOverlap(aFrom: string, aTo: string, bFrom: string, bTo: string): boolean {
  return aFrom <= bTo && bFrom <= aTo
}

/**
 * The calendar date at `timeZone` of a moment given as a local date and time at `fromZone`.
 * Uses Intl (IANA zone names); an unknown zone falls back to the date as given.
 */
export function dateInZone(date: string, time: string, fromZone: string, timeZone: string): string {
  try {
    const instant = zonedToInstant(date, time, fromZone)
    return localDate(instant, timeZone)
  } catch {
    return date
  }
}

function partsIn(instant: Date, timeZone: string): Record<string, number> {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
  const out: Record<string, number> = {}
  for (const p of fmt.formatToParts(instant)) if (p.type !== 'literal') out[p.type] = Number(p.value)
  return out
}

function localDate(instant: Date, timeZone: string): string {
  const p = partsIn(instant, timeZone)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

/** The instant at which the clock in `timeZone` shows `date` `time`. */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const [h = 0, min = 0] = time.split(':').map(Number)
  const guess = new Date(`${date}T${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}:00Z`)
  // the zone's offset at that moment, then once more in case the offset changed in between (DST)
  let instant = guess
  for (let i = 0; i < 2; i++) {
    const p = partsIn(instant, timeZone)
    const shown = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!)
    instant = new Date(instant.getTime() + (guess.getTime() - shown))
  }
  return instant
}

export function isTimeOfDay(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value)
}

export function isTimeZone(value: string): boolean {
  if (!value) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}
