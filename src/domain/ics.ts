/**
 * An iCalendar (.ics, RFC 5545) export of the plan: activities, contact days and feedback
 * moments as all-day events a phone calendar imports. Stable UIDs, so importing again updates
 * events instead of doubling them.
 */
import type * as Y from 'yjs'
import { listActivities } from './activity'
import { addDays, isIsoDate } from './dates'
import { contactDays, readAgreements } from './communication'
import { listFeedback } from './feedback'
import { readMeta } from './schema'

export interface IcsOptions {
  /** First and last day of the events to include (inclusive). */
  readonly from: string
  readonly to: string
  /** Words for the titles of generated events, in the user's language. */
  readonly labels: { readonly contactDay: string; readonly feedbackMoment: string }
  readonly now?: Date
}

/**
 * Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, and every
 * line break — CRLF, a lone CR or a lone LF — becomes `\n`. Other control characters (which TEXT
 * may not hold, and which some parsers read as line ends) are dropped. Document values are
 * untrusted: after this, a value cannot end its line, so it cannot add a property or an event.
 */
export function escapeIcsText(value: string): string {
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * A UID part from a record id: ids the app writes (random, URL-safe) as they are; anything else
 * (a hostile or foreign id) as a hash of it in hex, so a UID holds only safe characters and the
 * same record still gets the same UID on every export.
 */
export function icsUidPart(id: string): string {
  const text = String(id)
  if (SAFE_ID.test(text)) return text
  // two FNV-1a 32-bit hashes with different seeds: 64 bits, stable across exports
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ 0x5bd1e995
  for (const byte of new TextEncoder().encode(text)) {
    h1 = Math.imul(h1 ^ byte, 0x01000193) >>> 0
    h2 = Math.imul(h2 ^ byte, 0x01000193) >>> 0
  }
  return `x${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`
}

/** Folds a content line at 75 octets (UTF-8), continuing with CRLF and a space. */
export function foldIcsLine(line: string): string {
  const bytes = new TextEncoder()
  const out: string[] = []
  let current = ''
  let size = 0
  for (const ch of line) {
    const n = bytes.encode(ch).length
    if (size + n > (out.length === 0 ? 75 : 74)) {
      out.push(current)
      current = ''
      size = 0
    }
    current += ch
    size += n
  }
  out.push(current)
  return out.join('\r\n ')
}

const compact = (date: string): string => date.replace(/-/g, '')

function stamp(d: Date): string {
  const valid = Number.isFinite(d.getTime()) ? d : new Date(0)
  return valid.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

/** A real calendar date (YYYY-MM-DD) from an untrusted value, or undefined. */
function dateOf(value: unknown): string | undefined {
  return typeof value === 'string' && isIsoDate(value) ? value : undefined
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * The calendar file. Every value read from the document is untrusted: text is escaped, dates that
 * are not real YYYY-MM-DD dates leave their event out, UIDs hold only safe characters.
 */
export function buildIcs(doc: Y.Doc, opts: IcsOptions): string {
  const meta = readMeta(doc)
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Scholenband//Action plan//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH']
  const calName = meta ? textOf(meta.name) : ''
  if (calName) lines.push(`X-WR-CALNAME:${escapeIcsText(calName)}`)
  const dtstamp = stamp(opts.now ?? new Date())
  const event = (uid: string, from: string, to: string, summary: string, description: string): void => {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uid}@scholenband`,
      `DTSTAMP:${dtstamp}`,
      `DTSTART;VALUE=DATE:${compact(from)}`,
      `DTEND;VALUE=DATE:${compact(addDays(to, 1))}`, // exclusive end for all-day events
      `SUMMARY:${escapeIcsText(summary)}`,
    )
    if (description) lines.push(`DESCRIPTION:${escapeIcsText(description)}`)
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT')
  }
  for (const a of listActivities(doc)) {
    const start = dateOf(a.startDate)
    const end = dateOf(a.endDate)
    const from = start ?? end
    if (!from) continue
    const to = end && end >= from ? end : from
    if (to < opts.from || from > opts.to) continue
    event(`activity-${icsUidPart(a.id)}`, from, to, textOf(a.title), textOf(a.description))
  }
  const rhythm = readAgreements(doc).rhythm
  if (rhythm) {
    for (const day of contactDays(rhythm, opts.from, 60)) {
      if (!dateOf(day)) continue
      if (day > opts.to) break
      event(`contact-${day}`, day, day, opts.labels.contactDay, calName)
    }
  }
  for (const m of listFeedback(doc).moments) {
    const date = dateOf(m.date)
    if (!date || date < opts.from || date > opts.to) continue
    event(`feedback-${icsUidPart(m.id)}`, date, date, `${opts.labels.feedbackMoment}: ${textOf(m.title)}`, '')
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldIcsLine).join('\r\n') + '\r\n'
}
