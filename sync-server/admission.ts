/**
 * Who gets a WebSocket: the relay's `upgrade` handler for `/sync/<roomId>`. The room proof is
 * checked here, before the room is loaded: a socket with a missing, malformed or wrong proof is
 * upgraded only to be closed with a 44xx code and a reason (a browser cannot read an HTTP
 * refusal), and not one byte of the document is sent. An address over its limits is refused with
 * HTTP 429 (relayConfig.ts `maxConnectionsPerMinute`, `maxJoinsPerMinute`,
 * `maxFailedProofsPerMinute`, `maxRoomsCreatedPerHour`). A room is created here (check-then-set
 * of its verifier under the room's lock); a device proof is decided by devices.ts. Every socket
 * let in is pinged (`pingIntervalMs`) and handed to rooms.ts.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { CLOSE, CLOSE_REASON, SUBPROTOCOL, constantTimeEqual, deriveVerifier, isRoomId, readOfferedProof, type OfferedProof } from '../src/sync/wire'
import type { Devices } from './devices'
import { watchHeartbeats } from './heartbeat'
import { parseUrl } from './http'
import type { KeyedLock } from './keyedLock'
import { WindowCounter, clientAddress } from './limits'
import { errorFields, type Logger } from './log'
import type { LimitReason, Metrics } from './metrics'
import { freeZlibBetweenMessages } from './deflateMemory'
import { DEFAULT_LIMITS, SYNC_DEFLATE, type RelayConfig } from './relayConfig'
import type { Rooms } from './rooms'
import type { RoomStore } from './store'
import { RelaySocket, listen } from './socket'

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

/**
 * An upgrading socket's error listener until ws has taken the socket over (ws then listens for its
 * errors itself, `upgrade` removes this one: a second listener made the socket's listeners an
 * array, 64 B per socket); made once, so that it keeps no upgrade's scope alive.
 */
function destroySocket(this: Duplex): void {
  this.destroy()
}

export interface AdmissionDeps {
  readonly config: RelayConfig
  readonly store: RoomStore
  readonly log: Logger
  readonly metrics: Metrics
  readonly rooms: Rooms
  readonly devices: Devices
  /** The per-room lock, shared with devices.ts and the empty-room sweep. */
  readonly withRoomLock: KeyedLock
  /** Refused proofs per address, shared with the HTTP endpoints behind the room proof (relay.ts). */
  readonly failedProofs: WindowCounter
}

export interface Admission {
  /** The server's `upgrade` listener. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Stops pinging (the relay is closing). */
  stopPinging(): void
  /** Closes every socket still open with `code` and the WebSocket server. */
  closeAll(code: number, reason: string): void
}

export function createAdmission(deps: AdmissionDeps): Admission {
  const { config, store, log, metrics, rooms, devices, withRoomLock, failedProofs } = deps
  const wss = new WebSocketServer<typeof RelaySocket>({
    noServer: true,
    WebSocket: RelaySocket, // the relay's fields per socket (socket.ts)
    clientTracking: false, // `open` below
    maxPayload: config.maxMessageBytes,
    perMessageDeflate: config.compression === false ? false : SYNC_DEFLATE,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  })

  // Upgrades without a valid proof, and those with one, are counted apart (see maxConnectionsPerMinute).
  const connections = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const joins = new WindowCounter(config.maxJoinsPerMinute ?? DEFAULT_LIMITS.maxJoinsPerMinute, 60_000)
  const created = new WindowCounter(config.maxRoomsCreatedPerHour, 3_600_000)

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
   * Every socket upgraded and not yet closed, for the pinger and `closeAll`. Kept here, not by ws
   * (`clientTracking`): ws's tracking adds a close listener of its own to every socket, a closure
   * with its scope, and turns the socket's close listeners into an array (about 170 B per socket).
   */
  const open = new Set<RelaySocket>()
  const pinger = setInterval(() => {
    for (const ws of open) {
      if (!ws.answeredPing) {
        log.debug('socket missed a pong, terminated')
        metrics.closedForLimit.inc({ reason: 'missed_pong' })
        ws.terminate()
        continue
      }
      ws.answeredPing = false
      ws.ping()
    }
  }, config.pingIntervalMs)
  pinger.unref()

  // A socket's listeners are made once here, not per socket inside the upgrade: a closure there
  // would keep the upgrade's whole scope (the request with its headers, `head`, the proof) alive
  // for the socket's life, 2.7 KiB of heap per socket (heap snapshots in bench:relay). What they
  // need of the socket is in its fields (socket.ts).
  function onPong(this: RelaySocket): void {
    this.answeredPing = true
  }
  /**
   * `ws` emits 'error' for protocol faults (an unmasked frame, a message over maxPayload); an
   * 'error' without a listener would end the whole process. Every socket gets one at once.
   */
  function onSocketError(this: RelaySocket, err: Error): void {
    log.debug('socket error', errorFields(err))
    // ws has already closed it with 1009; the app shows that and stops resending
    if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') metrics.closedForLimit.inc({ reason: 'message_too_big' })
    this.terminate()
  }
  /** A socket closes: it is not pinged any more, devices.ts forgets it, then it leaves its room (when it was let in to one). */
  function onSocketClose(this: RelaySocket): void {
    open.delete(this)
    devices.untrack(this)
    rooms.leave(this)
  }
  let hasWarnedZlib = false
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, then: (ws: RelaySocket) => void): void => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', destroySocket)
      // no zlib memory kept between messages (deflateMemory.ts); a ws whose internals differ keeps ws's own
      if (ws.extensions !== '' && !freeZlibBetweenMessages(ws) && !hasWarnedZlib) {
        hasWarnedZlib = true
        log.warn('zlib streams kept per socket: ws internals are not the ones deflateMemory.ts knows')
      }
      open.add(ws)
      listen(ws, 'pong', onPong)
      listen(ws, 'error', onSocketError)
      listen(ws, 'close', onSocketClose)
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

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', destroySocket)
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
              if (proof.wantsHeartbeat) watchHeartbeats(ws)
              rooms.join(room, ws, proof.wantsAck, proof.position)
            })
          return
        }
        case 'removed':
          // Not a refused proof: a removed phone retrying must not lock its school's address out.
          log.info('removed device refused', { room })
          upgradeThenClose(req, socket, head, CLOSE.proofRefused, CLOSE_REASON.removed)
          return
        case 'tooManyDevices':
          log.info('device registration refused: too many devices', { room })
          metrics.closedForLimit.inc({ reason: 'devices_per_room' })
          upgradeThenClose(req, socket, head, CLOSE.tooManyDevices, 'too many devices')
          return
        case 'tooManyNewDevices':
          // transient: the room's hourly allowance of new devices is spent; waiting helps
          log.info('device registration refused: too many new devices this hour', { room })
          metrics.closedForLimit.inc({ reason: 'device_registrations_per_hour' })
          upgradeThenClose(req, socket, head, CLOSE.busy, CLOSE_REASON.tooManyNewDevices)
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
  }

  return {
    onUpgrade,
    stopPinging() {
      clearInterval(pinger)
    },
    closeAll(code, reason) {
      for (const ws of open) ws.close(code, reason)
      wss.close()
    },
  }
}
