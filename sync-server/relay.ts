/**
 * The relay: one HTTP server that upgrades `/sync/<roomId>` to the y-protocols WebSocket
 * exchange, answers `/healthz`, photos (`/blobs/…`), snapshots (`/snapshots/…`), the room's
 * devices and invite (`/devices/…`, `/invite/…`, devices.ts), and serves
 * the built app; and a second server, for a private address only, that answers `/metrics`.
 *
 * The room proof is checked in the `upgrade` handler, before the room is loaded: a socket with a
 * missing, malformed or wrong proof is upgraded only to be closed with a 44xx code and a reason
 * (a browser cannot read an HTTP refusal), and not one byte of the document is sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  CLOSE,
  SUBPROTOCOL,
  constantTimeEqual,
  deriveVerifier,
  isRoomId,
  readOfferedProof,
  type OfferedProof,
} from '../src/sync/wire'
import { Rooms, type RoomsConfig } from './rooms'
import { createBlobService, type BlobStore } from './blobs'
import { createSnapshotService } from './snapshots'
import { CLOSE_TOO_MANY_DEVICES, CLOSE_TOO_MANY_NEW_DEVICES, DEFAULT_MAX_DEVICES_PER_ROOM, REMOVED, TOO_MANY_NEW_DEVICES, createDevices } from './devices'
import { serveStatic } from './static'
import type { RoomStore } from './store'
import { errorFields, type Logger } from './log'
import { WindowCounter, addressKey } from './limits'
import { createMetrics, type LimitReason, type Metrics } from './metrics'

export interface RelayConfig extends RoomsConfig {
  readonly store: RoomStore
  readonly log: Logger
  /** The built app to serve; undefined serves none. */
  readonly staticDir: string | undefined
  /** Largest WebSocket message accepted, in bytes. */
  readonly maxMessageBytes: number
  /** Photos (`/blobs/…`): where they are stored and the largest accepted; undefined serves none. */
  readonly blobs?: {
    readonly blobStore: BlobStore
    readonly maxBlobBytes: number
    /** Per-room photo quota (507 beyond it) and how long unfinished uploads live; blobs.ts has the defaults. */
    readonly maxRoomBlobBytes?: number
    readonly uploadTtlMs?: number
  }
  /**
   * WebSocket upgrades per address per minute that did not present a valid room proof (no or a
   * malformed proof, a refused one, an unknown room, a wrong path); beyond it HTTP 429. Upgrades
   * with a valid proof count apart, against `maxJoinsPerMinute`: a school behind one carrier NAT
   * address is not locked out by its own phones. Beyond it an upgrade without a room id and a
   * well-formed proof is refused before any store read; one with a well-formed proof is checked
   * first and refused (429) only when its proof is.
   */
  readonly maxConnectionsPerMinute: number
  /** WebSocket upgrades with a valid room proof per address per minute; beyond it HTTP 429. */
  readonly maxJoinsPerMinute?: number
  /**
   * Refused proofs (4403) and joins to unknown rooms (4404), and 403 on `/blobs`, `/snapshots`,
   * `/devices` and `/invite`, per address per minute; beyond it a refused or missing proof gets
   * HTTP 429 (whether or not the room exists). A valid proof is checked first and never refused
   * for it: others behind the same address do not lock a school out.
   */
  readonly maxFailedProofsPerMinute: number
  /** Rooms one address may create per hour; beyond it HTTP 429. */
  readonly maxRoomsCreatedPerHour: number
  /** Devices not removed a room may hold; a registration beyond it is closed with 4429. Default 200. */
  readonly maxDevicesPerRoom?: number
  /** New devices per room per hour (4529 `too many new devices` beyond), per address per hour (HTTP 429 beyond); devices.ts has the defaults. */
  readonly maxDeviceRegistrationsPerHour?: number
  readonly maxDeviceRegistrationsPerAddressPerHour?: number
  /** 4403 `removed` answers per address and device per minute, then HTTP 429. Default 60. */
  readonly maxRemovedRetriesPerMinute?: number
  /** `PUT /invite` per device per hour, then 429. Default 6. */
  readonly maxInviteChangesPerHour?: number
  /** A device may remove an older one not seen for this many days. Default 30. */
  readonly removeStaleAfterDays?: number
  /** Photo requests (`/blobs/…`) per address per minute, then 429. Default 1200. */
  readonly maxBlobRequestsPerMinute?: number
  /** Every socket is pinged this often; one that has not answered the previous ping is terminated. */
  readonly pingIntervalMs: number
  /**
   * Reverse proxies in front of the relay that append to X-Forwarded-For (0: none, the socket's
   * address is the client's). With 1, the last X-Forwarded-For entry — the address the proxy
   * saw — is the one the limits count.
   */
  readonly trustProxyHops?: number
  /**
   * A room created and never written is forgotten (its verifier deleted) this long after its
   * creation; swept at start and then every `min(ttl / 4, 1 h)`. 0: never.
   */
  readonly emptyRoomTtlMs?: number
}

/** The address the per-address limits count (see `trustProxyHops`), as `addressKey` counts it (IPv6 by /64). */
export function clientAddress(req: IncomingMessage, trustProxyHops = 0): string {
  const direct = req.socket.remoteAddress ?? 'unknown'
  if (trustProxyHops <= 0) return addressKey(direct)
  const header = req.headers['x-forwarded-for']
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  return addressKey(entries[entries.length - trustProxyHops] ?? entries[0] ?? direct)
}

export const DEFAULT_LIMITS = {
  idleUnloadMs: 30_000,
  maxQueuedMessages: 64,
  compactAfterUpdates: 500,
  maxMessageBytes: 8 * 1024 * 1024,
  maxQueuedBytes: 1024 * 1024,
  maxRooms: 2000,
  maxEmptyRooms: 500,
  emptyRoomTtlMs: 24 * 3_600_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxConnectionsPerMinute: 120,
  maxJoinsPerMinute: 1200,
  maxFailedProofsPerMinute: 20,
  maxRoomsCreatedPerHour: 30,
  pingIntervalMs: 30_000,
} as const

/** Photo requests per address per minute: a school's phones uploading in 64 KiB chunks behind one NAT address. */
export const DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE = 1200

export interface Relay {
  readonly server: Server
  /** Answers `GET /metrics` (Prometheus) and nothing else; the caller listens on a private address. */
  readonly metricsServer: Server
  readonly rooms: Rooms
  readonly metrics: Metrics
  /** Stops accepting, waits for pending writes, closes sockets with `code` (1012: restarting). */
  close(code?: number, reason?: string): Promise<void>
}

type Verdict =
  | 'ok'
  | 'unknownRoom'
  | 'proofRefused'
  | 'unavailable'
  | 'createLimited'
  | 'removed'
  | 'tooManyDevices'
  | 'tooManyNewDevices'
  | 'removedLimited'
  | 'registrationsLimited'

const SYNC_PATH = /^\/sync\/([^/]+)$/

export function createRelay(config: RelayConfig): Relay {
  const { store, log } = config
  const startedAt = Date.now()
  const metrics = config.metrics ?? createMetrics()
  const rooms = new Rooms(store, log, { ...config, metrics })
  metrics.observe({ sockets: () => rooms.socketCount, rooms: () => rooms.loadedCount })
  let isClosing = false
  const site = config.staticDir ? serveStatic(config.staticDir) : undefined
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  })

  // Room creation must not race: check-then-set of a verifier runs one at a time per room.
  const locks = new Map<string, Promise<unknown>>()
  const withRoomLock = <T>(room: string, f: () => Promise<T>): Promise<T> => {
    const prev = locks.get(room) ?? Promise.resolve()
    const next = prev.catch(() => undefined).then(f)
    locks.set(room, next)
    void next.finally(() => {
      if (locks.get(room) === next) locks.delete(room)
    }).catch(() => undefined)
    return next
  }

  // Upgrades without a valid proof, and those with one, are counted apart (see maxConnectionsPerMinute).
  const connections = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const joins = new WindowCounter(config.maxJoinsPerMinute ?? DEFAULT_LIMITS.maxJoinsPerMinute, 60_000)
  const failedProofs = new WindowCounter(config.maxFailedProofsPerMinute, 60_000)
  const created = new WindowCounter(config.maxRoomsCreatedPerHour, 3_600_000)
  const snapshotRequests = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const deviceRequests = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const blobRequests = new WindowCounter(config.maxBlobRequestsPerMinute ?? DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE, 60_000)

  /**
   * The per-address limits of an HTTP endpoint behind the room proof: refused proofs count with
   * the WebSocket's (one limit per address for all), and requests per address per minute in a
   * counter of the endpoint's own, before any store read.
   */
  const httpLimits = (requests: WindowCounter, reason: LimitReason) => ({
    address: (req: IncomingMessage) => clientAddress(req, config.trustProxyHops),
    refusedWait: (address: string) => {
      const wait = failedProofs.retryAfterSeconds(address)
      if (wait > 0) metrics.closedForLimit.inc({ reason: 'failed_proofs_per_minute' })
      return wait
    },
    refused: (address: string) => {
      failedProofs.add(address)
      metrics.proofsRefused.inc()
    },
    takeRequest: (address: string) => {
      const wait = requests.take(address)
      if (wait > 0) metrics.closedForLimit.inc({ reason })
      return wait
    },
  })

  // Photos: a request counter of their own (a photo goes up in 64 KiB chunks)
  const blobs = config.blobs
    ? createBlobService({
        ...config.blobs,
        store,
        log,
        onStored: (bytes) => metrics.blobBytesStored.inc(bytes),
        limits: httpLimits(blobRequests, 'blob_requests_per_minute'),
      })
    : undefined

  // Snapshots: refused proofs count with the WebSocket's (one limit per address for both), and
  // requests per address per minute are bounded like upgrades, before any store read.
  const snapshots = createSnapshotService({
    store,
    log,
    limits: httpLimits(snapshotRequests, 'snapshot_requests_per_minute'),
  })

  const devices = createDevices({
    store,
    log,
    maxDevicesPerRoom: config.maxDevicesPerRoom ?? DEFAULT_MAX_DEVICES_PER_ROOM,
    ...(config.maxDeviceRegistrationsPerHour !== undefined ? { maxRegistrationsPerHour: config.maxDeviceRegistrationsPerHour } : {}),
    ...(config.maxDeviceRegistrationsPerAddressPerHour !== undefined ? { maxRegistrationsPerAddressPerHour: config.maxDeviceRegistrationsPerAddressPerHour } : {}),
    ...(config.maxRemovedRetriesPerMinute !== undefined ? { maxRemovedRetriesPerMinute: config.maxRemovedRetriesPerMinute } : {}),
    ...(config.maxInviteChangesPerHour !== undefined ? { maxInviteChangesPerHour: config.maxInviteChangesPerHour } : {}),
    ...(config.removeStaleAfterDays !== undefined ? { removeStaleAfterMs: config.removeStaleAfterDays * 24 * 3_600_000 } : {}),
    withRoomLock,
    limits: httpLimits(deviceRequests, 'device_requests_per_minute'),
    // several relays: removals and new invites made on another relay close this one's sockets too
    ...(config.bus ? { sweepIntervalMs: config.catchUpIntervalMs ?? 5000 } : {}),
  })

  const verify = (room: string, proof: OfferedProof, address: string): Promise<Verdict> =>
    withRoomLock(room, async (): Promise<Verdict> => {
      try {
        const verifier = deriveVerifier(proof.token)
        const stored = await store.getVerifier(room)
        if (stored === undefined) {
          if (proof.intent !== 'create') return 'unknownRoom'
          if (created.take(address) > 0) return 'createLimited'
          await store.setVerifier(room, verifier)
          // Another relay on the same database may have created the room at the same instant;
          // the first verifier stays (pgStore), so this proof must match the one that was kept.
          const kept = await store.getVerifier(room)
          if (kept === undefined || !constantTimeEqual(kept, verifier)) return 'proofRefused'
          log.info('room created', { room })
          if (proof.device) await devices.registerCreator(room, proof.device)
          return 'ok'
        }
        // A device proof: the device's own verifier decides (devices.ts); else the invite's.
        if (proof.device) return await devices.verify(room, stored, proof.token, proof.device, address)
        return constantTimeEqual(stored, verifier) ? 'ok' : 'proofRefused'
      } catch (err) {
        log.error('verifier check failed', { room, ...errorFields(err) })
        return 'unavailable'
      }
    })

  /**
   * Rooms created and never written are forgotten `emptyRoomTtlMs` after their creation (their
   * invite then joins nothing: 4404), so rooms made only to take space do not last. A room loaded
   * here is skipped (its creator may be about to write), under the room's lock, so a join that is
   * being verified finishes first; the store deletes nothing of a room that has an update.
   */
  const emptyRoomTtlMs = config.emptyRoomTtlMs ?? 0
  let emptySweep: Promise<void> = Promise.resolve()
  let isSweepingEmpty = false
  const forgetEmptyRooms = async (): Promise<void> => {
    const { emptyRoomsCreatedBefore, forgetEmptyRoom } = store
    if (isSweepingEmpty || isClosing || !emptyRoomsCreatedBefore || !forgetEmptyRoom) return
    isSweepingEmpty = true
    try {
      const candidates = await emptyRoomsCreatedBefore.call(store, Date.now() - emptyRoomTtlMs, 1000)
      let forgotten = 0
      for (const room of candidates) {
        if (isClosing) break
        const gone = await withRoomLock(room, async () => !rooms.isLoaded(room) && (await forgetEmptyRoom.call(store, room)))
        if (gone) forgotten++
      }
      if (forgotten > 0) log.info('empty rooms forgotten', { count: forgotten, ttlMs: emptyRoomTtlMs })
    } catch (err) {
      log.warn('forgetting empty rooms failed', errorFields(err))
    } finally {
      isSweepingEmpty = false
    }
  }
  const emptySweeper =
    emptyRoomTtlMs > 0
      ? setInterval(() => {
          if (!isSweepingEmpty) emptySweep = forgetEmptyRooms()
        }, Math.min(Math.max(Math.floor(emptyRoomTtlMs / 4), 50), 3_600_000))
      : undefined
  emptySweeper?.unref()
  if (emptyRoomTtlMs > 0) emptySweep = forgetEmptyRooms() // at start: rooms that expired while the relay was down

  /**
   * `ws` emits 'error' for protocol faults (an unmasked frame, a message over maxPayload); an
   * 'error' without a listener would end the whole process. Every socket gets one at once.
   */
  const answeredPing = new WeakSet<WebSocket>()
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!answeredPing.has(ws)) {
        log.debug('socket missed a pong, terminated')
        metrics.closedForLimit.inc({ reason: 'missed_pong' })
        ws.terminate()
        continue
      }
      answeredPing.delete(ws)
      ws.ping()
    }
  }, config.pingIntervalMs)
  pinger.unref()

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, then: (ws: WebSocket) => void): void => {
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      answeredPing.add(ws)
      ws.on('pong', () => answeredPing.add(ws))
      ws.on('error', (err) => {
        log.debug('socket error', errorFields(err))
        // ws has already closed it with 1009; the app shows that and stops resending
        if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') metrics.closedForLimit.inc({ reason: 'message_too_big' })
        ws.terminate()
      })
      then(ws)
    })
  }

  /** Refuses an upgrade over HTTP, before any room work: the address is over a limit. */
  const refuseTooMany = (socket: Duplex, retryAfterSeconds: number, what: string, reason: LimitReason): void => {
    log.info('upgrade refused: rate limit', { limit: reason, retryAfterSeconds })
    metrics.closedForLimit.inc({ reason })
    const body = `Too many ${what}; try again in ${retryAfterSeconds} s\n`
    socket.end(
      `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${retryAfterSeconds}\r\nConnection: close\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }

  const upgradeThenClose = (req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void => {
    upgrade(req, socket, head, (ws) => ws.close(code, reason))
  }

  /** The request's URL, or undefined when it cannot be parsed (answered with 400). */
  const parseUrl = (req: IncomingMessage): URL | undefined => {
    try {
      return new URL(req.url ?? '/', 'http://x')
    } catch {
      return undefined
    }
  }

  /** Ready: not shutting down, and the store answers a read within 2 s. */
  const isReady = async (): Promise<{ ok: true } | { ok: false; reason: string }> => {
    if (isClosing) return { ok: false, reason: 'shutting down' }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await Promise.race([
        store.getVerifier('00000000000000000000000000'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('store read timed out')), 2000))),
      ])
      return isClosing ? { ok: false, reason: 'shutting down' } : { ok: true }
    } catch (err) {
      log.warn('readiness check failed', errorFields(err))
      return { ok: false, reason: 'store unavailable' }
    } finally {
      clearTimeout(timer)
    }
  }

  const server = createServer((req, res) => {
    const url = parseUrl(req)
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Bad request\n')
      return
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(
        JSON.stringify({
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          roomsLoaded: rooms.loadedCount,
          sockets: rooms.socketCount,
        }),
      )
      return
    }
    if (url.pathname === '/readyz') {
      void isReady().then((ready) => {
        res.writeHead(ready.ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        res.end(JSON.stringify({ status: ready.ok ? 'ready' : 'not ready', ...(ready.ok ? {} : { reason: ready.reason }) }))
      })
      return
    }
    if (blobs?.handle(req, res, url)) return
    if (snapshots.handle(req, res, url)) return
    if (devices.handle(req, res, url)) return
    if (site?.handle(req, res, url)) return
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Not found\n')
  })

  // Metrics on a server of their own (METRICS_PORT, loopback by default): the public server has no
  // `/metrics` under any spelling of the path, so no proxy rule has to keep it private.
  const metricsServer = createServer((req, res) => {
    const url = parseUrl(req)
    if (url?.pathname !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Not found\n')
      return
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' })
        res.end(req.method === 'HEAD' ? undefined : text)
      },
      (err: unknown) => {
        log.error('metrics failed', errorFields(err))
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end('metrics failed\n')
      },
    )
  })

  /**
   * Answers 429 when the address is over its limit of upgrades without a valid proof or of refused
   * proofs; false when it is not. Asked only of an upgrade that cannot be let in: one without a
   * room id and a well-formed proof (before any store read), or one whose proof was refused (so a
   * wrong proof from such an address gets 429 whether or not the room exists).
   */
  const refuseWhenOverLimits = (socket: Duplex, address: string): boolean => {
    const connectionWait = connections.retryAfterSeconds(address)
    if (connectionWait > 0) {
      refuseTooMany(socket, connectionWait, 'connections', 'connections_per_minute')
      return true
    }
    const proofWait = failedProofs.retryAfterSeconds(address)
    if (proofWait > 0) {
      refuseTooMany(socket, proofWait, 'refused invites', 'failed_proofs_per_minute')
      return true
    }
    return false
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const address = clientAddress(req, config.trustProxyHops)
    const url = parseUrl(req)
    const match = url ? SYNC_PATH.exec(url.pathname) : null
    const room = match?.[1]
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
    const proof = readOfferedProof(offered)
    // An upgrade with a room id and a well-formed proof is checked first, whatever its address did
    // before: a valid proof is never refused because others behind the same address (a school's
    // carrier NAT) offered wrong codes or none (it counts only against MAX_JOINS_PER_MINUTE).
    // Anything else is refused before any store read when the address is over its limits.
    if (room === undefined || !isRoomId(room) || !proof) {
      if (refuseWhenOverLimits(socket, address)) return
      connections.add(address)
      if (room === undefined) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      else if (!isRoomId(room)) upgradeThenClose(req, socket, head, CLOSE.badRequest, 'malformed room id')
      else upgradeThenClose(req, socket, head, CLOSE.badRequest, 'missing or malformed room proof')
      return
    }
    // From an address over its limits, every check of a proof (right or wrong) counts against
    // MAX_JOINS_PER_MINUTE before the store is read: wrong proofs cannot cost store reads without
    // bound, and valid phones behind that address are refused only by a flood of that size.
    let hasTakenJoin = false
    if (connections.retryAfterSeconds(address) > 0 || failedProofs.retryAfterSeconds(address) > 0) {
      const wait = joins.take(address)
      if (wait > 0) {
        refuseTooMany(socket, wait, 'connections', 'joins_per_minute')
        return
      }
      hasTakenJoin = true
    }
    void verify(room, proof, address).then((verdict) => {
      if (socket.destroyed) return
      if (verdict === 'unknownRoom' || verdict === 'proofRefused') {
        if (refuseWhenOverLimits(socket, address)) return
        failedProofs.add(address)
        metrics.proofsRefused.inc()
      }
      if (verdict !== 'ok' && verdict !== 'unavailable' && verdict !== 'removed') connections.add(address)
      switch (verdict) {
        case 'ok': {
          const joinWait = hasTakenJoin ? 0 : joins.take(address)
          if (joinWait > 0) refuseTooMany(socket, joinWait, 'connections', 'joins_per_minute')
          else
            upgrade(req, socket, head, (ws) => {
              devices.track(room, ws, proof.device, proof.token)
              rooms.join(room, ws, proof.wantsAck)
            })
          return
        }
        case 'removed':
          // Not a refused proof: a removed phone retrying must not lock its school's address out.
          log.info('removed device refused', { room })
          upgradeThenClose(req, socket, head, CLOSE.proofRefused, REMOVED)
          return
        case 'tooManyDevices':
          log.info('device registration refused: too many devices', { room })
          metrics.closedForLimit.inc({ reason: 'devices_per_room' })
          upgradeThenClose(req, socket, head, CLOSE_TOO_MANY_DEVICES, 'too many devices')
          return
        case 'tooManyNewDevices':
          // transient: the room's hourly allowance of new devices is spent; waiting helps
          log.info('device registration refused: too many new devices this hour', { room })
          metrics.closedForLimit.inc({ reason: 'device_registrations_per_hour' })
          upgradeThenClose(req, socket, head, CLOSE_TOO_MANY_NEW_DEVICES, TOO_MANY_NEW_DEVICES)
          return
        case 'removedLimited':
          refuseTooMany(socket, devices.retryAfterSeconds(verdict, address, room, proof.device!.deviceId), 'retries of a removed device', 'removed_device_retries_per_minute')
          return
        case 'registrationsLimited':
          refuseTooMany(socket, devices.retryAfterSeconds(verdict, address, room, proof.device!.deviceId), 'new devices', 'device_registrations_per_address')
          return
        case 'unknownRoom':
          upgradeThenClose(req, socket, head, CLOSE.unknownRoom, 'no partnership with this invite')
          return
        case 'proofRefused':
          log.info('room proof refused', { room })
          upgradeThenClose(req, socket, head, CLOSE.proofRefused, 'invite not valid for this partnership')
          return
        case 'unavailable':
          upgradeThenClose(req, socket, head, CLOSE.unavailable, 'relay storage unavailable')
          return
        case 'createLimited':
          refuseTooMany(socket, created.retryAfterSeconds(address), 'new partnerships', 'rooms_created_per_hour')
          return
      }
    })
  })

  return {
    server,
    metricsServer,
    rooms,
    metrics,
    async close(code = CLOSE.restarting, reason = 'relay restarting') {
      isClosing = true
      server.close()
      if (emptySweeper) clearInterval(emptySweeper)
      await emptySweep
      metricsServer.close()
      metricsServer.closeAllConnections()
      clearInterval(pinger)
      devices.close()
      await rooms.closeAll(code, reason)
      for (const ws of wss.clients) ws.close(code, reason)
      wss.close()
      await store.close()
      server.closeAllConnections()
    },
  }
}
