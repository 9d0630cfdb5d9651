/**
 * What a partnership's photos may take on the relay: the per-room quota (507 beyond it, answered
 * by blobs.ts) with its reservations against parallel uploads, and the expiry of unfinished
 * resumable uploads (`uploadTtlMs`).
 *
 * Reservations: bytes promised to the uploads running in this process, by room. An upload
 * reserves its declared size (Content-Length, or for a chunk of a resumable upload the rest of the
 * photo: Content-Range total minus what the relay holds) before it reads a byte, an upload without
 * a declared size the largest a photo may be; the reservation goes when the upload ends. Reading
 * what the room holds, checking, and reserving run under a per-room lock, as do storing a photo
 * and giving its reservation back, so bytes are always counted once or twice, never not at all:
 * forty parallel uploads cannot all pass a check that each would pass alone. Several relays
 * (PostgreSQL) each keep their own reservations, so the room can pass its quota by what the other
 * relays have under way.
 */
import type { BlobStore } from './blobStore'
import { keyedLock } from './keyedLock'
import { errorFields, type Logger } from './log'

/**
 * 256 MiB of photos per partnership: about 1,300 photos as the app makes them (~200 KB each), a
 * few a week for five years; what one member can make every new device of the room able to fetch.
 */
export const DEFAULT_MAX_ROOM_BLOB_BYTES = 256 * 1024 * 1024
/** An unfinished resumable upload not written to for this long is deleted (24 h). */
export const DEFAULT_BLOB_UPLOAD_TTL_MS = 24 * 3_600_000

export type Reservation = { ok: true; bytes: number; release: () => Promise<void> } | { ok: false; usedBytes: number }

export interface BlobQuota {
  readonly maxRoomBlobBytes: number
  /**
   * Reserves `want` bytes of the room's quota (at most what is left when `upTo`): resolves with the
   * bytes reserved and a `release` to call once the upload ended (after its bytes were stored), or
   * with what the room holds and has promised when `want` does not fit.
   */
  reserve(room: string, want: number, upTo?: boolean): Promise<Reservation>
  /** Runs `store` (making a photo's bytes count in `roomBytes`) under the room's quota lock, before its reservation goes. */
  storing<T>(room: string, store: () => Promise<T>): Promise<T>
}

export function createBlobQuota(blobStore: BlobStore, maxRoomBlobBytes: number): BlobQuota {
  const reserved = new Map<string, number>()
  const withQuotaLock = keyedLock()
  return {
    maxRoomBlobBytes,
    reserve: (room, want, upTo = false) =>
      withQuotaLock(room, async (): Promise<Reservation> => {
        const used = (await blobStore.roomBytes(room)) + (reserved.get(room) ?? 0)
        const left = Math.max(0, maxRoomBlobBytes - used)
        if (want > left && !upTo) return { ok: false as const, usedBytes: used }
        const bytes = Math.min(want, left)
        reserved.set(room, (reserved.get(room) ?? 0) + bytes)
        let isReleased = false
        const release = (): Promise<void> =>
          withQuotaLock(room, async () => {
            if (isReleased) return
            isReleased = true
            const rest = (reserved.get(room) ?? 0) - bytes
            if (rest > 0) reserved.set(room, rest)
            else reserved.delete(room)
          })
        return { ok: true as const, bytes, release }
      }),
    storing: (room, store) => withQuotaLock(room, store),
  }
}

/** Deletes unfinished uploads not written to for `ttlMs`: at start, then every min(ttl, 1 h). 0: never. */
export function startUploadExpiry(blobStore: BlobStore, ttlMs: number, log: Logger): void {
  if (ttlMs <= 0) return
  const sweep = (): void => {
    blobStore.expireUploads(ttlMs).then(
      (n) => {
        if (n > 0) log.info('unfinished photo uploads expired', { uploads: n })
      },
      (err: unknown) => log.warn('expiring unfinished photo uploads failed', errorFields(err)),
    )
  }
  sweep()
  setInterval(sweep, Math.min(ttlMs, 3_600_000)).unref()
}
