/**
 * What arrived: the records an update changed when it was applied ("1 letter, 2 activities
 * changed" after a changes file is opened). Counted from the Yjs transaction that applied it: a
 * record counts once however many of its fields, texts or replies changed, and a new, edited or
 * deleted record counts alike. Bookkeeping (history entries, delivery receipts, device entries)
 * is not a change a person made and is not counted.
 */
import type * as Y from 'yjs'
import { HISTORY_MAP } from './history'
import { DEVICES_MAP } from './devices'

export interface Arrivals {
  readonly letters: number
  readonly activities: number
  /** Records of every other kind (schools, calendar, reflections, the agreement, meta, …). */
  readonly other: number
}

/** A shared type as a transaction names it. */
type Shared = Y.Transaction['changed'] extends Map<infer K, unknown> ? K : never

const NOT_COUNTED = new Set<string>([HISTORY_MAP, DEVICES_MAP, 'receipts'])

/** The top-level name of `type` and the key under it (a record id, or a field of a plain map). */
function placeOf(doc: Y.Doc, type: Shared, key: string | null): { root: string; key: string | null } | undefined {
  let t = type
  let k = key
  while (t._item) {
    k = t._item.parentSub
    t = t._item.parent as Shared
  }
  for (const [name, shared] of doc.share) if (shared === t) return { root: name, key: k }
  return undefined
}

/** Runs `apply` (which applies an update to `doc`) and counts the records its transactions changed. */
export function recordsChangedBy(doc: Y.Doc, apply: () => void): Arrivals {
  const changed = new Map<string, Set<string>>()
  const onTransaction = (tr: Y.Transaction): void => {
    for (const [type, keys] of tr.changed) {
      for (const key of keys.size > 0 ? keys : new Set<string | null>([null])) {
        const place = placeOf(doc, type, key)
        if (!place || NOT_COUNTED.has(place.root)) continue
        const set = changed.get(place.root) ?? new Set<string>()
        set.add(place.key ?? '')
        changed.set(place.root, set)
      }
    }
  }
  doc.on('afterTransaction', onTransaction)
  try {
    apply()
  } finally {
    doc.off('afterTransaction', onTransaction)
  }
  let other = 0
  for (const [root, keys] of changed) if (root !== 'letters' && root !== 'activities') other += keys.size
  return { letters: changed.get('letters')?.size ?? 0, activities: changed.get('activities')?.size ?? 0, other }
}
