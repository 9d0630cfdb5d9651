/**
 * Dates and amounts as the person reads them, in the chosen language (Intl, no libraries), and
 * the device's own date (`localToday`) — the one module for dates and formats in the UI.
 * Calendar dates (YYYY-MM-DD) are formatted in UTC, so a date never shifts by a day with the
 * device's time zone.
 *
 * Trap: "today" is the date on the device's clock in its own time zone, not in UTC — a teacher in
 * Kigali at 01:30 is already on the next day while UTC is not.
 */
import type { Money } from '../domain'

function utcDate(iso: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso)
  if (!m) return undefined
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3] ?? 1)))
}

/**
 * Intl formatters made once per language and options: building one costs far more than using it
 * (2.5 s of a cold start on a 1,000-activity plan went into a new DateTimeFormat per card).
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()

function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(kind: string, language: string, options: object, make: () => F): F {
  const key = `${kind}|${language}|${JSON.stringify(options)}`
  let f = formatters.get(key) as F | undefined
  if (!f) {
    f = make()
    formatters.set(key, f)
  }
  return f
}

/** A DateTimeFormat for the language and options, made once. */
export function dateFormat(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached('d', language, options, () => new Intl.DateTimeFormat(language, options))
}

/** A NumberFormat for the language and options, made once (throws like Intl for a bad currency). */
export function numberFormat(language: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached('n', language, options, () => new Intl.NumberFormat(language, options))
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** Today on this device, as YYYY-MM-DD (local, not UTC: a Kigali evening is still today). */
export function localToday(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** "Tuesday 3 March 2026", in the chosen language; anything but a full YYYY-MM-DD date as written. */
export function formatDayLong(iso: string, language: string): string {
  const d = iso.length === 10 ? utcDate(iso) : undefined
  if (!d) return iso
  return dateFormat(language, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d)
}

/** Weekday names in the chosen language, Monday first (the domain's 0 = Monday). */
export function weekdayNames(language: string): string[] {
  const f = dateFormat(language, { weekday: 'long', timeZone: 'UTC' })
  // 2024-01-01 was a Monday
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))))
}

function capitalise(text: string, language: string): string {
  return text.charAt(0).toLocaleUpperCase(language) + text.slice(1)
}

/** "September 2025" / "September 2025" for a month key "2025-09"; undefined when not a month. */
export function formatMonth(month: string, language: string): string | undefined {
  const d = utcDate(month)
  if (!d) return undefined
  return capitalise(dateFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d), language)
}

const DATE_OPTIONS: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }

export function formatDate(iso: string, language: string): string {
  const d = utcDate(iso)
  return d ? dateFormat(language, DATE_OPTIONS).format(d) : iso
}

/** "3–5 Oct 2025", or the one date that is known, or '' when neither is. */
export function formatDateRange(start: string, end: string, language: string): string {
  const s = utcDate(start)
  const e = utcDate(end)
  if (s && e && end !== start) {
    const f = dateFormat(language, DATE_OPTIONS)
    return typeof f.formatRange === 'function' ? f.formatRange(s, e) : `${f.format(s)} – ${f.format(e)}`
  }
  if (s) return formatDate(start, language)
  if (e) return formatDate(end, language)
  return ''
}

/** A moment (ISO timestamp) with date and time, for "last changed by". */
export function formatMoment(iso: string, language: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return dateFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(d)
}

export function formatMoney(money: Money, language: string): string {
  try {
    return numberFormat(language, { style: 'currency', currency: money.currency }).format(money.amount)
  } catch {
    // a currency code Intl does not know: still show amount and code
    return `${numberFormat(language).format(money.amount)} ${money.currency}`
  }
}

function groupSeparator(language: string): string {
  const part = numberFormat(language).formatToParts(12345.6).find((p) => p.type === 'group')
  return part?.value === '.' ? '.' : ','
}

/**
 * Reads an amount as typed: "12,50", "12.50", "1.234,5", "1,234.5", "12 500".
 * With both separators, the last one is the decimal mark. With one, it is the decimal mark unless
 * it is the language's thousands separator followed by exactly three digits ("12.500" in Dutch).
 * '' → undefined; anything that is not a number → NaN (the domain reports it).
 */
export function parseAmount(text: string, language: string): number | undefined {
  let t = text.trim().replace(/[\s\u00a0\u202f']/g, '')
  if (!t) return undefined
  const separators = t.match(/[.,]/g) ?? []
  if (separators.length > 0) {
    const decimalAt = Math.max(t.lastIndexOf(','), t.lastIndexOf('.'))
    const mark = t.charAt(decimalAt)
    const fraction = t.slice(decimalAt + 1)
    const isGrouping =
      new Set(separators).size === 1 && mark === groupSeparator(language) && (separators.length > 1 || fraction.length === 3)
    t = isGrouping ? t.replace(/[.,]/g, '') : `${t.slice(0, decimalAt).replace(/[.,]/g, '')}.${fraction}`
  }
  return /^\d*\.?\d+$|^\d+\.$/.test(t) ? Number(t) : Number.NaN
}

/** An amount as it is put back into a form field: the language's decimal mark, no grouping. */
export function amountToText(amount: number | undefined, language: string): string {
  if (amount === undefined) return ''
  return numberFormat(language, { useGrouping: false, maximumFractionDigits: 20 }).format(amount)
}
