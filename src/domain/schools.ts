/**
 * School profiles ("identikit"): one record per school in the `schools` collection, keyed by the
 * school id from `meta`, editable from either device.
 *
 * Trap: two devices that each create the record for the same school id would each make their own
 * Y.Map, and after merging one of them (with every edit inside it) would lose. So profile records
 * are only ever created by `ensureSchoolProfiles`, which builds them with a fixed client id and no
 * content of its own: two devices that run it offline produce the very same items, which Yjs
 * merges into one. All content is written afterwards, field by field, by ordinary edits.
 *
 * Second trap: `ensureSchoolProfiles` applies an update, which Yjs marks as a remote
 * transaction; called inside a transaction that also holds this device's own edits, Yjs would
 * think another device uses our client id and change it. So it runs in a transaction of its own.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isTimeZone } from './dates'
import { assertWritable, collection, metaMap, readMeta, type Migration, type School } from './schema'
import { createDeterministic, readNumber, readString, readStringList, readText, stampUpdated, type Actor } from './record'
import { writeText } from './text'

export const COMMUNICATION_MEANS = ['phone', 'whatsapp', 'email', 'post', 'video-call', 'internet-at-school', 'computer-room', 'traveller'] as const
export type CommunicationMeans = (typeof COMMUNICATION_MEANS)[number]

export interface SchoolLeader {
  readonly id: string
  readonly name: string
  readonly role: string
  readonly subjects: string
}

export interface SchoolProfileInput {
  readonly name: string
  /** e.g. "primary school", "secondary school, technical" */
  readonly schoolType: string
  readonly educationOffered: string
  readonly pupils: number | null
  readonly teachers: number | null
  readonly town: string
  readonly country: string
  /** IANA time zone, e.g. Europe/Brussels, Africa/Kigali. */
  readonly timeZone: string
  readonly languages: readonly string[]
  /** ISO 4217 code of the school's own currency. */
  readonly currency: string
  readonly vision: string
  readonly motivation: string
  readonly infrastructure: string
  readonly communicationMeans: readonly string[]
  readonly internationalExperience: string
}

export interface SchoolProfile extends SchoolProfileInput {
  readonly id: string
  readonly leaders: readonly SchoolLeader[]
  readonly updatedBy: string
  readonly updatedAt: string
}

const TEXT_FIELDS = ['vision', 'motivation'] as const
const PLAIN_FIELDS = ['schoolType', 'educationOffered', 'pupils', 'teachers', 'town', 'country', 'timeZone', 'languages', 'currency', 'infrastructure', 'communicationMeans', 'internationalExperience'] as const

function schools(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'schools')
}

/**
 * Creates the empty profile record of each school that lacks one. Deterministic: the same items
 * on every device, so running it on two devices offline merges into one record per school.
 */
export function ensureSchoolProfiles(doc: Y.Doc, origin: unknown = null): void {
  if (!readMeta(doc)) return
  for (const key of ['schoolA', 'schoolB']) {
    // only from a real id in meta, never from a reader's fallback: devices must agree on it
    const school = metaMap(doc).get(key) as { id?: unknown } | undefined
    const id = school && typeof school.id === 'string' && school.id ? school.id : undefined
    if (!id) continue
    createDeterministic(
      doc,
      'schools',
      id,
      (record) => {
        record.set('vision', new Y.Text())
        record.set('motivation', new Y.Text())
        record.set('leaders', new Y.Map())
      },
      origin,
    )
  }
}

export const schoolMigrations: readonly Migration[] = [
  {
    toVersion: 2,
    description: 'every school gets a profile record in `schools`, keyed by its id from meta',
    up: (doc, origin) => ensureSchoolProfiles(doc, origin),
  },
]

function toProfile(school: School, map: Y.Map<unknown> | undefined): SchoolProfile {
  const leaders: SchoolLeader[] = []
  const lm = map?.get('leaders')
  if (lm instanceof Y.Map) {
    for (const [id, v] of lm.entries()) {
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>
        leaders.push({ id, name: String(o.name ?? ''), role: String(o.role ?? ''), subjects: String(o.subjects ?? '') })
      }
    }
  }
  const m = map ?? new Y.Map<unknown>()
  return {
    id: school.id,
    name: school.name,
    schoolType: readString(m, 'schoolType'),
    educationOffered: readString(m, 'educationOffered'),
    pupils: readNumber(m, 'pupils'),
    teachers: readNumber(m, 'teachers'),
    town: readString(m, 'town'),
    country: readString(m, 'country'),
    timeZone: readString(m, 'timeZone'),
    languages: readStringList(m, 'languages'),
    currency: readString(m, 'currency'),
    vision: readText(m, 'vision'),
    motivation: readText(m, 'motivation'),
    infrastructure: readString(m, 'infrastructure'),
    communicationMeans: readStringList(m, 'communicationMeans'),
    internationalExperience: readString(m, 'internationalExperience'),
    leaders: leaders.sort((a, b) => a.name.localeCompare(b.name)),
    updatedBy: readString(m, 'updatedBy'),
    updatedAt: readString(m, 'updatedAt'),
  }
}

/** Both profiles, school A (the creator's) first. Undefined before the first sync. */
export function readSchoolProfiles(doc: Y.Doc): [SchoolProfile, SchoolProfile] | undefined {
  const meta = readMeta(doc)
  if (!meta) return undefined
  return [toProfile(meta.schoolA, schools(doc).get(meta.schoolA.id)), toProfile(meta.schoolB, schools(doc).get(meta.schoolB.id))]
}

export function readSchoolProfile(doc: Y.Doc, schoolId: string): SchoolProfile | undefined {
  return readSchoolProfiles(doc)?.find((p) => p.id === schoolId)
}

/** The time zone of each school that has one, by id (for the calendar rule). */
export function schoolTimeZones(doc: Y.Doc): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of readSchoolProfiles(doc) ?? []) if (p.timeZone) out[p.id] = p.timeZone
  return out
}

export function validateSchoolProfile(input: Partial<SchoolProfileInput>): DomainError[] {
  const issues: DomainError[] = []
  if (input.name !== undefined && !input.name.trim()) issues.push(new DomainError('nameRequired', 'name'))
  for (const f of ['pupils', 'teachers'] as const) {
    const v = input[f]
    if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) issues.push(new DomainError('invalidNumber', f))
  }
  if (input.timeZone && !isTimeZone(input.timeZone)) issues.push(new DomainError('invalidChoice', 'timeZone'))
  if (input.currency && !/^[A-Z]{3}$/.test(input.currency)) issues.push(new DomainError('invalidCurrency', 'currency'))
  return issues
}

/** Changes the fields given; others are left as they are (the partner may be editing them). */
export function updateSchoolProfile(doc: Y.Doc, schoolId: string, patch: Partial<SchoolProfileInput>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const meta = readMeta(doc)!
  const which = meta.schoolA.id === schoolId ? 'schoolA' : meta.schoolB.id === schoolId ? 'schoolB' : undefined
  if (!which) throw new DomainError('notFound', 'schoolId')
  const n: Partial<SchoolProfileInput> = {
    ...patch,
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(patch.currency !== undefined ? { currency: patch.currency.trim().toUpperCase() } : {}),
  }
  const issues = validateSchoolProfile(n)
  if (issues.length > 0) throw new ValidationError(issues)
  ensureSchoolProfiles(doc)
  doc.transact(() => {
    const map = schools(doc).get(schoolId)
    if (!(map instanceof Y.Map)) throw new DomainError('notFound', 'schoolId')
    const prev = toProfile(meta[which], map)
    if (n.name !== undefined && n.name !== prev.name) metaMap(doc).set(which, { id: schoolId, name: n.name })
    for (const f of PLAIN_FIELDS) {
      const v = n[f]
      if (v === undefined) continue
      if (JSON.stringify(v) !== JSON.stringify(prev[f])) map.set(f, Array.isArray(v) ? [...v] : v)
    }
    for (const f of TEXT_FIELDS) {
      const v = n[f]
      if (v === undefined) continue
      writeText(map, f, v)
    }
    stampUpdated(map, actor, now)
  })
}

export function addSchoolLeader(doc: Y.Doc, schoolId: string, leader: Omit<SchoolLeader, 'id'>, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  if (!leader.name.trim()) throw new ValidationError([new DomainError('nameRequired', 'name')])
  const id = randomId()
  ensureSchoolProfiles(doc)
  doc.transact(() => {
    const map = schools(doc).get(schoolId)
    const leaders = map?.get('leaders')
    if (!(map instanceof Y.Map) || !(leaders instanceof Y.Map)) throw new DomainError('notFound', 'schoolId')
    leaders.set(id, { name: leader.name.trim(), role: leader.role.trim(), subjects: leader.subjects.trim() })
    stampUpdated(map, actor, now)
  })
  return id
}

export function removeSchoolLeader(doc: Y.Doc, schoolId: string, leaderId: string, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const map = schools(doc).get(schoolId)
  const leaders = map?.get('leaders')
  if (!(map instanceof Y.Map) || !(leaders instanceof Y.Map)) throw new DomainError('notFound', 'schoolId')
  doc.transact(() => {
    leaders.delete(leaderId)
    stampUpdated(map, actor, now)
  })
}
