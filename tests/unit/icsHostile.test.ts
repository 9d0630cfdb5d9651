/**
 * The .ics export with hostile values (issue 10 §5): whatever a member or a program holding the
 * invite writes into titles, descriptions, ids and dates, a calendar parser (ical.js) reads the
 * text back as it was written, and no value can add a property or an event.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import ICAL from 'ical.js'
import { EMPTY_ACTIVITY, buildIcs, createActivity, escapeIcsText, initPartnership, planFeedbackMoment, readMeta } from '../../src/domain'

const OPTS = { from: '2026-09-01', to: '2027-08-31', labels: { contactDay: 'Contact day', feedbackMoment: 'Feedback moment' }, now: new Date('2026-11-23T10:00:00Z') }

function partnership(name = 'Gent–Huye'): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name, ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId: 'gent', schoolBId: 'huye' }, 'An')
  return doc
}

/** Writes an activity record the way a foreign program could: any id, any strings, no validation. */
function rawActivity(doc: Y.Doc, id: string, fields: Record<string, string>): void {
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    doc.getMap('activities').set(id, m)
    for (const [k, v] of Object.entries(fields)) {
      if (k === 'description') {
        const text = new Y.Text()
        m.set(k, text)
        text.insert(0, v)
      } else m.set(k, v)
    }
  })
}

function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text))
  const events = cal.getAllSubcomponents('vevent')
  return { cal, events, parsed: events.map((v) => new ICAL.Event(v)) }
}

/** What a calendar keeps of a line break: RFC 5545 TEXT has one kind of line break, `\n`. */
const asCalendarText = (s: string): string => s.replace(/\r\n|\r/g, '\n')

const INJECTION = 'Trip\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nDTSTART;VALUE=DATE:20261001\r\nSUMMARY:Injected\r\nEND:VEVENT'
const LONE_CR = 'Visit\rATTACH:https://evil.example/x\rORGANIZER:mailto:evil@example.com'
const LONE_LF = 'Walk\nLOCATION:Evil street\nURL:https://evil.example'

const HOSTILE_TITLES = [
  'Letters; class 5, P5 \\ part 2',
  'Ends with a backslash \\',
  '\\n is not a line break here, \\, \\; either',
  INJECTION,
  LONE_CR,
  LONE_LF,
  'Mixed\r\n\r\rbreaks\n\n',
  'Emoji 🎒📚🇷🇼 and 👩🏽‍🏫 — ça va, señora; 日本語',
]

describe('.ics export of hostile values', () => {
  it('every hostile title and description reads back unchanged, and adds no event or property', () => {
    const doc = partnership()
    HOSTILE_TITLES.forEach((title, i) => {
      const day = String(i + 1).padStart(2, '0')
      createActivity(doc, { ...EMPTY_ACTIVITY, title, description: `${title}\r\n${INJECTION}`, startDate: `2026-10-${day}`, endDate: `2026-10-${day}` }, 'An')
    })
    const text = buildIcs(doc, OPTS)
    const { events, parsed } = parse(text)
    expect(events).toHaveLength(HOSTILE_TITLES.length)
    const titles = parsed.map((e) => e.summary).sort()
    expect(titles).toEqual(HOSTILE_TITLES.map((t) => asCalendarText(t.trim())).sort())
    for (const title of HOSTILE_TITLES) {
      const e = parsed.find((x) => x.summary === asCalendarText(title.trim()))!
      expect(e.description).toBe(asCalendarText(`${title}\r\n${INJECTION}`))
    }
    // every event holds exactly the properties the app writes, once each
    for (const v of events) {
      expect(v.getAllProperties().map((p) => p.name).sort()).toEqual(['description', 'dtend', 'dtstamp', 'dtstart', 'summary', 'transp', 'uid'])
    }
    expect(parsed.some((e) => e.uid === 'evil@x' || e.summary === 'Injected')).toBe(false)
    // the text has no line that a hostile value started
    const unfolded = text.replace(/\r\n[ \t]/g, '')
    expect(unfolded.split('\r\n').filter((l) => /^(BEGIN|END):VEVENT$/.test(l))).toHaveLength(HOSTILE_TITLES.length * 2)
    expect(unfolded.split('\r\n').some((l) => /^(ATTACH|ORGANIZER|LOCATION|URL)[:;]/.test(l))).toBe(false)
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  })

  it('a lone CR cannot end a line', () => {
    expect(escapeIcsText('a\rb')).toBe('a\\nb')
    expect(escapeIcsText('a\r\nb\nc')).toBe('a\\nb\\nc')
    expect(escapeIcsText('x;y,z\\')).toBe('x\\;y\\,z\\\\')
  })

  it('very long Unicode text is folded at 75 octets without splitting a character and reads back whole', () => {
    const doc = partnership('Ŝkolo 🏫 '.repeat(30))
    const long = ('Ĉu vi aŭdis? 🎒 日本語のテキスト, ça; \\ ' + '👩🏽‍🏫'.repeat(7)).repeat(60)
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Long 🌍'.repeat(25), description: long, startDate: '2026-10-05', endDate: '2026-10-06' }, 'An')
    const text = buildIcs(doc, OPTS)
    const lines = text.split('\r\n')
    expect(lines.every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true)
    // no line begins or ends inside a character (a lone surrogate would be U+FFFD once encoded)
    expect(lines.every((line) => new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(line)) === line && !/[\uD800-\uDFFF]$/.test(line.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')))).toBe(true)
    const { cal, parsed } = parse(text)
    expect(parsed).toHaveLength(1)
    expect(parsed[0]!.description).toBe(long)
    expect(parsed[0]!.summary).toBe('Long 🌍'.repeat(25))
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe(readMeta(doc)!.name)
  })

  it('hostile ids become safe UIDs, and dates that are not real dates leave their event out', () => {
    const doc = partnership()
    rawActivity(doc, 'a\r\nBEGIN:VEVENT\r\nSUMMARY:Injected', { title: 'Hostile id', startDate: '2026-10-05', endDate: '2026-10-05' })
    rawActivity(doc, 'id with spaces;and,commas', { title: 'Spaces', startDate: '2026-10-06', endDate: '' })
    rawActivity(doc, 'bad-date-1', { title: 'Feb 30', startDate: '2026-02-30', endDate: '' })
    rawActivity(doc, 'bad-date-2', { title: 'Injected date', startDate: '20261001\r\nSUMMARY:Injected', endDate: '' })
    rawActivity(doc, 'bad-date-3', { title: 'Month 13', startDate: '2026-13-01', endDate: '2026-13-02' })
    rawActivity(doc, 'bad-end', { title: 'Bad end', startDate: '2026-11-02', endDate: '2026-11-31' })
    const moment = planFeedbackMoment(doc, { title: 'Autumn, review; all', date: '2026-11-25' }, 'An')
    expect(typeof moment).toBe('string')
    doc.transact(() => {
      const m = new Y.Map<unknown>()
      doc.getMap('feedback').set('m\rUID:evil', m)
      m.set('kind', 'moment')
      m.set('title', 'Foreign')
      m.set('date', '2026-12-01')
    })
    const text = buildIcs(doc, OPTS)
    const { events, parsed } = parse(text)
    const uids = parsed.map((e) => e.uid)
    for (const uid of uids) expect(uid).toMatch(/^[A-Za-z0-9_-]+@scholenband$/)
    expect(new Set(uids).size).toBe(uids.length)
    expect(parsed.map((e) => e.summary).sort()).toEqual(['Bad end', 'Feedback moment: Autumn, review; all', 'Feedback moment: Foreign', 'Hostile id', 'Spaces'])
    expect(parsed.find((e) => e.summary === 'Bad end')!.endDate.toString()).toBe('2026-11-03')
    expect(events.every((v) => v.getAllProperties('summary').length === 1)).toBe(true)
    // the same record gets the same UID on the next export (importing again updates, not doubles)
    expect(parse(buildIcs(doc, OPTS)).parsed.map((e) => e.uid)).toEqual(uids)
  })
})
