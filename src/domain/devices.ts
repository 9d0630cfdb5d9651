/**
 * The devices of a partnership and the version marks they explain (docs/schema.md, "Versions").
 * A `version:<n>` mark beyond this app's version makes the document read-only, which protects a
 * newer app's data. A mark that no device of the partnership can explain — no entry in `devices`
 * says it runs an app that writes version n — is not a newer app's: it was written by a buggy or
 * hostile program, and "Restore the partnership" (restore.ts) removes it. Each app writes its
 * device's entry (`announceDevice`) whenever it opens a document it can write.
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

export interface DeviceInfo {
  readonly deviceId: string
  /** The highest schema version the device's app writes. */
  readonly schema: number
  readonly seenAt: string
}

export function readDevices(doc: Y.Doc): DeviceInfo[] {
  const out: DeviceInfo[] = []
  for (const [deviceId, v] of doc.getMap<unknown>(DEVICES_MAP).entries()) {
    if (!v || typeof v !== 'object' || deviceId.length > 64) continue
    const o = v as Record<string, unknown>
    if (typeof o.schema !== 'number' || !Number.isInteger(o.schema)) continue
    out.push({ deviceId, schema: o.schema, seenAt: typeof o.seenAt === 'string' ? o.seenAt : '' })
  }
  return out
}

/**
 * Records in `devices` that this device runs an app that writes CURRENT_SCHEMA_VERSION. Written
 * only into a document this app may write, when missing, outdated or a month old. Returns
 * whether it wrote.
 */
export function announceDevice(doc: Y.Doc, deviceId: string, now: Date = new Date()): boolean {
  if (!deviceId || isTooNew(doc) || readSchemaVersion(doc) === undefined) return false
  const map = doc.getMap<unknown>(DEVICES_MAP)
  const mine = readDevices(doc).find((d) => d.deviceId === deviceId)
  const isFresh = mine && mine.schema >= CURRENT_SCHEMA_VERSION && now.getTime() - Date.parse(mine.seenAt) < ANNOUNCE_EVERY_MS
  if (isFresh) return false
  map.set(deviceId, { schema: Math.max(CURRENT_SCHEMA_VERSION, mine?.schema ?? 0), seenAt: now.toISOString() })
  return true
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

