/**
 * Snapshots of a room's document on the relay, so a partnership can be restored after a member,
 * a buggy device or a hostile program deleted or overwrote what it holds (docs/protocol.md,
 * "Snapshots"). A snapshot is the room's whole stored state at a moment, as one Yjs update.
 *
 * When one is taken (roomLog.ts calls this module, always inside the room's own write queue, so no
 * other room waits for it):
 * - `compaction`: before the room's log is merged, in the same LevelDB batch or PostgreSQL
 *   transaction as the compaction. Its bytes are the merged log, i.e. the state at that moment.
 * - `daily`: before the first write of a UTC day (more precisely: of each `intervalMs` window
 *   counted from the Unix epoch; 24 h windows are UTC days) when the room's newest snapshot is
 *   from an earlier window. Its bytes are the stored log merged *before* that write is appended,
 *   so it shows how the room ended the previous day.
 * No snapshot is taken when the state is identical (same state vector, same deletions) to the
 * newest one, or when the log is empty.
 *
 * Kept: every snapshot younger than `retentionMs` (90 days), and the newest `keepNewest` (3)
 * whatever their age. Beyond `maxPerRoom` (200) the oldest are thinned out — first to one per UTC
 * day, then the oldest days — but never one younger than `protectMs` (7 days). Pruning happens
 * in the batch that writes a new snapshot.
 *
 * The HTTP side: `GET /snapshots/<roomId>` (the list, newest first) and
 * `GET /snapshots/<roomId>/<id>` (the bytes), behind the same room proof as the photos
 * (http.ts), with the per-address limits of relay.ts.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as Y from 'yjs'
import { isRoomId, snapshotOfUpdate } from '../src/sync/wire'
import { HttpError, READ_CORS_HEADERS, checkProofWithin, roomProofCheck, sendJson, type EndpointLimits, type Headers } from './http'
import { errorFields, type Logger } from './log'
import type { RoomStore } from './store'

export type SnapshotReason = 'daily' | 'compaction'

export interface SnapshotInfo {
  /** Unique in its room; sorts like `takenAt` (15 digits of milliseconds, `-`, 8 hex digits). */
  readonly id: string
  /** Milliseconds since the epoch. */
  readonly takenAt: number
  readonly reason: SnapshotReason
  /** Size of the update. */
  readonly bytes: number
  /** SHA-256 of the state's state vector and deletions: equal fingerprints, equal states. */
  readonly fingerprint: string
}

/** What to write in one batch: a new snapshot (if any) and the ids of those to delete. */
export interface SnapshotChange {
  readonly add?: { readonly info: SnapshotInfo; readonly update: Uint8Array }
  readonly drop: readonly string[]
}

/** Where a room store keeps snapshots, beside the log and untouched by compaction. */
export interface SnapshotStore {
  /** The room's snapshots, newest first, without their bytes. Throws when it cannot be read. */
  list(room: string): Promise<SnapshotInfo[]>
  /** A snapshot's update, or undefined when there is no such snapshot. */
  read(room: string, id: string): Promise<Uint8Array | undefined>
  /** The room's stored log merged into one update; undefined when the log is empty. */
  storedState(room: string): Promise<Uint8Array | undefined>
  /** Adds and deletes snapshots atomically. */
  write(room: string, change: SnapshotChange): Promise<void>
}

export interface SnapshotPolicy {
  /** Length of the window of the daily rule (24 h: UTC days). */
  readonly intervalMs: number
  /** Snapshots younger than this are kept. */
  readonly retentionMs: number
  /** The newest this many are kept whatever their age. */
  readonly keepNewest: number
  /** Snapshots per room beyond which the oldest are thinned out. */
  readonly maxPerRoom: number
  /** Snapshots younger than this are never thinned out. */
  readonly protectMs: number
}

const DAY_MS = 24 * 60 * 60 * 1000

export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = {
  intervalMs: DAY_MS,
  retentionMs: 90 * DAY_MS,
  keepNewest: 3,
  maxPerRoom: 200,
  protectMs: 7 * DAY_MS,
}

/** What a snapshot id looks like (checked before any store read). */
export const SNAPSHOT_ID_PATTERN = /^[0-9]{15}-[0-9a-f]{8}$/

/** A new id for a snapshot taken at `takenAt`. */
export function snapshotId(takenAt: number): string {
  return `${String(takenAt).padStart(15, '0')}-${randomBytes(4).toString('hex')}`
}

/**
 * The state's fingerprint: SHA-256 of its state vector and its deletions, merged and sorted, so
 * two encodings of one state (a merged log, a document's update) give the same value.
 */
export function fingerprintOf(update: Uint8Array): string {
  const s = snapshotOfUpdate(update)
  const canonical = Y.encodeSnapshot(Y.createSnapshot(Y.mergeDeleteSets([s.ds]), s.sv))
  return createHash('sha256').update(canonical).digest('hex')
}

/** Whether the daily rule asks for a snapshot now, given when the newest was taken. */
export function isDailyDue(newestAt: number | undefined, now: number, intervalMs: number): boolean {
  return newestAt === undefined || Math.floor(newestAt / intervalMs) < Math.floor(now / intervalMs)
}

/**
 * The ids to delete from `all` (newest first) at `now`: older than the retention except the
 * newest few; then, beyond `maxPerRoom`, thinned out from the oldest — first every snapshot that
 * is not the first of its UTC day, then whole days — never touching the protected young ones.
 */
export function snapshotsToDrop(all: readonly SnapshotInfo[], now: number, policy: SnapshotPolicy): string[] {
  const drop = new Set<string>()
  const kept: SnapshotInfo[] = []
  all.forEach((s, i) => {
    if (i < policy.keepNewest || now - s.takenAt <= policy.retentionMs) kept.push(s)
    else drop.add(s.id)
  })
  let excess = kept.length - policy.maxPerRoom
  if (excess > 0) {
    // candidates, oldest first
    const candidates = kept.filter((s, i) => i >= policy.keepNewest && now - s.takenAt > policy.protectMs).reverse()
    const seenDays = new Set<number>()
    for (const s of candidates) {
      if (excess <= 0) break
      const day = Math.floor(s.takenAt / DAY_MS)
      if (seenDays.has(day)) {
        drop.add(s.id)
        excess--
      } else seenDays.add(day)
    }
    for (const s of candidates) {
      if (excess <= 0) break
      if (drop.has(s.id)) continue
      drop.add(s.id)
      excess--
    }
  }
  return [...drop]
}

/**
 * The change that takes a snapshot of `update` (a room's whole state) among `existing` (newest
 * first): none when it is identical to the newest, and what pruning asks for either way.
 */
export function planSnapshot(
  existing: readonly SnapshotInfo[],
  update: Uint8Array,
  reason: SnapshotReason,
  now: number,
  policy: SnapshotPolicy,
): SnapshotChange {
  const fingerprint = fingerprintOf(update)
  if (existing[0]?.fingerprint === fingerprint) return { drop: snapshotsToDrop(existing, now, policy) }
  // strictly after the newest, so the order of ids is the order of moments
  const takenAt = Math.max(now, (existing[0]?.takenAt ?? 0) + 1)
  const info: SnapshotInfo = { id: snapshotId(takenAt), takenAt, reason, bytes: update.byteLength, fingerprint }
  return { add: { info, update }, drop: snapshotsToDrop([info, ...existing], now, policy) }
}

/**
 * Takes a room's snapshots for roomLog.ts. Nothing here throws: a snapshot that cannot be taken is
 * logged and the room's writes go on.
 */
export class Snapshotter {
  constructor(
    private readonly store: SnapshotStore,
    private readonly policy: SnapshotPolicy,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** When the room's newest snapshot was taken; undefined when it has none (or they cannot be read). */
  async newestTakenAt(room: string): Promise<number | undefined> {
    try {
      return (await this.store.list(room))[0]?.takenAt
    } catch (err) {
      this.log.warn('reading snapshots failed', { room, ...errorFields(err) })
      return undefined
    }
  }

  isDailyDue(newestAt: number | undefined): boolean {
    return isDailyDue(newestAt, this.now(), this.policy.intervalMs)
  }

  /**
   * The daily snapshot: the stored state, before the write that is about to be appended. Resolves
   * with the moment the daily rule should count from next (now, whether or not one was taken).
   */
  async takeDaily(room: string): Promise<number> {
    const now = this.now()
    try {
      const existing = await this.store.list(room)
      // another relay on the same store took it meanwhile
      if (!isDailyDue(existing[0]?.takenAt, now, this.policy.intervalMs)) return existing[0]!.takenAt
      const state = await this.store.storedState(room)
      if (!state) return now
      const change = planSnapshot(existing, state, 'daily', now, this.policy)
      if (change.add || change.drop.length > 0) await this.store.write(room, change)
      if (change.add) this.log.debug('snapshot taken', { room, reason: 'daily', bytes: change.add.info.bytes, dropped: change.drop.length })
    } catch (err) {
      this.log.warn('daily snapshot failed', { room, ...errorFields(err) })
    }
    return now
  }

  /** The change to write with a compaction whose merged log is `merged`; undefined when the snapshots cannot be read. */
  async planCompaction(room: string, merged: Uint8Array): Promise<SnapshotChange | undefined> {
    try {
      const change = planSnapshot(await this.store.list(room), merged, 'compaction', this.now(), this.policy)
      return change.add || change.drop.length > 0 ? change : undefined
    } catch (err) {
      this.log.warn('snapshot before compaction failed', { room, ...errorFields(err) })
      return undefined
    }
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface SnapshotServiceConfig {
  readonly store: RoomStore
  readonly log: Logger
  /** The per-address limits (relay.ts). */
  readonly limits: EndpointLimits
}

export interface SnapshotService {
  /** Answers the request when its path is `/snapshots/…`; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean
}

const SNAPSHOT_PATH = /^\/snapshots\/([^/]+)(?:\/([^/]+))?$/

const CORS_HEADERS = READ_CORS_HEADERS

export function createSnapshotService(config: SnapshotServiceConfig): SnapshotService {
  const { store, log, limits } = config
  const authorise = roomProofCheck(store, log, 'snapshot')

  const json = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void =>
    sendJson(req, res, status, body, { ...CORS_HEADERS, ...headers })

  const route = async (req: IncomingMessage, res: ServerResponse, room: string, id: string | undefined): Promise<void> => {
    const address = limits.address(req)
    const requestWait = limits.takeRequest(address)
    if (requestWait > 0) throw new HttpError(429, 'too many requests', { 'Retry-After': requestWait })
    if (!isRoomId(room)) throw new HttpError(400, 'malformed room id')
    if (id !== undefined && !SNAPSHOT_ID_PATTERN.test(id)) throw new HttpError(400, 'malformed snapshot id')
    // the proof first: a valid one passes whatever others behind the address did (http.ts)
    await checkProofWithin(limits, address, () => authorise(req, room))
    const snapshots = store.snapshots
    if (id === undefined) {
      const list = snapshots ? await snapshots.list(room) : []
      json(req, res, 200, {
        snapshots: list.map((s) => ({ id: s.id, takenAt: new Date(s.takenAt).toISOString(), reason: s.reason, bytes: s.bytes })),
      })
      return
    }
    const update = snapshots ? await snapshots.read(room, id) : undefined
    if (!update) throw new HttpError(404, 'no such snapshot')
    res.writeHead(200, {
      ...CORS_HEADERS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': update.byteLength,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    })
    res.end(update)
  }

  return {
    handle(req, res, url) {
      if (url.pathname !== '/snapshots' && !url.pathname.startsWith('/snapshots/')) return false
      const match = SNAPSHOT_PATH.exec(url.pathname)
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS_HEADERS)
        res.end()
        return true
      }
      if (req.method !== 'GET') {
        json(req, res, 405, { error: 'method not allowed' }, { Allow: 'GET, OPTIONS' })
        return true
      }
      if (!match) {
        json(req, res, 404, { error: 'not found' })
        return true
      }
      const [, room, id] = match as unknown as [string, string, string | undefined]
      route(req, res, room, id).catch((err: unknown) => {
        if (err instanceof HttpError) {
          json(req, res, err.status, { error: err.message }, err.headers)
          return
        }
        log.error('snapshot request failed', { room, ...errorFields(err) })
        json(req, res, 503, { error: 'relay storage unavailable' })
      })
      return true
    },
  }
}
