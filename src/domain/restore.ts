/**
 * Getting things back: "Recently deleted" and "Restore the partnership" from a snapshot.
 *
 * A restore never rewinds the document: it compares the moment chosen (a snapshot: the whole
 * document as one Yjs update, kept on the device or on the relay) with now and writes the
 * differences back as new edits by the person restoring, so they merge forward on every device
 * — also on a device that was offline all along. It brings back records removed with a hard
 * `Y.Map.delete` (by a foreign program: the app only tombstones), records tombstoned since,
 * overwritten fields and texts, and `meta`; records made after the moment are tombstoned (so
 * they are in "Recently deleted", not gone).
 *
 * A restore also removes version marks no device can explain (devices.ts).
 *
 * Traps:
 * - The snapshot is untrusted input like the document: it is read with Yjs into a scratch
 *   document and only plain values, texts and maps are copied; a snapshot without meta is
 *   refused.
 * - Never write a version mark back from a snapshot beyond this app's version, and never remove
 *   a mark this app knows (≤ its version): the version only grows.
 */
import * as Y from 'yjs'
import { DomainError } from './errors'
import { COLLECTIONS, CURRENT_SCHEMA_VERSION, isTooNew, metaMap, readSchemaVersion, type CollectionName } from './schema'
import { sameValue, STAMP_FIELDS } from './fields'
import { recordType } from './recordTypes'
import { isLockedByUnknownVersion } from './devices'
import { entriesOf, HISTORY_MAP, parseEntry, recordsWithHistory, type HistoryIntent } from './history'
import { trackHistory } from './historyRecorder'
import { noteActor, restoreRecord, stampUpdated, tombstone, type Actor } from './record'
import { setTextMinimal } from './text'

// ---------------------------------------------------------------------------------------------
// Recently deleted

export interface DeletedRecord {
  readonly collection: CollectionName
  readonly id: string
  /** The record's name (title, name, subject…), as last known; '' when it had none. */
  readonly name: string
  /** When it was deleted; '' when not known (removed by another program). */
  readonly deletedAt: string
  /** Who deleted it; '' when not known. */
  readonly deletedBy: string
  /**
   * Removed from the document altogether (a hard delete by another program): only "Restore the
   * partnership" from a moment before can bring it back.
   */
  readonly isRemoved: boolean
}

const MAX_NAME = 200

function nameOf(collection: string, read: (field: string) => unknown): string {
  const field = recordType(collection)?.nameField
  const v = field ? read(field) : undefined
  const s = v instanceof Y.Text ? v.toString() : v
  return typeof s === 'string' ? s.slice(0, MAX_NAME) : ''
}

/** Deleted records of every kind, newest first; hard-deleted ones (time unknown) last. */
export function recentlyDeleted(doc: Y.Doc): DeletedRecord[] {
  const out: DeletedRecord[] = []
  for (const collection of COLLECTIONS) {
    for (const [id, m] of doc.getMap(collection).entries()) {
      if (!(m instanceof Y.Map)) continue
      const deletedAt = m.get('deletedAt')
      if (typeof deletedAt !== 'string') continue
      const by = m.get('deletedBy')
      out.push({ collection, id, name: nameOf(collection, (f) => m.get(f)), deletedAt, deletedBy: typeof by === 'string' ? by : '', isRemoved: false })
    }
  }
  const known: readonly string[] = COLLECTIONS
  for (const { collection, record } of recordsWithHistory(doc)) {
    if (!known.includes(collection) || doc.getMap(collection).get(record) instanceof Y.Map) continue
    const entries = entriesOf(doc, collection, record)
    const removal = [...entries].reverse().find((e) => e.action === 'remove')
    const nameField = recordType(collection)?.nameField
    const named = nameField ? [...entries].reverse().find((e) => typeof e.fields[nameField]?.new === 'string') : undefined
    out.push({
      collection: collection as CollectionName,
      id: record,
      name: nameField && named ? String(named.fields[nameField]?.new).slice(0, MAX_NAME) : '',
      deletedAt: removal?.at ?? '',
      deletedBy: removal?.by ?? '',
      isRemoved: true,
    })
  }
  return out.sort((a, b) => (a.deletedAt === b.deletedAt ? 0 : !a.deletedAt ? 1 : !b.deletedAt ? -1 : a.deletedAt < b.deletedAt ? 1 : -1))
}

/** "Restore" in Recently deleted: undoes a tombstone as a new edit. */
export function restoreDeleted(doc: Y.Doc, collection: CollectionName, id: string, actor: Actor, now: Date = new Date()): void {
  restoreRecord(doc, collection, id, actor, now)
}

// ---------------------------------------------------------------------------------------------
// Restore the partnership

export interface RestoreSummary {
  /** Records brought back: removed ones made again, deleted ones undeleted. */
  readonly broughtBack: number
  /** Records whose fields or texts are set back. */
  readonly changed: number
  /** Records made after the moment, now deleted (they can be restored from Recently deleted). */
  readonly deleted: number
  /** Keys of `meta` set back (name, schools, …). */
  readonly metaKeys: readonly string[]
  /** Version marks removed (nobody could explain them). */
  readonly removedMarks: readonly number[]
  /**
   * Changes people made since that moment (history entries the snapshot does not have) that the
   * restore sets back; each stays in its record's History. Changes without history (another
   * program's) are not counted.
   */
  readonly changesSince: number
  /** Who made them (names, at most 5). */
  readonly changedBy: readonly string[]
}

function changesSince(doc: Y.Doc, snap: Y.Doc): { changesSince: number; changedBy: string[] } {
  const then = snap.getMap<unknown>(HISTORY_MAP)
  let count = 0
  const names = new Set<string>()
  for (const [id, value] of doc.getMap<unknown>(HISTORY_MAP).entries()) {
    if (then.has(id)) continue
    const e = parseEntry(id, value)
    if (!e || e.restoredFrom?.startsWith('snapshot:')) continue
    count++
    if (e.by && names.size < 5) names.add(e.by)
  }
  return { changesSince: count, changedBy: [...names] }
}

/** Maps restored besides `meta`: the keyed collections and the plain-value maps. */
const PLAIN_MAPS = ['communication', 'growth'] as const
const SKIPPED_IN_RECORDS: ReadonlySet<string> = /* @__PURE__ */ new Set(STAMP_FIELDS)

function openSnapshot(update: Uint8Array): Y.Doc {
  const snap = new Y.Doc()
  try {
    Y.applyUpdate(snap, update)
  } catch {
    snap.destroy()
    throw new DomainError('invalidChoice', 'snapshot', 'not a Yjs update')
  }
  if (readSchemaVersion(snap) === undefined) {
    snap.destroy()
    throw new DomainError('invalidChoice', 'snapshot', 'snapshot has no meta')
  }
  return snap
}

/** A fresh copy of a snapshot's value, for this document (texts and maps made anew). */
function copyValue(v: unknown): unknown {
  if (v instanceof Y.Text) return new Y.Text(v.toString())
  if (v instanceof Y.Map) {
    const m = new Y.Map<unknown>()
    for (const [k, x] of v.entries()) {
      const c = copyValue(x)
      if (c !== undefined) m.set(k, c)
    }
    return m
  }
  if (v instanceof Y.AbstractType) return undefined // arrays and XML are not part of the layout
  return v
}

/** Sets the map's keys back to the snapshot's; returns whether anything differs (writes only if `write`). */
function diffMap(cur: Y.Map<unknown>, snap: Y.Map<unknown>, write: boolean, skip: ReadonlySet<string>): boolean {
  let differs = false
  for (const [key, then] of snap.entries()) {
    if (skip.has(key)) continue
    const now = cur.get(key)
    if (then instanceof Y.Text && now instanceof Y.Text) {
      if (then.toString() !== now.toString()) {
        differs = true
        if (write) setTextMinimal(now, then.toString())
      }
    } else if (then instanceof Y.Map && now instanceof Y.Map) {
      if (diffMap(now as Y.Map<unknown>, then as Y.Map<unknown>, write, new Set())) differs = true
    } else if (then instanceof Y.AbstractType || now instanceof Y.AbstractType ? true : !sameValue(now, then)) {
      const copy = copyValue(then)
      if (copy === undefined) continue
      differs = true
      if (write) cur.set(key, copy)
    }
  }
  for (const key of [...cur.keys()]) {
    if (skip.has(key) || snap.has(key)) continue
    if (key === 'deletedAt' && cur.get(key) === null) continue
    differs = true
    if (write) cur.delete(key)
  }
  return differs
}

function restoreMeta(doc: Y.Doc, snap: Y.Doc, write: boolean): { keys: string[]; marks: number[] } {
  const meta = metaMap(doc)
  const then = metaMap(snap)
  const keys: string[] = []
  const marks: number[] = []
  const isVersionKey = (k: string): boolean => k === 'schemaVersion' || /^version:\d+$/.test(k)
  for (const [key, value] of then.entries()) {
    if (isVersionKey(key) || value instanceof Y.AbstractType) continue
    if (!sameValue(meta.get(key), value)) {
      keys.push(key)
      if (write) meta.set(key, value)
    }
  }
  for (const key of [...meta.keys()]) {
    if (then.has(key)) continue
    const mark = /^version:(\d+)$/.exec(key)
    if (mark) {
      if (Number(mark[1]) > CURRENT_SCHEMA_VERSION) {
        marks.push(Number(mark[1]))
        if (write) meta.delete(key)
      }
      continue
    }
    if (key === 'schemaVersion') continue
    keys.push(key)
    if (write) meta.delete(key)
  }
  // the marks this app knows, from now and from the snapshot; schemaVersion follows them
  let best = 0
  for (const source of [meta, then]) {
    for (const key of source.keys()) {
      const m = /^version:(\d+)$/.exec(key)
      if (m && source.get(key) === true && Number(m[1]) <= CURRENT_SCHEMA_VERSION) best = Math.max(best, Number(m[1]))
    }
  }
  const sv = then.get('schemaVersion')
  if (typeof sv === 'number' && Number.isInteger(sv) && sv <= CURRENT_SCHEMA_VERSION) best = Math.max(best, sv)
  if (best > 0) {
    if (meta.get(`version:${best}`) !== true) {
      keys.push(`version:${best}`)
      if (write) meta.set(`version:${best}`, true)
    }
    const current = meta.get('schemaVersion')
    if (current !== best) {
      if (typeof current === 'number' && current > CURRENT_SCHEMA_VERSION && !marks.includes(current)) marks.push(current)
      if (write) meta.set('schemaVersion', best)
    }
  }
  return { keys, marks }
}

function diffPartnership(doc: Y.Doc, snap: Y.Doc, actor: Actor, now: Date, write: boolean): RestoreSummary {
  let broughtBack = 0
  let changed = 0
  let deleted = 0
  const { keys, marks } = restoreMeta(doc, snap, write)
  for (const name of COLLECTIONS) {
    const cur = doc.getMap<unknown>(name)
    const then = snap.getMap<unknown>(name)
    for (const [id, rec] of then.entries()) {
      if (!(rec instanceof Y.Map)) continue
      const snapRec = rec as Y.Map<unknown>
      const isLiveThen = typeof snapRec.get('deletedAt') !== 'string'
      const present = cur.get(id)
      if (!(present instanceof Y.Map)) {
        // a record that was already deleted at that moment comes back deleted: not "brought back"
        if (isLiveThen) broughtBack++
        else changed++
        if (write) {
          cur.set(id, copyValue(snapRec))
          // who brought it back, and when (its history entry takes them from these stamps)
          stampUpdated(cur.get(id) as Y.Map<unknown>, actor, now)
        }
        continue
      }
      const record = present as Y.Map<unknown>
      const wasDeleted = typeof record.get('deletedAt') === 'string'
      const differs = diffMap(record, snapRec, write, SKIPPED_IN_RECORDS)
      if (!differs) continue
      if (wasDeleted && isLiveThen) broughtBack++
      else changed++
      if (write) stampUpdated(record, actor, now)
    }
    for (const [id, rec] of cur.entries()) {
      if (then.has(id) || !(rec instanceof Y.Map) || typeof rec.get('deletedAt') === 'string') continue
      deleted++
      if (write) tombstone(doc, rec as Y.Map<unknown>, actor, now)
    }
  }
  for (const name of PLAIN_MAPS) {
    if (diffMap(doc.getMap(name), snap.getMap(name), write, SKIPPED_IN_RECORDS)) changed++
  }
  return { broughtBack, changed, deleted, metaKeys: keys, removedMarks: marks, ...changesSince(doc, snap) }
}

/** Whether this app may restore the document at all: writable, or locked only by unknown marks. */
function assertRestorable(doc: Y.Doc): void {
  if (isTooNew(doc) && !isLockedByUnknownVersion(doc)) {
    throw new DomainError('readOnly', undefined, 'a device of this partnership runs a newer app')
  }
}

/** What "Restore the partnership" to this snapshot would do, without doing it. */
export function planRestore(doc: Y.Doc, snapshot: Uint8Array): RestoreSummary {
  const snap = openSnapshot(snapshot)
  try {
    return diffPartnership(doc, snap, '', new Date(0), false)
  } finally {
    snap.destroy()
  }
}

/**
 * "Restore the partnership": writes the differences between the snapshot (taken at `takenAt`)
 * and now back as new edits by `actor`. Removes version marks nobody can explain.
 */
export function restorePartnership(doc: Y.Doc, snapshot: Uint8Array, actor: Actor, takenAt: string, now: Date = new Date()): RestoreSummary {
  assertRestorable(doc)
  const snap = openSnapshot(snapshot)
  trackHistory(doc)
  try {
    let summary: RestoreSummary | undefined
    doc.transact(
      () => {
        noteActor(doc, actor)
        summary = diffPartnership(doc, snap, actor, now, true)
      },
      { scholenbandHistory: 'restorePartnership', from: `snapshot:${takenAt.slice(0, 40)}` } satisfies HistoryIntent,
    )
    return summary as RestoreSummary
  } finally {
    snap.destroy()
  }
}
