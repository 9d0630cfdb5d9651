/**
 * What every record shares: who and when, tombstones, and reading fields from a Y.Map that
 * another device (or another version of the app) wrote, without trusting their types. With the
 * steps every record file takes the same way (read, list, add, change, delete, restore a record
 * of a collection with its type's field table), so each file says only what is its own: its
 * checks, its order, its derived values.
 */
import * as Y from 'yjs'
import { DomainError } from './errors'
import { randomId } from './ids'
import { readFields, readStamps, writeChangedFields, type FieldTable, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection, type CollectionName } from './schema'

/**
 * The records of a collection that are not tombstoned, read with `read`. Entries that are not
 * Y.Maps (written by something else) are skipped.
 */
export function liveRecords<T>(records: Y.Map<Y.Map<unknown>>, read: (id: string, record: Y.Map<unknown>) => T): T[] {
  const out: T[] = []
  for (const [id, m] of records.entries()) {
    if (m instanceof Y.Map && typeof m.get('deletedAt') !== 'string') out.push(read(id, m))
  }
  return out
}

/**
 * Who makes a change: a person of this device's school, on this device. Devices are shared, so
 * the person is chosen on the device ("Switch person"), not fixed by it.
 */
export interface Author {
  /** The person's id on this device (random, never shown). */
  readonly personId: string
  /** The name shown as "Last changed by …". */
  readonly name: string
  /** This device's id in this partnership (the one its delivery receipts carry). */
  readonly deviceId: string
}

/**
 * The one making a change. A bare string is a display name without a person or device (an
 * import, another program, a test); records then carry only the name.
 */
export type Actor = string | Author

const lastActors = /* @__PURE__ */ new WeakMap<Y.Doc, Actor>()

/**
 * The actor the domain last stamped a record with on this document: who a change without stamps
 * of its own (meta, the school year) is by, for its history entry.
 */
export function lastActorOf(doc: Y.Doc): Actor | undefined {
  return lastActors.get(doc)
}

/** Remembers who is changing the document, for a change that writes no stamps (meta). */
export function noteActor(doc: Y.Doc, actor: Actor): void {
  lastActors.set(doc, actor)
}

export function actorName(actor: Actor): string {
  return typeof actor === 'string' ? actor : actor.name
}

/**
 * Writes `<prefix>By` (the name, as before people existed), `<prefix>ById` (person id) and
 * `<prefix>On` (device id). A bare-string actor clears the ids, so a change never shows an
 * earlier person's id beside another name.
 */
function stamp(map: Y.Map<unknown>, prefix: 'created' | 'updated' | 'deleted', actor: Actor | null): void {
  if (actor !== null && map.doc) lastActors.set(map.doc, actor)
  const author = typeof actor === 'string' || actor === null ? undefined : actor
  map.set(`${prefix}By`, actor === null ? null : actorName(actor))
  setIfChanged(map, `${prefix}ById`, author?.personId ?? null)
  setIfChanged(map, `${prefix}On`, author?.deviceId ?? null)
}

function setIfChanged(map: Y.Map<unknown>, key: string, value: string | null): void {
  if (value === null ? map.has(key) && map.get(key) !== null : map.get(key) !== value) map.set(key, value)
}

export function stampCreated(map: Y.Map<unknown>, actor: Actor, now: Date): void {
  const at = now.toISOString()
  stamp(map, 'created', actor)
  map.set('createdAt', at)
  stamp(map, 'updated', actor)
  map.set('updatedAt', at)
}

export function stampUpdated(map: Y.Map<unknown>, actor: Actor, now: Date): void {
  stamp(map, 'updated', actor)
  map.set('updatedAt', now.toISOString())
}

export function tombstone(doc: Y.Doc, map: Y.Map<unknown>, actor: Actor, now: Date): void {
  doc.transact(() => {
    map.set('deletedAt', now.toISOString())
    stamp(map, 'deleted', actor)
    stampUpdated(map, actor, now)
  })
}

export function untombstone(doc: Y.Doc, map: Y.Map<unknown>, actor: Actor, now: Date): void {
  doc.transact(() => {
    map.set('deletedAt', null)
    stamp(map, 'deleted', null)
    stampUpdated(map, actor, now)
  })
}

/** The record `id` of a collection, or a `notFound` error. */
export function requireRecord(records: Y.Map<Y.Map<unknown>>, id: string): Y.Map<unknown> {
  const m = records.get(id)
  if (!(m instanceof Y.Map)) throw new DomainError('notFound', 'id', `no record ${id}`)
  return m
}

/** Tombstones record `id` of collection `name` (see `tombstone`). */
export function deleteRecord(doc: Y.Doc, name: CollectionName, id: string, actor: Actor, now: Date): void {
  assertWritable(doc)
  tombstone(doc, requireRecord(collection(doc, name), id), actor, now)
}

/** Undoes `deleteRecord` as a new edit (see `untombstone`). */
export function restoreRecord(doc: Y.Doc, name: CollectionName, id: string, actor: Actor, now: Date): void {
  assertWritable(doc)
  untombstone(doc, requireRecord(collection(doc, name), id), actor, now)
}

/** A record type as the steps below need it: its collection and its field table. */
export interface StoredRecordType<T extends FieldTable> {
  readonly collection: CollectionName
  readonly fields: T
}

/** A stored record as typed values: its id, its fields (a bad value reads as the fallback) and its stamps. */
export function readRecord<T extends FieldTable>(type: { readonly fields: T }, id: string, record: Y.Map<unknown>): { id: string } & FieldValues<T> & Stamps {
  return { id, ...readFields(type.fields, record), ...readStamps(record) }
}

/** Record `id` of collection `name` read with `read`, tombstoned or not; undefined when there is none. */
export function findRecord<R>(doc: Y.Doc, name: CollectionName, id: string, read: (id: string, record: Y.Map<unknown>) => R): R | undefined {
  const m = collection(doc, name).get(id)
  return m instanceof Y.Map ? read(id, m) : undefined
}

/** The records of collection `name` that are not tombstoned, read with `read` (see `liveRecords`). */
export function listRecords<R>(doc: Y.Doc, name: CollectionName, read: (id: string, record: Y.Map<unknown>) => R): R[] {
  return liveRecords(collection(doc, name), read)
}

/**
 * Adds a record of `type` with `values` (each given field written) and its creation stamps, in one
 * change. The caller has checked the values (and called `assertWritable`). Returns the new id.
 */
export function addRecord<T extends FieldTable>(doc: Y.Doc, type: StoredRecordType<T>, values: Partial<FieldValues<T>>, actor: Actor, now: Date): string {
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    collection(doc, type.collection).set(id, m)
    writeChangedFields(type.fields, m, undefined, values)
    stampCreated(m, actor, now)
  })
  return id
}

/**
 * Changes record `id` of `type`: reads it with `read`, asks `change` for the values to write (it
 * checks them, and throws when they are not right), and writes those that differ from what was
 * read, with the update stamps, in one change. `readOnly` when the document may not be written,
 * `notFound` when there is no such record.
 */
export function updateRecord<T extends FieldTable, R extends Partial<FieldValues<T>>>(
  doc: Y.Doc,
  type: StoredRecordType<T>,
  id: string,
  read: (id: string, record: Y.Map<unknown>) => R,
  actor: Actor,
  now: Date,
  change: (prev: R) => Partial<FieldValues<T>>,
): void {
  assertWritable(doc)
  const m = requireRecord(collection(doc, type.collection), id)
  const prev = read(id, m)
  const next = change(prev)
  doc.transact(() => {
    writeChangedFields(type.fields, m, prev, next)
    stampUpdated(m, actor, now)
  })
}

/**
 * A client id derived from `seed` (32-bit FNV-1a of its UTF-8 text; never 0): every device gets
 * the same one for the same seed.
 */
export function deterministicClientId(seed: string): number {
  const h = fnv1a(seed)
  return h === 0 ? 1 : h
}

/** 32-bit FNV-1a of the UTF-8 text. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/**
 * A short fingerprint of a text (two FNV-1a hashes, 64 bits, hex): tells whether a text changed
 * since a translation or a signature was made. Not a security measure.
 */
export function fingerprint(text: string): string {
  const a = fnv1a(text)
  const b = fnv1a(`${text.length}:${text}`)
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/**
 * The ids (client, clock) of the items that hold a record's current field values. A device that
 * has all of them has this version of the record: every change goes through a domain function
 * that rewrites `updatedAt` last, so that item also stands for the text edits made with it.
 */
export function recordItemIds(record: Y.Map<unknown>): { client: number; clock: number }[] {
  const items = (record as unknown as { _map: Map<string, { id: { client: number; clock: number }; deleted: boolean }> })._map
  return [...items.values()].filter((item) => !item.deleted).map((item) => ({ client: item.id.client, clock: item.id.clock }))
}

/**
 * Creates record `key` of the top-level map `root` so that every device that creates it builds
 * the very same items, which Yjs then merges into one record. For records with a key that two
 * devices may pick at once (a school's profile, the reflection on an activity): made the usual
 * way, each device would make its own Y.Map, and one of them, with every edit in it, would lose.
 *
 * `build` must write only content that every device knows identically (fixed values, ids from
 * meta, empty texts and maps). Everything else is written afterwards as ordinary edits. Runs in a
 * transaction of its own: Yjs marks an applied update as remote, and sharing a transaction with
 * this device's own edits would make it change the device's client id.
 */
export function createDeterministic(doc: Y.Doc, root: string, key: string, build: (record: Y.Map<unknown>) => void, origin: unknown = null): void {
  if (doc.getMap(root).has(key)) return
  const scratch = new Y.Doc({ gc: false })
  scratch.clientID = deterministicClientId(`scholenband:${root}:${key}`)
  scratch.transact(() => {
    const record = new Y.Map<unknown>()
    scratch.getMap(root).set(key, record)
    build(record)
  })
  const update = Y.encodeStateAsUpdate(scratch)
  scratch.destroy()
  Y.applyUpdate(doc, update, origin)
}
