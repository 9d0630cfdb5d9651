/**
 * Writing values back: "Restore this version" (an entry's earlier values) and "Keep <value>" (one
 * value of a double edit). Both write forward as a new change by the person choosing, so every
 * device merges them; the document is never rewound. Apart from history.ts and doubleEdits.ts
 * because only these need every record type's field table (recordTypes.ts), to check a value
 * before it is written: history entries come from other devices and programs.
 */
import * as Y from 'yjs'
import { DomainError } from './errors'
import { assertWritable } from './schema'
import { isShortValue, sameValue } from './fields'
import { fieldSpec } from './recordTypes'
import { historyEntry, plainObject, recordMap, valueAt, MAX_HISTORY_VALUE_CHARS, type HistoryEntry, type HistoryIntent } from './history'
import { doubleEditsOf, type DoubleEdit } from './doubleEdits'
import { noteActor, stampUpdated, type Actor } from './record'
import { writeText } from './text'

/**
 * True when `value` may be written to `field` of `collection`: a short value of the field's kind
 * as its field table declares it. Fields without a table (meta, growth) take strings, numbers,
 * booleans and null, and meta's two schools their `{ id, name }` object.
 */
export function isRestorableValue(collection: string, field: string, value: unknown): boolean {
  if (value === null) return true
  const spec = fieldSpec(collection, field)
  if (spec) return spec.kind !== 'text' && spec.kind !== 'map' && isShortValue(spec, value)
  if (collection === 'meta' && (field === 'schoolA' || field === 'schoolB')) {
    const o = plainObject(value)
    return !!o && typeof o.id === 'string' && typeof o.name === 'string' && o.id.length <= 64 && o.name.length <= 200
  }
  if (field.startsWith('version:') || field === 'schemaVersion') return false
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= MAX_HISTORY_VALUE_CHARS)
}

/**
 * Sets `path` of a record map to `value` (null removes a nested map's entry); a value the map
 * already holds is written again only with `force`.
 */
export function writeAt(map: Y.Map<unknown>, path: string, value: unknown, force = false): void {
  const parts = path.split('.')
  const last = parts.pop()
  if (last === undefined) return
  let target: Y.Map<unknown> = map
  for (const part of parts) {
    const next = target.get(part)
    if (!(next instanceof Y.Map)) {
      const created = new Y.Map<unknown>()
      target.set(part, created)
      target = created
    } else target = next as Y.Map<unknown>
  }
  if (value === null && parts.length > 0) {
    if (target.has(last)) target.delete(last)
  } else if (force || !sameValue(target.get(last) ?? null, value)) target.set(last, value)
}

/** The fields of an entry that "Restore this version" would write back: those with an earlier value. */
export function restorableFields(entry: HistoryEntry): { fields: string[]; texts: string[] } {
  if (entry.isCreation || entry.action === 'remove') return { fields: [], texts: [] }
  const fields = Object.entries(entry.fields)
    .filter(([f, c]) => !c.big && isRestorableValue(entry.collection, f, c.old))
    .map(([f]) => f)
  const texts = Object.entries(entry.texts)
    .filter(([, t]) => t.old !== null)
    .map(([f]) => f)
  return { fields, texts }
}

/**
 * "Restore this version": writes the values an entry replaced back as a new change by `actor`,
 * so it merges forward on every device (the document is never rewound). Values are checked
 * against the field table first; one that does not fit is left as it is.
 */
export function restoreVersion(doc: Y.Doc, entryId: string, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const entry = historyEntry(doc, entryId)
  if (!entry) throw new DomainError('notFound', 'id', `no history entry ${entryId}`)
  const map = recordMap(doc, entry.collection, entry.record)
  if (!map) throw new DomainError('notFound', 'id', `no record ${entry.record}`)
  const { fields, texts } = restorableFields(entry)
  if (fields.length === 0 && texts.length === 0) throw new DomainError('invalidChoice', 'id', 'nothing to restore in this entry')
  doc.transact(
    () => {
      for (const f of fields) writeAt(map, f, entry.fields[f]?.old ?? null)
      for (const f of texts) {
        const parts = f.split('.')
        const key = parts.pop() as string
        const parent = parts.length ? valueAt(map, parts.join('.')) : map
        const old = entry.texts[f]?.old
        if (parent instanceof Y.Map && typeof old === 'string') writeText(parent as Y.Map<unknown>, key, old)
      }
      if (entry.collection !== 'meta') stampUpdated(map, actor, now)
      else noteActor(doc, actor)
    },
    { scholenbandHistory: 'restore', from: entry.id } satisfies HistoryIntent,
  )
}

/**
 * "Keep <value>": writes `value` (one of the double edit's values) as a change that has seen
 * every head, which settles the double edit on every device.
 */
export function keepValue(doc: Y.Doc, edit: Pick<DoubleEdit, 'collection' | 'record' | 'field'>, value: unknown, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const map = recordMap(doc, edit.collection, edit.record)
  if (!map) throw new DomainError('notFound', 'id', `no record ${edit.record}`)
  const offered = doubleEditsOf(doc, edit.collection, edit.record).find((d) => d.field === edit.field)
  if (offered && !offered.values.some((v) => sameValue(v.value, value))) throw new DomainError('invalidChoice', edit.field)
  if (!isRestorableValue(edit.collection, edit.field, value)) throw new DomainError('invalidChoice', edit.field)
  doc.transact(
    () => {
      // written even when the record already holds it: the write is what records that this
      // device has seen every value
      writeAt(map, edit.field, value, true)
      stampUpdated(map, actor, now)
    },
    { scholenbandHistory: 'settle' } satisfies HistoryIntent,
  )
}
