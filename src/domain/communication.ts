/**
 * Communication agreements: the regular contact rhythm with its next contact day, the channels
 * that work, who communicates with whom, how often the working group meets. Plain values in the
 * `communication` map (each key last-writer-wins; channels one key each, so two schools ticking
 * different channels offline both keep theirs). People are in people.ts, next steps in
 * nextSteps.ts.
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { addDays, isIsoDate, weekday } from './dates'
import { defineRecordType, readFields, writeChangedFields, type FieldValues } from './fields'
import { assertWritable } from './schema'
import { stampUpdated, type Actor } from './record'

/**
 * When the schools are in touch regularly:
 * - `monthly`: the `nth` (1–4, or -1 for the last) `weekday` (0 = Monday … 6 = Sunday) of every month;
 * - `weekly`: every `everyWeeks` weeks on the weekday of `anchor`, counting from `anchor`.
 */
export type Rhythm =
  | { readonly kind: 'monthly'; readonly nth: 1 | 2 | 3 | 4 | -1; readonly weekday: number }
  | { readonly kind: 'weekly'; readonly everyWeeks: number; readonly anchor: string }

export const CHANNELS = ['phone', 'whatsapp', 'email', 'post', 'video-call', 'traveller'] as const
export type Channel = (typeof CHANNELS)[number]

function channelKey(c: Channel): `channel:${Channel}` {
  return `channel:${c}`
}

/** One key per channel: two schools ticking different channels offline both keep theirs. */
const CHANNEL_FIELDS = /* @__PURE__ */ Object.fromEntries(CHANNELS.map((c) => [channelKey(c), { kind: 'boolean' }])) as Record<`channel:${Channel}`, { readonly kind: 'boolean' }>

/**
 * The fields of the `communication` map, declared once: reader, writer and types derive from it.
 * The map itself is the record (there is one per partnership), so it has no name field.
 */
export const COMMUNICATION = /* @__PURE__ */ defineRecordType({
  collection: 'communication',
  fields: {
    rhythm: { kind: 'object', is: isRhythm },
    ...CHANNEL_FIELDS,
    /** Free text: which teachers, classes, heads and pupils write to whom. */
    whoWithWhom: { kind: 'string' },
    /** How often the working group meets, in words ("every first Monday after school"). */
    workingGroupRhythm: { kind: 'string' },
  },
})

type CommunicationFields = FieldValues<typeof COMMUNICATION.fields>

export interface CommunicationAgreements extends Pick<CommunicationFields, 'rhythm' | 'whoWithWhom' | 'workingGroupRhythm'> {
  /** The channels ticked, in the order of CHANNELS. */
  readonly channels: readonly Channel[]
}

function agreements(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('communication')
}

export function isRhythm(v: unknown): v is Rhythm {
  if (!v || typeof v !== 'object') return false
  const r = v as Record<string, unknown>
  if (r.kind === 'monthly') {
    return [1, 2, 3, 4, -1].includes(r.nth as number) && Number.isInteger(r.weekday) && (r.weekday as number) >= 0 && (r.weekday as number) <= 6
  }
  if (r.kind === 'weekly') {
    return Number.isInteger(r.everyWeeks) && (r.everyWeeks as number) >= 1 && (r.everyWeeks as number) <= 8 && typeof r.anchor === 'string' && isIsoDate(r.anchor)
  }
  return false
}

export function readAgreements(doc: Y.Doc): CommunicationAgreements {
  const f = readFields(COMMUNICATION.fields, agreements(doc))
  return { rhythm: f.rhythm, channels: CHANNELS.filter((c) => f[channelKey(c)]), whoWithWhom: f.whoWithWhom, workingGroupRhythm: f.workingGroupRhythm }
}

export function updateAgreements(doc: Y.Doc, patch: Partial<CommunicationAgreements>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  if (patch.rhythm && !isRhythm(patch.rhythm)) throw new ValidationError([new DomainError('invalidChoice', 'rhythm')])
  const m = agreements(doc)
  const channels = patch.channels
  const next: Partial<CommunicationFields> = {
    rhythm: patch.rhythm,
    // only the channels that changed are written (see CHANNEL_FIELDS)
    ...(channels ? Object.fromEntries(CHANNELS.map((c) => [channelKey(c), channels.includes(c)])) : {}),
    whoWithWhom: patch.whoWithWhom?.trim(),
    workingGroupRhythm: patch.workingGroupRhythm?.trim(),
  }
  doc.transact(() => {
    writeChangedFields(COMMUNICATION.fields, m, readFields(COMMUNICATION.fields, m), next)
    stampUpdated(m, actor, now)
  })
}

function nthWeekdayOfMonth(year: number, month: number, nth: number, day: number): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`
  if (nth > 0) return addDays(first, ((day - weekday(first) + 7) % 7) + (nth - 1) * 7)
  const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`
  const last = addDays(nextMonth, -1)
  return addDays(last, -((weekday(last) - day + 7) % 7))
}

/** The contact days from `from` (inclusive) on, at most `count` of them. */
export function contactDays(rhythm: Rhythm, from: string, count: number): string[] {
  const out: string[] = []
  if (rhythm.kind === 'monthly') {
    let year = Number(from.slice(0, 4))
    let month = Number(from.slice(5, 7))
    for (let guard = 0; out.length < count && guard < count + 2; guard++) {
      const d = nthWeekdayOfMonth(year, month, rhythm.nth, rhythm.weekday)
      if (d >= from) out.push(d)
      month++
      if (month > 12) {
        month = 1
        year++
      }
    }
    return out
  }
  const step = rhythm.everyWeeks * 7
  let d = rhythm.anchor
  if (d < from) {
    const periods = Math.ceil((Number(new Date(from)) - Number(new Date(d))) / 86_400_000 / step)
    d = addDays(d, periods * step)
  }
  while (out.length < count) {
    out.push(d)
    d = addDays(d, step)
  }
  return out
}

export function nextContactDay(rhythm: Rhythm | null, today: string): string | null {
  return rhythm ? (contactDays(rhythm, today, 1)[0] ?? null) : null
}
