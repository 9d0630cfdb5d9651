/**
 * The partnership document: one Y.Doc per partnership.
 *
 * Owns the top-level layout (`meta` plus one keyed Y.Map per collection), the schema version
 * and the migration runner. Record files (`activity.ts`, …) own their fields and migrations.
 *
 * Traps:
 * - `schemaVersion` only grows. A document whose version is newer than this app knows is opened
 *   read-only: writing a shape we do not understand could destroy a newer app's data.
 * - Migrations run on several offline devices independently, so every step must be idempotent
 *   and merge cleanly with the same step run elsewhere.
 * - A document that has no `meta` yet is not broken: it is a joined partnership that has not
 *   received its first sync. Never write meta into it, or two "creations" would race.
 */
import type * as Y from 'yjs'
import { DomainError } from './errors'
import { trackHistory } from './historyRecorder'

/**
 * The version this app writes. Only grows. Before raising it, make the app announce its device
 * (`announceDevice` in restore.ts, which writes this number) before it migrates: a version mark
 * no device explains is treated as bogus and can be removed by a restore (docs/schema.md).
 */
export const CURRENT_SCHEMA_VERSION = 2

export const COLLECTIONS = [
  'schools',
  'activities',
  'calendar',
  'letters',
  'feedback',
  'agreement',
  'contacts',
  'meetings',
  'organisations',
  'partnerInput',
  'nextSteps',
] as const
export type CollectionName = (typeof COLLECTIONS)[number]

/** Origin of transactions made by migrations, so listeners can tell them apart. */
export const MIGRATION_ORIGIN = 'scholenband:migration'

export interface Migration {
  /** The schema version this step brings the document to (2, 3, …; version 1 is the initial shape). */
  readonly toVersion: number
  readonly description: string
  /**
   * Makes its changes in its own transaction(s), with `origin`. Must be safe to run twice and on
   * two devices at once. The runner records the new version afterwards.
   */
  readonly up: (doc: Y.Doc, origin: string) => void
}


export interface School {
  readonly id: string
  readonly name: string
}

export interface PartnershipMeta {
  readonly schemaVersion: number
  readonly name: string
  readonly createdAt: string
  readonly createdBy: string
  /** The school that created the partnership on its device. */
  readonly schoolA: School
  /** The partner school. */
  readonly schoolB: School
}

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta')
}

export function collection(doc: Y.Doc, name: CollectionName): Y.Map<Y.Map<unknown>> {
  return doc.getMap(name)
}

/**
 * The document's schema version: the highest of `schemaVersion` and every `version:<n>` mark.
 * `schemaVersion` alone is last-writer-wins: a device that migrated to 2 can overwrite another's
 * 3 when both merge. The marks are separate keys, so none is ever lost, and the version never
 * goes down.
 */
export function readSchemaVersion(doc: Y.Doc): number | undefined {
  const meta = metaMap(doc)
  const v = meta.get('schemaVersion')
  let best = typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined
  for (const key of meta.keys()) {
    const m = /^version:(\d+)$/.exec(key)
    if (m && meta.get(key) === true) best = Math.max(best ?? 0, Number(m[1]))
  }
  return best
}

/** Records that the document has reached `version` (both forms, see readSchemaVersion). */
export function markSchemaVersion(doc: Y.Doc, version: number): void {
  const meta = metaMap(doc)
  if (meta.get(`version:${version}`) !== true) meta.set(`version:${version}`, true)
  const best = readSchemaVersion(doc) ?? version
  if (meta.get('schemaVersion') !== best) meta.set('schemaVersion', best)
}

/** True when the document was written by a newer app than this one. */
export function isTooNew(doc: Y.Doc): boolean {
  const v = readSchemaVersion(doc)
  return v !== undefined && v > CURRENT_SCHEMA_VERSION
}

/** Every write goes through this: a too-new or not-yet-synced document is never written. */
export function assertWritable(doc: Y.Doc): void {
  trackHistory(doc)
  if (isTooNew(doc)) throw new DomainError('readOnly', undefined, 'document schema is newer than this app')
  if (readSchemaVersion(doc) === undefined) throw new DomainError('notFound', 'meta', 'document has no meta yet')
}

export interface NewPartnership {
  readonly name: string
  readonly ourSchoolName: string
  readonly partnerSchoolName: string
}

/** Validates the create form. Returns the problems; empty when fine. */
export function validateNewPartnership(input: NewPartnership): DomainError[] {
  const issues: DomainError[] = []
  if (!input.name.trim()) issues.push(new DomainError('nameRequired', 'name'))
  if (!input.ourSchoolName.trim()) issues.push(new DomainError('nameRequired', 'ourSchoolName'))
  if (!input.partnerSchoolName.trim()) issues.push(new DomainError('nameRequired', 'partnerSchoolName'))
  return issues
}

function readSchool(value: unknown, fallbackId: string): School {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>
    return {
      id: typeof v.id === 'string' ? v.id : fallbackId,
      name: typeof v.name === 'string' ? v.name : '',
    }
  }
  return { id: fallbackId, name: '' }
}

/** Reads meta as a typed value; undefined while the document has not received it yet. */
export function readMeta(doc: Y.Doc): PartnershipMeta | undefined {
  const schemaVersion = readSchemaVersion(doc)
  if (schemaVersion === undefined) return undefined
  const meta = metaMap(doc)
  const str = (k: string): string => {
    const v = meta.get(k)
    return typeof v === 'string' ? v : ''
  }
  return {
    schemaVersion,
    name: str('name'),
    createdAt: str('createdAt'),
    createdBy: str('createdBy'),
    schoolA: readSchool(meta.get('schoolA'), 'A'),
    schoolB: readSchool(meta.get('schoolB'), 'B'),
  }
}

export function schoolIds(doc: Y.Doc): string[] {
  const meta = readMeta(doc)
  return meta ? [meta.schoolA.id, meta.schoolB.id] : []
}

