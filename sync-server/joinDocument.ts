/**
 * Joining over HTTP (docs/protocol.md "Joining over HTTP"): `GET /join/<roomId>`, behind the room
 * proof, answers the room's whole document for a device that has none of it yet, in parts the
 * device applies while the rest is still arriving, compressed with brotli when the client accepts
 * it (gzip otherwise), and with the relay position it is the state of. The device then opens its
 * WebSocket offering that position (resume.ts) and is sent only what was written since.
 *
 * Why not the WebSocket's sync step 2: it is one Yjs update in format V1, compressed per message
 * by permessage-deflate — 1.10 MB for a five-year partnership of 4.9 MB — and applied in one
 * piece only after its last byte. Format V2 with brotli is 0.59 MB, and the parts overlap applying
 * with the transfer.
 *
 * - The document is read when every write the room received is durable (rooms.ts `whenDurable`),
 *   so the position is what an acknowledgement sent then would cover.
 * - Parts: the clients' structs in an order where a client comes after every client its items
 *   build on (origin, right origin, parent item), cut into parts of about `PART_BYTES`; each part
 *   is `Y.encodeStateAsUpdateV2` of its clients, with the whole delete set (brotli's window makes
 *   the repeats nearly free). Clients that build on each other both ways land in order of
 *   discovery: Yjs keeps what cannot be integrated yet and integrates it with a later part.
 * - The compressed body is kept per room and encoding (`JoinBodies`, bounded in bytes) and served
 *   again while the room can still resume from its position and at most `MAX_STALE_WRITES` were
 *   written since; a request that comes while it is being compressed streams along.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as zlib from 'node:zlib'
import * as Y from 'yjs'
import { JOIN_CONTENT_TYPE, encodeJoinFrame, encodeJoinHeader, isRoomId, type RelayPosition } from '../src/sync/wire'
import { HttpError, READ_CORS_HEADERS, checkProofWithin, roomProofCheck, sendJson, type EndpointLimits, type Headers } from './http'
import { errorFields, type Logger } from './log'
import type { Metrics } from './metrics'
import { RoomUnavailable, type Rooms } from './rooms'
import type { Room } from './room'
import type { RoomStore } from './store'

/** About this many bytes of the encoded document per part. */
export const PART_BYTES = 512 * 1024
/** At most this many parts (a bigger document has bigger parts). */
export const MAX_PARTS = 32
/** A kept body is served again while at most this many writes came after its position. */
export const MAX_STALE_WRITES = 256
/** Compressed bodies kept, all rooms together. */
export const DEFAULT_JOIN_CACHE_BYTES = 64 * 1024 * 1024
/** Brotli quality: 9 compresses the five-year partnership to 0.59 MB in about 0.5 s off the event loop (11 would take 23 s). */
const BROTLI_QUALITY = 9

type Encoding = 'br' | 'gzip'

export interface JoinServiceConfig {
  readonly store: RoomStore
  readonly log: Logger
  readonly rooms: Rooms
  readonly metrics: Metrics
  readonly limits: EndpointLimits
  /** Bytes of compressed bodies kept (DEFAULT_JOIN_CACHE_BYTES). */
  readonly cacheBytes?: number
}

const JOIN_PATH = /^\/join\/([^/]+)$/

const CORS_HEADERS = READ_CORS_HEADERS

export function createJoinService(config: JoinServiceConfig): { handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean } {
  const { store, log, limits, rooms, metrics } = config
  const authorise = roomProofCheck(store, log, 'join')
  const bodies = new JoinBodies(config.cacheBytes ?? DEFAULT_JOIN_CACHE_BYTES)

  const route = async (req: IncomingMessage, res: ServerResponse, room: string): Promise<void> => {
    const address = limits.address(req)
    const requestWait = limits.takeRequest(address)
    if (requestWait > 0) throw new HttpError(429, 'too many requests', { 'Retry-After': requestWait })
    if (!isRoomId(room)) throw new HttpError(400, 'malformed room id')
    await checkProofWithin(limits, address, () => authorise(req, room))
    const encoding: Encoding = acceptsBrotli(req.headers['accept-encoding']) ? 'br' : 'gzip'
    let body: JoinBody
    try {
      body = await rooms.whenDurable(room, (doc, position, loaded) => {
        const kept = bodies.current(room, encoding, loaded)
        metrics.httpJoins.inc({ body: kept ? 'kept' : 'new' })
        return kept ?? bodies.start(room, encoding, { position, snapshot: Y.encodeSnapshot(Y.snapshot(doc)) }, planJoin(doc, loaded.bytes), log, loaded.bytes)
      })
    } catch (err) {
      if (err instanceof RoomUnavailable) throw new HttpError(503, err.message, { 'Retry-After': 5 })
      throw err
    }
    res.writeHead(200, {
      ...CORS_HEADERS,
      'Content-Type': JOIN_CONTENT_TYPE,
      'Content-Encoding': encoding,
      'Cache-Control': 'no-store',
      Vary: 'Accept-Encoding',
    })
    body.pipeTo(res, (bytes) => metrics.httpJoinBytesOut.inc(bytes))
  }

  return {
    handle(req, res, url) {
      if (url.pathname !== '/join' && !url.pathname.startsWith('/join/')) return false
      const json = (status: number, value: unknown, headers: Headers = {}): void => sendJson(req, res, status, value, { ...CORS_HEADERS, ...headers })
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS_HEADERS)
        res.end()
        return true
      }
      if (req.method !== 'GET') {
        json(405, { error: 'method not allowed' }, { Allow: 'GET, OPTIONS' })
        return true
      }
      const match = JOIN_PATH.exec(url.pathname)
      if (!match) {
        json(404, { error: 'not found' })
        return true
      }
      const room = match[1]!
      route(req, res, room).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy()
          return
        }
        if (err instanceof HttpError) {
          json(err.status, { error: err.message }, err.headers)
          return
        }
        log.error('join request failed', { room, ...errorFields(err) })
        json(503, { error: 'relay storage unavailable' })
      })
      return true
    },
  }
}

/** Whether an Accept-Encoding header accepts brotli (`br`, not with q=0). */
export function acceptsBrotli(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '')
  return value.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';')
    if (name?.trim().toLowerCase() !== 'br') return false
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean)
    return !q || Number(q[1]) > 0
  })
}

/** How a document is cut into the parts of a join body: how many, and each part encoded when asked for. */
export interface JoinPlan {
  readonly count: number
  /**
   * Part k (0 ≤ k < count) as a V2 update: every struct its clients have in the document now.
   * Asked for one by one while the body is compressed and sent, so a part may hold what its
   * clients wrote after the position (the relay holds that too; the device's socket, resuming from
   * the position, receives it again and ignores it). Clients new since the plan are in no part.
   */
  part(k: number): Uint8Array
}

/**
 * Plans the parts of a join body (V2 updates, see the module comment); `roomBytes`: the room's
 * size, for the number of parts.
 */
export function planJoin(doc: Y.Doc, roomBytes: number): JoinPlan {
  const count = Math.max(1, Math.min(MAX_PARTS, Math.ceil(roomBytes / PART_BYTES)))
  // pending structs or deletions go with every encoding of the document: one part
  if (count === 1 || doc.store.pendingStructs || doc.store.pendingDs) {
    const whole = Y.encodeStateAsUpdateV2(doc)
    return { count: 1, part: () => whole }
  }
  const order = clientsInOrder(doc)
  let structs = 0
  for (const c of order) structs += doc.store.clients.get(c)!.length
  const groups: number[][] = [[]]
  let seen = 0
  for (const c of order) {
    groups[groups.length - 1]!.push(c)
    seen += doc.store.clients.get(c)!.length
    if (seen >= (structs / count) * groups.length && groups.length < count) groups.push([])
  }
  const parts = groups.filter((g) => g.length > 0)
  return {
    count: parts.length,
    part(k) {
      const sv = Y.decodeStateVector(Y.encodeStateVector(doc))
      for (const c of parts[k]!) sv.delete(c)
      return Y.encodeStateAsUpdateV2(doc, Y.encodeStateVector(sv))
    },
  }
}

/** The document's client ids, each after the clients its items build on (iterative depth-first, post-order). */
export function clientsInOrder(doc: Y.Doc): number[] {
  const dependsOn = new Map<number, Set<number>>()
  for (const [client, structs] of doc.store.clients) {
    const deps = new Set<number>()
    for (const s of structs) {
      if (!(s instanceof Y.Item)) continue
      const parentItem = (s.parent as Y.AbstractType<unknown> | null)?._item
      for (const id of [s.origin, s.rightOrigin, parentItem?.id]) if (id && id.client !== client) deps.add(id.client)
    }
    dependsOn.set(client, deps)
  }
  const order: number[] = []
  const visited = new Set<number>()
  for (const start of dependsOn.keys()) {
    if (visited.has(start)) continue
    visited.add(start)
    const stack: { client: number; next: Iterator<number> }[] = [{ client: start, next: dependsOn.get(start)!.values() }]
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const step = top.next.next()
      if (step.done) {
        order.push(top.client)
        stack.pop()
        continue
      }
      const dep = step.value
      if (visited.has(dep) || !dependsOn.has(dep)) continue
      visited.add(dep)
      stack.push({ client: dep, next: dependsOn.get(dep)!.values() })
    }
  }
  return order
}

/** One compressed join body: its chunks so far, streamed to every request that wants it. */
export class JoinBody {
  readonly chunks: Buffer[] = []
  bytes = 0
  isDone = false
  isFailed = false
  private readonly readers = new Set<{ res: ServerResponse; count: (bytes: number) => void }>()

  constructor(
    readonly position: RelayPosition,
    readonly encoding: Encoding,
  ) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.bytes += chunk.byteLength
    for (const r of this.readers) {
      r.count(chunk.byteLength)
      r.res.write(chunk)
    }
  }

  finish(isFailed: boolean): void {
    this.isDone = true
    this.isFailed = isFailed
    for (const r of this.readers) {
      if (isFailed) r.res.destroy()
      else r.res.end()
    }
    this.readers.clear()
  }

  /** Writes what there is and what comes to `res`, and ends it with the body. */
  pipeTo(res: ServerResponse, count: (bytes: number) => void): void {
    for (const chunk of this.chunks) {
      count(chunk.byteLength)
      res.write(chunk)
    }
    if (this.isDone) {
      if (this.isFailed) res.destroy()
      else res.end()
      return
    }
    const reader = { res, count }
    this.readers.add(reader)
    res.on('close', () => this.readers.delete(reader))
  }
}

/** Compressed join bodies by room and encoding, the least recently served dropped first beyond `maxBytes`. */
export class JoinBodies {
  private readonly kept = new Map<string, JoinBody>()

  constructor(private readonly maxBytes: number) {}

  /** A body of the room's epoch that can still be served (being compressed, or done). */
  current(room: string, encoding: Encoding, loaded: Room): JoinBody | undefined {
    const key = `${room} ${encoding}`
    const body = this.kept.get(key)
    if (!body) return undefined
    const { epoch, n } = body.position
    const isCurrent = !body.isFailed && epoch === loaded.epoch && n >= loaded.recentWrites.forgottenThrough && loaded.writeCount - n <= MAX_STALE_WRITES
    this.kept.delete(key)
    if (!isCurrent) return undefined
    this.kept.set(key, body) // most recently served last
    return body
  }

  /**
   * Compresses the parts into a new body, kept once complete: the header and the first part now,
   * each further part in a later turn of the event loop (encoding all of a five-year partnership
   * at once held the first byte back by 0.3–0.5 s). Compression runs off the event loop.
   */
  start(room: string, encoding: Encoding, at: { position: RelayPosition; snapshot: Uint8Array }, plan: JoinPlan, log: Logger, roomBytes = 0): JoinBody {
    const { position } = at
    const body = new JoinBody(position, encoding)
    const key = `${room} ${encoding}`
    this.kept.set(key, body)
    const stream =
      encoding === 'br'
        ? zlib.createBrotliCompress({
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
              [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
              ...(roomBytes > 0 ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: roomBytes } : {}),
            },
          })
        : zlib.createGzip({ level: 6 })
    const flushKind = encoding === 'br' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH
    stream.on('data', (chunk: Buffer) => body.add(chunk))
    const fail = (err: unknown): void => {
      log.error('join body failed', { room, ...errorFields(err) })
      if (this.kept.get(key) === body) this.kept.delete(key)
      if (!body.isDone) body.finish(true)
    }
    stream.on('error', fail)
    stream.on('end', () => {
      body.finish(false)
      this.trim()
    })
    // the header and each part flushed on its own: the device applies a part as soon as its bytes are in
    stream.write(encodeJoinHeader({ position, parts: plan.count, snapshot: at.snapshot }))
    const writePart = (k: number): void => {
      if (stream.destroyed) return
      try {
        stream.write(encodeJoinFrame(plan.part(k)))
      } catch (err) {
        stream.destroy()
        fail(err)
        return
      }
      stream.flush(flushKind)
      if (k + 1 < plan.count) setImmediate(() => writePart(k + 1))
      else stream.end()
    }
    writePart(0)
    return body
  }

  private trim(): void {
    let bytes = 0
    for (const b of this.kept.values()) bytes += b.bytes
    for (const [key, b] of this.kept) {
      if (bytes <= this.maxBytes) break
      if (!b.isDone) continue
      this.kept.delete(key)
      bytes -= b.bytes
    }
  }
}
