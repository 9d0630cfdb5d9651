/** Creating a partnership: meta and the empty records every partnership starts with. */
import type * as Y from 'yjs'
import { actorName, type Actor } from './record'
import { DomainError } from './errors'
import { CURRENT_SCHEMA_VERSION, markSchemaVersion, metaMap, readSchemaVersion, validateNewPartnership, type NewPartnership } from './schema'
import { ensureSchoolProfiles } from './schools'

/** Writes the meta of a brand-new partnership into an empty document. */
export function initPartnership(
  doc: Y.Doc,
  input: NewPartnership,
  ids: { schoolAId: string; schoolBId: string },
  actor: Actor,
  now: Date = new Date(),
): void {
  const issues = validateNewPartnership(input)
  if (issues.length > 0) throw issues[0]!
  if (readSchemaVersion(doc) !== undefined) throw new DomainError('invalidChoice', 'meta', 'document already initialised')
  doc.transact(() => {
    const meta = metaMap(doc)
    markSchemaVersion(doc, CURRENT_SCHEMA_VERSION)
    meta.set('name', input.name.trim())
    meta.set('createdAt', now.toISOString())
    meta.set('createdBy', actorName(actor))
    meta.set('schoolA', { id: ids.schoolAId, name: input.ourSchoolName.trim() })
    meta.set('schoolB', { id: ids.schoolBId, name: input.partnerSchoolName.trim() })
  })
  ensureSchoolProfiles(doc)
}

