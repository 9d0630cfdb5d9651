/**
 * Rooms: one loaded Y.Doc per partnership, the sockets connected to it, and the y-protocols
 * exchange (sync + awareness) plus the relay's acknowledgement.
 *
 * Order of things, on purpose:
 * - A socket joins a room only after the room proof was checked (relay.ts) and the room's log
 *   was loaded completely. Until then its messages wait in a bounded queue; nothing of the
 *   document is sent. A failed load closes the socket with `unavailable` (4503) and the room is
 *   forgotten, so the next attempt loads again — an empty document is never served.
 * - Every update is appended to the store before it is forwarded to other sockets and before
 *   the sender gets its acknowledgement. Writes of a room run one after another, so an
 *   acknowledgement covers everything the room received before it. What arrives while a write is
 *   under way is merged into the next write (one append however many edits), so a busy room
 *   costs the store one write at a time instead of one per edit.
 * - If a write fails, the room's sockets are closed with `unavailable` and the room is dropped:
 *   clients keep their changes and send them again on reconnect.
 * - Load slots (`admit`): once loaded, a room holding data takes one of `maxRooms`, a room never
 *   written one of `maxEmptyRooms`; rooms without data never keep a room with data out.
 * - Snapshots (snapshots.ts) are taken in the room's write queue, so only that room's writes
 *   wait for them: the daily one before the room's first write of a day (of the stored state,
 *   before that write), the compaction one in the compaction's own batch.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { WebSocket } from 'ws'
import {
  CLOSE,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  encodeAck,
} from '../src/sync/wire'
import type { RoomStore } from './store'
import type { RoomBus } from './bus'
import { errorFields, type Logger } from './log'
import { createMetrics, type Metrics } from './metrics'
import { DEFAULT_SNAPSHOT_POLICY, Snapshotter, type SnapshotPolicy } from './snapshots'

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

/** 32 MiB: about 14 times a five-year partnership (2.3 MB encoded), and 4 times MAX_MESSAGE_BYTES. */
export const DEFAULT_MAX_ROOM_BYTES = 32 * 1024 * 1024
/** A stock client's awareness state (a name, a colour, a cursor) is well under 1 KB. */
export const DEFAULT_MAX_AWARENESS_BYTES = 4 * 1024
/** Stock clients renew their state every 15 s and send one on each change (a cursor moving). */
export const DEFAULT_MAX_AWARENESS_PER_10S = 20
/**
 * 64 KiB: the per-socket limits alone let 150 sockets of one address hold 600 KB of states that
 * every joining phone downloads. A stock client's state is tens of bytes (the app sets none), so a
 * room of a hundred of them stays far below.
 */
export const DEFAULT_MAX_ROOM_AWARENESS_BYTES = 64 * 1024
/** Awareness client ids one socket may hold at the relay (a stock client announces one). */
const MAX_AWARENESS_IDS_PER_SOCKET = 4
const AWARENESS_WINDOW_MS = 10_000

/** Yjs's delete set (the type is not exported by name). */
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds']

/** Origin of updates another relay process already stored. */
const REMOTE = Symbol('remote relay')

interface Client {
  readonly ws: WebSocket
  readonly wantsAck: boolean
  /** Awareness client ids this socket announced, removed when it leaves. */
  readonly awarenessIds: Set<number>
  /** This socket sent an update that has not been acknowledged yet. */
  needsAck: boolean
  /** The room's `writeCount` its last acknowledgement covered; undefined before the first (which is whole). */
  ackedWrites: number | undefined
  /** When this socket's current awareness window began (ms), and the awareness messages in it. */
  awarenessWindowAt?: number
  awarenessInWindow?: number
}

/**
 * Recent writes kept for acknowledgements (the clocks each moved, its deletions); a socket
 * further behind gets the clocks from `clockChangedAt` and the whole delete set.
 */
const MAX_RECENT_WRITES = 256

class Room {
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
  /** Updates received since the last write began, with the socket each came from. */
  readonly unwritten: { update: Uint8Array; sender: Client | undefined }[] = []
  isFlushScheduled = false
  isAckScheduled = false
  /** Updates that reached the document (written by this relay, or stored by another) since it loaded. */
  writeCount = 0
  /** Recent writes by `writeCount`: the clock each moved to, per client, and its deletions; older ones are forgotten. */
  readonly recentWrites: { n: number; to: Map<number, number>; ds: DeleteSet | undefined }[] = []
  /** Every write up to this one is no longer in `recentWrites`. */
  forgottenThrough = 0
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

export class Rooms {
  private readonly rooms = new Map<string, Room>()
  /** Rooms unloaded whose last writes are still going to the store (how many unloads of each). */
  private readonly settling = new Map<string, number>()
  private readonly store: RoomStore
  private readonly log: Logger
  private readonly config: RoomsConfig
  private readonly metrics: Metrics
  private readonly sweep: ReturnType<typeof setInterval> | undefined
  private readonly snapshotter: Snapshotter | undefined

  constructor(store: RoomStore, log: Logger, config: RoomsConfig) {
    this.store = store
    this.log = log
    this.config = config
    this.metrics = config.metrics ?? createMetrics()
    this.snapshotter = store.snapshots ? new Snapshotter(store.snapshots, config.snapshotPolicy ?? DEFAULT_SNAPSHOT_POLICY, log) : undefined
    if (config.bus && store.heads) {
      this.sweep = setInterval(() => void this.catchUpBehind(), config.catchUpIntervalMs ?? 5000)
      this.sweep.unref()
    }
  }

  /**
   * Sends unless the socket's reader is too slow: a socket whose unsent data already passed the
   * bound is closed (4529, transient) rather than growing the relay's memory; it syncs again on
   * reconnect. One message larger than the bound still goes out to a socket that keeps up.
   */
  private send(ws: WebSocket, message: Uint8Array): void {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > this.config.maxBufferedBytes) {
      this.log.info('socket closed: slow reader', { bufferedBytes: ws.bufferedAmount })
      this.metrics.closedForLimit.inc({ reason: 'slow_reader' })
      ws.close(CLOSE.busy, 'reading too slowly')
      return
    }
    this.metrics.bytesOut.inc(message.byteLength)
    ws.send(message, (err) => {
      if (err) ws.terminate()
    })
  }

  get loadedCount(): number {
    return this.rooms.size
  }

  get socketCount(): number {
    let n = 0
    for (const r of this.rooms.values()) n += r.clients.size
    return n
  }

  private room(name: string): Room {
    let room = this.rooms.get(name)
    if (room) return room
    const bus = this.config.bus
    // The stream is watched before the log is read, so nothing stored in between is missed.
    const load = bus
      ? bus
          .watch(name, (update, position) => {
            if (created.isFailed) return
            if (created.doc) this.receiveRemote(created, update, position)
            else created.remoteBeforeLoad.push({ update, position })
          })
          .then(() => this.store.load(name))
      : this.store.load(name)
    const created: Room = new Room(name, load)
    room = created
    this.rooms.set(name, created)
    if (this.snapshotter) created.newestSnapshot = this.snapshotter.newestTakenAt(name)
    load.then(
      ({ doc, logLength, position }) => {
        created.logLength = logLength
        created.position = position
        this.attachDoc(created, doc)
        for (const r of created.remoteBeforeLoad.splice(0)) this.receiveRemote(created, r.update, r.position)
        if (!this.admit(created)) return
        this.compactWhenLong(created)
      },
      (err: unknown) => {
        this.log.error('room load failed', { room: name, ...errorFields(err) })
        this.fail(created, 'load failed')
      },
    )
    return created
  }

  private attachDoc(room: Room, doc: Y.Doc): void {
    room.doc = doc
    room.bytes = Y.encodeStateAsUpdate(doc).byteLength
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState(null)
    room.awareness = awareness
    awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed]
      const from = origin instanceof Object ? room.clients.get(origin as WebSocket) : undefined
      if (from) {
        for (const id of added) from.awarenessIds.add(id)
        for (const id of removed) from.awarenessIds.delete(id)
      }
      const states = awareness.getStates()
      for (const id of changed) {
        const state: unknown = states.get(id)
        const bytes = state === undefined ? 0 : Buffer.byteLength(JSON.stringify(state))
        room.awarenessBytes += bytes - (room.awarenessSizes.get(id) ?? 0)
        if (bytes > 0) room.awarenessSizes.set(id, bytes)
        else room.awarenessSizes.delete(id)
      }
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MESSAGE_AWARENESS)
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, changed))
      const msg = encoding.toUint8Array(e)
      for (const c of room.clients.values()) this.send(c.ws, msg)
    })
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      room.bytes += update.byteLength
      if (origin === REMOTE) {
        // Already stored by the relay that received it: only forwarded.
        this.noteWrite(room, update)
        this.forward(room, update, undefined)
        return
      }
      room.unwritten.push({ update, sender: room.clients.get(origin as WebSocket) })
      room.pendingWrites++
      if (room.isFlushScheduled) return
      room.isFlushScheduled = true
      void room.enqueueWrite(() => this.flush(room)).catch((err: unknown) => {
        if (room.isFailed) return
        this.log.error('room write failed', { room: room.name, ...errorFields(err) })
        this.fail(room, 'write failed')
      })
    })
  }

  /**
   * Writes every update the room received since its last write as one merged update (one store
   * append, one bus message), then forwards each to the room's other sockets. Under load the
   * batches grow by themselves: whatever arrives while a write is on disk goes into the next one.
   */
  private async flush(room: Room): Promise<void> {
    room.isFlushScheduled = false
    const batch = room.unwritten.splice(0)
    if (room.isFailed) throw new Error('room failed')
    if (batch.length === 0) return
    if (this.snapshotter) await this.dailySnapshot(room, this.snapshotter)
    const merged = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((u) => u.update))
    const endTimer = this.metrics.appendSeconds.startTimer()
    const position = await this.store.append(room.name, merged)
    endTimer()
    this.noteWrite(room, merged)
    this.metrics.appendedUpdates.observe(batch.length)
    if (position === room.position + 1) this.advance(room, position)
    else if (position > room.position) room.ownAhead.add(position)
    // Stored: the other relays may learn of it late (they catch up from the store), never wrongly.
    this.config.bus?.publish(room.name, merged, position).catch((err: unknown) => {
      this.metrics.busPublishFailures.inc()
      this.log.warn('update not published to other relays', { room: room.name, ...errorFields(err) })
    })
    room.pendingWrites -= batch.length
    room.logLength++
    this.compactWhenLong(room)
    for (const { update, sender } of batch) this.forward(room, update, sender)
  }

  /** The daily snapshot, when due: of the stored state, before the write that is about to go in. */
  private async dailySnapshot(room: Room, snapshotter: Snapshotter): Promise<void> {
    if (!room.isSnapshotKnown) {
      room.lastSnapshotAt = await room.newestSnapshot
      room.isSnapshotKnown = true
    }
    if (snapshotter.isDailyDue(room.lastSnapshotAt)) room.lastSnapshotAt = await snapshotter.takeDaily(room.name)
  }

  /** Sends a stored update to every socket of the room but the one it came from. */
  private forward(room: Room, update: Uint8Array, sender: Client | undefined): void {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeUpdate(e, update)
    const msg = encoding.toUint8Array(e)
    for (const c of room.clients.values()) {
      if (c === sender) continue
      this.metrics.updatesOut.inc()
      this.send(c.ws, msg)
    }
  }

  /**
   * Counts a durable update and keeps, for the acknowledgements that follow, the clock it moved
   * each client to and its deletions. The update is one the document emitted, so it holds only
   * integrated structs: the end of a client's structs in it is that client's clock now.
   */
  private noteWrite(room: Room, update: Uint8Array): void {
    const n = ++room.writeCount
    const { structs, ds } = Y.decodeUpdate(update)
    const to = new Map<number, number>()
    for (const s of structs) {
      if (s instanceof Y.Skip) continue
      const end = s.id.clock + s.length
      if (end > (to.get(s.id.client) ?? 0)) to.set(s.id.client, end)
    }
    for (const [client, clock] of to) room.clockChangedAt.set(client, { n, clock })
    room.recentWrites.push({ n, to, ds: ds.clients.size > 0 ? ds : undefined })
    if (room.recentWrites.length > MAX_RECENT_WRITES) room.forgottenThrough = room.recentWrites.shift()!.n
  }

  /** The room's document holds every append up to `position` (and this relay's own beyond it). */
  private advance(room: Room, position: number): void {
    room.position = position
    for (const own of room.ownAhead) if (own <= room.position) room.ownAhead.delete(own)
    while (room.ownAhead.delete(room.position + 1)) room.position++
  }

  /**
   * Another relay's update at `position`. The next one in the log is applied; one already held is
   * dropped; one beyond a gap (stream entries trimmed, a publish that failed) is applied — Yjs
   * waits for what it lacks — and what lies between is read from the store.
   */
  private receiveRemote(room: Room, update: Uint8Array, position: number): void {
    if (position <= room.position || !room.doc) return
    Y.applyUpdate(room.doc, update, REMOTE)
    if (position === room.position + 1) this.advance(room, position)
    else void this.catchUp(room)
  }

  /** Reads the room's appends after its position from the store (several relays), one read at a time. */
  private async catchUp(room: Room): Promise<void> {
    const readSince = this.store.readSince?.bind(this.store)
    if (!readSince) return
    if (room.isCatchingUp) {
      room.needsCatchUp = true
      return
    }
    room.isCatchingUp = true
    try {
      do {
        room.needsCatchUp = false
        const { updates, position } = await readSince(room.name, room.position)
        const doc = room.doc
        if (room.isFailed || !doc) return
        this.metrics.catchUps.inc()
        for (const u of updates) Y.applyUpdate(doc, u, REMOTE)
        if (position > room.position) this.advance(room, position)
      } while (room.needsCatchUp)
    } catch (err) {
      this.log.warn('catching up from the store failed', { room: room.name, ...errorFields(err) })
    } finally {
      room.isCatchingUp = false
    }
  }

  /** Compares every loaded room's position with the store's head and catches up those behind. */
  private async catchUpBehind(): Promise<void> {
    const loaded = [...this.rooms.values()].filter((r) => r.doc && !r.isFailed)
    if (loaded.length === 0 || !this.store.heads) return
    try {
      const heads = await this.store.heads(loaded.map((r) => r.name))
      for (const room of loaded) {
        if ((heads.get(room.name) ?? 0) > room.position) void this.catchUp(room)
      }
    } catch (err) {
      this.log.warn('reading room heads failed', errorFields(err))
    }
  }

  /**
   * Queues a compaction behind the room's writes once its log is long. A failed compaction
   * changes nothing on disk (one batch); it is tried again after the next appends.
   */
  private compactWhenLong(room: Room): void {
    if (room.logLength < this.config.compactAfterUpdates || room.isCompacting) return
    room.isCompacting = true
    void room
      .enqueueWrite(async () => {
        try {
          if (room.isFailed) return
          const snapshotter = this.snapshotter
          let snapshotAt: number | undefined
          await this.store.compact(
            room.name,
            snapshotter &&
              (async (merged) => {
                const change = await snapshotter.planCompaction(room.name, merged)
                snapshotAt = change?.add?.info.takenAt
                return change
              }),
          )
          if (snapshotAt !== undefined) {
            room.lastSnapshotAt = snapshotAt
            room.isSnapshotKnown = true
          }
          room.logLength = 1
          // merging shrank the count of updates, not necessarily the document: measure it again
          if (room.doc && room.pendingWrites === 0) room.bytes = Y.encodeStateAsUpdate(room.doc).byteLength
          this.log.debug('room compacted', { room: room.name })
        } catch (err) {
          this.log.warn('compaction failed', { room: room.name, ...errorFields(err) })
          room.logLength = Math.max(0, room.logLength - this.config.compactAfterUpdates)
        } finally {
          room.isCompacting = false
        }
      })
      .catch(() => undefined)
  }

  /** Closes every socket of a room that cannot be trusted any more and forgets it. */
  private fail(room: Room, why: string): void {
    room.isFailed = true
    if (this.rooms.get(room.name) === room) {
      this.rooms.delete(room.name)
      this.config.bus?.unwatch(room.name)
    }
    if (room.unloadTimer) clearTimeout(room.unloadTimer)
    for (const c of room.clients.values()) c.ws.close(CLOSE.unavailable, `room unavailable: ${why}`)
    room.clients.clear()
    room.doc?.destroy()
  }

  /** Adds an authenticated socket to a room. Messages are queued until the room has loaded. */
  join(name: string, ws: WebSocket, wantsAck: boolean): void {
    // Whether the room holds data is known once it has loaded (`admit`); here only the bound on
    // everything loaded at once, which rooms still loading can reach.
    if (
      !this.rooms.has(name) &&
      this.rooms.size >= this.config.maxRooms + this.maxEmptyRooms &&
      !this.unloadOneIdle(() => true) &&
      !this.evictOldestEmpty(undefined)
    ) {
      this.log.warn('relay full: join refused', { room: name, roomsLoaded: this.rooms.size })
      this.metrics.closedForLimit.inc({ reason: 'relay_full' })
      ws.close(CLOSE.unavailable, 'relay full, try again later')
      return
    }
    const room = this.room(name)
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer)
      room.unloadTimer = undefined
    }
    const client: Client = { ws, wantsAck, awarenessIds: new Set(), needsAck: false, ackedWrites: undefined }
    room.joining++
    const queue: Uint8Array[] = []
    let queuedBytes = 0
    let isReady = false
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        ws.close(CLOSE.malformed, 'text frames are not part of the protocol')
        return
      }
      const bytes = toBytes(data)
      this.metrics.bytesIn.inc(bytes.byteLength)
      if (isReady) this.handleMessage(room, client, bytes)
      else if (queue.length >= this.config.maxQueuedMessages || queuedBytes + bytes.byteLength > this.config.maxQueuedBytes) {
        queue.length = 0
        this.metrics.closedForLimit.inc({ reason: 'queued_before_load' })
        ws.close(CLOSE.busy, 'too many messages before the room loaded')
      } else {
        queuedBytes += bytes.byteLength
        queue.push(bytes)
      }
    })
    ws.on('close', () => this.leave(room, client))
    room.loaded.then(
      () => {
        room.joining--
        if (room.isFailed || ws.readyState !== ws.OPEN) {
          if (ws.readyState === ws.OPEN) ws.close(CLOSE.unavailable, room.closeReason)
          this.unloadWhenIdle(room) // the socket left while the room loaded
          return
        }
        room.clients.set(ws, client)
        this.greet(room, client)
        isReady = true
        for (const m of queue.splice(0)) this.handleMessage(room, client, m)
      },
      () => {
        room.joining--
        if (ws.readyState === ws.OPEN) ws.close(CLOSE.unavailable, 'room unavailable: load failed')
      },
    )
  }

  /** First words to a socket: our state vector, what we have durably, who else is here. */
  private greet(room: Room, client: Client): void {
    const doc = room.doc!
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, doc)
    this.send(client.ws, encoding.toUint8Array(e))
    if (client.wantsAck) this.acknowledge(room, client)
    const states = room.awareness!.getStates()
    if (states.size > 0) {
      const a = encoding.createEncoder()
      encoding.writeVarUint(a, MESSAGE_AWARENESS)
      encoding.writeVarUint8Array(a, awarenessProtocol.encodeAwarenessUpdate(room.awareness!, [...states.keys()]))
      this.send(client.ws, encoding.toUint8Array(a))
    }
  }

  /**
   * Acknowledges, to every socket waiting for one, what the room's document holds — at a moment
   * when no write is pending, so everything in it is on disk. The job waits in the write queue;
   * if more writes queued up behind it meanwhile, it goes to the back again.
   *
   * A socket's first acknowledgement is the whole document's snapshot (state vector and every
   * deletion). Later ones carry only what changed since that socket's previous acknowledgement:
   * the state-vector entries of the clients whose clock moved (a state-vector delta) and the
   * deletions written since. The app merges acknowledgements, so the union is the same, and a
   * phone is sent neither the whole delete set (tens of KB on a big document) nor one entry per
   * client id the room ever saw (195 KB after one update with 50,000 of them) after every edit.
   * A socket acknowledged before the writes still kept (`MAX_RECENT_WRITES`) gets the clocks that
   * moved since (from `clockChangedAt`) and the whole delete set. Sockets that were acknowledged
   * at the same point share one message.
   *
   * Deletions of every write, not only of what changed: if the relay already had some of an
   * update's deletions (another device deleted the same text), applying it changes less than it
   * holds, and an acknowledgement of only what changed would never cover it.
   */
  private acknowledge(room: Room, client: Client): void {
    client.needsAck = true
    if (room.isAckScheduled) return
    room.isAckScheduled = true
    void room
      .enqueueWrite(async () => {
        room.isAckScheduled = false
        if (room.pendingWrites > 0) {
          this.acknowledge(room, client)
          return
        }
        const doc = room.doc
        if (!doc) return
        const acks = new Map<number, Uint8Array>() // by the write count the socket was acknowledged at; -1: whole
        for (const c of room.clients.values()) {
          if (!c.needsAck) continue
          const since = c.ackedWrites ?? -1
          let ack = acks.get(since)
          if (!ack) {
            if (since === -1) ack = encodeAck(Y.snapshot(doc))
            else if (since < room.forgottenThrough) {
              const sv = new Map<number, number>()
              for (const [client, at] of room.clockChangedAt) if (at.n > since) sv.set(client, at.clock)
              ack = encodeAck(Y.createSnapshot(Y.createDeleteSetFromStructStore(doc.store), sv))
            } else {
              const writes = room.recentWrites.filter((e) => e.n > since)
              const sv = new Map<number, number>()
              for (const w of writes) for (const [client, clock] of w.to) if (clock > (sv.get(client) ?? 0)) sv.set(client, clock)
              const ds = Y.mergeDeleteSets(writes.flatMap((w) => (w.ds ? [w.ds] : [])))
              ack = encodeAck(Y.createSnapshot(ds, sv))
            }
            acks.set(since, ack)
          }
          c.needsAck = false
          c.ackedWrites = room.writeCount
          this.send(c.ws, ack)
        }
        this.forgetAcknowledgedWrites(room)
      })
      .catch(() => undefined)
  }

  /** Drops the writes every socket has been acknowledged (a socket joining later gets a whole snapshot). */
  private forgetAcknowledgedWrites(room: Room): void {
    let oldest = room.writeCount
    for (const c of room.clients.values()) if (c.ackedWrites !== undefined) oldest = Math.min(oldest, c.ackedWrites)
    while (room.recentWrites.length > 0 && room.recentWrites[0]!.n <= oldest) room.forgottenThrough = room.recentWrites.shift()!.n
  }

  private handleMessage(room: Room, client: Client, bytes: Uint8Array): void {
    const doc = room.doc
    if (!doc || room.isFailed) return
    // a socket the relay closed (room full, malformed, slow) is not heard any more: an update
    // after a refused one would only wait in the document for what it builds on
    if (client.ws.readyState !== client.ws.OPEN) return
    try {
      const decoder = decoding.createDecoder(bytes)
      const encoder = encoding.createEncoder()
      const type = decoding.readVarUint(decoder)
      switch (type) {
        case MESSAGE_SYNC: {
          // Not syncProtocol.readSyncMessage: it swallows an update that fails to decode (and
          // logs it), so garbage would look like a valid message. Here it closes the socket.
          const syncType = decoding.readVarUint(decoder)
          if (syncType === syncProtocol.messageYjsSyncStep1) {
            encoding.writeVarUint(encoder, MESSAGE_SYNC)
            syncProtocol.readSyncStep1(decoder, encoder, doc)
            this.send(client.ws, encoding.toUint8Array(encoder))
          } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
            this.metrics.updatesIn.inc()
            const update = decoding.readVarUint8Array(decoder)
            if (this.wouldOverfill(room, doc, update)) {
              this.log.warn('update refused: room full', { room: room.name, roomBytes: room.bytes, updateBytes: update.byteLength })
              this.metrics.closedForLimit.inc({ reason: 'room_full' })
              client.ws.close(CLOSE.roomFull, 'partnership full')
              return
            }
            Y.applyUpdate(doc, update, client.ws)
            if (client.wantsAck) this.acknowledge(room, client)
          } else {
            throw new Error('unknown sync message type')
          }
          break
        }
        case MESSAGE_AWARENESS: {
          const update = decoding.readVarUint8Array(decoder)
          if (this.isAwarenessAllowed(room, client, update)) awarenessProtocol.applyAwarenessUpdate(room.awareness!, update, client.ws)
          break
        }
        case MESSAGE_QUERY_AWARENESS: {
          if (!this.isAwarenessAllowed(room, client, undefined)) break
          const states = room.awareness!.getStates()
          encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
          encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(room.awareness!, [...states.keys()]))
          this.send(client.ws, encoding.toUint8Array(encoder))
          break
        }
        default:
          client.ws.close(CLOSE.malformed, 'unknown message type')
      }
    } catch (err) {
      this.log.warn('malformed message', { room: room.name, ...errorFields(err) })
      client.ws.close(CLOSE.malformed, 'malformed message')
    }
  }

  /**
   * Whether applying `update` would take the room beyond `maxRoomBytes`. What waits in the
   * document for a missing earlier piece (Yjs's pending structs and deletions: an update with a
   * gap) counts as much as what is integrated: it is held in memory and joins the document, and
   * the room's size, as soon as the piece arrives — uncounted, updates with a gap would pass the
   * limit many times over. Cheap when it plainly fits; near the limit only what the room lacks
   * counts, together with what already waits (a device's sync step 2 on reconnect repeats much
   * the relay already holds). An update that adds no structs and deletes only what the room holds
   * (a deletion is stored at most once per item) always passes, so a full room stays readable and
   * can be tidied.
   *
   * Never refuses by where an update starts: a client's updates can arrive before the piece they
   * build on (an edit made while its sync step 2 is on its way), and the pending piece is filled in
   * a moment later.
   */
  private wouldOverfill(room: Room, doc: Y.Doc, update: Uint8Array): boolean {
    const max = this.config.maxRoomBytes ?? DEFAULT_MAX_ROOM_BYTES
    const { pendingStructs, pendingDs } = doc.store
    const waiting = (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0)
    if (room.bytes + waiting + update.byteLength <= max) return false
    const sv = Y.encodeStateVector(doc)
    const own = Y.diffUpdate(update, sv)
    if (Y.parseUpdateMeta(own).to.size === 0 && deletesOnlyKnown(own, Y.decodeStateVector(sv))) return false
    if (!pendingStructs && !pendingDs) return room.bytes + own.byteLength > max
    // what would wait or be new once `update` is applied (Yjs keeps pending parts in format v2)
    const parts = [own]
    if (pendingStructs) parts.push(Y.convertUpdateFormatV2ToV1(pendingStructs.update))
    if (pendingDs) parts.push(Y.convertUpdateFormatV2ToV1(pendingDs))
    return room.bytes + Y.mergeUpdates(parts).byteLength > max
  }

  /**
   * Awareness is forwarded to every socket of the room and kept for those that join later, so
   * one socket may not make it costly: a message over `maxAwarenessBytes`, beyond
   * `maxAwarenessPer10s` in a 10 s window, or naming more client ids than a socket may hold is
   * dropped (not applied, not forwarded, not kept). And all sockets together may not either: a
   * message that would take the states the room keeps beyond `maxRoomAwarenessBytes`, or the
   * awareness it forwarded in the last 10 s beyond as much, is dropped too (one that only removes
   * states always passes). `update` undefined: a query, counted only.
   */
  private isAwarenessAllowed(room: Room, client: Client, update: Uint8Array | undefined): boolean {
    const now = Date.now()
    if (client.awarenessWindowAt === undefined || now - client.awarenessWindowAt >= AWARENESS_WINDOW_MS) {
      client.awarenessWindowAt = now
      client.awarenessInWindow = 0
    }
    client.awarenessInWindow = (client.awarenessInWindow ?? 0) + 1
    if (client.awarenessInWindow > (this.config.maxAwarenessPer10s ?? DEFAULT_MAX_AWARENESS_PER_10S)) return false
    if (!update) return true
    if (update.byteLength > (this.config.maxAwarenessBytes ?? DEFAULT_MAX_AWARENESS_BYTES)) return false
    const entries = awarenessEntries(update)
    const ids = new Set(client.awarenessIds)
    for (const { id } of entries) ids.add(id)
    if (ids.size > MAX_AWARENESS_IDS_PER_SOCKET) return false
    if (entries.every((e) => e.stateBytes === 0)) return true // removals only
    const maxRoom = this.config.maxRoomAwarenessBytes ?? DEFAULT_MAX_ROOM_AWARENESS_BYTES
    let kept = room.awarenessBytes
    for (const { id, stateBytes } of entries) kept += stateBytes - (room.awarenessSizes.get(id) ?? 0)
    if (kept > maxRoom && kept > room.awarenessBytes) return false
    if (room.awarenessWindowAt === undefined || now - room.awarenessWindowAt >= AWARENESS_WINDOW_MS) {
      room.awarenessWindowAt = now
      room.awarenessBytesInWindow = 0
    }
    if (room.awarenessBytesInWindow + update.byteLength > maxRoom) return false
    room.awarenessBytesInWindow += update.byteLength
    return true
  }

  private leave(room: Room, client: Client): void {
    if (!room.clients.delete(client.ws)) return
    if (room.awareness && client.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(room.awareness, [...client.awarenessIds], null)
    }
    this.unloadWhenIdle(room)
  }

  private get maxEmptyRooms(): number {
    return this.config.maxEmptyRooms ?? 500
  }

  /** Whether the room is loaded (or loading, or still writing after an unload) here. */
  isLoaded(name: string): boolean {
    return this.rooms.has(name) || this.settling.has(name)
  }

  /**
   * A loaded room has a load slot of its kind: with data (`maxRooms`) or without (`maxEmptyRooms`).
   * A room with data is never refused because of rooms without: empty rooms have their own budget,
   * and a new empty room beyond it evicts an empty one, never a room with data. Refused: the room
   * is dropped and its joining sockets are closed with 4503 "relay full".
   */
  private admit(room: Room): boolean {
    const isData = hasData(room)
    let same = 0
    for (const r of this.rooms.values()) if (r !== room && r.doc && !r.isFailed && hasData(r) === isData) same++
    const isAdmitted = isData
      ? same < this.config.maxRooms || this.unloadOneIdle(hasData)
      : same < this.maxEmptyRooms || this.unloadOneIdle((r) => !hasData(r)) || this.evictOldestEmpty(room)
    if (isAdmitted) return true
    this.log.warn('relay full: join refused', { room: room.name, roomsLoaded: this.rooms.size })
    this.metrics.closedForLimit.inc({ reason: 'relay_full' })
    room.closeReason = 'relay full, try again later'
    this.fail(room, 'relay full')
    return false
  }

  /** Drops the loaded empty room loaded longest ago (not `except`), closing its sockets with 4503; false if there is none. */
  private evictOldestEmpty(except: Room | undefined): boolean {
    for (const room of this.rooms.values()) {
      if (room === except || !room.doc || room.isFailed || hasData(room)) continue
      this.log.info('empty room evicted for another', { room: room.name })
      this.metrics.closedForLimit.inc({ reason: 'empty_room_evicted' })
      room.closeReason = 'relay full, try again later'
      for (const c of room.clients.values()) c.ws.close(CLOSE.unavailable, room.closeReason)
      this.fail(room, 'evicted')
      return true
    }
    return false
  }

  /** Unloads one room nobody is connected to (waiting for its idle timer) that `which` accepts; false if there is none. */
  private unloadOneIdle(which: (room: Room) => boolean): boolean {
    for (const room of this.rooms.values()) {
      if (room.unloadTimer && room.clients.size === 0 && room.joining === 0 && which(room)) {
        clearTimeout(room.unloadTimer)
        room.unloadTimer = undefined
        void this.unload(room)
        return true
      }
    }
    return false
  }

  /** Starts the idle timer when nobody is connected or joining. */
  private unloadWhenIdle(room: Room): void {
    if (room.clients.size > 0 || room.joining > 0 || room.isFailed || room.unloadTimer) return
    room.unloadTimer = setTimeout(() => {
      room.unloadTimer = undefined
      void this.unload(room)
    }, this.config.idleUnloadMs)
  }

  private async unload(room: Room): Promise<void> {
    if (room.clients.size > 0 || room.joining > 0 || this.rooms.get(room.name) !== room) return
    this.rooms.delete(room.name)
    this.config.bus?.unwatch(room.name)
    this.compactWhenLong(room) // one that failed while loaded is tried again
    this.settling.set(room.name, (this.settling.get(room.name) ?? 0) + 1)
    await room.whenWritesSettled()
    const left = (this.settling.get(room.name) ?? 1) - 1
    if (left > 0) this.settling.set(room.name, left)
    else this.settling.delete(room.name)
    if (!this.rooms.has(room.name)) this.store.forget(room.name)
    room.doc?.destroy()
    this.log.debug('room unloaded', { room: room.name })
  }

  /** Waits for every pending write, then forgets all rooms (shutdown). */
  async closeAll(code: number, reason: string): Promise<void> {
    if (this.sweep) clearInterval(this.sweep)
    const all = [...this.rooms.values()]
    this.rooms.clear()
    for (const room of all) {
      if (room.unloadTimer) clearTimeout(room.unloadTimer)
      await room.whenWritesSettled()
      for (const c of room.clients.values()) c.ws.close(code, reason)
      room.clients.clear()
      room.doc?.destroy()
    }
  }
}

/**
 * The client ids an awareness update names (y-protocols: count, then id, clock, state JSON each),
 * with the bytes of each state's JSON (0 for `null`: a removal). Throws on garbage.
 */
function awarenessEntries(update: Uint8Array): { id: number; stateBytes: number }[] {
  const d = decoding.createDecoder(update)
  const n = decoding.readVarUint(d)
  const entries: { id: number; stateBytes: number }[] = []
  for (let i = 0; i < n; i++) {
    const id = decoding.readVarUint(d)
    decoding.readVarUint(d)
    const json = decoding.readVarString(d)
    entries.push({ id, stateBytes: json === 'null' ? 0 : Buffer.byteLength(json) })
  }
  return entries
}

/** Whether every deletion in `update` is of an item below the state vector `sv` (one the document holds). */
function deletesOnlyKnown(update: Uint8Array, sv: Map<number, number>): boolean {
  for (const [client, items] of Y.decodeUpdate(update).ds.clients) {
    const known = sv.get(client) ?? 0
    for (const item of items) if (item.clock + item.len > known) return false
  }
  return true
}

/** The room holds data: an update in its stored log, or one that reached it or is being written. */
function hasData(room: Room): boolean {
  return room.logLength > 0 || room.position > 0 || room.writeCount > 0 || room.pendingWrites > 0
}

/**
 * Copies a frame into its own buffer. Never a view: ws hands out slices of pooled buffers, and
 * lib0's decoder checks lengths against the underlying ArrayBuffer, so a frame that claims more
 * bytes than it has would read a neighbour's memory instead of failing.
 */
function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data)
}
