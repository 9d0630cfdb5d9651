/**
 * Photos on a data budget. The partnership document holds only a `PhotoRef` (content hash and
 * metadata); the bytes live in the registry on each device (storage/blobs.ts) and on the relay
 * under `/blobs/<roomId>/<sha256>` (docs/protocol.md, "Photos").
 *
 * - `preparePhoto`: on the device, before anything is stored: decode, shrink to 1600 px on the
 *   longest side, encode (WebP where the browser can, else JPEG) lowering the quality until the
 *   file is at most ~200 KB, and hash it.
 * - `AttachmentTransfer`: the upload queue (kept in IndexedDB, sent when a connection appears,
 *   resumed from the relay's offset, retried with backoff) and downloads on request (the hash is
 *   checked before anything is kept). Its counts of bytes waiting feed Settings.
 */
import { digest as lib0Sha256 } from 'lib0/hash/sha256'
import {
  StorageFullError,
  bytesWaitingToSend,
  finishUpload,
  getBlob,
  hasBlob,
  pendingUploads,
  putBlob,
  recordUploadProgress,
  storePhotoForUpload,
} from '../storage/blobs'
import type { PhotoRef } from '../domain'
import type { ScholenbandDb, UploadRow } from '../storage/db'
import { defaultRelayUrl } from './connection'
import { sniffImageType } from '../domain/imageType'
import { authorizationHeader, deriveToken, parseInviteCode, type DeviceCredential, type Invite } from './wire'
import { decodeDeviceKey } from '../storage/deviceId'

/** What a letter stores for each photo: the domain's type (src/domain/letters.ts). */
export type { PhotoRef }

export const MAX_PHOTO_SIDE = 1600
export const TARGET_PHOTO_BYTES = 200 * 1024
/** The relay's default limit: a photo that cannot be made smaller than this is refused here. */
export const MAX_PHOTO_BYTES = 1024 * 1024
/** Qualities tried in turn, highest first. */
export const PHOTO_QUALITIES = [0.82, 0.72, 0.62, 0.52, 0.42] as const
/** When even the lowest quality is too big, the picture shrinks by this factor, down to MIN_SIDE. */
const SHRINK = 0.8
const MIN_SIDE = 480

export type PhotoErrorCode =
  /** The file is not a picture the browser can read. */
  | 'notAnImage'
  /** Even small and at low quality, the photo is larger than the relay accepts. */
  | 'tooLarge'
  /** IndexedDB is full: the photo could not be kept on this device. */
  | 'storageFull'
  /** The relay has no such photo (not sent yet by the other device). */
  | 'notFound'
  /** No connection to the relay. */
  | 'unreachable'
  /** The relay refused this partnership's invite. */
  | 'refused'
  /** What arrived does not match its hash. */
  | 'corrupt'
  /**
   * The relay holds as many photos of this partnership as it allows (507, `MAX_ROOM_BLOB_BYTES`):
   * the photo stays on this device; tried again once per app start, not in a loop.
   */
  | 'quotaFull'

export class PhotoError extends Error {
  constructor(readonly code: PhotoErrorCode) {
    super(`photo: ${code}`)
    this.name = 'PhotoError'
  }
}

// ---------------------------------------------------------------------------------------------
// Hashing

function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

/** SHA-256 as 64 lowercase hex digits: WebCrypto where there is one (secure contexts), else lib0. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle
  if (subtle && typeof subtle.digest === 'function') {
    try {
      return toHex(new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)))
    } catch {
      /* fall through to lib0 */
    }
  }
  return toHex(lib0Sha256(data))
}

// ---------------------------------------------------------------------------------------------
// Size and quality

/** The size that fits within `maxSide` on the longest side, keeping the aspect ratio; never enlarges. */
export function fitWithin(width: number, height: number, maxSide: number = MAX_PHOTO_SIDE): { width: number; height: number } {
  const longest = Math.max(width, height)
  if (longest <= maxSide) return { width, height }
  const scale = maxSide / longest
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

export interface EncodeAttempt {
  readonly width: number
  readonly height: number
  readonly quality: number
}

export interface Encoded {
  readonly blob: Blob
  readonly width: number
  readonly height: number
  readonly quality: number
  /** How many encodings it took. */
  readonly attempts: number
}

/**
 * Encodes at the highest quality that fits `targetBytes`: each quality in turn at the fitted size,
 * then the same at a smaller size, until it fits. Pure apart from `encode` (a canvas in the
 * browser, a fake in tests). Gives the smallest result when nothing fits the target, and throws
 * `tooLarge` when even that is over `hardLimit`.
 */
export async function encodeWithinBudget(
  source: { width: number; height: number },
  encode: (attempt: EncodeAttempt) => Promise<Blob>,
  opts: { maxSide?: number; targetBytes?: number; hardLimit?: number; qualities?: readonly number[]; minSide?: number } = {},
): Promise<Encoded> {
  const targetBytes = opts.targetBytes ?? TARGET_PHOTO_BYTES
  const hardLimit = opts.hardLimit ?? MAX_PHOTO_BYTES
  const qualities = opts.qualities ?? PHOTO_QUALITIES
  const minSide = opts.minSide ?? MIN_SIDE
  let size = fitWithin(source.width, source.height, opts.maxSide ?? MAX_PHOTO_SIDE)
  let smallest: Encoded | undefined
  let attempts = 0
  for (;;) {
    for (const quality of qualities) {
      const blob = await encode({ ...size, quality })
      attempts++
      const result = { blob, ...size, quality, attempts }
      if (blob.size <= targetBytes) return result
      if (!smallest || blob.size < smallest.blob.size) smallest = result
    }
    const longest = Math.max(size.width, size.height)
    if (longest * SHRINK < minSide) break
    size = fitWithin(size.width, size.height, Math.floor(longest * SHRINK))
  }
  if (!smallest || smallest.blob.size > hardLimit) throw new PhotoError('tooLarge')
  return { ...smallest, attempts }
}

// ---------------------------------------------------------------------------------------------
// In the browser: decode, draw, encode

type Canvas = OffscreenCanvas | HTMLCanvasElement

function makeCanvas(width: number, height: number): Canvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height)
  const c = document.createElement('canvas')
  c.width = width
  c.height = height
  return c
}

function canvasToBlob(canvas: Canvas, type: string, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality })
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), type, quality))
}

let webpSupport: Promise<boolean> | undefined

/** Whether the browser's canvas writes WebP (Safari quietly writes PNG instead). */
function canEncodeWebp(): Promise<boolean> {
  webpSupport ??= (async () => {
    const canvas = makeCanvas(1, 1)
    // an OffscreenCanvas without a rendering context refuses to encode at all
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
    if (!ctx) return false
    ctx.fillRect(0, 0, 1, 1)
    return (await canvasToBlob(canvas, 'image/webp', 0.8)).type === 'image/webp'
  })().catch(() => false)
  return webpSupport
}

/**
 * Makes a photo ready for a letter: shrunk, re-encoded within the data budget, hashed. Nothing is
 * stored here; the caller keeps `data` (see `AttachmentTransfer.addPhoto`). Browser only.
 */
export async function preparePhoto(file: Blob): Promise<{ blob: Blob; data: Uint8Array; ref: PhotoRef }> {
  if (file.type && !file.type.startsWith('image/')) throw new PhotoError('notAnImage')
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    throw new PhotoError('notAnImage')
  }
  try {
    const type = (await canEncodeWebp()) ? 'image/webp' : 'image/jpeg'
    const encoded = await encodeWithinBudget({ width: bitmap.width, height: bitmap.height }, async ({ width, height, quality }) => {
      const canvas = makeCanvas(width, height)
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
      if (!ctx) throw new Error('no 2d canvas')
      if (type === 'image/jpeg') {
        // transparent areas would turn black in a JPEG
        ctx.fillStyle = '#fff'
        ctx.fillRect(0, 0, width, height)
      }
      ctx.imageSmoothingQuality = 'high'
      ctx.drawImage(bitmap, 0, 0, width, height)
      return canvasToBlob(canvas, type, quality)
    })
    const data = new Uint8Array(await encoded.blob.arrayBuffer())
    // the type the bytes are, not the one asked for: a letter only ever says JPEG or WebP
    const written = sniffImageType(data)
    if (!written) throw new PhotoError('notAnImage')
    const ref: PhotoRef = { hash: await sha256Hex(data), bytes: data.byteLength, width: encoded.width, height: encoded.height, type: written }
    return { blob: encoded.blob, data, ref }
  } finally {
    bitmap.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Data saver

/** `navigator.connection` (Network Information API, Chromium only). */
export interface ConnectionInfo {
  readonly type?: string
  readonly effectiveType?: string
  readonly saveData?: boolean
}

export function currentConnection(): ConnectionInfo | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { connection?: ConnectionInfo }).connection
}

/** Wi-Fi or a cable, or a fast connection the person did not ask to spare. Unknown counts as metered. */
export function isUnmetered(c: ConnectionInfo | undefined): boolean {
  if (!c || c.saveData === true) return false
  if (c.type === 'wifi' || c.type === 'ethernet') return true
  return c.saveData === false && c.effectiveType === '4g'
}

/** Whether a partner's photo is downloaded without a tap. */
export function shouldAutoDownload(
  settings: { readonly dataSaver: boolean; readonly autoDownloadOnUnmetered: boolean },
  c: ConnectionInfo | undefined = currentConnection(),
): boolean {
  if (!settings.dataSaver) return true
  return settings.autoDownloadOnUnmetered && isUnmetered(c)
}

// ---------------------------------------------------------------------------------------------
// Transfer

/** The relay's http(s) base for a WebSocket address: `wss://host/sync` → `https://host`. */
export function relayHttpUrl(wsUrl: string): string {
  const url = new URL(wsUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol
  url.pathname = url.pathname.replace(/\/sync\/?$/, '').replace(/\/+$/, '')
  url.search = ''
  url.hash = ''
  return url.toString().replace(/\/+$/, '')
}

/**
 * The room proof on an HTTP request to the relay (photos, snapshots): a whole `Authorization` value
 * (`Device <id>.<token>` or `Bearer <token>`, wire.ts `authorizationHeader`), or a bare invite token
 * (sent as `Bearer <token>`).
 */
export function proofHeaders(proof: string): { Authorization: string } {
  return { Authorization: /^(Bearer|Device) /.test(proof) ? proof : `Bearer ${proof}` }
}

export interface TransferSnapshot {
  /** Bytes of photos made here that the relay does not have yet. */
  readonly bytesToSend: number
  /** Bytes of the partner's photos seen in the app but not on this device yet. */
  readonly bytesToReceive: number
  readonly uploadsWaiting: number
  /** Why the last upload attempt failed, until one succeeds. */
  readonly lastError?: PhotoErrorCode
}

export interface TransferOptions {
  readonly db: ScholenbandDb
  /** The relay's http(s) base, without a trailing slash. */
  readonly baseUrl: string
  /** The room proof for a room; by default read from the partnership's invite on this device. */
  readonly tokenFor?: (roomId: string) => Promise<string | undefined>
  readonly fetch?: typeof fetch
  readonly isOnline?: () => boolean
  /** Bytes per upload request (64 KiB). */
  readonly chunkBytes?: number
  /** First retry delay (2 s), doubled per failure up to `maxRetryMs` (5 min), with jitter. */
  readonly retryBaseMs?: number
  readonly maxRetryMs?: number
  readonly random?: () => number
}

/** A failure that will pass (no connection, relay busy): the whole queue waits and retries. */
class Transient extends Error {
  constructor(readonly code: PhotoErrorCode) {
    super(code)
  }
}

const CHUNK_BYTES = 64 * 1024

export class AttachmentTransfer {
  private readonly db: ScholenbandDb
  private readonly options: TransferOptions
  private readonly doFetch: typeof fetch
  private readonly tokens = new Map<string, string>()
  /** Partner photos shown somewhere and not on this device: hash → bytes. */
  private readonly expected = new Map<string, number>()
  private readonly downloads = new Map<string, Promise<void>>()
  private readonly listeners = new Set<() => void>()
  private snapshot: TransferSnapshot = { bytesToSend: 0, bytesToReceive: 0, uploadsWaiting: 0 }
  private uploadRows: UploadRow[] = []
  /** Rooms whose photo quota on the relay was full in this session: their uploads wait for the next start. */
  private readonly fullRooms = new Set<string>()
  private lastError: PhotoErrorCode | undefined
  /** The send loop running now, if any (one at a time). */
  private pumping: Promise<void> | undefined
  private pumpAgain = false
  private failures = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private isDestroyed = false

  constructor(options: TransferOptions) {
    this.options = options
    this.db = options.db
    this.doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline)
  }

  /** Reads the queue left by an earlier session and starts sending. */
  start(): Promise<void> {
    return this.refresh().then(() => this.kick())
  }

  /**
   * Knows this partnership's room proof (an open session); resumes its uploads. With `device` (once
   * the relay has accepted it) the device's own proof is sent, which outlives a replaced invite; a
   * later call without it keeps that proof.
   */
  register(invite: Invite, device?: DeviceCredential): void {
    const known = this.tokens.get(invite.roomId)
    if (device || !known?.startsWith('Device ')) this.tokens.set(invite.roomId, authorizationHeader(invite, device))
    void this.kick()
  }

  /**
   * Keeps a prepared photo on this device and queues it for the relay. Throws `storageFull` when
   * IndexedDB is full: nothing is stored, the caller still holds the photo and may try again.
   */
  async addPhoto(roomId: string, photo: { readonly data: Uint8Array; readonly ref: PhotoRef }): Promise<void> {
    try {
      await storePhotoForUpload(this.db, roomId, photo.ref, photo.data)
    } catch (err) {
      if (err instanceof StorageFullError) throw new PhotoError('storageFull')
      throw err
    }
    await this.refresh()
    void this.kick()
  }

  /** Sends now (after a new photo, a connection, or a tap on Retry). */
  kick(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    return this.pump()
  }

  /** A partner's photo the app shows but this device does not have: counted as waiting to be received. */
  expect(ref: PhotoRef): void {
    if (this.expected.get(ref.hash) === ref.bytes) return
    this.expected.set(ref.hash, ref.bytes)
    this.recompute()
  }

  /** Stops counting a photo (the screen showing it is gone). */
  unexpect(hash: string): void {
    if (this.expected.delete(hash)) this.recompute()
  }

  /**
   * Downloads a photo from the relay, checks its hash and keeps it on this device. Concurrent
   * calls for the same photo share one download. Rejects with a PhotoError.
   */
  fetchPhoto(roomId: string, photo: PhotoRef | string): Promise<void> {
    const ref: PhotoRef = typeof photo === 'string' ? { hash: photo, bytes: 0, width: 0, height: 0, type: 'application/octet-stream' } : photo
    const running = this.downloads.get(ref.hash)
    if (running) return running
    const job = this.download(roomId, ref).finally(() => this.downloads.delete(ref.hash))
    this.downloads.set(ref.hash, job)
    return job
  }

  private async download(roomId: string, ref: PhotoRef): Promise<void> {
    if (await hasBlob(this.db, ref.hash)) {
      this.unexpect(ref.hash)
      return
    }
    const token = await this.token(roomId)
    if (!token) throw new PhotoError('refused')
    let res: Response
    try {
      res = await this.doFetch(this.url(roomId, ref.hash), { headers: proofHeaders(token) })
    } catch {
      throw new PhotoError('unreachable')
    }
    if (res.status === 404) throw new PhotoError('notFound')
    if (res.status === 401 || res.status === 403) throw new PhotoError('refused')
    if (!res.ok) throw new PhotoError('unreachable')
    let data: Uint8Array
    try {
      data = new Uint8Array(await res.arrayBuffer())
    } catch {
      throw new PhotoError('unreachable')
    }
    if ((await sha256Hex(data)) !== ref.hash) throw new PhotoError('corrupt')
    try {
      await putBlob(this.db, ref, data)
    } catch (err) {
      if (err instanceof StorageFullError) throw new PhotoError('storageFull')
      throw err
    }
    this.unexpect(ref.hash)
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getSnapshot = (): TransferSnapshot => this.snapshot

  destroy(): void {
    this.isDestroyed = true
    clearTimeout(this.timer)
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline)
    this.listeners.clear()
  }

  private readonly onOnline = (): void => {
    this.failures = 0
    void this.kick()
  }

  private isOnline(): boolean {
    if (this.options.isOnline) return this.options.isOnline()
    return typeof navigator === 'undefined' || navigator.onLine !== false
  }

  private url(roomId: string, hash: string): string {
    return `${this.options.baseUrl}/blobs/${roomId}/${hash}`
  }

  private async token(roomId: string): Promise<string | undefined> {
    const known = this.tokens.get(roomId)
    if (known) return known
    const found = this.options.tokenFor ? await this.options.tokenFor(roomId) : await this.tokenFromRegistry(roomId)
    if (found) this.tokens.set(roomId, found)
    return found
  }

  private async tokenFromRegistry(roomId: string): Promise<string | undefined> {
    const entry = await this.db.partnerships.get(roomId)
    if (!entry) return undefined
    const parsed = parseInviteCode(entry.inviteCode)
    if (!parsed.ok || parsed.invite.roomId !== roomId) return undefined
    const key = entry.deviceRegisteredAt && entry.deviceId ? decodeDeviceKey(entry.deviceKey) : undefined
    return key && entry.deviceId ? authorizationHeader(parsed.invite, { deviceId: entry.deviceId, key }) : deriveToken(parsed.invite)
  }

  private async refresh(): Promise<void> {
    this.uploadRows = await pendingUploads(this.db)
    this.recompute()
  }

  private recompute(): void {
    let bytesToReceive = 0
    for (const bytes of this.expected.values()) bytesToReceive += bytes
    const next: TransferSnapshot = {
      bytesToSend: bytesWaitingToSend(this.uploadRows),
      bytesToReceive,
      uploadsWaiting: this.uploadRows.length,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    }
    const prev = this.snapshot
    if (
      prev.bytesToSend === next.bytesToSend &&
      prev.bytesToReceive === next.bytesToReceive &&
      prev.uploadsWaiting === next.uploadsWaiting &&
      prev.lastError === next.lastError
    ) {
      return
    }
    this.snapshot = next
    for (const l of this.listeners) l()
  }

  /**
   * Sends the queue, one photo after another; on a passing failure waits and tries again.
   * Resolves when the loop, including a pass asked for while it ran, has finished.
   */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true
      return this.pumping
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false
          try {
            await this.sendQueue()
          } catch {
            // IndexedDB failed under us (closing, evicted): nothing is removed, try again later
            this.lastError = 'unreachable'
            this.recompute()
            this.scheduleRetry()
          }
        } while (this.pumpAgain && !this.isDestroyed)
      } finally {
        this.pumping = undefined
      }
    })()
    return this.pumping
  }

  private async sendQueue(): Promise<void> {
    await this.refresh()
    if (this.isDestroyed || !this.isOnline()) return
    let transient: PhotoErrorCode | undefined
    for (const row of this.uploadRows) {
      if (this.isDestroyed) return
      if (row.lastError === 'tooLarge' || row.lastError === 'corrupt') continue
      if (this.fullRooms.has(row.roomId)) continue
      const token = await this.token(row.roomId)
      if (!token) continue
      try {
        await this.sendOne(row, token)
      } catch (err) {
        if (err instanceof Transient) {
          transient = err.code
          break // the relay or the network is the problem: the rest would fail the same way
        }
        if (err instanceof PhotoError) {
          // the rest of that room's photos would be refused the same way
          if (err.code === 'quotaFull') this.fullRooms.add(row.roomId)
          await recordUploadProgress(this.db, row.roomId, row.hash, row.sent, err.code)
          this.lastError = err.code
          continue
        }
        throw err
      }
    }
    await this.refresh()
    if (transient) {
      this.lastError = transient
      this.recompute()
      this.scheduleRetry()
    } else {
      this.failures = 0
      if (this.uploadRows.every((r) => r.lastError === undefined)) this.lastError = undefined
      this.recompute()
    }
  }

  private scheduleRetry(): void {
    if (this.isDestroyed) return
    const base = this.options.retryBaseMs ?? 2000
    const max = this.options.maxRetryMs ?? 300_000
    const step = Math.min(base * 2 ** this.failures, max)
    this.failures++
    const delay = Math.round(step / 2 + (this.options.random ?? Math.random)() * (step / 2))
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.kick(), delay)
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.doFetch(url, init)
    } catch {
      throw new Transient('unreachable')
    }
  }

  /** Uploads one photo from where the relay is; resolves once the relay holds all of it. */
  private async sendOne(row: UploadRow, token: string): Promise<void> {
    const stored = await getBlob(this.db, row.hash)
    if (!stored) {
      // nothing left to send (the bytes were removed from this device)
      await finishUpload(this.db, row.roomId, row.hash)
      return
    }
    const data = stored.data
    const total = data.byteLength
    const url = this.url(row.roomId, row.hash)
    const auth = proofHeaders(token)
    const head = await this.request(url, { method: 'HEAD', headers: auth })
    let offset: number
    if (head.status === 200) {
      await this.done(row)
      return
    } else if (head.status === 204 || head.status === 404) {
      offset = Number(head.headers.get('Upload-Offset') ?? 0) || 0
    } else {
      throw this.failureOf(head.status)
    }
    if (offset > total) offset = 0
    const chunk = this.options.chunkBytes ?? CHUNK_BYTES
    let mismatches = 0
    // a relay that answers without moving on must not keep us here
    for (let requests = 0; requests < Math.ceil(total / chunk) * 3 + 4; requests++) {
      await this.progress(row, offset)
      // the relay holding every byte unchecked (it stopped before the check) checks them on any
      // chunk: send the last byte
      const start = Math.min(offset, total - 1)
      const end = Math.min(start + chunk, total)
      const res = await this.request(url, {
        method: 'PUT',
        headers: { ...auth, 'Content-Range': `bytes ${start}-${end - 1}/${total}`, 'Content-Type': 'application/octet-stream' },
        body: data.subarray(start, end) as Uint8Array<ArrayBuffer>,
      })
      const relayOffset = Number(res.headers.get('Upload-Offset') ?? NaN)
      if (res.status === 200 || res.status === 201) {
        await this.done(row)
        return
      }
      if (res.status === 204 && Number.isFinite(relayOffset)) {
        offset = relayOffset
        continue
      }
      if (res.status === 409 && Number.isFinite(relayOffset) && !res.headers.get('Retry-After')) {
        offset = relayOffset
        continue
      }
      if (res.status === 422 && mismatches++ === 0) {
        offset = 0 // the relay dropped what it had; once more from the start
        continue
      }
      if (res.status === 422) throw new PhotoError('corrupt')
      throw this.failureOf(res.status)
    }
    throw new Transient('unreachable')
  }

  private failureOf(status: number): Error {
    if (status === 413) return new PhotoError('tooLarge')
    if (status === 507) return new PhotoError('quotaFull')
    // refused or unknown room (a partnership created offline reaches the relay with its first sync):
    // keep the photo and try again later
    if (status === 401 || status === 403) return new Transient('refused')
    return new Transient('unreachable')
  }

  private async progress(row: UploadRow, sent: number): Promise<void> {
    if (row.sent === sent) return
    row.sent = sent
    await recordUploadProgress(this.db, row.roomId, row.hash, sent)
    this.uploadRows = this.uploadRows.map((r) => (r.roomId === row.roomId && r.hash === row.hash ? { ...r, sent } : r))
    this.recompute()
  }

  private async done(row: UploadRow): Promise<void> {
    await finishUpload(this.db, row.roomId, row.hash)
    this.failures = 0
    this.uploadRows = this.uploadRows.filter((r) => !(r.roomId === row.roomId && r.hash === row.hash))
    this.recompute()
  }
}

let shared: AttachmentTransfer | undefined

/** The app's one transfer, for the page's relay; started on first use. */
export function attachmentTransfer(db: ScholenbandDb): AttachmentTransfer {
  if (!shared) {
    shared = new AttachmentTransfer({ db, baseUrl: relayHttpUrl(defaultRelayUrl()) })
    void shared.start()
  }
  return shared
}
