/**
 * What the relay's HTTP endpoints behind the room proof share (photos in blobs.ts, snapshots in
 * snapshots.ts): the error type that carries a status, JSON answers, and the one check of the
 * room proof (`Authorization: Bearer <token>` against the room's stored verifier).
 *
 * Never log the Authorization header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { TOKEN_PATTERN, constantTimeEqual, deriveVerifier } from '../src/sync/wire'
import { errorFields, type Logger } from './log'
import type { RoomStore } from './store'

export type Headers = Record<string, string | number>

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
 * 401 no or malformed `Authorization: Bearer <token>`, 404 a room the relay has never seen,
 * 403 a token that does not match, 503 the store could not be read.
 */
export type RoomProofCheck = (req: IncomingMessage, room: string) => Promise<void>

/** The room proof check over HTTP; `what` names the endpoint in the log line of a refusal. */
export function roomProofCheck(store: RoomStore, log: Logger, what: string): RoomProofCheck {
  return async (req, room) => {
    const header = req.headers.authorization ?? ''
    const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header)
    if (!m || !TOKEN_PATTERN.test(m[1]!)) throw new HttpError(401, 'missing or malformed room proof', { 'WWW-Authenticate': 'Bearer' })
    let stored: string | undefined
    try {
      stored = await store.getVerifier(room)
    } catch (err) {
      log.error('verifier check failed', { room, ...errorFields(err) })
      throw new HttpError(503, 'relay storage unavailable')
    }
    if (stored === undefined) throw new HttpError(404, 'no partnership with this invite')
    if (!constantTimeEqual(stored, deriveVerifier(m[1]!))) {
      log.info(`${what} room proof refused`, { room })
      throw new HttpError(403, 'invite not valid for this partnership')
    }
  }
}
