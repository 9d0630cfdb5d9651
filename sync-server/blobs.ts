/**
 * Photos and other attachments: immutable blobs stored by room and SHA-256 content hash, behind
 * the same room proof as the WebSocket (`Authorization: Bearer <token>`, checked against the
 * room's stored verifier by http.ts, as for snapshots). See docs/protocol.md, "Photos".
 *
 *   PUT  /blobs/<roomId>/<sha256-hex>          whole blob in one request
 *   PUT  … with Content-Range: bytes a-b/total one chunk of a resumable upload
 *   HEAD /blobs/<roomId>/<sha256-hex>          200 complete; 204 + Upload-Offset: n partial
 *   GET  /blobs/<roomId>/<sha256-hex>          the blob, immutable
 *
 * This module is the HTTP side: routing, the room proof, the size limit, the hash of what arrives
 * (read by blobBody.ts) and every status code. Where the bytes live is a `BlobStore`
 * (blobStore.ts: files under `DATA_DIR/blobs` or PostgreSQL); the room's photo quota, its
 * reservations and the expiry of unfinished uploads are blobQuota.ts's.
 *
 * Never log the Authorization header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isRoomId } from '../src/sync/wire'
import { receiveBody } from './blobBody'
import { DEFAULT_BLOB_UPLOAD_TTL_MS, DEFAULT_MAX_ROOM_BLOB_BYTES, createBlobQuota, startUploadExpiry } from './blobQuota'
import { UploadConflict, type BlobStore } from './blobStore'
import { HttpError, checkProofWithin, roomProofCheck, sendJson as sendJsonPlain, type Headers } from './http'
import { errorFields, type Logger } from './log'
import type { RoomStore } from './store'

export const DEFAULT_MAX_BLOB_BYTES = 1024 * 1024

export interface BlobsConfig {
  readonly blobStore: BlobStore
  readonly maxBlobBytes: number
  readonly store: RoomStore
  readonly log: Logger
  /** Told the size of every photo stored. */
  readonly onStored?: (bytes: number) => void
  /** Bytes of photos (complete and unfinished) a room may hold; an upload beyond it is refused with 507. Default DEFAULT_MAX_ROOM_BLOB_BYTES. */
  readonly maxRoomBlobBytes?: number
  /** Unfinished uploads expire after this long without a write; swept at start and every min(ttl, 1 h). 0: never. Default 24 h. */
  readonly uploadTtlMs?: number
  /**
   * The per-address limit on refused proofs, shared with the WebSocket (relay.ts): each 403 here
   * counts against it, and an address over it gets 429 for a refused or missing proof — never for
   * a valid one, which is checked first (http.ts `checkProofWithin`).
   */
  readonly limits?: {
    address(req: IncomingMessage): string
    /** Seconds until this address's refused proofs are answered as such again (429 until then); 0 when they are. */
    refusedWait(address: string): number
    /** Counts one refused proof (403) of this address. */
    refused(address: string): void
    /** Counts one request of this address: 0 when within its limit, else the seconds to wait (429, before any store read). */
    takeRequest?(address: string): number
  }
}

const BLOB_PATH = /^\/blobs\/([^/]+)\/([^/]+)$/
const HASH_PATTERN = /^[0-9a-f]{64}$/
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Range, Content-Type',
  'Access-Control-Expose-Headers': 'Upload-Offset, ETag, Content-Length',
  'Access-Control-Max-Age': '600',
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  sendJsonPlain(req, res, status, body, { ...CORS_HEADERS, ...headers })
}

/**
 * Refuses a request whose body we will not read: the answer goes out, then the connection is
 * closed so the rest of the body is never received (a phone on prepaid data stops sending).
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, error: string, headers: Headers = {}): void {
  answerUnread(req, res, status, { error }, headers)
}

function answerUnread(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  req.pause()
  sendJson(req, res, status, body, { ...headers, Connection: 'close' })
  // give the answer a moment to leave before the socket goes
  res.once('finish', () => setTimeout(() => req.socket.destroy(), 50))
}

export interface BlobService {
  /** Answers the request when its path is `/blobs/…`; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean
}

export function createBlobService(config: BlobsConfig): BlobService {
  const { blobStore, maxBlobBytes, store, log } = config
  /**
   * Uploads running in this process, by room/hash: a second one for the same blob is told to
   * wait (409). Across relays the PostgreSQL store refuses the second writer itself.
   */
  const busy = new Set<string>()

  const authorise = roomProofCheck(store, log, 'blob')
  const quota = createBlobQuota(blobStore, config.maxRoomBlobBytes ?? DEFAULT_MAX_ROOM_BLOB_BYTES)
  const { maxRoomBlobBytes, reserve } = quota

  /** 507 with what the room holds: the photo is not stored, nothing more of it is read. */
  const refuseQuota = (req: IncomingMessage, res: ServerResponse, room: string, usedBytes: number): void => {
    log.info('photo refused: room photo quota full', { room, usedBytes, quotaBytes: maxRoomBlobBytes })
    answerUnread(req, res, 507, { error: "the partnership's photo quota is full", quotaBytes: maxRoomBlobBytes, usedBytes })
  }

  startUploadExpiry(blobStore, config.uploadTtlMs ?? DEFAULT_BLOB_UPLOAD_TTL_MS, log)

  const get = async (req: IncomingMessage, res: ServerResponse, room: string, hash: string): Promise<void> => {
    const size = await blobStore.size(room, hash)
    if (size === undefined) {
      if (req.method === 'HEAD') {
        const offset = await blobStore.partialSize(room, hash)
        if (offset > 0) {
          res.writeHead(204, { ...CORS_HEADERS, 'Upload-Offset': offset, 'Cache-Control': 'no-store' })
          res.end()
          return
        }
        sendJson(req, res, 404, {}, { 'Upload-Offset': 0 })
        return
      }
      throw new HttpError(404, 'no such photo')
    }
    const etag = `"${hash}"`
    const headers: Headers = {
      ...CORS_HEADERS,
      'Cache-Control': 'private, max-age=31536000, immutable',
      ETag: etag,
      'Upload-Offset': size,
    }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': size, 'X-Content-Type-Options': 'nosniff' })
      res.end()
      return
    }
    // opened before the headers go, so a store that cannot read answers 503 rather than a cut body
    const stream = await blobStore.open(room, hash)
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      'Content-Length': size,
      'X-Content-Type-Options': 'nosniff',
    })
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  const putWhole = async (req: IncomingMessage, res: ServerResponse, room: string, hash: string): Promise<void> => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length'])
    if (declared !== undefined && declared > maxBlobBytes) {
      refuseBody(req, res, 413, `larger than ${maxBlobBytes} bytes`)
      return
    }
    const existing = await blobStore.size(room, hash)
    if (existing !== undefined) {
      // already here (hashed blobs are immutable): nothing to store, nothing more to receive
      answerUnread(req, res, 200, { hash, bytes: existing }, { 'Upload-Offset': existing })
      return
    }
    // the declared size is reserved before a byte is read; without one, the largest a photo may be
    // (or what is left of the quota), enforced while reading as the size limit is
    const reservation = await reserve(room, declared ?? maxBlobBytes, declared === undefined)
    if (!reservation.ok) {
      refuseQuota(req, res, room, reservation.usedBytes)
      return
    }
    let received
    try {
      const upload = await blobStore.beginWhole(room, hash)
      const overQuota = new HttpError(507, "the partnership's photo quota is full")
      try {
        received =
          reservation.bytes < maxBlobBytes
            ? await receiveBody(req, upload, reservation.bytes, overQuota)
            : await receiveBody(req, upload, maxBlobBytes, new HttpError(413, `larger than ${maxBlobBytes} bytes`))
      } catch (err) {
        await upload.discard()
        if (err === overQuota) {
          refuseQuota(req, res, room, maxRoomBlobBytes - reservation.bytes)
          return
        }
        if (err instanceof HttpError && err.status === 413) {
          refuseBody(req, res, 413, err.message)
          return
        }
        throw err
      }
      if (!received.complete) {
        await upload.discard()
        res.destroy()
        return
      }
      if (received.hash !== hash) {
        await upload.discard()
        throw new HttpError(422, 'content does not match its hash')
      }
      // stored and counted by the store before the reservation goes, as one step for the quota
      await quota.storing(room, () => upload.commit())
    } finally {
      await reservation.release()
    }
    log.debug('blob stored', { room, bytes: received.written })
    config.onStored?.(received.written)
    sendJson(req, res, 201, { hash, bytes: received.written }, { 'Upload-Offset': received.written })
  }

  const putChunk = async (req: IncomingMessage, res: ServerResponse, room: string, hash: string, range: string): Promise<void> => {
    const m = CONTENT_RANGE.exec(range)
    if (!m) {
      refuseBody(req, res, 400, 'Content-Range must be "bytes <start>-<end>/<total>"')
      return
    }
    const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (total > maxBlobBytes) {
      refuseBody(req, res, 413, `larger than ${maxBlobBytes} bytes`)
      return
    }
    if (!(start <= end && end < total)) {
      refuseBody(req, res, 416, 'Content-Range out of order', { 'Content-Range': `bytes */${total}` })
      return
    }
    const existing = await blobStore.size(room, hash)
    if (existing !== undefined) {
      answerUnread(req, res, 200, { hash, bytes: existing }, { 'Upload-Offset': existing })
      return
    }
    const offset = await blobStore.partialSize(room, hash)
    if (offset > total) {
      // a partial longer than the blob claims to be: it cannot be this blob; start again
      await blobStore.dropPartial(room, hash)
      refuseBody(req, res, 409, 'start again from 0', { 'Upload-Offset': 0 })
      return
    }
    if (offset === total) {
      // every byte arrived but the relay stopped before checking them (a crash): check now,
      // whatever chunk this is
      if (!(await blobStore.completePartial(room, hash))) {
        refuseBody(req, res, 422, 'content does not match its hash', { 'Upload-Offset': 0 })
        return
      }
      answerUnread(req, res, 201, { hash, bytes: total }, { 'Upload-Offset': total })
      return
    }
    // checked on every chunk, before any byte of it is stored: what the room holds (this upload's
    // bytes so far among them) and has promised to running uploads, plus the rest of this photo,
    // which is reserved until this chunk ends
    const reservation = await reserve(room, total - offset)
    if (!reservation.ok) {
      refuseQuota(req, res, room, reservation.usedBytes)
      return
    }
    let received
    try {
      if (start !== offset) {
        refuseBody(req, res, 409, `the relay has ${offset} bytes`, { 'Upload-Offset': offset })
        return
      }
      const length = end - start + 1
      const sink = await blobStore.beginAppend(room, hash, offset)
      received = await receiveBody(req, sink, length, new HttpError(400, 'more bytes than Content-Range says'))
    } catch (err) {
      if (!(err instanceof UploadConflict)) throw err
      // another relay wrote to this upload meanwhile: what it holds now is where to go on from
      const now = await blobStore.partialSize(room, hash)
      refuseBody(req, res, 409, `the relay has ${now} bytes`, { 'Upload-Offset': now })
      return
    } finally {
      // the chunk's bytes are with the store (counted by roomBytes) before the reservation goes
      await reservation.release()
    }
    const now = start + received.written
    if (!received.complete) {
      // the client went away; what arrived stays for the next attempt
      res.destroy()
      return
    }
    if (now < total) {
      res.writeHead(204, { ...CORS_HEADERS, 'Upload-Offset': now, 'Cache-Control': 'no-store' })
      res.end()
      return
    }
    if (!(await blobStore.completePartial(room, hash))) {
      throw new HttpError(422, 'content does not match its hash', { 'Upload-Offset': 0 })
    }
    log.debug('blob stored', { room, bytes: total, resumable: true })
    config.onStored?.(total)
    sendJson(req, res, 201, { hash, bytes: total }, { 'Upload-Offset': total })
  }

  const route = async (req: IncomingMessage, res: ServerResponse, room: string, hash: string): Promise<void> => {
    const method = req.method ?? 'GET'
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS)
      res.end()
      return
    }
    if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
      refuseBody(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD, PUT, OPTIONS' })
      return
    }
    if (!isRoomId(room)) throw new HttpError(400, 'malformed room id')
    if (!HASH_PATTERN.test(hash)) throw new HttpError(400, 'malformed hash: 64 lowercase hex digits of SHA-256')
    const limits = config.limits
    const address = limits?.address(req)
    const requestWait = address === undefined ? 0 : (limits!.takeRequest?.(address) ?? 0)
    if (requestWait > 0) throw new HttpError(429, 'too many requests', { 'Retry-After': requestWait })
    // the proof first: a valid one passes whatever others behind the address did (http.ts)
    await checkProofWithin(limits, address, () => authorise(req, room))
    if (method !== 'PUT') {
      await get(req, res, room, hash)
      return
    }
    const key = `${room}/${hash}`
    if (busy.has(key)) {
      refuseBody(req, res, 409, 'an upload of this blob is running', {
        'Upload-Offset': await blobStore.partialSize(room, hash),
        'Retry-After': 5,
      })
      return
    }
    busy.add(key)
    try {
      const range = req.headers['content-range']
      if (range === undefined) await putWhole(req, res, room, hash)
      else await putChunk(req, res, room, hash, range)
    } finally {
      busy.delete(key)
    }
  }

  return {
    handle(req, res, url) {
      const match = BLOB_PATH.exec(url.pathname)
      if (!match && url.pathname !== '/blobs' && !url.pathname.startsWith('/blobs/')) return false
      if (!match) {
        if (req.method === 'PUT') refuseBody(req, res, 404, 'not found')
        else sendJson(req, res, 404, { error: 'not found' })
        return true
      }
      const [, room, hash] = match as unknown as [string, string, string]
      route(req, res, room, hash).catch((err: unknown) => {
        if (err instanceof HttpError) {
          if (req.method === 'PUT' && !req.complete) refuseBody(req, res, err.status, err.message, err.headers)
          else sendJson(req, res, err.status, { error: err.message }, err.headers)
          return
        }
        log.error('blob request failed', { room, method: req.method, ...errorFields(err) })
        if (req.method === 'PUT' && !req.complete) refuseBody(req, res, 503, 'relay storage unavailable')
        else sendJson(req, res, 503, { error: 'relay storage unavailable' })
      })
      return true
    },
  }
}
