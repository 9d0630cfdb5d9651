/**
 * Double edits: two devices changed the same short field of a record without having seen each
 * other's change. Yjs keeps one value per map key (chosen by client id, not by time or person),
 * so without this the other value would be gone without a trace. The history (history.ts) keeps
 * both: each change names the changes it had seen (`parents`), and a field with more than one
 * latest change ("head") whose values differ is a double edit. Every device computes the same
 * from the same entries, so every device shows the same notice.
 *
 * Picking a value ("Keep …", `keepValue` in writeBack.ts) writes it as a new change that has seen every head: one head again,
 * on every device once it arrives. Long texts (`Y.Text`) merge by character and are never a
 * double edit. Same value on both sides: nothing to show.
 *
 * Trap: a field changed afterwards by a program that keeps no history has a value none of the
 * heads holds; that change settled it (the history shows it as "changed by another program").
 */
import type * as Y from 'yjs'
import { COLLECTIONS } from './schema'
import { sameValue } from './fields'
import { entriesOf, headsAmong, recordMap, recordsWithHistory, valueAt } from './history'

export interface DoubleEditValue {
  readonly value: unknown
  readonly by: string
  readonly at: string
  /** Device id. */
  readonly on: string | null
  readonly entryId: string
}

export interface DoubleEdit {
  readonly collection: string
  readonly record: string
  readonly field: string
  /** One per distinct value, oldest change first. */
  readonly values: readonly DoubleEditValue[]
  /** The value the record holds now (one of `values`). */
  readonly current: unknown
}

/** The unsettled double edits of one record (none for a deleted or unknown record). */
export function doubleEditsOf(doc: Y.Doc, collection: string, record: string): DoubleEdit[] {
  const map = recordMap(doc, collection, record)
  if (!map || typeof map.get('deletedAt') === 'string') return []
  const entries = entriesOf(doc, collection, record)
  const fields = new Set<string>()
  for (const e of entries) for (const f of Object.keys(e.fields)) fields.add(f)
  const out: DoubleEdit[] = []
  for (const field of fields) {
    if (field === 'deletedAt') continue
    const heads = headsAmong(entries, field)
    if (heads.length < 2) continue
    const values: DoubleEditValue[] = []
    for (const h of heads) {
      const change = h.fields[field]
      if (!change || change.big) continue
      if (values.some((v) => sameValue(v.value, change.new))) continue
      values.push({ value: change.new, by: h.by, at: h.at, on: h.on, entryId: h.id })
    }
    if (values.length < 2) continue
    const current = valueAt(map, field) ?? null
    if (!values.some((v) => sameValue(v.value, current))) continue
    out.push({ collection, record, field, values, current })
  }
  return out
}

/** Every unsettled double edit of the partnership's records, for This week and the plan. */
export function listDoubleEdits(doc: Y.Doc, collections: readonly string[] = COLLECTIONS): DoubleEdit[] {
  const out: DoubleEdit[] = []
  for (const { collection, record } of recordsWithHistory(doc)) {
    if (collections.includes(collection)) out.push(...doubleEditsOf(doc, collection, record))
  }
  return out
}
