/**
 * Rooms: one loaded Y.Doc per partnership, the sockets connected to it, and the y-protocols
 * exchange (sync + awareness) plus the relay's acknowledgement. This module joins, greets,
 * handles messages and lets sockets leave; the room's log (write queue, batching, compaction,
 * size) is roomLog.ts, acknowledgements acks.ts, resuming from a position resume.ts, several
 * relays catchUp.ts, awareness limits awareness.ts, and a room's state room.ts.
 *
 * Order of things, on purpose:
 * - A socket joins a room only after the room proof was checked (admission.ts) and the room's log
 *   was loaded completely. Until then its messages wait in a bounded queue; nothing of the
 *   document is sent. A failed load closes the socket with `unavailable` (4503) and the room is
 *   forgotten, so the next attempt loads again — an empty document is never served.
 * - Every update is forwarded to the room's other sockets as soon as it is applied, and durable
 *   before it is acknowledged (roomLog.ts).
 * - Load slots (`admit`): once loaded, a room holding data takes one of `maxRooms`, a room never
 *   written one of `maxEmptyRooms`; rooms without data never keep a room with data out.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { applyAwarenessUpdate } from 'y-protocols/awareness'
import type { RawData } from 'ws'
import { CLOSE, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, isHeartbeat, type RelayPosition } from '../src/sync/wire'
import { announceHeartbeats, noticeLargeNext } from './heartbeat'
import type { RoomStore } from './store'
import { errorFields, type Logger } from './log'
import { createMetrics, type Metrics } from './metrics'
import { DEFAULT_SNAPSHOT_POLICY, Snapshotter } from './snapshots'
import { Client, REMOTE, Room, hasData, type RoomsConfig, type RoomsContext } from './room'
import { compactWhenLong, enqueueUpdate, forward, wouldOverfill } from './roomLog'
import { acknowledge, changeOf, noteWrite } from './acks'
import { answerSyncStep1, resumeAt, syncStep1For } from './resume'
import { loadWatching, receiveRemote, startCatchUpSweep } from './catchUp'
import * as awareness from './awareness'
import { SlowReaders } from './slowReaders'
import { listen, type RelaySocket } from './socket'

export type { RoomsConfig } from './room'
export { DEFAULT_MAX_ROOM_BYTES } from './roomLog'
export { DEFAULT_MAX_AWARENESS_BYTES, DEFAULT_MAX_AWARENESS_PER_10S, DEFAULT_MAX_ROOM_AWARENESS_BYTES } from './awareness'

export class Rooms {
  private readonly rooms = new Map<string, Room>()
  /** Rooms unloaded whose last writes are still going to the store (how many unloads of each). */
  private readonly settling = new Map<string, number>()
  private readonly store: RoomStore
  private readonly log: Logger
  private readonly config: RoomsConfig
  private readonly metrics: Metrics
  private readonly sweep: ReturnType<typeof setInterval> | undefined
  /** What roomLog.ts, acks.ts, catchUp.ts and awareness.ts work with. */
  private readonly ctx: RoomsContext
  private readonly slowReaders: SlowReaders
  /**
   * Every joined socket's message listener (`this`: the socket), made once: a closure per socket
   * kept its join's whole scope (the room, the queue, the client) alive for the socket's life.
   */
  private readonly onMessage: (this: RelaySocket, data: RawData, isBinary: boolean) => void

  constructor(store: RoomStore, log: Logger, config: RoomsConfig) {
    this.store = store
    this.log = log
    this.config = config
    this.metrics = config.metrics ?? createMetrics()
    this.slowReaders = new SlowReaders(config.maxBufferedBytes)
    const snapshotter = store.snapshots ? new Snapshotter(store.snapshots, config.snapshotPolicy ?? DEFAULT_SNAPSHOT_POLICY, log) : undefined
    this.ctx = {
      store,
      log,
      config,
      metrics: this.metrics,
      snapshotter,
      send: (ws, message) => this.send(ws, message),
      fail: (room, why) => this.fail(room, why),
    }
    this.sweep = startCatchUpSweep(this.ctx, () => this.rooms.values())
    const receive = (ws: RelaySocket, data: RawData, isBinary: boolean): void => this.receive(ws, data, isBinary)
    this.onMessage = function (data, isBinary) {
      receive(this, data, isBinary)
    }
  }

  /**
   * Sends unless the socket's reader is too slow: a socket whose unsent data already passed the
   * bound is closed (4529, transient) rather than growing the relay's memory; it syncs again on
   * reconnect. One message larger than the bound still goes out to a socket that keeps up, and
   * does not count against the bound while it waits (slowReaders.ts).
   */
  private send(ws: RelaySocket, message: Uint8Array): void {
    if (ws.readyState !== ws.OPEN) return
    if (!this.slowReaders.mayQueue(ws, message.byteLength)) {
      this.log.info('socket closed: slow reader', { bufferedBytes: ws.bufferedAmount })
      this.metrics.closedForLimit.inc({ reason: 'slow_reader' })
      ws.close(CLOSE.busy, 'reading too slowly')
      return
    }
    this.metrics.bytesOut.inc(message.byteLength)
    noticeLargeNext(ws, message.byteLength)
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
    const load = loadWatching(this.ctx, name, () => created)
    const created: Room = new Room(name, load)
    room = created
    this.rooms.set(name, created)
    if (this.ctx.snapshotter) created.newestSnapshot = this.ctx.snapshotter.newestTakenAt(name)
    load.then(
      ({ doc, logLength, position }) => {
        created.logLength = logLength
        created.position = position
        this.attachDoc(created, doc)
        for (const r of created.remoteBeforeLoad.splice(0)) receiveRemote(this.ctx, created, r.update, r.position)
        if (!this.admit(created)) return
        compactWhenLong(this.ctx, created)
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
    awareness.createAwareness(this.ctx, room, doc)
    doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
      room.bytes += update.byteLength
      if (origin === REMOTE) {
        // Already stored by the relay that received it: only forwarded.
        noteWrite(room, [changeOf(tr)])
        forward(this.ctx, room, update, undefined)
        return
      }
      enqueueUpdate(this.ctx, room, update, room.clients.get(origin as RelaySocket), changeOf(tr))
    })
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

  /**
   * Whether a room may be loaded (or is): whether the room holds data is known once it has loaded
   * (`admit`); here only the bound on everything loaded at once, which rooms still loading can reach.
   */
  private hasSlotFor(name: string): boolean {
    if (
      !this.rooms.has(name) &&
      this.rooms.size >= this.config.maxRooms + this.maxEmptyRooms &&
      !this.unloadOneIdle(() => true) &&
      !this.evictOldestEmpty(undefined)
    ) {
      this.log.warn('relay full: join refused', { room: name, roomsLoaded: this.rooms.size })
      this.metrics.closedForLimit.inc({ reason: 'relay_full' })
      return false
    }
    return true
  }

  /**
   * Adds an authenticated socket to a room (`position`: the one it offered to resume from). Messages
   * are queued until the room has loaded. The socket's close listener (admission.ts) calls `leave`.
   */
  join(name: string, ws: RelaySocket, wantsAck: boolean, position?: RelayPosition): void {
    if (!this.hasSlotFor(name)) {
      ws.close(CLOSE.unavailable, 'relay full, try again later')
      return
    }
    const room = this.room(name)
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer)
      room.unloadTimer = undefined
    }
    const client = new Client(ws, room, wantsAck)
    ws.client = client
    room.joining++
    listen(ws, 'message', this.onMessage)
    // (these two closures live only until the room has loaded)
    room.loaded.then(
      () => this.greetWhenLoaded(client, position),
      () => {
        room.joining--
        if (ws.readyState === ws.OPEN) ws.close(CLOSE.unavailable, 'room unavailable: load failed')
      },
    )
  }

  /** A joined socket's message: a heartbeat answered at once, anything else handled, or queued while the room loads (bounded). */
  private receive(ws: RelaySocket, data: RawData, isBinary: boolean): void {
    const client = ws.client
    if (!client) return
    if (!isBinary) {
      ws.close(CLOSE.malformed, 'text frames are not part of the protocol')
      return
    }
    const bytes = toBytes(data)
    this.metrics.bytesIn.inc(bytes.byteLength)
    if (isHeartbeat(bytes)) this.send(ws, bytes) // answered at once, as it came (heartbeat.ts)
    else if (client.isReady) this.handleMessage(client.room, client, bytes)
    else if ((client.queue?.length ?? 0) >= this.config.maxQueuedMessages || client.queuedBytes + bytes.byteLength > this.config.maxQueuedBytes) {
      client.queue = undefined
      this.metrics.closedForLimit.inc({ reason: 'queued_before_load' })
      ws.close(CLOSE.busy, 'too many messages before the room loaded')
    } else {
      client.queuedBytes += bytes.byteLength
      ;(client.queue ??= []).push(bytes)
    }
  }

  /** The room of a joining socket has loaded: the socket is greeted, then what it sent meanwhile is handled in order. */
  private greetWhenLoaded(client: Client, position: RelayPosition | undefined): void {
    const { room, ws } = client
    room.joining--
    if (room.isFailed || ws.readyState !== ws.OPEN) {
      if (ws.readyState === ws.OPEN) ws.close(CLOSE.unavailable, room.closeReason)
      this.unloadWhenIdle(room) // the socket left while the room loaded
      return
    }
    room.clients.set(ws, client)
    resumeAt(room, client, position)
    this.greet(room, client)
    client.isReady = true
    const queued = client.queue
    client.queue = undefined
    if (queued) for (const m of queued) this.handleMessage(room, client, m)
  }

  /**
   * Runs `read` on the room's document at a moment when every write it received is durable, with
   * the position that moment has (what an acknowledgement sent then would cover): the room is
   * loaded as for a socket and stays loaded meanwhile. Throws `RoomUnavailable` when the relay is
   * full or the room could not be loaded.
   */
  async whenDurable<T>(name: string, read: (doc: Y.Doc, position: RelayPosition, room: Room) => T): Promise<T> {
    if (!this.hasSlotFor(name)) throw new RoomUnavailable('relay full, try again later')
    const room = this.room(name)
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer)
      room.unloadTimer = undefined
    }
    room.joining++
    try {
      await room.loaded.catch(() => undefined)
      for (;;) {
        if (room.isFailed || !room.doc) throw new RoomUnavailable(room.closeReason)
        let result: { value: T } | { error: unknown } | undefined
        await room.enqueueWrite(async () => {
          if (room.pendingWrites > 0 || !room.doc || room.isFailed) return // behind the writes queued meanwhile
          // never throws into the write queue: a rejected job would stop every write after it
          try {
            result = { value: read(room.doc, { epoch: room.epoch, n: room.writeCount }, room) }
          } catch (error) {
            result = { error }
          }
        })
        if (result && 'error' in result) throw result.error
        if (result) return result.value
      }
    } finally {
      room.joining--
      this.unloadWhenIdle(room)
    }
  }

  /** First words to a socket: heartbeats answered (if it asked), our state vector, what we have durably, who else is here. */
  private greet(room: Room, client: Client): void {
    const doc = room.doc!
    announceHeartbeats(client.ws)
    this.send(client.ws, syncStep1For(room, client, doc)) // resume.ts: less when the socket resumed
    if (client.wantsAck) acknowledge(this.ctx, room, client)
    if (room.awareness!.getStates().size > 0) this.send(client.ws, awareness.encodeAllStates(room.awareness!))
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
            answerSyncStep1(room, client, doc, decoder, encoder) // resume.ts: less when the socket resumed
            this.send(client.ws, encoding.toUint8Array(encoder))
          } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
            this.metrics.updatesIn.inc()
            const update = decoding.readVarUint8Array(decoder)
            if (wouldOverfill(this.ctx, room, doc, update)) {
              this.log.warn('update refused: room full', { room: room.name, roomBytes: room.bytes, updateBytes: update.byteLength })
              this.metrics.closedForLimit.inc({ reason: 'room_full' })
              client.ws.close(CLOSE.roomFull, 'partnership full')
              return
            }
            Y.applyUpdate(doc, update, client.ws)
            if (client.wantsAck) acknowledge(this.ctx, room, client)
          } else {
            throw new Error('unknown sync message type')
          }
          break
        }
        case MESSAGE_AWARENESS: {
          const update = decoding.readVarUint8Array(decoder)
          if (awareness.isAwarenessAllowed(this.config, room, client, update)) applyAwarenessUpdate(room.awareness!, update, client.ws)
          break
        }
        case MESSAGE_QUERY_AWARENESS: {
          if (!awareness.isAwarenessAllowed(this.config, room, client, undefined)) break
          this.send(client.ws, awareness.encodeAllStates(room.awareness!))
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

  /** A socket closed: it leaves its room, if it had joined one (once; a socket refused by `join` has none). */
  leave(ws: RelaySocket): void {
    const client = ws.client
    if (!client) return
    const room = client.room
    if (!room.clients.delete(ws)) return
    awareness.removeClientStates(room, client)
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
    compactWhenLong(this.ctx, room) // one that failed while loaded is tried again
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

/** The room cannot be served now (relay full, load failed): try again later. */
export class RoomUnavailable extends Error {}

/**
 * Copies a frame into its own buffer. Never a view: ws hands out slices of pooled buffers, and
 * lib0's decoder checks lengths against the underlying ArrayBuffer, so a frame that claims more
 * bytes than it has would read a neighbour's memory instead of failing.
 */
function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data)
}
