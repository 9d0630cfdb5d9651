/**
 * An iCalendar (.ics, RFC 5545) export of the plan: activities, contact days and feedback
 * moments as all-day events a phone calendar imports. Stable UIDs, so importing again updates
 * events instead of doubling them.
 */
import type * as Y from 'yjs'
import { listActivities } from './activity'
import { addDays } from './dates'
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

/** Escapes TEXT values: backslash, semicolon, comma and line breaks. */
export function escapeIcsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n')
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
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

export function buildIcs(doc: Y.Doc, opts: IcsOptions): string {
  const meta = readMeta(doc)
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Scholenband//Action plan//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH']
  if (meta) lines.push(`X-WR-CALNAME:${escapeIcsText(meta.name)}`)
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
    const from = a.startDate || a.endDate
    const to = a.endDate || a.startDate
    if (!from || to < opts.from || from > opts.to) continue
    event(`activity-${a.id}`, from, to, a.title, a.description)
  }
  const rhythm = readAgreements(doc).rhythm
  if (rhythm) {
    for (const day of contactDays(rhythm, opts.from, 60)) {
      if (day > opts.to) break
      event(`contact-${day}`, day, day, opts.labels.contactDay, meta ? meta.name : '')
    }
  }
  for (const m of listFeedback(doc).moments) {
    if (m.date < opts.from || m.date > opts.to) continue
    event(`feedback-${m.id}`, m.date, m.date, `${opts.labels.feedbackMoment}: ${m.title}`, '')
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldIcsLine).join('\r\n') + '\r\n'
}
