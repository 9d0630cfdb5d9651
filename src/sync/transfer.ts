/**
 * The transfer of photos between this device and the relay (`/blobs/<roomId>/<sha256>`,
 * docs/protocol.md "Photos"): the upload queue (kept in IndexedDB, sent when a connection appears,
 * resumed from the relay's offset, retried with backoff) and downloads on request (the hash is
 * checked before anything is kept). Its counts of bytes waiting feed Settings. The HTTP exchanges
 * themselves are in relayHttp.ts; the app's one instance is made in attachments.ts.
 */
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
import { authorizationHeader, deriveToken, parseInviteCode, type DeviceCredential, type Invite } from './wire'
import { decodeDeviceKey } from '../storage/deviceId'
import { PhotoError, type PhotoErrorCode } from './photoError'
import { sha256Hex } from './photoEncoding'
import { Transient, proofHeaders, uploadResumable } from './relayHttp'

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

  /** Uploads one photo from where the relay is; resolves once the relay holds all of it. */
  private async sendOne(row: UploadRow, token: string): Promise<void> {
    const stored = await getBlob(this.db, row.hash)
    if (!stored) {
      // nothing left to send (the bytes were removed from this device)
      await finishUpload(this.db, row.roomId, row.hash)
      return
    }
    await uploadResumable({
      doFetch: this.doFetch,
      url: this.url(row.roomId, row.hash),
      token,
      data: stored.data,
      chunkBytes: this.options.chunkBytes,
      progress: (sent) => this.progress(row, sent),
    })
    await this.done(row)
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
