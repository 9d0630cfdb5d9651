/**
 * Copies of a partnership kept on this device ("device snapshots"): moments "Restore the
 * partnership" can go back to even when the relay cannot be reached, or when what the relay holds
 * was already spoiled by a buggy or hostile program.
 *
 * - Regular copies while a partnership is open: when it opens (or its first data arrives), and
 *   then every 10 minutes while it changes — so a restore after damage from another program
 *   loses at most minutes of the day's work, not the day. Not for a document without meta, nor
 *   for one that is
 *   read-only (written by a newer app, or locked by a version mark nobody knows): such a copy
 *   could not be restored by this app anyway.
 * - One right before a restore is applied, whatever the document's state, so that a restore can
 *   itself be undone.
 * - Thinned whenever a copy is written: every copy of the last 2 hours, then the newest of each
 *   hour for 2 days, then the newest of each day for 30 days; the newest copy is always kept. At
 *   most about 12 + 46 + 28 copies per partnership, most of them only while it is in use.
 *
 * A copy is the whole document, gzip-compressed with CompressionStream where the browser has it:
 * the one before a restore as one Yjs update (`Y.encodeStateAsUpdate`, the exact moment); a regular
 * copy as the document's chunks (docChunks.ts), each a lib0 `varUint8Array`, encoded a few
 * milliseconds at a time (`parts`): one `Y.encodeStateAsUpdate` of a five-year partnership held the
 * page for 1–1.2 s at 4× CPU on every open. A restore merges the parts into one update. Copies live in a small database of their own
 * (`scholenband-snapshots`), apart from the registry, so its versions never clash; the list (small
 * rows) and the bytes are two tables, so listing the moments never reads the copies themselves.
 *
 * Traps:
 * - The update before a restore is encoded before the first `await`: the copy is the document as
 *   it was when asked for, not after whatever arrives while it is compressed. A regular copy's
 *   parts may hold what arrived while they were encoded: a later moment, never a mixed one that
 *   Yjs could not apply (the parts are whole updates).
 * - A full disk (QuotaExceededError) only ever costs the copy: the partnership lives in its own
 *   database and is never touched here. The daily copy is then skipped quietly; the one before a
 *   restore reports `full`, and the restore must not go on without it.
 */
import Dexie, { type Table } from 'dexie'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { encodeStateInChunksSliced } from './docChunks'
import { nextTask } from './docRows'
import { isTooNew, readSchemaVersion } from '../domain/schema'

export const SNAPSHOT_DB_NAME = 'scholenband-snapshots'
/** A daily copy is taken when the newest is older than this. */
export const SNAPSHOT_EVERY_MS = 10 * 60 * 1000
/** Copies older than this are deleted when the next copy of the partnership is written. */
export const SNAPSHOT_KEEP_MS = 30 * 24 * 3600 * 1000

export type DeviceSnapshotReason = 'daily' | 'beforeRestore'

/** One moment kept on this device (without its bytes). */
export interface DeviceSnapshotInfo {
  readonly id: number
  readonly roomId: string
  /** When the copy was taken, ISO 8601. */
  readonly takenAt: string
  readonly reason: DeviceSnapshotReason
  /** Bytes stored (after compression). */
  readonly bytes: number
}

interface MomentRow {
  id?: number
  readonly roomId: string
  readonly takenAt: string
  readonly reason: DeviceSnapshotReason
  readonly bytes: number
  /** `gzip` or `none`: one update; `gzip-parts` or `parts`: lib0 `varUint8Array` frames, each an update. */
  readonly encoding: 'gzip' | 'none' | 'gzip-parts' | 'parts'
  /** `Y.encodeSnapshot` of the document when copied (state vector and deletions): tells whether it changed since. */
  readonly state: Uint8Array
}

interface DataRow {
  readonly id: number
  readonly data: Uint8Array
}

export class SnapshotDb extends Dexie {
  moments!: Table<MomentRow, number>
  data!: Table<DataRow, number>

  constructor(name = SNAPSHOT_DB_NAME) {
    super(name)
    this.version(1).stores({
      moments: '++id, roomId, [roomId+takenAt]',
      data: 'id',
    })
  }
}

let shared: SnapshotDb | undefined

/** The app's one database of device copies. */
export function snapshotDb(): SnapshotDb {
  shared ??= new SnapshotDb()
  return shared
}

export type TakeSnapshotResult =
  | { readonly ok: true; readonly snapshot: DeviceSnapshotInfo }
  /**
   * `noMeta`: nothing to copy yet; `readOnly`: a daily copy of a read-only document is not taken;
   * `recent`: a regular copy younger than 10 minutes exists, or nothing changed since the newest copy;
   * `full`: the device's storage is full; `failed`: IndexedDB refused for another reason.
   */
  | { readonly ok: false; readonly reason: 'noMeta' | 'readOnly' | 'recent' | 'full' | 'failed' }

function isQuotaError(e: unknown): boolean {
  for (let err = e; err && typeof err === 'object'; err = (err as { inner?: unknown }).inner) {
    if ((err as { name?: unknown }).name === 'QuotaExceededError') return true
  }
  return false
}

async function throughStream(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream))
  return new Uint8Array(await out.arrayBuffer())
}

async function compress(bytes: Uint8Array, isParts: boolean): Promise<{ data: Uint8Array; encoding: MomentRow['encoding'] }> {
  const plain = isParts ? 'parts' : 'none'
  if (typeof CompressionStream !== 'function') return { data: bytes, encoding: plain }
  try {
    return { data: await throughStream(bytes, new CompressionStream('gzip')), encoding: isParts ? 'gzip-parts' : 'gzip' }
  } catch {
    return { data: bytes, encoding: plain }
  }
}

/** Milliseconds of encoding between two turns of the browser while a regular copy is made. */
const COPY_SLICE_MS = 8

/** The document's chunks as frames, encoded a slice at a time (docChunks.ts); undefined when stopped. */
async function encodeParts(doc: Y.Doc): Promise<Uint8Array> {
  const chunks = (await encodeStateInChunksSliced(doc, nextTask, () => false, COPY_SLICE_MS)) ?? [Y.encodeStateAsUpdate(doc)]
  const e = encoding.createEncoder()
  for (const chunk of chunks) encoding.writeVarUint8Array(e, chunk)
  return encoding.toUint8Array(e)
}

/** The parts of a copy merged into one update; undefined when they do not decode. */
function mergeParts(bytes: Uint8Array): Uint8Array | undefined {
  try {
    const d = decoding.createDecoder(bytes)
    const parts: Uint8Array[] = []
    while (decoding.hasContent(d)) parts.push(decoding.readVarUint8Array(d))
    return parts.length === 1 ? parts[0] : Y.mergeUpdates(parts)
  } catch {
    return undefined
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function infoOf(row: MomentRow): DeviceSnapshotInfo {
  return { id: row.id as number, roomId: row.roomId, takenAt: row.takenAt, reason: row.reason, bytes: row.bytes }
}

/** The moments kept on this device for `roomId`, newest first. */
export async function listDeviceSnapshots(db: SnapshotDb, roomId: string): Promise<DeviceSnapshotInfo[]> {
  const rows = await db.moments.where('[roomId+takenAt]').between([roomId, Dexie.minKey], [roomId, Dexie.maxKey]).reverse().toArray()
  return rows.map(infoOf)
}

/** The newest moment for `roomId`, if any. */
async function newest(db: SnapshotDb, roomId: string): Promise<MomentRow | undefined> {
  return db.moments.where('[roomId+takenAt]').between([roomId, Dexie.minKey], [roomId, Dexie.maxKey]).last()
}

/**
 * The document as it was at that moment, as one Yjs update; undefined when the copy is gone or
 * cannot be read (its bytes are checked by the domain's restore, like any other snapshot).
 */
export async function readDeviceSnapshot(db: SnapshotDb, id: number): Promise<Uint8Array | undefined> {
  const [row, data] = await Promise.all([db.moments.get(id), db.data.get(id)])
  if (!row || !data) return undefined
  const isParts = row.encoding === 'parts' || row.encoding === 'gzip-parts'
  if (row.encoding === 'none' || row.encoding === 'parts') return isParts ? mergeParts(data.data) : data.data
  if (typeof DecompressionStream !== 'function') return undefined
  try {
    const bytes = await throughStream(data.data, new DecompressionStream('gzip'))
    return isParts ? mergeParts(bytes) : bytes
  } catch {
    return undefined
  }
}

/**
 * Keeps a copy of the document now. `daily` is taken only for a writable document with meta,
 * when the newest copy is older than 10 minutes and the document changed since; `beforeRestore` always
 * (for a document with meta). Prunes copies older than 30 days, keeping the newest.
 */
export async function takeDeviceSnapshot(
  db: SnapshotDb,
  roomId: string,
  doc: Y.Doc,
  reason: DeviceSnapshotReason,
  now: Date = new Date(),
): Promise<TakeSnapshotResult> {
  if (readSchemaVersion(doc) === undefined) return { ok: false, reason: 'noMeta' }
  if (reason === 'daily' && isTooNew(doc)) return { ok: false, reason: 'readOnly' }
  // the moment asked for, before anything else can arrive (a regular copy: its state, then its parts)
  const update = reason === 'beforeRestore' ? Y.encodeStateAsUpdate(doc) : undefined
  const state = Y.encodeSnapshot(Y.snapshot(doc))
  try {
    if (reason === 'daily' && !(await isDailyDue(db, roomId, state, now))) return { ok: false, reason: 'recent' }
    const { data, encoding } = await compress(update ?? (await encodeParts(doc)), update === undefined)
    const row: MomentRow = { roomId, takenAt: now.toISOString(), reason, bytes: data.length, encoding, state }
    return await db.transaction('rw', db.moments, db.data, async () => {
      // another tab may have taken today's copy meanwhile
      if (reason === 'daily' && !(await isDailyDue(db, roomId, state, now))) return { ok: false, reason: 'recent' } as const
      const id = await db.moments.add(row)
      await db.data.add({ id, data })
      const rows = await db.moments.where('[roomId+takenAt]').between([roomId, Dexie.minKey], [roomId, Dexie.maxKey]).toArray()
      const gone = copiesToThin(rows.map((r) => ({ id: r.id as number, takenAt: r.takenAt })), now).filter((k) => k !== id)
      await db.moments.bulkDelete(gone)
      await db.data.bulkDelete(gone)
      return { ok: true, snapshot: infoOf({ ...row, id }) } as const
    })
  } catch (e) {
    return { ok: false, reason: isQuotaError(e) ? 'full' : 'failed' }
  }
}

const HOUR_MS = 3600 * 1000
const KEEP_ALL_MS = 2 * HOUR_MS
const KEEP_HOURLY_MS = 48 * HOUR_MS

/**
 * The copies to delete (ids): keep all of the last 2 hours, the newest of each hour for 2 days,
 * the newest of each UTC day for 30 days, and always the newest copy.
 */
export function copiesToThin(copies: readonly { id: number; takenAt: string }[], now: Date): number[] {
  const newestFirst = [...copies].sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : b.id - a.id))
  const seenBuckets = new Set<string>()
  const gone: number[] = []
  newestFirst.forEach((c, i) => {
    const age = now.getTime() - Date.parse(c.takenAt)
    if (i === 0 || age < KEEP_ALL_MS) return
    if (age > SNAPSHOT_KEEP_MS) {
      gone.push(c.id)
      return
    }
    const bucket = age < KEEP_HOURLY_MS ? `h${c.takenAt.slice(0, 13)}` : `d${c.takenAt.slice(0, 10)}`
    if (seenBuckets.has(bucket)) gone.push(c.id)
    else seenBuckets.add(bucket)
  })
  return gone
}

async function isDailyDue(db: SnapshotDb, roomId: string, state: Uint8Array, now: Date): Promise<boolean> {
  const last = await newest(db, roomId)
  if (!last) return true
  if (now.getTime() - Date.parse(last.takenAt) < SNAPSHOT_EVERY_MS) return false
  return !sameBytes(last.state, state)
}

/** Removes every copy of a partnership from this device (when the partnership itself goes). */
export async function deleteDeviceSnapshots(db: SnapshotDb, roomId: string): Promise<void> {
  await db.transaction('rw', db.moments, db.data, async () => {
    const ids = await db.moments.where('roomId').equals(roomId).primaryKeys()
    await db.moments.bulkDelete(ids)
    await db.data.bulkDelete(ids)
  })
}
