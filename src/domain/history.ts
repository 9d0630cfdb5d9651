/**
 * History of every record, kept in the document itself so that every device (and the relay's
 * snapshots) has it: each change this app makes is written as one entry in the top-level map
 * `history` (key: a random id; value: a plain object, never changed afterwards). This module is
 * the entries' format and how they are read: checked (`parseEntry`), indexed by record, the
 * heads of a field, and the changes made without an entry. From them come a record's "History"
 * (who changed which field when, on which device, from what to what), "Restore this version",
 * "Recently deleted" and double edits (doubleEdits.ts). The entries are written by
 * historyRecorder.ts.
 *
 * Traps:
 * - Entries come from other devices and other programs: each is checked (`parseEntry`) and an
 *   entry that does not parse is ignored, never shown raw. A change written without an entry (by
 *   another program) is detected by comparing the record with its history ("changed by another
 *   program", `foreignChanges`).
 * - The `parents` of a short field's change are the entries the writing device had seen as the
 *   field's latest ("heads"). Two changes that did not see each other leave two heads: that is
 *   a double edit, kept visible until someone picks a value (doubleEdits.ts).
 */
import * as Y from 'yjs'
import { COLLECTIONS } from './schema'
import { sameValue } from './fields'
import { fingerprint } from './record'

export const HISTORY_MAP = 'history'
/** Origin of the transactions that write history entries (not themselves recorded). */
export const HISTORY_ORIGIN = 'scholenband:history'

/** A transaction origin that tells the history why a change was made. */
export interface HistoryIntent {
  readonly scholenbandHistory: 'restore' | 'settle' | 'restorePartnership'
  /** For a restore: the entry id, or `snapshot:<ISO time>`. */
  readonly from?: string
}

/** The maps whose records have history: the collections, `meta` and the plain-value maps. */
export function trackedRoots(): ReadonlySet<string> {
  return new Set<string>([...COLLECTIONS, 'meta', 'communication', 'growth'])
}

/** Roots whose own keys are fields of one record named like the root (not records). */
export const PLAIN_ROOTS: ReadonlySet<string> = /* @__PURE__ */ new Set(['meta', 'communication', 'growth'])

/** Largest value (as JSON) or earlier text kept in an entry; beyond it only "changed" is kept. */
export const MAX_HISTORY_VALUE_CHARS = 10_000
export const MAX_HISTORY_TEXT_CHARS = 100_000

export type HistoryAction = 'create' | 'edit' | 'delete' | 'undelete' | 'remove' | 'restore' | 'settle'

export interface FieldChange {
  /** The value before; null when absent. */
  readonly old: unknown
  readonly new: unknown
  /** Entries the writer had seen as this field's latest change. */
  readonly parents: readonly string[]
  /** The values were too large to keep: only the fact of the change is known. */
  readonly big?: boolean
}

export interface TextChange {
  /** The whole text before the change; null when it was too long to keep. */
  readonly old: string | null
  /** Fingerprint of the text after the change (record.ts `fingerprint`). */
  readonly hash: string
}

export interface HistoryEntry {
  readonly id: string
  readonly collection: string
  readonly record: string
  readonly action: HistoryAction
  readonly at: string
  /** Display name of the person; '' when unknown. */
  readonly by: string
  readonly byId: string | null
  /** Device id. */
  readonly on: string | null
  /** The Yjs client id that wrote the entry. */
  readonly client: number | null
  readonly fields: Readonly<Record<string, FieldChange>>
  readonly texts: Readonly<Record<string, TextChange>>
  readonly restoredFrom: string | null
  /** The change made the record (a creation, or a record brought back by a restore). */
  readonly isCreation: boolean
}

// ---------------------------------------------------------------------------------------------
// Reading entries (untrusted)

const ACTIONS: readonly HistoryAction[] = ['create', 'edit', 'delete', 'undelete', 'remove', 'restore', 'settle']
const MAX_FIELDS_PER_ENTRY = 200

function str(v: unknown, max: number): string | null {
  return typeof v === 'string' && v.length <= max ? v : null
}

export function plainObject(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
}

/** A value as kept in an entry: plain JSON; Yjs types and undefined become null. */
export function plainValue(v: unknown): unknown {
  if (v === undefined || v instanceof Y.AbstractType) return null
  return v
}

/** An entry as stored, checked; undefined when it is not one. */
export function parseEntry(id: string, value: unknown): HistoryEntry | undefined {
  const v = plainObject(value)
  if (!v || v.v !== 1) return undefined
  const collection = str(v.collection, 64)
  const record = str(v.record, 128)
  const at = str(v.at, 40)
  const action = ACTIONS.find((a) => a === v.action)
  if (collection === null || record === null || at === null || !action) return undefined
  const fields: Record<string, FieldChange> = {}
  const rawFields = plainObject(v.fields) ?? {}
  for (const [path, raw] of Object.entries(rawFields).slice(0, MAX_FIELDS_PER_ENTRY)) {
    const c = plainObject(raw)
    if (!c || path.length > 200) continue
    const parents = Array.isArray(c.parents) ? c.parents.filter((p): p is string => typeof p === 'string' && p.length <= 64).slice(0, 32) : []
    fields[path] = { old: c.old ?? null, new: c.new ?? null, parents, ...(c.big === true ? { big: true } : {}) }
  }
  const texts: Record<string, TextChange> = {}
  for (const [path, raw] of Object.entries(plainObject(v.texts) ?? {}).slice(0, MAX_FIELDS_PER_ENTRY)) {
    const c = plainObject(raw)
    if (!c || path.length > 200) continue
    texts[path] = { old: str(c.old, MAX_HISTORY_TEXT_CHARS), hash: str(c.hash, 64) ?? '' }
  }
  return {
    id,
    collection,
    record,
    action,
    at,
    by: str(v.by, 200) ?? '',
    byId: str(v.byId, 64),
    on: str(v.on, 64),
    client: typeof v.client === 'number' && Number.isInteger(v.client) ? v.client : null,
    fields,
    texts,
    restoredFrom: str(v.restoredFrom, 80),
    isCreation: action === 'create' || v.created === true,
  }
}

export interface HistoryIndex {
  readonly byRecord: Map<string, HistoryEntry[]>
  readonly byId: Map<string, HistoryEntry>
}

const indexes = /* @__PURE__ */ new WeakMap<Y.Doc, HistoryIndex>()

/** The key of a record in the index (and in the recorder's drafts). */
export function recordKey(collection: string, record: string): string {
  return `${collection}\u0000${record}`
}

function addToIndex(index: HistoryIndex, entry: HistoryEntry): void {
  if (index.byId.has(entry.id)) return
  index.byId.set(entry.id, entry)
  const key = recordKey(entry.collection, entry.record)
  const list = index.byRecord.get(key)
  if (list) list.push(entry)
  else index.byRecord.set(key, [entry])
}

/** An empty index that takes every entry added to the document's history from now on; `stop` ends that. */
function newIndex(doc: Y.Doc): { readonly index: HistoryIndex; readonly stop: () => void } {
  const index: HistoryIndex = { byRecord: new Map(), byId: new Map() }
  const map = doc.getMap<unknown>(HISTORY_MAP)
  const onChange = (event: Y.YMapEvent<unknown>): void => {
    for (const [id, change] of event.changes.keys) {
      if (change.action !== 'add') continue
      const e = parseEntry(id, map.get(id))
      if (e) addToIndex(index, e)
    }
  }
  map.observe(onChange)
  return { index, stop: () => map.unobserve(onChange) }
}

/** The document's entries by record, kept up to date as entries arrive from anywhere. */
export function historyIndex(doc: Y.Doc): HistoryIndex {
  const index = indexes.get(doc)
  if (index) return index
  const { index: built } = newIndex(doc)
  for (const [id, value] of doc.getMap<unknown>(HISTORY_MAP).entries()) {
    const e = parseEntry(id, value)
    if (e) addToIndex(built, e)
  }
  indexes.set(doc, built)
  return built
}

const building = /* @__PURE__ */ new WeakMap<Y.Doc, Promise<void>>()

/**
 * Builds what `historyIndex(doc)` returns a slice at a time (about `sliceMs` of reading, then
 * `nextTask()`, a turn for the browser): a five-year partnership's history takes ~250 ms to read
 * at 4× CPU. Resolves once it is built (at once when it is); never rejects (if reading fails here,
 * `historyIndex` reads it whole). One run per document at a time. Entries added meanwhile are
 * taken too, as `historyIndex` takes them.
 */
export function whenHistoryIndexed(doc: Y.Doc, nextTask: () => Promise<void>, sliceMs = 10): Promise<void> {
  if (indexes.has(doc)) return Promise.resolve()
  const running = building.get(doc)
  if (running) return running
  const run = (async () => {
    const { index, stop } = newIndex(doc)
    try {
      const map = doc.getMap<unknown>(HISTORY_MAP)
      const ids = [...map.keys()]
      let sliceStart = performance.now()
      for (const id of ids) {
        if (indexes.has(doc)) return stop()
        const e = parseEntry(id, map.get(id))
        if (e) addToIndex(index, e)
        if (performance.now() - sliceStart >= sliceMs) {
          await nextTask()
          sliceStart = performance.now()
        }
      }
      if (indexes.has(doc)) return stop()
      indexes.set(doc, index)
    } catch {
      stop()
    } finally {
      building.delete(doc)
    }
  })()
  building.set(doc, run)
  return run
}

/** Every entry of one record, oldest first. */
export function entriesOf(doc: Y.Doc, collection: string, record: string): HistoryEntry[] {
  const list = historyIndex(doc).byRecord.get(recordKey(collection, record)) ?? []
  return [...list].sort(compareEntries)
}

export function historyEntry(doc: Y.Doc, id: string): HistoryEntry | undefined {
  return historyIndex(doc).byId.get(id)
}

/** Every record that has history: [collection, record] pairs. */
export function recordsWithHistory(doc: Y.Doc): { collection: string; record: string }[] {
  const out: { collection: string; record: string }[] = []
  for (const list of historyIndex(doc).byRecord.values()) {
    const first = list[0]
    if (first) out.push({ collection: first.collection, record: first.record })
  }
  return out
}

function compareEntries(a: HistoryEntry, b: HistoryEntry): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * The latest changes of a short field that no later change has seen (see the module header):
 * one when everybody saw everybody's change, more after a double edit. Oldest first.
 */
export function fieldHeads(doc: Y.Doc, collection: string, record: string, field: string): HistoryEntry[] {
  return headsAmong(entriesOf(doc, collection, record), field)
}

/**
 * The heads of `field` among `entries` (a record's, from `entriesOf`, in their order): for a
 * caller that looks at every field of a record, the entries are read and sorted once, not per field.
 */
export function headsAmong(entries: readonly HistoryEntry[], field: string): HistoryEntry[] {
  const touching = entries.filter((e) => e.fields[field] !== undefined)
  if (touching.length < 2) return touching
  const seen = new Set<string>()
  for (const e of touching) for (const p of e.fields[field]?.parents ?? []) seen.add(p)
  return touching.filter((e) => !seen.has(e.id))
}

// ---------------------------------------------------------------------------------------------
// Reading a record's history, with changes made without history

/** A change seen in the record but not in its history: made by another program. */
export interface ForeignChange {
  readonly field: string
  readonly kind: 'value' | 'text'
  /** The value the history last recorded (for a text: its earlier text is not known). */
  readonly recorded: unknown
  readonly now: unknown
}

/** The record map `record` of `collection` (or the root map itself for meta and communication). */
export function recordMap(doc: Y.Doc, collection: string, record: string): Y.Map<unknown> | undefined {
  if (PLAIN_ROOTS.has(collection)) return collection === record ? doc.getMap(collection) : undefined
  if (!trackedRoots().has(collection)) return undefined
  const m = doc.getMap(collection).get(record)
  return m instanceof Y.Map ? (m as Y.Map<unknown>) : undefined
}

/** The value at a field path (`responsible.<id>`) of a record map; Y.Text as its string. */
export function valueAt(map: Y.Map<unknown>, path: string): unknown {
  let v: unknown = map
  for (const part of path.split('.')) {
    if (!(v instanceof Y.Map)) return undefined
    v = v.get(part)
  }
  return v instanceof Y.Text ? v.toString() : v
}

/**
 * Fields of the record whose value is not what its history last recorded: changed by a program
 * that keeps no history (or by a device of an app version before history).
 */
export function foreignChanges(doc: Y.Doc, collection: string, record: string): ForeignChange[] {
  const map = recordMap(doc, collection, record)
  const entries = entriesOf(doc, collection, record)
  if (!map || entries.length === 0) return []
  const out: ForeignChange[] = []
  const fields = new Set<string>()
  const texts = new Map<string, TextChange>()
  for (const e of entries) {
    for (const f of Object.keys(e.fields)) fields.add(f)
    for (const [f, t] of Object.entries(e.texts)) texts.set(f, t)
  }
  for (const field of fields) {
    const heads = fieldHeads(doc, collection, record, field)
    if (heads.some((h) => h.fields[field]?.big)) continue
    const now = plainValue(valueAt(map, field))
    if (!heads.some((h) => sameValue(h.fields[field]?.new ?? null, now))) {
      const last = heads[heads.length - 1]
      out.push({ field, kind: 'value', recorded: last?.fields[field]?.new ?? null, now })
    }
  }
  for (const [field, t] of texts) {
    const now = valueAt(map, field)
    if (typeof now === 'string' && t.hash && fingerprint(now) !== t.hash) out.push({ field, kind: 'text', recorded: null, now })
  }
  return out
}
