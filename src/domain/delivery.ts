/**
 * How far a letter, an activity or a reflection got, for the school asking: Saved on this device
 * → On the relay → Received by partner school → Read by partner school. "Received" and "Read"
 * come from the receipts in the document (receipts.ts); "On the relay" from the connection, asked
 * through `isOnRelay`. Also `markRead`: what a partner device writes when a person opens a record,
 * and `lastChangeSchool`: whose the record's last change is (only then is its delivery ours to show).
 */
import type * as Y from 'yjs'
import { assertWritable, isTooNew, readMeta } from './schema'
import { recordItemIds } from './record'
import { isPartnershipSchool, readReceipts, schoolMap } from './receipts'
import { readDevices } from './devices'
import { readOncePerChange } from './perChange'

export type DeliveryState = 'saved-local' | 'on-relay' | 'received-by-partner' | 'read-by-partner'

/** True when a state vector holds every item with these ids. */
export function covers(sv: ReadonlyMap<number, number>, ids: readonly { client: number; clock: number }[]): boolean {
  return ids.every((id) => (sv.get(id.client) ?? 0) > id.clock)
}

/** The schools (ids) whose devices hold this version of the record. */
export function receivedBySchools(doc: Y.Doc, record: Y.Map<unknown>): string[] {
  const ids = recordItemIds(record)
  return [...readReceipts(doc).held].filter(([, sv]) => covers(sv, ids)).map(([school]) => school)
}

/** The record's id (its key in its collection), if it is in one. */
function idOf(record: Y.Map<unknown>): string | undefined {
  const key = (record as unknown as { _item?: { parentSub?: unknown } | null })._item?.parentSub
  return typeof key === 'string' ? key : undefined
}

/** The version a read mark names: the record's `updatedAt` ("" when it has none). */
function versionOf(record: Y.Map<unknown>): string {
  const at = record.get('updatedAt')
  return typeof at === 'string' ? at : ''
}

/** True when a person of `schoolId` opened this version of the record. */
export function isReadBy(doc: Y.Doc, record: Y.Map<unknown>, schoolId: string): boolean {
  const id = idOf(record)
  const mark = id === undefined ? undefined : readReceipts(doc).read.get(schoolId)?.get(id)
  return !!mark && mark.updatedAt === versionOf(record)
}

/**
 * Notes that a person of `schoolId` opened `record` (a letter, an activity, a reflection) on this
 * device: once per version of the record, so a record changed after it was read reads as
 * received again until someone of that school opens it again. Returns whether a mark was written.
 */
export function markRead(doc: Y.Doc, record: Y.Map<unknown>, schoolId: string, now: Date = new Date()): boolean {
  const id = idOf(record)
  if (isTooNew(doc) || id === undefined || !isPartnershipSchool(doc, schoolId) || isReadBy(doc, record, schoolId)) return false
  // its own school's version: nobody is told (the writer's side shows only the partner's read mark)
  if (lastChangeSchool(doc, record) === schoolId) return false
  assertWritable(doc)
  schoolMap(doc, 'read:', schoolId).set(id, { at: now.toISOString(), updatedAt: versionOf(record) })
  return true
}

/**
 * Where a record is, for the school `mySchoolId`: read by a person of the other school, else held
 * by a device of theirs, else on the relay (as `isOnRelay` says for its item ids), else only on
 * this device.
 */
export function deliveryState(
  doc: Y.Doc,
  record: Y.Map<unknown>,
  mySchoolId: string,
  isOnRelay: (ids: readonly { client: number; clock: number }[]) => boolean,
): DeliveryState {
  const schools = partnershipSchools(doc)
  const partner = schools && (mySchoolId === schools[0] ? schools[1] : mySchoolId === schools[1] ? schools[0] : undefined)
  if (partner && isReadBy(doc, record, partner)) return 'read-by-partner'
  if (partner && receivedBySchools(doc, record).includes(partner)) return 'received-by-partner'
  return isOnRelay(recordItemIds(record)) ? 'on-relay' : 'saved-local'
}

/**
 * The school of the device that made the record's last change: its `updatedOn` (a device id), as
 * the document's `devices` list places that device (each device announces its school there).
 * Undefined when unknown: a change by a program that names no device, or by a device that never
 * said its school. A record's delivery is shown only to the school that made its last change: on
 * the partner's own activity "Received by partner school" would be about the partner's own words.
 */
export function lastChangeSchool(doc: Y.Doc, record: Y.Map<unknown>): string | undefined {
  const device = record.get('updatedOn')
  if (typeof device !== 'string' || device === '') return undefined
  const schoolId = deviceSchools(doc).get(device)
  return schoolId !== undefined && partnershipSchools(doc)?.includes(schoolId) === true ? schoolId : undefined
}

/** The ids of the partnership's two schools (meta), read once per change of the document (a list asks per row). */
function partnershipSchools(doc: Y.Doc): readonly [string, string] | undefined {
  return readOncePerChange(doc, 'delivery:schools', () => {
    const meta = readMeta(doc)
    return meta ? ([meta.schoolA.id, meta.schoolB.id] as const) : undefined
  })
}

/** The school each device of `devices` says it speaks for, read once per change of the document. */
function deviceSchools(doc: Y.Doc): ReadonlyMap<string, string> {
  return readOncePerChange(doc, 'delivery:deviceSchools', () => {
    const out = new Map<string, string>()
    for (const d of readDevices(doc)) if (d.schoolId !== undefined && !out.has(d.deviceId)) out.set(d.deviceId, d.schoolId)
    return out
  })
}
