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
import { defineRecordType, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection, metaMap, readMeta, type Migration, type School } from './schema'
import { createDeterministic, stampUpdated, type Actor } from './record'

export const COMMUNICATION_MEANS = ['phone', 'whatsapp', 'email', 'post', 'video-call', 'internet-at-school', 'computer-room', 'traveller'] as const
export type CommunicationMeans = (typeof COMMUNICATION_MEANS)[number]

export interface SchoolLeader {
  readonly id: string
  readonly name: string
  readonly role: string
  readonly subjects: string
}

/** A leader as stored in `leaders` (role and subjects may be missing from another writer). */
function isStoredLeader(v: unknown): v is { readonly name: string; readonly role?: string; readonly subjects?: string } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false
  const o = v as Record<string, unknown>
  return typeof o.name === 'string' && (o.role === undefined || typeof o.role === 'string') && (o.subjects === undefined || typeof o.subjects === 'string')
}

/**
 * A school profile's fields, declared once: reader, writer and types derive from it. The school's
 * name is not here: it lives in `meta` (schoolA / schoolB), and the profile has no name field.
 */
export const SCHOOL_PROFILE = /* @__PURE__ */ defineRecordType({
  collection: 'schools',
  fields: {
    /** e.g. "primary school", "secondary school, technical" */
    schoolType: { kind: 'string' },
    educationOffered: { kind: 'string' },
    pupils: { kind: 'number', min: 0, integer: true },
    teachers: { kind: 'number', min: 0, integer: true },
    town: { kind: 'string' },
    country: { kind: 'string' },
    /** IANA time zone, e.g. Europe/Brussels, Africa/Kigali. */
    timeZone: { kind: 'string' },
    languages: { kind: 'strings' },
    /** ISO 4217 code of the school's own currency. */
    currency: { kind: 'string' },
    vision: { kind: 'text' },
    motivation: { kind: 'text' },
    /** People who lead the link, by random id. */
    leaders: { kind: 'map', of: { kind: 'object', is: isStoredLeader } },
    infrastructure: { kind: 'string' },
    communicationMeans: { kind: 'strings' },
    internationalExperience: { kind: 'string' },
  },
})

type SchoolProfileFields = FieldValues<typeof SCHOOL_PROFILE.fields>

/** What a person fills in: the profile's fields and the school's name (kept in meta). */
export interface SchoolProfileInput extends Omit<SchoolProfileFields, 'leaders'> {
  readonly name: string
}

export interface SchoolProfile extends SchoolProfileInput, Pick<Stamps, 'updatedBy' | 'updatedAt'> {
  readonly id: string
  readonly leaders: readonly SchoolLeader[]
}

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
  const m = map ?? new Y.Map<unknown>()
  const { leaders, ...fields } = readFields(SCHOOL_PROFILE.fields, m)
  const { updatedBy, updatedAt } = readStamps(m)
  return {
    id: school.id,
    name: school.name,
    ...fields,
    leaders: Object.entries(leaders)
      .flatMap(([id, l]) => (l ? [{ id, name: l.name, role: l.role ?? '', subjects: l.subjects ?? '' }] : []))
      .sort((a, b) => a.name.localeCompare(b.name)),
    updatedBy,
    updatedAt,
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
    if (n.name !== undefined && n.name !== meta[which].name) metaMap(doc).set(which, { id: schoolId, name: n.name })
    writeChangedFields(SCHOOL_PROFILE.fields, map, readFields(SCHOOL_PROFILE.fields, map), n)
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
