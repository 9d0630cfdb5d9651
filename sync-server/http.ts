/**
 * What the relay's HTTP endpoints behind the room proof share (photos in blobs.ts, snapshots in
 * snapshots.ts): the error type that carries a status, JSON answers, and the one check of the
 * room proof (`Authorization: Bearer <token>` against the room's stored verifier, or `Device
 * <deviceId>.<token>` against a registered device's own); and, for every request the relay
 * answers, its URL (`parseUrl`).
 *
 * Never log the Authorization header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { TOKEN_PATTERN, constantTimeEqual, deriveVerifier, readDeviceProof } from '../src/sync/wire'
import { errorFields, type Logger } from './log'
import type { DeviceRecord, RoomStore } from './store'

export type Headers = Record<string, string | number>

/**
 * The per-address limits of an endpoint behind the room proof (relay.ts `httpLimits`): requests
 * per minute before any store read; the proof is checked before the limit on refused proofs, so a
 * valid one always passes (`checkProofWithin`).
 */
export interface EndpointLimits {
  /** The address the limits count. */
  address(req: IncomingMessage): string
  /** Seconds until this address's refused proofs are answered as such again (429 until then); 0 when they are. */
  refusedWait(address: string): number
  /** Counts one refused proof (403, 404) of this address. */
  refused(address: string): void
  /** Counts one request of this address; seconds to wait when it is over its limit, else 0. */
  takeRequest(address: string): number
}

/** CORS of an endpoint that is only read (`GET` with the room proof): the app may be served from another origin. */
export const READ_CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization',
  'Access-Control-Max-Age': '600',
}

/** A refusal with its status (and headers); answered as JSON `{"error": message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Headers = {},
  ) {
    super(message)
  }
}

/** The request's URL, or undefined when it cannot be parsed (answered with 400). */
export function parseUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://x')
  } catch {
    return undefined
  }
}

/** Answers with JSON (no body for HEAD) and `Cache-Control: no-store`; `headers` come last and win. */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...(req.method === 'HEAD' ? {} : { 'Content-Length': Buffer.byteLength(text) }),
    ...headers,
  })
  res.end(req.method === 'HEAD' ? undefined : text)
}

/**
 * Checks the room proof of a request for `room` (a valid room id); resolves when it matches the
 * room's verifier, otherwise rejects with the HttpError to answer:
 * 401 no or malformed `Authorization: Bearer <token>`, 403 a token that does not match or a room
 * the relay has never seen (the same answer, so a wrong proof does not tell whether the room
 * exists; a right proof for an unknown room cannot exist), 503 the store could not be read.
 */
export type RoomProofCheck = (req: IncomingMessage, room: string) => Promise<RoomProof>

/** Whose proof a request carried: the room's invite, or a registered device's own (devices.ts). */
export type RoomProof = { readonly kind: 'invite' } | { readonly kind: 'device'; readonly deviceId: string }

/** The answer to a device that was removed from the partnership: 403, not counted as a refused proof. */
export const DEVICE_REMOVED = 'device removed'

/**
 * Whether a refusal counts against the address's refused-proof limit: 403 and 404, except a
 * removed device's (a removed phone retrying must not lock its school's shared address out).
 */
export function isRefusedProof(err: unknown): boolean {
  return err instanceof HttpError && (err.status === 403 || err.status === 404) && err.message !== DEVICE_REMOVED
}

/** The per-address limit on refused proofs, shared with the WebSocket (relay.ts). */
export interface RefusedProofLimit {
  /** Seconds until this address's refused proofs are answered as such again (it is over its limit); 0 when it is under. */
  refusedWait(address: string): number
  /** Counts one refused proof (403, 404) of this address. */
  refused(address: string): void
}

/**
 * Runs the room proof check `check` under the per-address limit on refused proofs. The proof is
 * checked first, whatever the address did before: a valid proof is never refused because others
 * behind the same address (a school's carrier NAT) offered wrong ones. A refused proof (403, 404
 * — not a removed device's) or a missing one (401) from an address over its limit is answered 429
 * with Retry-After instead, whether or not the room exists; under the limit a refused one counts.
 * Without `limit` (or `address`) the check runs as it is.
 */
export async function checkProofWithin<T>(limit: RefusedProofLimit | undefined, address: string | undefined, check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (err) {
    if (limit === undefined || address === undefined) throw err
    const isRefused = isRefusedProof(err)
    if (isRefused || (err instanceof HttpError && err.status === 401)) {
      const wait = limit.refusedWait(address)
      if (wait > 0) throw new HttpError(429, 'too many refused invites', { 'Retry-After': wait })
      if (isRefused) limit.refused(address)
    }
    throw err
  }
}

/**
 * The room proof check over HTTP; `what` names the endpoint in the log line of a refusal.
 * `Authorization: Bearer <invite token>` must match the room's verifier; `Device <deviceId>.<device
 * token>` must be a device registered in the room and not removed (a removed one gets 403
 * `device removed`), whose token matches its own verifier.
 */
export function roomProofCheck(store: RoomStore, log: Logger, what: string): RoomProofCheck {
  return async (req, room) => {
    const header = req.headers.authorization ?? ''
    const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header)
    const device = header.startsWith('Device ') ? readDeviceProof(header.slice('Device '.length)) : undefined
    if (!device && (!m || !TOKEN_PATTERN.test(m[1]!))) {
      throw new HttpError(401, 'missing or malformed room proof', { 'WWW-Authenticate': 'Bearer, Device' })
    }
    let stored: string | undefined
    let record: DeviceRecord | undefined
    try {
      stored = await store.getVerifier(room)
      if (device && stored !== undefined) record = await store.getDevice(room, device.deviceId)
    } catch (err) {
      log.error('verifier check failed', { room, ...errorFields(err) })
      throw new HttpError(503, 'relay storage unavailable')
    }
    if (device) {
      const offered = deriveVerifier(device.token)
      if (record?.removedAt !== undefined && constantTimeEqual(record.verifier, offered)) {
        log.info(`${what} refused: device removed`, { room })
        throw new HttpError(403, DEVICE_REMOVED)
      }
      if (stored === undefined || record === undefined || !constantTimeEqual(record.verifier, offered)) {
        log.info(`${what} device proof refused`, { room })
        throw new HttpError(403, 'invite not valid for this partnership')
      }
      return { kind: 'device', deviceId: device.deviceId }
    }
    const offered = deriveVerifier(m![1]!) // derived either way: the answer's timing says nothing more
    if (stored === undefined || !constantTimeEqual(stored, offered)) {
      log.info(`${what} room proof refused`, { room })
      throw new HttpError(403, 'invite not valid for this partnership')
    }
    return { kind: 'invite' }
  }
}
