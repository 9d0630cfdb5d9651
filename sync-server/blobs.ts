/**
 * Photos and other attachments: immutable blobs stored by room and SHA-256 content hash, behind
 * the same room proof as the WebSocket (`Authorization: Bearer <token>`, checked against the
 * room's stored verifier). See docs/protocol.md, "Photos".
 *
 *   PUT  /blobs/<roomId>/<sha256-hex>          whole blob in one request
 *   PUT  … with Content-Range: bytes a-b/total one chunk of a resumable upload
 *   HEAD /blobs/<roomId>/<sha256-hex>          200 complete; 204 + Upload-Offset: n partial
 *   GET  /blobs/<roomId>/<sha256-hex>          the blob, immutable
 *
 * On disk: `<dir>/<roomId>/<hash>` only ever appears by rename, after its hash was verified, so
 * a crash never leaves a partial blob under the final name. A one-shot upload streams into
 * `<hash>.tmp-<random>`; a resumable one appends to `<hash>.partial` (kept across restarts, so the
 * upload resumes where the relay's disk says it stopped).
 *
 * Never log the Authorization header.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { TOKEN_PATTERN, constantTimeEqual, deriveVerifier, isRoomId } from '../src/sync/wire'
import { errorFields, type Logger } from './log'
import type { RoomStore } from './store'

export const DEFAULT_MAX_BLOB_BYTES = 1024 * 1024

export interface BlobsConfig {
  /** Folder holding one subfolder per room (`DATA_DIR/blobs`). */
  readonly dir: string
  readonly maxBlobBytes: number
  readonly store: RoomStore
  readonly log: Logger
  /** Told the size of every photo stored. */
  readonly onStored?: (bytes: number) => void
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

type Headers = Record<string, string | number>

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Headers = {},
  ) {
    super(message)
  }
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...(req.method === 'HEAD' ? {} : { 'Content-Length': Buffer.byteLength(text) }),
    ...headers,
  })
  res.end(req.method === 'HEAD' ? undefined : text)
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

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch {
    /* already gone */
  }
}

/**
 * Copies at most `limit` bytes of the request body to `path` (opened with `flags`), hashing what
 * it writes. Resolves with what was written when the body ended; rejects with 413 (or `overLimit`)
 * as soon as more than `limit` bytes arrive, having stopped reading. Bytes written before an
 * aborted request stay in the file (a resumable upload keeps them).
 */
function receiveBody(
  req: IncomingMessage,
  path: string,
  flags: 'w' | 'a',
  limit: number,
  overLimit: HttpError,
): Promise<{ written: number; hash: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { flags })
    const hash = createHash('sha256')
    let written = 0
    let failure: HttpError | undefined
    let isEnded = false
    const finish = (): void => {
      out.end(() => {
        if (failure) reject(failure)
        else resolve({ written, hash: hash.digest('hex'), complete: isEnded })
      })
    }
    const stop = (err: HttpError | undefined): void => {
      if (err && !failure) failure = err
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('aborted', onAborted)
      req.off('close', onAborted)
      req.pause()
      finish()
    }
    const onData = (chunk: Buffer): void => {
      if (written + chunk.length > limit) {
        stop(overLimit)
        return
      }
      written += chunk.length
      hash.update(chunk)
      if (!out.write(chunk)) {
        req.pause()
        out.once('drain', () => req.resume())
      }
    }
    const onEnd = (): void => {
      isEnded = true
      stop(undefined)
    }
    const onAborted = (): void => {
      if (!isEnded) stop(undefined)
    }
    out.on('error', (err) => {
      req.off('data', onData)
      reject(err)
    })
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('aborted', onAborted)
    req.on('close', onAborted)
  })
}

export interface BlobService {
  /** Answers the request when its path is `/blobs/…`; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean
}

export function createBlobService(config: BlobsConfig): BlobService {
  const { dir, maxBlobBytes, store, log } = config
  /** Uploads running now, by room/hash: a second one for the same blob is told to wait (409). */
  const busy = new Set<string>()

  const paths = (room: string, hash: string) => {
    const roomDir = join(dir, room)
    return { roomDir, final: join(roomDir, hash), partial: join(roomDir, `${hash}.partial`) }
  }

  const authorise = async (req: IncomingMessage, room: string): Promise<void> => {
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
      log.info('blob room proof refused', { room })
      throw new HttpError(403, 'invite not valid for this partnership')
    }
  }

  const get = async (req: IncomingMessage, res: ServerResponse, room: string, hash: string): Promise<void> => {
    const p = paths(room, hash)
    const size = await sizeOf(p.final)
    if (size === undefined) {
      if (req.method === 'HEAD') {
        const offset = (await sizeOf(p.partial)) ?? 0
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
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      'Content-Length': size,
      'X-Content-Type-Options': 'nosniff',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const stream = createReadStream(p.final)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  /** Moves a verified file to its final name; `verified` is the hash of what the file holds. */
  const commit = async (from: string, to: string, hash: string, verified: string): Promise<boolean> => {
    if (verified !== hash) {
      await removeQuietly(from)
      return false
    }
    // the data is on disk before the name says it is complete
    const fh = await open(from, 'r+')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(from, to)
    return true
  }

  const putWhole = async (req: IncomingMessage, res: ServerResponse, room: string, hash: string): Promise<void> => {
    const p = paths(room, hash)
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length'])
    if (declared !== undefined && declared > maxBlobBytes) {
      refuseBody(req, res, 413, `larger than ${maxBlobBytes} bytes`)
      return
    }
    const existing = await sizeOf(p.final)
    if (existing !== undefined) {
      // already here (hashed blobs are immutable): nothing to store, nothing more to receive
      answerUnread(req, res, 200, { hash, bytes: existing }, { 'Upload-Offset': existing })
      return
    }
    await mkdir(p.roomDir, { recursive: true })
    const tmp = join(p.roomDir, `${hash}.tmp-${randomBytes(6).toString('hex')}`)
    let received
    try {
      received = await receiveBody(req, tmp, 'w', maxBlobBytes, new HttpError(413, `larger than ${maxBlobBytes} bytes`))
    } catch (err) {
      await removeQuietly(tmp)
      if (err instanceof HttpError && err.status === 413) {
        refuseBody(req, res, 413, err.message)
        return
      }
      throw err
    }
    if (!received.complete) {
      await removeQuietly(tmp)
      res.destroy()
      return
    }
    if (!(await commit(tmp, p.final, hash, received.hash))) throw new HttpError(422, 'content does not match its hash')
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
    const p = paths(room, hash)
    const existing = await sizeOf(p.final)
    if (existing !== undefined) {
      answerUnread(req, res, 200, { hash, bytes: existing }, { 'Upload-Offset': existing })
      return
    }
    const offset = (await sizeOf(p.partial)) ?? 0
    if (offset > total) {
      // a partial longer than the blob claims to be: it cannot be this blob; start again
      await removeQuietly(p.partial)
      refuseBody(req, res, 409, 'start again from 0', { 'Upload-Offset': 0 })
      return
    }
    if (offset === total) {
      // every byte arrived but the relay stopped before checking them (a crash): check now,
      // whatever chunk this is
      if (!(await commit(p.partial, p.final, hash, await hashFile(p.partial)))) {
        refuseBody(req, res, 422, 'content does not match its hash', { 'Upload-Offset': 0 })
        return
      }
      answerUnread(req, res, 201, { hash, bytes: total }, { 'Upload-Offset': total })
      return
    }
    if (start !== offset) {
      refuseBody(req, res, 409, `the relay has ${offset} bytes`, { 'Upload-Offset': offset })
      return
    }
    await mkdir(p.roomDir, { recursive: true })
    const length = end - start + 1
    const received = await receiveBody(req, p.partial, 'a', length, new HttpError(400, 'more bytes than Content-Range says'))
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
    if (!(await commit(p.partial, p.final, hash, await hashFile(p.partial)))) {
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
    await authorise(req, room)
    if (method !== 'PUT') {
      await get(req, res, room, hash)
      return
    }
    const key = `${room}/${hash}`
    if (busy.has(key)) {
      refuseBody(req, res, 409, 'an upload of this blob is running', {
        'Upload-Offset': (await sizeOf(paths(room, hash).partial)) ?? 0,
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
