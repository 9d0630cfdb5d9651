/**
 * Where photos live, as the HTTP side (blobs.ts) sees it: the `BlobStore` interface, with its two
 * stores — files under `DATA_DIR/blobs` (fileBlobStore.ts, one relay) and PostgreSQL
 * (pgBlobStore.ts, several relays on one database). Both promise the same: a blob is visible
 * only once complete and hash-checked, and the bytes of an unfinished resumable upload survive a
 * dropped connection and a restart of the relay. Like `RoomStore` in store.ts for the rooms.
 */
import type { Readable } from 'node:stream'

/** Takes the bytes of an upload as they arrive; `write` resolves when it is ready for more. */
export interface BlobSink {
  write(chunk: Buffer): Promise<void>
  /** No more bytes (the body ended or the connection broke): what was written is kept. */
  end(): Promise<void>
}

/** A one-request upload, written where no reader looks. */
export interface WholeUpload extends BlobSink {
  /** Makes the bytes visible as the blob, atomically; called after `end` and after the hash matched. */
  commit(): Promise<void>
  /** Forgets the bytes (refused, cut off or not matching the hash); called after `end`. */
  discard(): Promise<void>
}

/**
 * Where photos live. Rooms and hashes reach it already validated (a room id, 64 lowercase hex).
 * A complete blob never changes and is never partly visible; an unfinished resumable upload is a
 * separate thing, the "partial", that only `completePartial` turns into a blob.
 */
export interface BlobStore {
  /** Size of the complete blob, or undefined while it is not (completely) stored. */
  size(room: string, hash: string): Promise<number | undefined>
  /** The bytes of a complete blob (call `size` first). */
  open(room: string, hash: string): Promise<Readable>
  /** Bytes held by the unfinished resumable upload of this blob; 0 when there is none. */
  partialSize(room: string, hash: string): Promise<number>
  beginWhole(room: string, hash: string): Promise<WholeUpload>
  /**
   * Appends to the partial, which holds `offset` bytes now. A store shared by several relays
   * rejects a write with `UploadConflict` when the partial no longer holds what this upload
   * expects (another relay appended to it or dropped it meanwhile).
   */
  beginAppend(room: string, hash: string, offset: number): Promise<BlobSink>
  /**
   * Every byte of the partial arrived: checks them against the hash and, when they match, makes
   * them the blob, atomically. The partial is gone afterwards either way. Resolves with whether
   * the blob is stored now.
   */
  completePartial(room: string, hash: string): Promise<boolean>
  dropPartial(room: string, hash: string): Promise<void>
  /** Bytes the room holds: its complete blobs and its unfinished resumable uploads. */
  roomBytes(room: string): Promise<number>
  /**
   * Deletes every unfinished upload (and leftover temporary file of a one-request upload) not
   * written to for `olderThanMs`, by the store's own clock; resolves with how many.
   */
  expireUploads(olderThanMs: number): Promise<number>
  close(): Promise<void>
}

/** Another writer changed the partial under this upload; the client asks HEAD and continues. */
export class UploadConflict extends Error {
  constructor() {
    super('the partial upload changed under this one')
  }
}
