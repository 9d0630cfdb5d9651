/**
 * The changes file ("Share changes as a file" / "Open a changes file"): a partnership's Yjs
 * changes carried by hand — a chat app, a USB stick — when the relay cannot be reached.
 * `docs/protocol.md` ("Changes files") describes the same format for other programs; change both
 * together.
 *
 * A JSON text (UTF-8), because phones' share sheets refuse most other file types (Chrome shares
 * only images, media, PDF, plain text, CSV and JSON). It carries the room id, the Yjs update (a
 * diff against what the partner is known to hold, or the whole partnership), the sender's state
 * vector, optional photos, and a proof: HMAC-SHA256 keyed by the partnership's file key, which
 * every member's device derives from the document's `meta` (`changesFileKey`).
 *
 * Pure functions over bytes and text (no DOM, no IndexedDB): runs in the browser and in Node.
 */
import * as Y from 'yjs'
import { fromBase64, toBase64 } from 'lib0/buffer'
import { digest as sha256 } from 'lib0/hash/sha256'
import { DEVICE_ID_PATTERN, constantTimeEqual, isRoomId, toBase64Url } from './wire'

export const CHANGES_FILE_FORMAT = 'scholenband-changes'
/** The version this app writes and the highest it reads. */
export const CHANGES_FILE_VERSION = 1
export const CHANGES_FILE_MIME = 'application/json'
export const CHANGES_FILE_EXTENSION = '.json'
/** A file larger than this is neither written nor read (25 MiB: what e-mail and most chat apps carry). */
export const MAX_CHANGES_FILE_BYTES = 25 * 1024 * 1024
/** At most this many photos in one file. */
export const MAX_PHOTOS_IN_FILE = 200
/** The largest photo in a file: the relay's largest photo (`MAX_BLOB_BYTES`, 1 MiB). */
export const MAX_PHOTO_IN_FILE_BYTES = 1024 * 1024
/** A photo's MIME type as the file may carry it. */
const PHOTO_TYPE = /^image\/(jpeg|webp)$/
/** A photo's content hash: lowercase hex SHA-256. */
const PHOTO_HASH = /^[0-9a-f]{64}$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const PROOF = /^[A-Za-z0-9_-]{43}$/

export interface FilePhoto {
  /** The photo's content hash (as the document names it). */
  readonly hash: string
  readonly type: string
  readonly data: Uint8Array
}

export interface ChangesFileContent {
  readonly roomId: string
  /** ISO time the file was written. */
  readonly createdAt: string
  /** The writing device's id in the partnership (docs/schema.md `devices`), or '' when it has none yet. */
  readonly device: string
  /** The sender's state vector (`Y.encodeStateVector`) when it wrote the file. */
  readonly holds: Uint8Array
  /** The state vector the update is a diff against; empty when it is the whole partnership. */
  readonly since: Uint8Array
  /** A Yjs update (v1 encoding). */
  readonly update: Uint8Array
  readonly photos: readonly FilePhoto[]
}

export type ChangesFileError =
  /** Not a changes file at all (another kind of file, an image, a text). */
  | 'notAFile'
  /** Looks like one but cannot be read, or its proof does not match: changed on the way, or not made in this partnership. */
  | 'damaged'
  /** Written by a newer version of the app. */
  | 'newerVersion'
  /** A changes file of another partnership. */
  | 'otherPartnership'
  /** Larger than MAX_CHANGES_FILE_BYTES. */
  | 'tooLarge'

export type ChangesFileResult = { readonly ok: true; readonly file: ChangesFileContent } | { readonly ok: false; readonly error: ChangesFileError }

const utf8 = new TextEncoder()

/**
 * The partnership's file key: SHA-256("scholenband-changes-key-v1:" ‖ roomId ‖ ":" ‖ schoolA.id ‖ ":" ‖ schoolB.id),
 * the school ids from the document's `meta` (96 random bits each, written when the partnership is
 * created and never changed). Every device holding the partnership has them; someone who knows
 * only the room id does not.
 */
export function changesFileKey(roomId: string, schoolAId: string, schoolBId: string): Uint8Array {
  return sha256(utf8.encode(`scholenband-changes-key-v1:${roomId}:${schoolAId}:${schoolBId}`))
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** HMAC-SHA256 (RFC 2104) with lib0's SHA-256 (WebCrypto is missing outside secure contexts). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = new Uint8Array(64)
  block.set(key.length > 64 ? sha256(key) : key)
  const inner = block.map((b) => b ^ 0x36)
  const outer = block.map((b) => b ^ 0x5c)
  return sha256(concat(outer, sha256(concat(inner, message))))
}

/** The fields of the file as they are written in it (base64 for bytes). */
interface FileFields {
  readonly format: string
  readonly version: number
  readonly room: string
  readonly createdAt: string
  readonly device: string
  readonly holds: string
  readonly since: string
  readonly update: string
  readonly photos: readonly { readonly hash: string; readonly type: string; readonly data: string }[]
}

/** What the proof covers: the fields, one per line, as they appear in the file. */
function signedText(f: FileFields): string {
  const lines = [f.format, String(f.version), f.room, f.createdAt, f.device, f.holds, f.since, f.update, String(f.photos.length)]
  for (const p of f.photos) lines.push(p.hash, p.type, p.data)
  return lines.map((l) => `${l}\n`).join('')
}

function proofOf(key: Uint8Array, f: FileFields): string {
  return toBase64Url(hmacSha256(key, utf8.encode(signedText(f))))
}

/** The file's text. */
export function writeChangesFile(content: ChangesFileContent, key: Uint8Array): string {
  const fields: FileFields = {
    format: CHANGES_FILE_FORMAT,
    version: CHANGES_FILE_VERSION,
    room: content.roomId,
    createdAt: content.createdAt,
    device: content.device,
    holds: toBase64(content.holds),
    since: toBase64(content.since),
    update: toBase64(content.update),
    photos: content.photos.map((p) => ({ hash: p.hash, type: p.type, data: toBase64(p.data) })),
  }
  return JSON.stringify({ ...fields, proof: proofOf(key, fields) })
}

/** The size in bytes of the file `writeChangesFile` writes, without writing it. */
export function changesFileSize(content: Pick<ChangesFileContent, 'holds' | 'since' | 'update'> & { readonly photos: readonly { readonly hash: string; readonly type: string; readonly size: number }[] }): number {
  const b64 = (n: number): number => Math.ceil(n / 3) * 4
  // {"format":…,"version":1,"room":26,"createdAt":24,"device":≤64,"holds":…,"since":…,"update":…,"photos":[…],"proof":43}
  const fixed = 280
  const photos = content.photos.reduce((n, p) => n + 40 + p.hash.length + p.type.length + b64(p.size), 0)
  return fixed + b64(content.holds.length) + b64(content.since.length) + b64(content.update.length) + photos
}

function bytesOf(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || !BASE64.test(value)) return undefined
  return fromBase64(value)
}

function isStateVector(bytes: Uint8Array): boolean {
  try {
    Y.decodeStateVector(bytes)
    return true
  } catch {
    return false
  }
}

function isUpdate(bytes: Uint8Array): boolean {
  try {
    Y.decodeUpdate(bytes)
    return true
  } catch {
    return false
  }
}

function plainObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/**
 * Reads a changes file meant for the partnership `roomId` with file key `key`. Checks, in this
 * order: size, that it is a changes file at all, its version, its room, every field, the proof,
 * and that the update and state vectors decode. Anything wrong gives an error and no content.
 */
export function readChangesFile(input: string | Uint8Array, roomId: string, key: Uint8Array): ChangesFileResult {
  const size = typeof input === 'string' ? input.length : input.byteLength
  if (size > MAX_CHANGES_FILE_BYTES) return { ok: false, error: 'tooLarge' }
  let text: string
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input)
  } catch {
    return { ok: false, error: 'notAFile' }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // a cut or changed file still names its format near the start
    return { ok: false, error: text.slice(0, 200).includes(`"${CHANGES_FILE_FORMAT}"`) ? 'damaged' : 'notAFile' }
  }
  const o = plainObject(parsed)
  if (!o || o.format !== CHANGES_FILE_FORMAT) return { ok: false, error: 'notAFile' }
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) return { ok: false, error: 'damaged' }
  // a newer file may look different in every other way
  if (o.version > CHANGES_FILE_VERSION) return { ok: false, error: 'newerVersion' }
  if (typeof o.room !== 'string' || !isRoomId(o.room)) return { ok: false, error: 'damaged' }
  if (o.room !== roomId) return { ok: false, error: 'otherPartnership' }
  const holds = bytesOf(o.holds)
  const since = bytesOf(o.since)
  const update = bytesOf(o.update)
  if (typeof o.createdAt !== 'string' || Number.isNaN(Date.parse(o.createdAt)) || typeof o.device !== 'string' || (o.device !== '' && !DEVICE_ID_PATTERN.test(o.device)) || !holds || !since || !update) return { ok: false, error: 'damaged' }
  if (!Array.isArray(o.photos) || o.photos.length > MAX_PHOTOS_IN_FILE || typeof o.proof !== 'string' || !PROOF.test(o.proof)) return { ok: false, error: 'damaged' }
  const photoFields: { hash: string; type: string; data: string }[] = []
  const photos: FilePhoto[] = []
  for (const item of o.photos as unknown[]) {
    const p = plainObject(item)
    const data = p ? bytesOf(p.data) : undefined
    if (!p || typeof p.hash !== 'string' || !PHOTO_HASH.test(p.hash) || typeof p.type !== 'string' || !PHOTO_TYPE.test(p.type) || !data || data.byteLength > MAX_PHOTO_IN_FILE_BYTES) return { ok: false, error: 'damaged' }
    photoFields.push({ hash: p.hash, type: p.type, data: p.data as string })
    photos.push({ hash: p.hash, type: p.type, data })
  }
  const fields: FileFields = {
    format: CHANGES_FILE_FORMAT,
    version: o.version,
    room: o.room,
    createdAt: o.createdAt,
    device: o.device,
    holds: o.holds as string,
    since: o.since as string,
    update: o.update as string,
    photos: photoFields,
  }
  if (!constantTimeEqual(proofOf(key, fields), o.proof)) return { ok: false, error: 'damaged' }
  if (!isStateVector(holds) || (since.length > 0 && !isStateVector(since)) || !isUpdate(update)) return { ok: false, error: 'damaged' }
  return { ok: true, file: { roomId: o.room, createdAt: o.createdAt, device: o.device, holds, since, update, photos } }
}

/** The room id a changes file names, read without checking anything else (to route a shared file). */
export function roomOfChangesFile(text: string): string | undefined {
  try {
    const o = plainObject(JSON.parse(text))
    return o && o.format === CHANGES_FILE_FORMAT && typeof o.room === 'string' && isRoomId(o.room) ? o.room : undefined
  } catch {
    return undefined
  }
}
