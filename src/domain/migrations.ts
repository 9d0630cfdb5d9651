/**
 * The migration registry and the runner that opens a document.
 *
 * Each record file exports its own steps (`activityMigrations`, …); this module collects them by
 * version. Ids only grow, from 2 (version 1 is the initial shape), without gaps.
 */
import type * as Y from 'yjs'
import { activityMigrations } from './activity'
import { schoolMigrations } from './schools'
import { CURRENT_SCHEMA_VERSION, MIGRATION_ORIGIN, markSchemaVersion, readSchemaVersion, type Migration } from './schema'

/** Every migration of every record type, by version. Version 1 has none: it is the first shape. */
export const MIGRATIONS: readonly Migration[] = [...activityMigrations, ...schoolMigrations].sort((a, b) => a.toVersion - b.toVersion)

export type OpenState =
  /** No meta yet: waiting for the first sync of a joined partnership. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'ready'; readonly schemaVersion: number; readonly migrated: readonly number[] }
  /** Written by a newer app: shown read-only, with a request to update. */
  | { readonly kind: 'too-new'; readonly schemaVersion: number }

/**
 * Brings a document up to this app's schema. Runs the migrations it lacks, in order, each in its
 * own transaction, and records the new version. Idempotent.
 */
export function openDocument(doc: Y.Doc, migrations: readonly Migration[] = MIGRATIONS): OpenState {
  const version = readSchemaVersion(doc)
  if (version === undefined) return { kind: 'empty' }
  const target = Math.max(CURRENT_SCHEMA_VERSION, ...migrations.map((m) => m.toVersion))
  if (version > target) return { kind: 'too-new', schemaVersion: version }
  const migrated: number[] = []
  for (const m of migrations) {
    if (m.toVersion <= (readSchemaVersion(doc) ?? 0)) continue
    // The step runs first, in its own transaction(s): a step may apply a deterministic update,
    // which must not share a transaction with this device's own edits (see schools.ts). If the
    // app stops in between, the step runs again next time; steps are idempotent.
    m.up(doc, MIGRATION_ORIGIN)
    doc.transact(() => markSchemaVersion(doc, m.toVersion), MIGRATION_ORIGIN)
    migrated.push(m.toVersion)
  }
  return { kind: 'ready', schemaVersion: readSchemaVersion(doc) ?? version, migrated }
}
