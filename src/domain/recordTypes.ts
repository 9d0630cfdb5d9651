/**
 * Every record type of the document, by collection: what history, "Restore this version",
 * "Keep …" and "Recently deleted" look up to know a field's kind and a record's name. One list
 * here (each type is declared in its own file) rather than a registry each file fills when it
 * loads: that would make every screen load every record type.
 */
import { ACTIVITY } from './activity'
import { AGREEMENT_DRAFT } from './agreement'
import { PERIOD } from './calendar'
import { COMMUNICATION } from './communication'
import { FEEDBACK } from './feedback'
import { LETTER } from './letters'
import { MEETING } from './meetings'
import { NEXT_STEP } from './nextSteps'
import { ORGANISATION } from './organisations'
import { PARTNER_INPUT } from './partnerInput'
import { PERSON } from './people'
import { SCHOOL_PROFILE } from './schools'
import type { FieldSpec, RecordType } from './fields'

export const RECORD_TYPES: readonly RecordType[] = [
  ACTIVITY,
  AGREEMENT_DRAFT,
  PERIOD,
  COMMUNICATION,
  FEEDBACK,
  LETTER,
  MEETING,
  NEXT_STEP,
  ORGANISATION,
  PARTNER_INPUT,
  PERSON,
  SCHOOL_PROFILE,
]

export function recordType(collection: string): RecordType | undefined {
  return RECORD_TYPES.find((t) => t.collection === collection)
}

/**
 * The spec of `field` of `collection` (a nested map entry `responsible.<id>` gives the entry's
 * spec; a field of a nested record `steps.<id>.notes` gives that field's spec).
 */
export function fieldSpec(collection: string, field: string): FieldSpec | undefined {
  const table = recordType(collection)?.fields
  if (!table) return undefined
  const dot = field.indexOf('.')
  if (dot < 0) return Object.hasOwn(table, field) ? table[field] : undefined
  const outer = Object.hasOwn(table, field.slice(0, dot)) ? table[field.slice(0, dot)] : undefined
  if (outer?.kind === 'records') {
    const inner = field.slice(dot + 1)
    const name = inner.slice(inner.indexOf('.') + 1)
    return inner.includes('.') && Object.hasOwn(outer.fields, name) ? outer.fields[name] : undefined
  }
  return outer?.kind === 'map' ? outer.of : undefined
}
