/**
 * Photos in a changes file (optional): the letters' photos this device holds go out with the
 * changes when the person asks; those that come in are checked against their hash, kept, and
 * queued for the relay like a photo taken here (the device that took them may not reach it).
 */
import * as Y from 'yjs'
import { digest as sha256 } from 'lib0/hash/sha256'
import { toHexString } from 'lib0/buffer'
import { collection, letterPhotoRefs, type PhotoRef } from '../domain'
import { isPhotoOnDevice, keepPhotoFromFile, photoOnDevice } from '../storage'
import type { FilePhoto } from './changesFile'
import { MAX_PHOTOS_IN_FILE, MAX_PHOTO_IN_FILE_BYTES } from './changesFile'

function photoRefs(doc: Y.Doc): Map<string, PhotoRef> {
  return new Map(letterPhotoRefs(doc).map((p) => [p.hash, p]))
}

/** What the partner school is known to hold of the letters' photos, from the state their last file said they held. */
export interface PartnerPhotos {
  /** Photos of letters their school wrote, whose entry they held: the device that took them has the bytes. */
  readonly known: ReadonlySet<string>
  /** Photos of this school's letters whose entry they held: they may have the bytes (from the relay or an earlier file), or not. */
  readonly maybe: ReadonlySet<string>
}

/**
 * Which photos the partner school holds, by the photo entries of the letters (a letter's `photos`
 * map) that their state vector `holds` covers. Only a photo their own school added is taken as
 * held: the reference alone says nothing about the bytes of a photo taken here. Without `holds`
 * or without knowing this device's school, nothing is known.
 */
export function partnerPhotos(doc: Y.Doc, holds: Uint8Array | undefined, mySchoolId: string | undefined): PartnerPhotos {
  const known = new Set<string>()
  const maybe = new Set<string>()
  if (!holds) return { known, maybe }
  let vector: Map<number, number>
  try {
    vector = Y.decodeStateVector(holds)
  } catch {
    return { known, maybe }
  }
  for (const letter of collection(doc, 'letters').values()) {
    if (!(letter instanceof Y.Map)) continue
    const photos = letter.get('photos')
    if (!(photos instanceof Y.Map)) continue
    const isTheirs = mySchoolId !== undefined && typeof letter.get('fromSchoolId') === 'string' && letter.get('fromSchoolId') !== mySchoolId
    for (const [hash, item] of photos._map) {
      if (item.deleted || (vector.get(item.id.client) ?? 0) <= item.id.clock) continue
      ;(isTheirs ? known : maybe).add(hash)
    }
  }
  for (const hash of known) maybe.delete(hash)
  return { known, maybe }
}

/**
 * The letters' photos on this device that a file may carry (at most MAX_PHOTOS_IN_FILE), without
 * reading their bytes; those in `skip` (the partner is known to hold them) are left out.
 */
export async function photosForFileInfo(doc: Y.Doc, skip: ReadonlySet<string> = new Set()): Promise<PhotoRef[]> {
  const out: PhotoRef[] = []
  for (const ref of photoRefs(doc).values()) {
    if (out.length >= MAX_PHOTOS_IN_FILE) break
    if (skip.has(ref.hash)) continue
    if (ref.bytes <= MAX_PHOTO_IN_FILE_BYTES && (await isPhotoOnDevice(ref.hash))) out.push(ref)
  }
  return out
}

/** The letters' photos on this device (at most MAX_PHOTOS_IN_FILE), with their bytes; those in `skip` left out. */
export async function photosForFile(doc: Y.Doc, skip: ReadonlySet<string> = new Set()): Promise<FilePhoto[]> {
  const out: FilePhoto[] = []
  for (const ref of photoRefs(doc).values()) {
    if (out.length >= MAX_PHOTOS_IN_FILE) break
    if (skip.has(ref.hash)) continue
    const row = await photoOnDevice(ref.hash)
    if (row && row.data.byteLength <= MAX_PHOTO_IN_FILE_BYTES) out.push({ hash: ref.hash, type: ref.type, data: new Uint8Array(row.data) })
  }
  return out
}

/** Keeps the photos a file brought whose bytes match their hash and that a letter names; returns how many. */
export async function keepPhotosFromFile(doc: Y.Doc, roomId: string, photos: readonly FilePhoto[]): Promise<number> {
  const refs = photoRefs(doc)
  let kept = 0
  for (const p of photos) {
    const ref = refs.get(p.hash)
    if (!ref || toHexString(sha256(p.data)) !== p.hash) continue
    await keepPhotoFromFile(roomId, { hash: p.hash, type: ref.type, bytes: p.data.byteLength, width: ref.width, height: ref.height }, p.data)
    kept++
  }
  return kept
}
