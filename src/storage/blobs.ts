/**
 * Photos on this device: their bytes by content hash, and the queue of uploads to the relay.
 * Both live in the registry (IndexedDB), so closing the app in the middle of an upload loses
 * nothing: the queue is read again on the next start and resumes from the relay's offset.
 *
 * A photo and its upload are stored in one transaction: there is never a queued upload without
 * its bytes, nor (for a photo taken here) bytes that nobody will send.
 */
import type { BlobRow, ScholenbandDb, UploadRow } from './db'
import { sniffImageType } from '../domain/imageType'
import { isQuotaError } from './health'

export interface StoredPhotoMeta {
  readonly hash: string
  readonly type: string
  readonly bytes: number
  readonly width: number
  readonly height: number
}

/** The device is out of space (IndexedDB's QuotaExceededError). Nothing was stored. */
export class StorageFullError extends Error {
  constructor() {
    super('storage full')
    this.name = 'StorageFullError'
  }
}

/** Runs a write; a full disk becomes a StorageFullError the screens can explain. */
async function write<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError()
    throw err
  }
}

function rowOf(meta: StoredPhotoMeta, data: Uint8Array): BlobRow {
  return { ...meta, data, bytes: data.byteLength, storedAt: new Date().toISOString() }
}

/** Keeps a photo's bytes on this device (a photo received from the relay). */
export function putBlob(db: ScholenbandDb, meta: StoredPhotoMeta, data: Uint8Array): Promise<void> {
  return write(async () => {
    await db.blobs.put(rowOf(meta, data))
  })
}

/** Keeps a photo made on this device and queues its upload to the room, in one transaction. */
export function storePhotoForUpload(db: ScholenbandDb, roomId: string, meta: StoredPhotoMeta, data: Uint8Array): Promise<void> {
  return write(() =>
    db.transaction('rw', db.blobs, db.uploads, async () => {
      await db.blobs.put(rowOf(meta, data))
      const existing = await db.uploads.get([roomId, meta.hash])
      if (!existing) await db.uploads.put({ roomId, hash: meta.hash, bytes: data.byteLength, sent: 0, queuedAt: new Date().toISOString() })
    }),
  )
}

export function getBlob(db: ScholenbandDb, hash: string): Promise<BlobRow | undefined> {
  return db.blobs.get(hash)
}

export async function hasBlob(db: ScholenbandDb, hash: string): Promise<boolean> {
  return (await db.blobs.where('hash').equals(hash).count()) > 0
}

/**
 * A Blob for an <img>, from the stored bytes, typed by what the bytes are (sniffImageType), never
 * by the type the document or the row claims. Bytes that are not a JPEG or WebP give `undefined`:
 * no blob, no object URL, the photo is shown as unavailable.
 */
export function blobOf(row: BlobRow): Blob | undefined {
  const data = row.data as Uint8Array<ArrayBuffer>
  const type = sniffImageType(data)
  return type ? new Blob([data], { type }) : undefined
}

/** Uploads still to do, oldest first; of one room, or of all. */
export async function pendingUploads(db: ScholenbandDb, roomId?: string): Promise<UploadRow[]> {
  const rows = roomId === undefined ? await db.uploads.toArray() : await db.uploads.where('roomId').equals(roomId).toArray()
  return rows.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))
}

/** Records how far the relay is with an upload (what its last answer said). */
export async function recordUploadProgress(db: ScholenbandDb, roomId: string, hash: string, sent: number, lastError?: string): Promise<void> {
  await db.uploads.update([roomId, hash], { sent, lastError })
}

/** The relay has the whole photo: the upload is done. The bytes stay on this device. */
export async function finishUpload(db: ScholenbandDb, roomId: string, hash: string): Promise<void> {
  await db.uploads.delete([roomId, hash])
}

/** Bytes the relay does not have yet, over all queued uploads. */
export function bytesWaitingToSend(rows: readonly UploadRow[]): number {
  return rows.reduce((n, r) => n + Math.max(0, r.bytes - r.sent), 0)
}

/** What photos hold on this device: all of them, and those that can be freed (also on the relay). */
export interface PhotoStorage {
  readonly count: number
  readonly bytes: number
  readonly freeableCount: number
  readonly freeableBytes: number
}

/**
 * Counts the photos on this device. A photo can be freed when no upload of it is queued: it came
 * from the relay, or the relay confirmed the whole upload (finishUpload). A photo whose upload is
 * queued exists only here and is never counted as freeable.
 */
export async function photoStorage(db: ScholenbandDb): Promise<PhotoStorage> {
  return db.transaction('r', db.blobs, db.uploads, async () => {
    const queued = new Set((await db.uploads.toArray()).map((u) => u.hash))
    let count = 0
    let bytes = 0
    let freeableCount = 0
    let freeableBytes = 0
    await db.blobs.each((row) => {
      count++
      bytes += row.bytes
      if (!queued.has(row.hash)) {
        freeableCount++
        freeableBytes += row.bytes
      }
    })
    return { count, bytes, freeableCount, freeableBytes }
  })
}

/**
 * Deletes the downloaded photos (those also on the relay; fetched again when someone opens them),
 * never one with a queued upload. One transaction, so a photo queued meanwhile is not touched.
 * Returns what was freed.
 */
export async function freeDownloadedPhotos(db: ScholenbandDb): Promise<{ count: number; bytes: number }> {
  return db.transaction('rw', db.blobs, db.uploads, async () => {
    const queued = new Set((await db.uploads.toArray()).map((u) => u.hash))
    const free: string[] = []
    let bytes = 0
    await db.blobs.each((row) => {
      if (queued.has(row.hash)) return
      free.push(row.hash)
      bytes += row.bytes
    })
    await db.blobs.bulkDelete(free)
    return { count: free.length, bytes }
  })
}
