/**
 * History of every record, kept in the document itself so that every device (and the relay's
 * snapshots) has it: each change this app makes is written as one entry in the top-level map
 * `history` (key: a random id; value: a plain object, never changed afterwards). From the
 * entries come a record's "History" (who changed which field when, on which device, from what
 * to what), "Restore this version", "Recently deleted" and double edits (doubleEdits.ts).
 *
 * How entries are made: the first write through the domain (`assertWritable`) installs a
 * listener on the document. After every local transaction it reads what the transaction changed
 * — for a short field the value before and after, for a long text the whole earlier text — and
 * writes one entry per record touched, in a transaction of its own (origin `HISTORY_ORIGIN`).
 * So every record type gets history without listing its fields here; the field tables
 * (fields.ts) say which values may be written back.
 *
 * Traps:
 * - The earlier value of a field is read from the Yjs items the transaction replaced or deleted:
 *   they still hold their content until the transaction's clean-up garbage-collects them, which
 *   Yjs does after `afterTransaction`. Reading them later gives nothing.
 * - Yjs puts a type created in a transaction in `transaction.changed` only through its parent,
 *   so a new record shows up as a key of its collection, and its fields are read from the record.
 * - Entries come from other devices and other programs: each is checked (`parseEntry`) and an
 *   entry that does not parse is ignored, never shown raw. A change written without an entry (by
 *   another program) is detected by comparing the record with its history ("changed by another
 *   program").
 * - The `parents` of a short field's change are the entries the writing device had seen as the
 *   field's latest ("heads"). Two changes that did not see each other leave two heads: that is
 *   a double edit, kept visible until someone picks a value (doubleEdits.ts).
 */
import * as Y from 'yjs'
import { randomId } from './ids'
import { COLLECTIONS, isTooNew, readSchemaVersion } from './schema'
import { sameValue, STAMP_FIELDS } from './fields'
import { fingerprint, lastActorOf } from './record'

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
function trackedRoots(): ReadonlySet<string> {
  return new Set<string>([...COLLECTIONS, 'meta', 'communication', 'growth'])
}

/** Roots whose own keys are fields of one record named like the root (not records). */
const PLAIN_ROOTS: ReadonlySet<string> = /* @__PURE__ */ new Set(['meta', 'communication', 'growth'])

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

interface HistoryIndex {
  readonly byRecord: Map<string, HistoryEntry[]>
  readonly byId: Map<string, HistoryEntry>
}

const indexes = /* @__PURE__ */ new WeakMap<Y.Doc, HistoryIndex>()

function recordKey(collection: string, record: string): string {
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

/** The document's entries by record, kept up to date as entries arrive from anywhere. */
function historyIndex(doc: Y.Doc): HistoryIndex {
  const index = indexes.get(doc)
  if (index) return index
  const built: HistoryIndex = { byRecord: new Map(), byId: new Map() }
  const map = doc.getMap<unknown>(HISTORY_MAP)
  for (const [id, value] of map.entries()) {
    const e = parseEntry(id, value)
    if (e) addToIndex(built, e)
  }
  map.observe((event) => {
    for (const [id, change] of event.changes.keys) {
      if (change.action !== 'add') continue
      const e = parseEntry(id, map.get(id))
      if (e) addToIndex(built, e)
    }
  })
  indexes.set(doc, built)
  return built
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
  const touching = entriesOf(doc, collection, record).filter((e) => e.fields[field] !== undefined)
  const seen = new Set<string>()
  for (const e of touching) for (const p of e.fields[field]?.parents ?? []) seen.add(p)
  return touching.filter((e) => !seen.has(e.id))
}

// ---------------------------------------------------------------------------------------------
// Writing entries

interface Draft {
  collection: string
  record: string
  target: Y.Map<unknown>
  created: boolean
  removed: boolean
  stamped: boolean
  fields: Map<string, { old: unknown; new: unknown }>
  texts: Map<string, Y.Text>
  oldTexts: Map<string, string>
}

type AnyItem = {
  id: Y.ID
  left: AnyItem | null
  right: AnyItem | null
  deleted: boolean
  content: { getContent(): unknown[] }
}

function isNewIn(tr: Y.Transaction, item: { id: Y.ID }): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0)
}

/** The value key `key` of `map` had before the transaction; `undefined` when it had none. */
function valueBefore(tr: Y.Transaction, map: Y.Map<unknown>, key: string): unknown {
  let item = (map as unknown as { _map: Map<string, AnyItem> })._map.get(key) ?? null
  while (item && isNewIn(tr, item)) item = item.left
  if (!item) return undefined
  if (item.deleted && !Y.isDeleted(tr.deleteSet, item.id)) return undefined
  const content = item.content.getContent()
  return content[content.length - 1]
}

/** The whole text before the transaction (items it inserted left out, items it deleted kept). */
function textBefore(tr: Y.Transaction, text: Y.Text): string {
  let s = ''
  let item = (text as unknown as { _start: AnyItem | null })._start
  for (; item; item = item.right) {
    if (isNewIn(tr, item)) continue
    if (item.deleted && !Y.isDeleted(tr.deleteSet, item.id)) continue
    if (item.content instanceof Y.ContentString) s += (item.content as unknown as { str: string }).str
  }
  return s
}

/** Any shared type: the event type parameter differs per type, and this code reads only `_item`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>

/** The name of the root type `type` is, or its path below a root: [root, key, key, …]. */
function pathOf(type: AnyType, roots: Map<AnyType, string>): string[] | undefined {
  const path: string[] = []
  let t: AnyType | null = type
  while (t && t._item) {
    const sub = t._item.parentSub
    if (sub === null) return undefined // inside a Y.Array or text: not a record field
    path.unshift(sub)
    t = t._item.parent as AnyType | null
  }
  const root = t ? roots.get(t) : undefined
  if (root === undefined) return undefined
  path.unshift(root)
  return path
}

const STAMPS: ReadonlySet<string> = /* @__PURE__ */ new Set(STAMP_FIELDS)

/** A value as kept in an entry: plain JSON; Yjs types and undefined become null. */
function plain(v: unknown): unknown {
  if (v === undefined || v instanceof Y.AbstractType) return null
  return v
}

function tooBig(v: unknown): boolean {
  if (typeof v === 'string') return v.length > MAX_HISTORY_VALUE_CHARS
  if (v && typeof v === 'object') return JSON.stringify(v).length > MAX_HISTORY_VALUE_CHARS
  return false
}

function collectDrafts(doc: Y.Doc, tr: Y.Transaction): Map<string, Draft> {
  const tracked = trackedRoots()
  const roots = new Map<AnyType, string>()
  for (const [name, type] of doc.share) if (tracked.has(name)) roots.set(type, name)
  const drafts = new Map<string, Draft>()
  const draftFor = (collection: string, record: string, target: Y.Map<unknown>): Draft => {
    const key = recordKey(collection, record)
    let d = drafts.get(key)
    if (!d) {
      d = { collection, record, target, created: false, removed: false, stamped: false, fields: new Map(), texts: new Map(), oldTexts: new Map() }
      drafts.set(key, d)
    }
    return d
  }
  const noteField = (d: Draft, field: string, map: Y.Map<unknown>, key: string): void => {
    if (STAMPS.has(field)) {
      if (field === 'updatedAt') d.stamped = true
      return
    }
    const now = map.get(key)
    if (now instanceof Y.Text) {
      d.texts.set(field, now)
      return
    }
    if (now instanceof Y.AbstractType) return // a nested map created: its entries are noted below
    const before = valueBefore(tr, map, key)
    if (before instanceof Y.Text && now === undefined) return
    d.fields.set(field, { old: plain(before), new: plain(now) })
  }

  for (const [type, keys] of tr.changed) {
    const path = pathOf(type, roots)
    if (!path) continue
    const [root, ...below] = path
    if (root === undefined) continue
    if (type instanceof Y.Text) {
      const [record, ...rest] = PLAIN_ROOTS.has(root) ? [root, ...below] : below
      if (record === undefined || rest.length === 0) continue
      const target = PLAIN_ROOTS.has(root) ? (doc.getMap(root) as Y.Map<unknown>) : (doc.getMap(root).get(record) as Y.Map<unknown>)
      if (!(target instanceof Y.Map)) continue
      const d = draftFor(root, record, target)
      const field = rest.join('.')
      d.texts.set(field, type)
      if (!d.oldTexts.has(field)) d.oldTexts.set(field, textBefore(tr, type))
      continue
    }
    if (!(type instanceof Y.Map)) continue
    const map = type as Y.Map<unknown>
    if (below.length === 0 && !PLAIN_ROOTS.has(root)) {
      // keys of a collection: records created or removed
      for (const key of keys) {
        if (key === null) continue
        const now = map.get(key)
        if (now instanceof Y.Map) {
          const d = draftFor(root, key, now)
          d.created = true
          d.stamped = typeof now.get('updatedAt') === 'string'
          noteCreated(d, now)
        } else if (now === undefined && valueBefore(tr, map, key) instanceof Y.Map) {
          draftFor(root, key, map).removed = true
        }
      }
      continue
    }
    const [record, ...rest] = PLAIN_ROOTS.has(root) ? [root, ...below] : below
    if (record === undefined) continue
    const target = PLAIN_ROOTS.has(root) ? (doc.getMap(root) as Y.Map<unknown>) : doc.getMap(root).get(record)
    if (!(target instanceof Y.Map)) continue
    const d = draftFor(root, record, target as Y.Map<unknown>)
    if (d.created) continue
    for (const key of keys) if (key !== null) noteField(d, [...rest, key].join('.'), map, key)
  }
  return drafts
}

/** The fields of a record made in this transaction, as changes from nothing. */
function noteCreated(d: Draft, map: Y.Map<unknown>, prefix = ''): void {
  for (const [key, value] of map.entries()) {
    const field = prefix + key
    if (STAMPS.has(field)) continue
    if (value instanceof Y.Text) d.texts.set(field, value)
    else if (value instanceof Y.Map) noteCreated(d, value as Y.Map<unknown>, `${field}.`)
    else if (!(value instanceof Y.AbstractType)) d.fields.set(field, { old: null, new: plain(value) })
  }
}

/** Who made the change and when: the record's stamps when the change wrote them, else the actor last seen. */
function whoOf(d: Draft, doc: Y.Doc): { by: string; byId: string | null; on: string | null; at?: string } {
  if (d.stamped) {
    const s = (k: string): string | null => {
      const v = d.target.get(k)
      return typeof v === 'string' ? v : null
    }
    return { by: s('updatedBy') ?? '', byId: s('updatedById'), on: s('updatedOn'), at: s('updatedAt') ?? undefined }
  }
  const actor = lastActorOf(doc)
  if (actor === undefined) return { by: '', byId: null, on: null }
  return typeof actor === 'string' ? { by: actor, byId: null, on: null } : { by: actor.name, byId: actor.personId, on: actor.deviceId }
}

function intentOf(origin: unknown): HistoryIntent | undefined {
  const o = plainObject(origin)
  return o && typeof o.scholenbandHistory === 'string' ? (o as unknown as HistoryIntent) : undefined
}

function actionOf(d: Draft, intent: HistoryIntent | undefined): HistoryAction {
  // a record a restore brings back is made anew: a restore, not a creation by the restorer
  if (d.created) return intent?.scholenbandHistory === 'restorePartnership' ? 'restore' : 'create'
  if (d.removed) return 'remove'
  if (intent?.scholenbandHistory === 'settle') return 'settle'
  if (intent) return 'restore'
  const del = d.fields.get('deletedAt')
  if (del && typeof del.new === 'string' && typeof del.old !== 'string') return 'delete'
  if (del && del.new === null && typeof del.old === 'string') return 'undelete'
  return 'edit'
}

function toStored(doc: Y.Doc, d: Draft, intent: HistoryIntent | undefined, at: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [field, c] of d.fields) {
    const parents = fieldHeads(doc, d.collection, d.record, field).map((e) => e.id)
    fields[field] = tooBig(c.old) || tooBig(c.new) ? { old: null, new: null, parents, big: true } : { old: c.old, new: c.new, parents }
  }
  const texts: Record<string, unknown> = {}
  for (const [field, t] of d.texts) {
    const before = d.created ? '' : (d.oldTexts.get(field) ?? '')
    const now = t.toString()
    if (!d.created && before === now) continue
    texts[field] = { old: before.length > MAX_HISTORY_TEXT_CHARS ? null : before, hash: fingerprint(now) }
  }
  const who = whoOf(d, doc)
  return {
    v: 1,
    collection: d.collection,
    record: d.record,
    action: actionOf(d, intent),
    at: who.at ?? at,
    by: who.by,
    byId: who.byId,
    on: who.on,
    client: doc.clientID,
    fields,
    texts,
    ...(intent?.from ? { restoredFrom: intent.from } : {}),
    ...(d.created ? { created: true } : {}),
  }
}

const tracked = /* @__PURE__ */ new WeakSet<Y.Doc>()

/**
 * Starts writing history entries for this document's local changes. Idempotent; called by
 * `assertWritable`, so every domain write is recorded from the first one on.
 */
export function trackHistory(doc: Y.Doc): void {
  if (tracked.has(doc)) return
  tracked.add(doc)
  historyIndex(doc)
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (!tr.local || tr.origin === HISTORY_ORIGIN || tr.changed.size === 0) return
    if (typeof tr.origin === 'string' && tr.origin.startsWith('scholenband:migration')) return
    // a document this app may not write (too new, not synced yet) gets no entries either
    if (isTooNew(doc) || readSchemaVersion(doc) === undefined) return
    const drafts = collectDrafts(doc, tr)
    if (drafts.size === 0) return
    const intent = intentOf(tr.origin)
    const at = new Date().toISOString()
    const entries: [string, Record<string, unknown>][] = []
    for (const d of drafts.values()) {
      const stored = toStored(doc, d, intent, at)
      const isEmpty = Object.keys(stored.fields as object).length === 0 && Object.keys(stored.texts as object).length === 0
      if (isEmpty && !d.created && !d.removed) continue
      entries.push([randomId(), stored])
    }
    if (entries.length === 0) return
    doc.transact(() => {
      const map = doc.getMap<unknown>(HISTORY_MAP)
      for (const [id, value] of entries) map.set(id, value)
    }, HISTORY_ORIGIN)
  })
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
    const now = plain(valueAt(map, field))
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
