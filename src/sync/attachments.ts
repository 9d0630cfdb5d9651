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
 *
 * This file is the coordinator and the public face (also through sync/index.ts): encoding and
 * hashing are in photoEncoding.ts, the data saver in dataSaver.ts, the queue in transfer.ts, the
 * HTTP exchanges with the relay in relayHttp.ts, the error codes in photoError.ts.
 */
import type { PhotoRef } from '../domain'
import { registry, type ScholenbandDb } from '../storage/db'
import { defaultRelayUrl } from './connection'
import { relayHttpUrl } from './relayHttp'
import { AttachmentTransfer } from './transfer'

/** What a letter stores for each photo: the domain's type (src/domain/letters.ts). */
export type { PhotoRef }

export * from './photoError'
export * from './photoEncoding'
export * from './dataSaver'
export { relayHttpUrl, proofHeaders } from './relayHttp'
export { AttachmentTransfer, type TransferSnapshot, type TransferOptions } from './transfer'

let shared: AttachmentTransfer | undefined

/** The app's one transfer, for the page's relay; started on first use. */
export function attachmentTransfer(db: ScholenbandDb = registry()): AttachmentTransfer {
  if (!shared) {
    shared = new AttachmentTransfer({ db, baseUrl: relayHttpUrl(defaultRelayUrl()) })
    void shared.start()
  }
  return shared
}
