/**
 * Writes the history entries (history.ts has their format and reads them): the first write
 * through the domain (`assertWritable`) installs a listener on the document. After every local
 * transaction it reads what the transaction changed — for a short field the value before and
 * after, for a long text the whole earlier text — and writes one entry per record touched, in a
 * transaction of its own (origin `HISTORY_ORIGIN`). So every record type gets history without
 * listing its fields here; the field tables (fields.ts) say which values may be written back.
 * Each short field's change names as `parents` the field's heads this device had seen
 * (`fieldHeads`), which is how a double edit is found later.
 *
 * Traps:
 * - The earlier value of a field is read from the Yjs items the transaction replaced or deleted:
 *   they still hold their content until the transaction's clean-up garbage-collects them, which
 *   Yjs does after `afterTransaction`. Reading them later gives nothing.
 * - Yjs puts a type created in a transaction in `transaction.changed` only through its parent,
 *   so a new record shows up as a key of its collection, and its fields are read from the record.
 */
import * as Y from 'yjs'
import { randomId } from './ids'
import { isTooNew, readSchemaVersion } from './schema'
import { STAMP_FIELDS } from './fields'
import { fingerprint, lastActorOf } from './record'
import {
  fieldHeads,
  HISTORY_MAP,
  HISTORY_ORIGIN,
  MAX_HISTORY_TEXT_CHARS,
  MAX_HISTORY_VALUE_CHARS,
  PLAIN_ROOTS,
  plainObject,
  plainValue,
  recordKey,
  trackedRoots,
  type HistoryAction,
  type HistoryIntent,
} from './history'

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
    d.fields.set(field, { old: plainValue(before), new: plainValue(now) })
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
    else if (!(value instanceof Y.AbstractType)) d.fields.set(field, { old: null, new: plainValue(value) })
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
 * `assertWritable`, so every domain write is recorded from the first one on. The index of the
 * entries (`historyIndex`, every entry read and checked: thousands on an old partnership) is built
 * when first needed — the first change recorded, or a screen that shows history — not here, so
 * opening a partnership does not wait for it.
 */
export function trackHistory(doc: Y.Doc): void {
  if (tracked.has(doc)) return
  tracked.add(doc)
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
