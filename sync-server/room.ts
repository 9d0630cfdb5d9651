/**
 * One loaded room's state and what the parts of the relay that work on it share: the `Room`
 * (its document, sockets, write queue and positions), a socket's `Client`, `RoomsConfig`, and the
 * `RoomsContext` that rooms.ts hands to roomLog.ts, acks.ts, catchUp.ts and awareness.ts.
 *
 * Each group of `Room` fields belongs to one module: the write queue, batching, log length,
 * size and snapshots to roomLog.ts; `epoch`, `writeCount`, `recentWrites`, `clockChangedAt` and
 * `isAckScheduled` to acks.ts (and resume.ts); `position`, `ownAhead`, `remoteBeforeLoad`
 * and the catch-up flags to catchUp.ts; the awareness sizes and window to awareness.ts; the rest
 * (sockets, loading, idle timer, failure) to rooms.ts.
 */
import type * as Y from 'yjs'
import { newEpoch } from '../src/sync/wire'
import { RecentWrites } from './recentWrites'
import type * as awarenessProtocol from 'y-protocols/awareness'
import type { WebSocket } from 'ws'
import type { RelaySocket } from './socket'
import type { RoomStore } from './store'
import type { RoomBus } from './bus'
import type { Logger } from './log'
import type { Metrics } from './metrics'
import type { SnapshotPolicy, Snapshotter } from './snapshots'

/**
 * The window of recent writes a room keeps (the clocks each moved, its deletions; a one-field edit
 * is about 10 bytes), whichever sockets are connected: at most this many writes …
 */
export const MAX_RECENT_WRITES = 1024
/**
 * … and at most this many bytes of them (in a buffer of at most twice that): a room costs at most
 * about 2 MiB for it, a room of 1,024 one-field edits about 30 KB. A socket acknowledged before the
 * window gets the clocks from `clockChangedAt` and the whole delete set; a device resuming from
 * before it gets what a new connection gets.
 */
export const MAX_RECENT_BYTES = 1024 * 1024

export interface RoomsConfig {
  /** How long a room without sockets stays loaded. */
  readonly idleUnloadMs: number
  /** Messages a socket may queue while its room loads. */
  readonly maxQueuedMessages: number
  /** Bytes a socket may queue while its room loads. */
  readonly maxQueuedBytes: number
  /** Compact a room's log (one atomic batch) once it holds this many updates: while loaded, on load and on unload. */
  readonly compactAfterUpdates: number
  /**
   * Rooms holding data (an update in their log, or one being written) loaded at once; a room with
   * data beyond it is closed with 4503 "relay full" (idle rooms with data are unloaded first).
   * Rooms without data never count here: they have `maxEmptyRooms`.
   */
  readonly maxRooms: number
  /**
   * Rooms without data (created, never written) loaded at once. A new one beyond it makes the
   * idle empty room, else the empty room loaded longest ago, make way (its sockets are closed
   * with 4503 "relay full"); a room with data is never evicted for it. Default 500.
   */
  readonly maxEmptyRooms?: number
  /** A socket whose unsent data passes this is closed with 4529 instead of queueing more. */
  readonly maxBufferedBytes: number
  /** Where counts go (`/metrics`); a registry of its own when absent. */
  readonly metrics?: Metrics
  /**
   * Other relay processes serving the same rooms (REDIS_URL): each stored update is published
   * after its durable write; theirs arrive with the origin `REMOTE` and are forwarded, not stored again.
   */
  readonly bus?: RoomBus
  /**
   * With a bus: how often the relay compares each loaded room's position with the store's head
   * and reads what it missed (an update whose publish failed, a quiet room). Default 5 s.
   */
  readonly catchUpIntervalMs?: number
  /** When snapshots are taken and how long they are kept (when the store keeps them); defaults when absent. */
  readonly snapshotPolicy?: SnapshotPolicy
  /**
   * Largest room, in bytes of its document encoded as one update (what a new device downloads).
   * An update that would take the room beyond it is not stored or forwarded; its socket is closed
   * with 4413. Default DEFAULT_MAX_ROOM_BYTES.
   */
  readonly maxRoomBytes?: number
  /** Largest awareness message a socket may send (its body); larger ones are dropped. Default 4 KiB. */
  readonly maxAwarenessBytes?: number
  /** Awareness messages (and awareness queries) a socket may send per 10 s; the rest are dropped. Default 20. */
  readonly maxAwarenessPer10s?: number
  /**
   * Awareness a room holds, all its sockets together: bytes of the states it keeps (what a joining
   * device receives), and bytes of awareness messages it forwards per 10 s. A message that would
   * pass either is dropped. Default DEFAULT_MAX_ROOM_AWARENESS_BYTES.
   */
  readonly maxRoomAwarenessBytes?: number
}

/** Yjs's delete set (the type is not exported by name). */
export type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds']

/** Origin of updates another relay process already stored. */
export const REMOTE = Symbol('remote relay')


/**
 * A socket's place in a room (rooms.ts `join`), from its join until it leaves. A class with every
 * field set in the constructor, so that all of them live inside the object (a field added later
 * took an out-of-object property array per socket).
 */
export class Client {
  readonly ws: RelaySocket
  readonly room: Room
  readonly wantsAck: boolean
  /** The room has loaded and greeted the socket: its messages are handled as they come. */
  isReady = false
  /** Messages that arrived before the room loaded, handled in order once it has; made by the first of them. */
  queue: Uint8Array[] | undefined = undefined
  queuedBytes = 0
  /**
   * Awareness client ids this socket announced, removed when it leaves; made by the first (a stock
   * client announces one, the relay allows a few: an array is a fraction of a Set's size).
   */
  awarenessIds: number[] | undefined = undefined
  /** This socket sent an update that has not been acknowledged yet. */
  needsAck = false
  /**
   * The room's `writeCount` its last acknowledgement covered; undefined before the first (which is
   * whole) — unless the socket resumed from a position of this room's epoch (resume.ts).
   */
  ackedWrites: number | undefined = undefined
  /** The position (`writeCount`) the socket resumed from: whose deletions its document holds. */
  resumedFrom: number | undefined = undefined
  /** When this socket's current awareness window began (ms), and the awareness messages in it. */
  awarenessWindowAt: number | undefined = undefined
  awarenessInWindow = 0

  constructor(ws: RelaySocket, room: Room, wantsAck: boolean) {
    this.ws = ws
    this.room = room
    this.wantsAck = wantsAck
  }
}

/** An update the room received from a socket and applied, not yet durable: what it is, who sent it, what it changed (acks.ts `changeOf`). */
export interface PendingUpdate {
  readonly update: Uint8Array
  readonly sender: Client | undefined
  readonly change: Y.Snapshot
}

export class Room {
  readonly name: string
  doc: Y.Doc | undefined
  awareness: awarenessProtocol.Awareness | undefined
  /** Bytes of each awareness state the room keeps (its JSON), by client id, and their sum (`maxRoomAwarenessBytes`). */
  readonly awarenessSizes = new Map<number, number>()
  awarenessBytes = 0
  /** When the room's current awareness window began (ms), and the awareness bytes it forwarded in it. */
  awarenessWindowAt: number | undefined
  awarenessBytesInWindow = 0
  readonly clients = new Map<WebSocket, Client>()
  readonly loaded: Promise<unknown>
  private writes: Promise<void> = Promise.resolve()
  /** Updates in the room's stored log. */
  logLength = 0
  isFailed = false
  unloadTimer: ReturnType<typeof setTimeout> | undefined
  /** Sockets waiting for the room to load (not in `clients` yet). */
  joining = 0
  /** Updates received and not yet durable. */
  pendingWrites = 0
  /** Updates received since the last write began, with the socket each came from and what each changed (acks.ts). */
  readonly unwritten: PendingUpdate[] = []
  /** The updates of the write on disk now (taken from `unwritten` when it began); empty between writes. */
  writing: readonly PendingUpdate[] = []
  isFlushScheduled = false
  isAckScheduled = false
  /** Random, made when the room loads: positions (epoch, writeCount) of another load are never taken for this one's. */
  readonly epoch = newEpoch()
  /** Updates that reached the document (written by this relay, or stored by another) since it loaded. */
  writeCount = 0
  /**
   * Recent writes by `writeCount`, each as `Y.encodeSnapshot` of its deletions and the clock it
   * moved each client to; older ones are forgotten (bounded by count and bytes, acks.ts).
   */
  readonly recentWrites = new RecentWrites(MAX_RECENT_WRITES, MAX_RECENT_BYTES)
  /** For each client id: the `writeCount` of the write that last moved its clock, and that clock. */
  readonly clockChangedAt = new Map<number, { n: number; clock: number }>()
  /**
   * The room's size for `maxRoomBytes`: its document encoded as one update when loaded (and after
   * each compaction), plus every update that reached it since (an upper bound: merging shrinks).
   */
  bytes = 0
  isCompacting = false
  /** Other relays' updates that arrived before the log was loaded. */
  readonly remoteBeforeLoad: { update: Uint8Array; position: number }[] = []
  /** With several relays: every append up to this position of the room's log is in `doc`. */
  position = 0
  /** Positions of this relay's own appends beyond `position` (another relay's append lies between). */
  readonly ownAhead = new Set<number>()
  isCatchingUp = false
  needsCatchUp = false
  /** When the room's newest snapshot was taken, read from the store while the room loads. */
  newestSnapshot: Promise<number | undefined> = Promise.resolve(undefined)
  /** What the daily rule counts from (the newest snapshot, or the last check that needed none); undefined until read. */
  lastSnapshotAt: number | undefined
  isSnapshotKnown = false
  /** The reason sockets still joining are closed with when the room is dropped (refused for room, evicted, failed). */
  closeReason = 'room unavailable'

  constructor(name: string, load: Promise<unknown>) {
    this.name = name
    this.loaded = load
  }

  /** Runs `f` after every earlier write of this room. */
  enqueueWrite(f: () => Promise<void>): Promise<void> {
    this.writes = this.writes.then(f)
    return this.writes
  }

  whenWritesSettled(): Promise<void> {
    return this.writes.catch(() => undefined)
  }
}

/** What rooms.ts shares with the modules that work on its rooms. */
export interface RoomsContext {
  readonly store: RoomStore
  readonly log: Logger
  readonly config: RoomsConfig
  readonly metrics: Metrics
  readonly snapshotter: Snapshotter | undefined
  /** Sends to a socket, or closes it when its reader is too slow (rooms.ts). */
  send(ws: RelaySocket, message: Uint8Array): void
  /** Closes every socket of a room that cannot be trusted any more and forgets it (rooms.ts). */
  fail(room: Room, why: string): void
}

/** The room holds data: an update in its stored log, or one that reached it or is being written. */
export function hasData(room: Room): boolean {
  return room.logLength > 0 || room.position > 0 || room.writeCount > 0 || room.pendingWrites > 0
}
