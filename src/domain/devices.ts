/**
 * The devices of a partnership and the version marks they explain (docs/schema.md, "Versions").
 * A `version:<n>` mark beyond this app's version makes the document read-only, which protects a
 * newer app's data. A mark that no device of the partnership can explain — no entry in `devices`
 * says it runs an app that writes version n — is not a newer app's: it was written by a buggy or
 * hostile program, and "Restore the partnership" (restore.ts) removes it. Each app writes its
 * device's entry (`announceDevice`) whenever it opens a document it can write, with what Settings →
 * "Devices" shows beside the relay's list: the kind of device (`kind`, one of DEVICE_KINDS, which
 * each reader shows in its own language), the name a person gave it (if any), its school and the
 * last person active (docs/schema.md, `devices`). Every value read is untrusted and validated here.
 *
 * Trap: a program holding the invite can also write a `devices` entry; the mark then reads as
 * explained and the document stays read-only ("update the app"). Telling a real newer device
 * from a forged entry needs something the invite does not give (per-device credentials).
 */
import type * as Y from 'yjs'
import { CURRENT_SCHEMA_VERSION, isTooNew, metaMap, readSchemaVersion } from './schema'
import { HISTORY_MAP } from './history'

const MAX_NAME = 200

export const DEVICES_MAP = 'devices'
/** A device re-announces itself at most this often (it only needs to be known, not tracked). */
const ANNOUNCE_EVERY_MS = 30 * 24 * 3600 * 1000

/** At most this many characters of a device's name and of the last person's name are read or written. */
export const MAX_DEVICE_NAME = 80
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** The kinds of device a `devices` entry may name; a reader translates them. Unknown values read as `other`. */
export const DEVICE_KINDS = ['android-phone', 'android-tablet', 'iphone', 'ipad', 'windows', 'mac', 'linux', 'chromebook', 'other'] as const
export type DeviceKind = (typeof DEVICE_KINDS)[number]

/** A kind from an untrusted value: one of DEVICE_KINDS, `other` for any other string, undefined when not a string. */
export function readDeviceKind(value: unknown): DeviceKind | undefined {
  if (typeof value !== 'string') return undefined
  return (DEVICE_KINDS as readonly string[]).includes(value) ? (value as DeviceKind) : 'other'
}

export interface DeviceInfo {
  readonly deviceId: string
  /** The highest schema version the device's app writes. */
  readonly schema: number
  /** ISO time; '' when missing or not a date. */
  readonly seenAt: string
  /** The kind of device; absent in entries written before kinds existed. */
  readonly kind?: DeviceKind
  /**
   * The name a person gave the device. Entries written before kinds existed hold a default from
   * the platform here instead, in the language of the device that wrote it ("Téléphone Android").
   */
  readonly name?: string
  /** The id of the school the device speaks for (one of meta's two school ids). */
  readonly schoolId?: string
  /** The name of the last person who used the app on it. */
  readonly person?: string
}

/** What a device says about itself besides its version; every field optional. */
export interface DeviceDetails {
  readonly kind?: DeviceKind
  readonly name?: string
  readonly schoolId?: string
  readonly person?: string
}

/** A short single-line text from an untrusted value: control characters gone, trimmed, capped; undefined when empty. */
function cleanText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim()
  return text ? [...text].slice(0, max).join('') : undefined
}

function cleanDate(value: unknown): string {
  if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return ''
  return Number.isNaN(Date.parse(value)) ? '' : value
}

function cleanDetails(o: Record<string, unknown>): DeviceDetails {
  const kind = readDeviceKind(o.kind)
  const name = cleanText(o.name, MAX_DEVICE_NAME)
  const person = cleanText(o.person, MAX_DEVICE_NAME)
  const schoolId = typeof o.schoolId === 'string' && ID_PATTERN.test(o.schoolId) ? o.schoolId : undefined
  return { ...(kind ? { kind } : {}), ...(name ? { name } : {}), ...(schoolId ? { schoolId } : {}), ...(person ? { person } : {}) }
}

/**
 * The devices the document lists. Every value is untrusted (any program holding the invite writes
 * here): a malformed entry is skipped, a malformed field is left out, texts are single-line and capped.
 */
export function readDevices(doc: Y.Doc): DeviceInfo[] {
  const out: DeviceInfo[] = []
  for (const [deviceId, v] of doc.getMap<unknown>(DEVICES_MAP).entries()) {
    if (!v || typeof v !== 'object' || Array.isArray(v) || !ID_PATTERN.test(deviceId)) continue
    const o = v as Record<string, unknown>
    if (typeof o.schema !== 'number' || !Number.isInteger(o.schema)) continue
    out.push({ deviceId, schema: o.schema, seenAt: cleanDate(o.seenAt), ...cleanDetails(o) })
  }
  return out
}

function sameDetails(a: DeviceDetails, b: DeviceDetails): boolean {
  return a.kind === b.kind && a.name === b.name && a.schoolId === b.schoolId && a.person === b.person
}

/**
 * Records in `devices` that this device runs an app that writes CURRENT_SCHEMA_VERSION, and what
 * it says about itself (`details`: its kind, name, school, last person; a field not given keeps
 * what the entry holds — except that details with a `kind` give the whole name: a kind without a
 * name drops the platform default that entries before kinds held). Written only into a document this app may write, when missing, outdated, a
 * month old, or when the details changed. Returns whether it wrote.
 */
export function announceDevice(doc: Y.Doc, deviceId: string, now: Date = new Date(), details: DeviceDetails = {}): boolean {
  if (!deviceId || !ID_PATTERN.test(deviceId) || isTooNew(doc) || readSchemaVersion(doc) === undefined) return false
  const map = doc.getMap<unknown>(DEVICES_MAP)
  const mine = readDevices(doc).find((d) => d.deviceId === deviceId)
  const before: DeviceDetails = mine ? cleanDetails(mine as unknown as Record<string, unknown>) : {}
  const merged: Record<string, unknown> = { ...before, ...definedOnly(details) }
  if (details.kind !== undefined && details.name === undefined) delete merged.name
  const wanted = cleanDetails(merged)
  const isFresh =
    mine && mine.schema >= CURRENT_SCHEMA_VERSION && now.getTime() - Date.parse(mine.seenAt) < ANNOUNCE_EVERY_MS && sameDetails(before, wanted)
  if (isFresh) return false
  map.set(deviceId, { schema: Math.max(CURRENT_SCHEMA_VERSION, mine?.schema ?? 0), seenAt: now.toISOString(), ...wanted })
  return true
}

function definedOnly(details: DeviceDetails): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(details)) if (v !== undefined) out[k] = v
  return out
}

export interface FutureVersionMark {
  readonly version: number
  /** A device of the partnership runs an app that writes this version: the app here is old. */
  readonly isExplained: boolean
  /** Who wrote the mark, from the history of the Yjs client that wrote it; '' when unknown. */
  readonly writtenBy: string
}

/** The Yjs client that wrote the current value of `key` in `map`. */
function writerClient(map: Y.Map<unknown>, key: string): number | undefined {
  const item = (map as unknown as { _map: Map<string, { id: Y.ID }> })._map.get(key)
  return item?.id.client
}

function nameOfClient(doc: Y.Doc, client: number | undefined): string {
  if (client === undefined) return ''
  for (const v of doc.getMap<unknown>(HISTORY_MAP).values()) {
    const o = v as Record<string, unknown> | null
    if (o && typeof o === 'object' && o.client === client && typeof o.by === 'string' && o.by) return o.by.slice(0, MAX_NAME)
  }
  return ''
}

/** Version marks (and a schemaVersion) beyond this app's version: why the document is read-only. */
export function futureVersionMarks(doc: Y.Doc): FutureVersionMark[] {
  const meta = metaMap(doc)
  const newest = Math.max(0, ...readDevices(doc).map((d) => d.schema))
  const out = new Map<number, FutureVersionMark>()
  const add = (version: number, key: string): void => {
    if (version <= CURRENT_SCHEMA_VERSION || out.has(version)) return
    out.set(version, { version, isExplained: newest >= version, writtenBy: nameOfClient(doc, writerClient(meta, key)) })
  }
  for (const key of meta.keys()) {
    const m = /^version:(\d+)$/.exec(key)
    if (m && meta.get(key) === true) add(Number(m[1]), key)
  }
  const sv = meta.get('schemaVersion')
  if (typeof sv === 'number' && Number.isInteger(sv)) add(sv, 'schemaVersion')
  return [...out.values()].sort((a, b) => a.version - b.version)
}

/** Read-only only because of marks nobody can explain: "Restore the partnership" gets it out. */
export function isLockedByUnknownVersion(doc: Y.Doc): boolean {
  const marks = futureVersionMarks(doc)
  return isTooNew(doc) && marks.length > 0 && marks.every((m) => !m.isExplained)
}

