/**
 * Devices and invites (docs/protocol.md, "Devices and invites"): every device registers with the
 * relay under its own credential the first time it connects with the invite, and from then on is
 * accepted by that credential alone. So a device can be removed on its own, and the invite can be
 * replaced without shutting out the devices already in the partnership.
 *
 * - The WebSocket verdict for a device proof (`sb.dev.<deviceId>.<deviceToken>`), called by
 *   admission.ts inside the per-room lock: a registered device by its own verifier (the invite token
 *   is ignored: it may be an old code), a removed one is refused with 4403 `removed`, a new one
 *   registers with the room's current invite: at most `maxDevicesPerRoom` devices not removed
 *   (4429), at most `maxRegistrationsPerHour` new ones per room per hour (counted from the
 *   store's `registeredAt`, so across relays and restarts: 4529 `too many new devices`) and at
 *   most `maxRegistrationsPerAddressPerHour` per address (HTTP 429). A removed device retrying
 *   with its right proof is answered 4403 `removed` at most `maxRemovedRetriesPerMinute` times a
 *   minute per address and device, then HTTP 429 before any store read.
 * - The sockets open on this relay, per room, by device (or anonymous: invite only, stock
 *   clients and older apps), so a removal closes the device's sockets (4403 `removed`) and a new
 *   invite closes the anonymous ones (4403 `invite changed`) at once. With several relays a
 *   sweep (every `sweepIntervalMs`) reads each room's devices and verifier and closes what the
 *   other relays changed.
 * - `GET /devices/<room>`, `POST /devices/<room>/<deviceId>/remove`, `PUT /invite/<room>`.
 * - Seniority: a device removes itself or any device registered after it; an older device only
 *   when that one has not been seen for `removeStaleAfterMs` (30 days), else 403
 *   `only an older device can remove this device`. `PUT /invite`: at most
 *   `maxInviteChangesPerHour` per device (per relay), else 429.
 * - Last seen: `lastSeenAt` is written when a device connects and when its socket closes, at most
 *   once a minute per device, and hourly while it stays connected (so a phone connected for
 *   weeks is never stale).
 *
 * Never log a token, a verifier or the Authorization header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CLOSE, CLOSE_REASON, DEVICE_ID_PATTERN, TOKEN_PATTERN, constantTimeEqual, deriveVerifier, isRoomId, type OfferedDeviceProof } from '../src/sync/wire'
import { DEVICE_REMOVED, HttpError, checkProofWithin, roomProofCheck, sendJson, type EndpointLimits, type Headers } from './http'
import { WindowCounter } from './limits'
import { errorFields, type Logger } from './log'
import type { DeviceRecord, RoomStore } from './store'
import type { RelaySocket, TrackedSocket } from './socket'

/** The 403 to a removal of an older device that was seen recently (docs/protocol.md). */
export const ONLY_AN_OLDER_DEVICE = 'only an older device can remove this device'
/** The defaults of the device limits (DevicesConfig; server.ts reads each from the environment). */
export const DEVICE_DEFAULTS = {
  maxDevicesPerRoom: 200,
  maxRegistrationsPerHour: 20,
  maxRegistrationsPerAddressPerHour: 100,
  maxRemovedRetriesPerMinute: 60,
  maxInviteChangesPerHour: 6,
  removeStaleAfterDays: 30,
} as const
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** `lastSeenAt` is written at most this often per device. */
const LAST_SEEN_WRITE_MS = 60_000
const MAX_BODY_BYTES = 1024

/**
 * `removedLimited`: a removed device over its retries (HTTP 429, no store read);
 * `registrationsLimited`: the address registered too many devices this hour (HTTP 429).
 */
export type DeviceVerdict = 'ok' | 'removed' | 'proofRefused' | 'tooManyDevices' | 'tooManyNewDevices' | 'removedLimited' | 'registrationsLimited'

export interface DevicesConfig {
  readonly store: RoomStore
  readonly log: Logger
  /** Devices not removed a room may hold; a new one beyond it gets 4429. */
  readonly maxDevicesPerRoom: number
  /** New devices per room per hour (removed ones included); beyond it 4529. Default 20. */
  readonly maxRegistrationsPerHour?: number
  /** New devices per address per hour, all rooms together (per relay); beyond it HTTP 429. Default 100. */
  readonly maxRegistrationsPerAddressPerHour?: number
  /** 4403 `removed` answers per address and device per minute (per relay); beyond them HTTP 429. Default 60. */
  readonly maxRemovedRetriesPerMinute?: number
  /** `PUT /invite` per device per hour (per relay); beyond it 429. Default 6. */
  readonly maxInviteChangesPerHour?: number
  /** An older device may be removed by a younger one once not seen for this long. Default 30 days. */
  readonly removeStaleAfterMs?: number
  /** relay.ts's per-room lock: verdicts, registrations, removals and invite changes of a room run one at a time. */
  withRoomLock<T>(room: string, f: () => Promise<T>): Promise<T>
  /** The per-address limits, like the snapshots' (relay.ts). */
  readonly limits: EndpointLimits
  /** Several relays on one store: how often to look for removals and invite changes made on the others; none when absent. */
  readonly sweepIntervalMs?: number
}

export interface Devices {
  /**
   * The verdict for a device proof on a room that exists (`stored`: its verifier, `inviteToken`:
   * the invite token the socket offered). Runs inside the room lock. Throws when the store fails.
   */
  verify(room: string, stored: string, inviteToken: string, device: OfferedDeviceProof, address: string): Promise<DeviceVerdict>
  /** Seconds an address must wait after `removedLimited` or `registrationsLimited` (admission.ts answers 429 with it). */
  retryAfterSeconds(verdict: 'removedLimited' | 'registrationsLimited', address: string, room: string, deviceId: string): number
  /** Registers the creator's device of a room just created (inside the room lock). */
  registerCreator(room: string, device: OfferedDeviceProof): Promise<void>
  /** Remembers an accepted socket: by device, or anonymous with the invite token it offered. */
  track(room: string, ws: RelaySocket, device: OfferedDeviceProof | undefined, inviteToken: string): void
  /** Forgets a socket that closed (its close listener, admission.ts); one never tracked is ignored. */
  untrack(ws: RelaySocket): void
  /** Answers `/devices/…` and `/invite/…`; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean
  close(): void
}

/** A room's open sockets on this relay. */
interface RoomSockets {
  /** The room id, one string for all of the room's entries. */
  readonly room: string
  readonly open: Set<RelaySocket>
  /**
   * The entry of the room's latest anonymous socket: the next anonymous socket with the same invite
   * shares it (one object and one verifier string for all of them, not one per socket).
   */
  anonymous: TrackedSocket | undefined
}

/**
 * A copy of a short ASCII string of its own: a proof's parts are slices of the upgrade's
 * `Sec-WebSocket-Protocol` header, which such a slice kept alive, all of it, for the socket's life.
 */
const ownCopy = (s: string): string => Buffer.from(s, 'latin1').toString('latin1')

const DEVICES_PATH = /^\/devices\/([^/]+)(?:\/([^/]+)\/remove)?$/
const INVITE_PATH = /^\/invite\/([^/]+)$/

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Max-Age': '600',
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** A device as the HTTP endpoints show it: never its verifier. */
function publicDevice(d: DeviceRecord, connectedNow: boolean): Record<string, string> {
  return {
    id: d.id,
    registeredAt: iso(d.registeredAt),
    lastSeenAt: iso(connectedNow && d.removedAt === undefined ? Date.now() : d.lastSeenAt),
    ...(d.removedAt !== undefined ? { removedAt: iso(d.removedAt) } : {}),
    ...(d.removedBy !== undefined ? { removedBy: d.removedBy } : {}),
  }
}

export function createDevices(config: DevicesConfig): Devices {
  const { store, log, limits } = config
  const authorise = roomProofCheck(store, log, 'devices')
  /** Open sockets on this relay, per room; what each was let in with is its `tracked` (socket.ts). */
  const sockets = new Map<string, RoomSockets>()
  /** When this relay last wrote a device's `lastSeenAt`, by `room device`. */
  const lastWritten = new Map<string, number>()
  const maxRegistrationsPerHour = config.maxRegistrationsPerHour ?? DEVICE_DEFAULTS.maxRegistrationsPerHour
  const removeStaleAfterMs = config.removeStaleAfterMs ?? DEVICE_DEFAULTS.removeStaleAfterDays * DAY_MS
  /** Registrations per address per hour, all rooms together. */
  const registrations = new WindowCounter(config.maxRegistrationsPerAddressPerHour ?? DEVICE_DEFAULTS.maxRegistrationsPerAddressPerHour, HOUR_MS)
  /** 4403 `removed` answers, by `address room device`: one removed phone retrying never limits its school's other phones. */
  const removedAnswers = new WindowCounter(config.maxRemovedRetriesPerMinute ?? DEVICE_DEFAULTS.maxRemovedRetriesPerMinute, 60_000)
  /** `PUT /invite` by `room device`: each device has its own budget, so a newcomer cannot spend the older devices'. */
  const inviteChanges = new WindowCounter(config.maxInviteChangesPerHour ?? DEVICE_DEFAULTS.maxInviteChangesPerHour, HOUR_MS)
  const removedKey = (address: string, room: string, deviceId: string): string => `${address} ${room} ${deviceId}`
  const socketsIn = (room: string): Iterable<RelaySocket> => sockets.get(room)?.open ?? []
  const isConnectedHere = (room: string, id: string): boolean => [...socketsIn(room)].some((ws) => ws.tracked?.deviceId === id)

  const touch = (room: string, id: string, knownLastSeen = 0): void => {
    const key = `${room} ${id}`
    const now = Date.now()
    if (now - Math.max(knownLastSeen, lastWritten.get(key) ?? 0) < LAST_SEEN_WRITE_MS) return
    if (lastWritten.size >= 10_000) {
      for (const [k, at] of lastWritten) if (now - at >= LAST_SEEN_WRITE_MS) lastWritten.delete(k)
    }
    lastWritten.set(key, now)
    store.touchDevice(room, id, now).catch((err: unknown) => log.warn('last seen not written', { room, ...errorFields(err) }))
  }

  const closeWhere = (room: string, which: (e: TrackedSocket) => boolean, reason: string): number => {
    let n = 0
    for (const ws of socketsIn(room)) {
      if (!ws.tracked || !which(ws.tracked)) continue
      ws.close(CLOSE.proofRefused, reason)
      n++
    }
    return n
  }

  /** Several relays: closes the sockets of devices removed, and anonymous sockets of invites replaced, elsewhere. */
  let isSweeping = false
  const sweep = async (): Promise<void> => {
    if (isSweeping) return
    isSweeping = true
    try {
      for (const room of [...sockets.keys()]) {
        try {
          const verifier = await store.getVerifier(room)
          const removed = new Set((await store.listDevices(room)).filter((d) => d.removedAt !== undefined).map((d) => d.id))
          closeWhere(room, (e) => e.deviceId !== undefined && removed.has(e.deviceId), CLOSE_REASON.removed)
          if (verifier !== undefined) {
            closeWhere(room, (e) => e.inviteVerifier !== undefined && !constantTimeEqual(e.inviteVerifier, verifier), CLOSE_REASON.inviteChanged)
          }
        } catch (err) {
          log.warn('device sweep failed', { room, ...errorFields(err) })
        }
      }
    } finally {
      isSweeping = false
    }
  }
  const sweeper = config.sweepIntervalMs ? setInterval(() => void sweep(), config.sweepIntervalMs) : undefined
  sweeper?.unref()
  // A device connected for weeks is seen: its `lastSeenAt` moves hourly, so no other relay takes it for a lost phone.
  const seenRefresher = setInterval(() => {
    for (const [room, inRoom] of sockets) for (const ws of inRoom.open) if (ws.tracked?.deviceId !== undefined) touch(room, ws.tracked.deviceId)
  }, HOUR_MS)
  seenRefresher.unref()

  const register = async (room: string, device: OfferedDeviceProof): Promise<void> => {
    const now = Date.now()
    await store.putDevice(room, { id: device.deviceId, verifier: deriveVerifier(device.token), registeredAt: now, lastSeenAt: now })
    lastWritten.set(`${room} ${device.deviceId}`, now)
    log.info('device registered', { room })
  }

  /** Reads a JSON body of at most MAX_BODY_BYTES. */
  const readBody = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > MAX_BODY_BYTES) {
        req.resume()
        reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`, { Connection: 'close' }))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size <= MAX_BODY_BYTES) chunks.push(c)
        else if (size > 64 * MAX_BODY_BYTES) req.destroy()
      })
      req.on('error', reject)
      req.on('end', () => {
        if (size > MAX_BODY_BYTES) return reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`))
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        } catch {
          reject(new HttpError(400, 'body is not JSON'))
        }
      })
    })

  /** The per-address request limit, then the proof; a refused proof counts against the address (checkProofWithin). */
  const check = async (req: IncomingMessage, room: string): Promise<{ kind: 'invite' } | { kind: 'device'; deviceId: string }> => {
    const address = limits.address(req)
    const requestWait = limits.takeRequest(address)
    if (requestWait > 0) throw new HttpError(429, 'too many requests', { 'Retry-After': requestWait })
    if (!isRoomId(room)) throw new HttpError(400, 'malformed room id')
    return await checkProofWithin(limits, address, () => authorise(req, room))
  }

  const deviceRequired = (): HttpError =>
    new HttpError(401, 'a device proof is required (Authorization: Device <deviceId>.<deviceToken>)', { 'WWW-Authenticate': 'Device' })

  const list = async (req: IncomingMessage, res: ServerResponse, room: string): Promise<void> => {
    await check(req, room)
    const [devices, change] = await Promise.all([store.listDevices(room), store.getInviteChange(room)])
    const connected = new Set([...socketsIn(room)].map((ws) => ws.tracked?.deviceId))
    sendJson(
      req,
      res,
      200,
      {
        devices: devices.map((d) => publicDevice(d, connected.has(d.id))),
        inviteChangedAt: change ? iso(change.at) : null,
        inviteChangedBy: change ? change.by : null,
      },
      CORS_HEADERS,
    )
  }

  const remove = async (req: IncomingMessage, res: ServerResponse, room: string, id: string): Promise<void> => {
    const proof = await check(req, room)
    if (proof.kind !== 'device') throw deviceRequired()
    if (!DEVICE_ID_PATTERN.test(id)) throw new HttpError(404, 'no such device')
    const record = await config.withRoomLock(room, async () => {
      const found = await store.getDevice(room, id)
      if (!found) throw new HttpError(404, 'no such device')
      if (found.removedAt !== undefined) return found
      // Seniority (docs/protocol.md): itself, or a device registered after it; an older one only when stale.
      const remover = id === proof.deviceId ? found : await store.getDevice(room, proof.deviceId)
      if (!remover || remover.removedAt !== undefined) throw new HttpError(403, DEVICE_REMOVED) // removed meanwhile
      const now = Date.now()
      const isYounger = found.registeredAt > remover.registeredAt || (found.registeredAt === remover.registeredAt && found.id > remover.id)
      const seenAt = isConnectedHere(room, id) ? now : found.lastSeenAt
      if (id !== remover.id && !isYounger && now - seenAt < removeStaleAfterMs) {
        log.info('device removal refused: older device seen recently', { room })
        return { refused: iso(seenAt + removeStaleAfterMs) }
      }
      const removed: DeviceRecord = { ...found, removedAt: now, removedBy: proof.deviceId }
      await store.putDevice(room, removed)
      return removed
    })
    if ('refused' in record) {
      // the app explains it: this device joined before yours; it can be removed by an older one, or after `removableFrom` unused
      sendJson(req, res, 403, { error: ONLY_AN_OLDER_DEVICE, removableFrom: record.refused }, CORS_HEADERS)
      return
    }
    const closed = closeWhere(room, (e) => e.deviceId === id, CLOSE_REASON.removed)
    log.info('device removed', { room, socketsClosed: closed })
    sendJson(req, res, 200, { device: publicDevice(record, false) }, CORS_HEADERS)
  }

  const replaceInvite = async (req: IncomingMessage, res: ServerResponse, room: string): Promise<void> => {
    const body = await readBody(req)
    const proof = await check(req, room)
    if (proof.kind !== 'device') throw deviceRequired()
    const verifier = (body as { verifier?: unknown } | null)?.verifier
    if (typeof verifier !== 'string' || !TOKEN_PATTERN.test(verifier)) {
      throw new HttpError(400, 'body must be {"verifier": "<43 base64url characters>"}')
    }
    const changeWait = inviteChanges.take(`${room} ${proof.deviceId}`)
    if (changeWait > 0) throw new HttpError(429, 'too many invite changes', { 'Retry-After': changeWait })
    const at = Date.now()
    await config.withRoomLock(room, () => store.replaceVerifier(room, verifier, { at, by: proof.deviceId }))
    const closed = closeWhere(room, (e) => e.inviteVerifier !== undefined && !constantTimeEqual(e.inviteVerifier, verifier), CLOSE_REASON.inviteChanged)
    log.info('invite replaced', { room, socketsClosed: closed })
    sendJson(req, res, 200, { inviteChangedAt: iso(at), inviteChangedBy: proof.deviceId }, CORS_HEADERS)
  }

  const answer = (req: IncomingMessage, res: ServerResponse, work: Promise<void>): void => {
    work.catch((err: unknown) => {
      if (err instanceof HttpError) {
        const headers: Headers = { ...CORS_HEADERS, ...err.headers }
        sendJson(req, res, err.status, { error: err.message }, headers)
        return
      }
      log.error('devices request failed', errorFields(err))
      sendJson(req, res, 503, { error: 'relay storage unavailable' }, CORS_HEADERS)
    })
  }

  return {
    async verify(room, stored, inviteToken, device, address) {
      // Only a removed device's right proof ever counts here: a removed phone past its retries gets no store read.
      if (removedAnswers.retryAfterSeconds(removedKey(address, room, device.deviceId)) > 0) return 'removedLimited'
      const record = await store.getDevice(room, device.deviceId)
      const offered = deriveVerifier(device.token)
      if (record) {
        if (!constantTimeEqual(record.verifier, offered)) return 'proofRefused'
        if (record.removedAt !== undefined) {
          removedAnswers.add(removedKey(address, room, device.deviceId))
          return 'removed'
        }
        touch(room, record.id, record.lastSeenAt)
        return 'ok'
      }
      if (!constantTimeEqual(stored, deriveVerifier(inviteToken))) return 'proofRefused'
      // Removed records stay (to refuse them) but do not count; new ones are bounded per hour instead.
      const all = await store.listDevices(room)
      if (all.filter((d) => d.removedAt === undefined).length >= config.maxDevicesPerRoom) return 'tooManyDevices'
      const hourAgo = Date.now() - HOUR_MS
      if (all.filter((d) => d.registeredAt > hourAgo).length >= maxRegistrationsPerHour) return 'tooManyNewDevices'
      if (registrations.take(address) > 0) return 'registrationsLimited'
      await register(room, device)
      return 'ok'
    },
    retryAfterSeconds(verdict, address, room, deviceId) {
      const wait = verdict === 'removedLimited' ? removedAnswers.retryAfterSeconds(removedKey(address, room, deviceId)) : registrations.retryAfterSeconds(address)
      return Math.max(1, wait)
    },
    registerCreator: register,
    track(room, ws, device, inviteToken) {
      let inRoom = sockets.get(room)
      if (!inRoom) sockets.set(room, (inRoom = { room, open: new Set(), anonymous: undefined }))
      if (device) ws.tracked = { room: inRoom.room, deviceId: ownCopy(device.deviceId), inviteVerifier: undefined }
      else {
        const verifier = deriveVerifier(inviteToken)
        if (!inRoom.anonymous || !constantTimeEqual(inRoom.anonymous.inviteVerifier!, verifier)) {
          inRoom.anonymous = { room: inRoom.room, deviceId: undefined, inviteVerifier: verifier }
        }
        ws.tracked = inRoom.anonymous
      }
      inRoom.open.add(ws)
    },
    untrack(ws) {
      const entry = ws.tracked
      if (!entry) return
      ws.tracked = undefined
      const inRoom = sockets.get(entry.room)
      inRoom?.open.delete(ws)
      if (inRoom?.open.size === 0) sockets.delete(entry.room)
      if (entry.deviceId !== undefined) touch(entry.room, entry.deviceId)
    },
    handle(req, res, url) {
      const d = DEVICES_PATH.exec(url.pathname)
      const i = d ? null : INVITE_PATH.exec(url.pathname)
      if (!d && !i) return false
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS_HEADERS)
        res.end()
        return true
      }
      if (d && d[2] === undefined && (req.method === 'GET' || req.method === 'HEAD')) answer(req, res, list(req, res, d[1]!))
      else if (d && d[2] !== undefined && req.method === 'POST') answer(req, res, remove(req, res, d[1]!, d[2]))
      else if (i && req.method === 'PUT') answer(req, res, replaceInvite(req, res, i[1]!))
      else sendJson(req, res, 405, { error: 'method not allowed' }, CORS_HEADERS)
      return true
    },
    close() {
      if (sweeper) clearInterval(sweeper)
      clearInterval(seenRefresher)
    },
  }
}
