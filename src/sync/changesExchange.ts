/**
 * Writing and opening changes files for an open partnership document (the format: changesFile.ts).
 *
 * - A file holds the diff against what the partner is known to hold — the state vector of the
 *   last changes file opened here from this partnership (its `holds`) — or the whole partnership
 *   when nothing is known. A diff that misses something the partner lacks is harmless: Yjs keeps
 *   what it cannot place yet, and opening says the file is incomplete.
 * - Opening applies the update as a received update (origin CHANGES_FILE_ORIGIN): stored like an
 *   update from the relay, no history entry of its own, and counted by the connection as a change
 *   the relay does not have yet, so it goes out at the next connection and "Synced" waits for it.
 */
import * as Y from 'yjs'
import { recordsChangedBy, type Arrivals } from '../domain/arrivals'
import { changesFileKey, readChangesFile, writeChangesFile, type ChangesFileError, type FilePhoto } from './changesFile'
import { CHANGES_FILE_ORIGIN } from './fileOrigin'

function schoolIdIn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const id = (value as { id?: unknown }).id
  return typeof id === 'string' && id !== '' ? id : undefined
}

/** The partnership's file key, or undefined while this device has not received the partnership's meta. */
export function partnershipFileKey(doc: Y.Doc, roomId: string): Uint8Array | undefined {
  const meta = doc.getMap('meta')
  const a = schoolIdIn(meta.get('schoolA'))
  const b = schoolIdIn(meta.get('schoolB'))
  return a && b ? changesFileKey(roomId, a, b) : undefined
}

/** What a new file would hold, before it is written (its size is shown first). */
export interface OutgoingChanges {
  /** The update: a diff against `since`, or the whole partnership. */
  readonly update: Uint8Array
  readonly since: Uint8Array
  readonly holds: Uint8Array
  /** True when it is the whole partnership (nothing known about the partner). */
  readonly isWhole: boolean
}

export function outgoingChanges(doc: Y.Doc, partnerHolds: Uint8Array | undefined): OutgoingChanges {
  const holds = Y.encodeStateVector(doc)
  if (!partnerHolds) return { update: Y.encodeStateAsUpdate(doc), since: new Uint8Array(0), holds, isWhole: true }
  return { update: Y.encodeStateAsUpdate(doc, partnerHolds), since: partnerHolds, holds, isWhole: false }
}

/** The file's text; undefined while this device has no file key (the partnership has not arrived). */
export function changesFileText(doc: Y.Doc, roomId: string, device: string, changes: OutgoingChanges, photos: readonly FilePhoto[], now: Date = new Date()): string | undefined {
  const key = partnershipFileKey(doc, roomId)
  if (!key) return undefined
  return writeChangesFile({ roomId, createdAt: now.toISOString(), device, holds: changes.holds, since: changes.since, update: changes.update, photos }, key)
}

export type OpenChangesError = ChangesFileError | 'notReady'

export type OpenChangesResult =
  | {
      readonly ok: true
      readonly arrived: Arrivals
      /** What the sender held when it wrote the file: what the partner is known to hold from now on. */
      readonly holds: Uint8Array
      readonly createdAt: string
      /** The device that wrote it ('' when unknown): a file made on this device tells nothing about the partner. */
      readonly device: string
      readonly photos: readonly FilePhoto[]
      /** Part of the file waits for changes this device has not received (an earlier file is missing). */
      readonly isIncomplete: boolean
    }
  | { readonly ok: false; readonly error: OpenChangesError }

/** Checks a changes file and, only when it is sound, merges it into `doc`. */
export function openChangesFile(doc: Y.Doc, roomId: string, input: string | Uint8Array): OpenChangesResult {
  const key = partnershipFileKey(doc, roomId)
  if (!key) return { ok: false, error: 'notReady' }
  const read = readChangesFile(input, roomId, key)
  if (!read.ok) return read
  const { file } = read
  const arrived = recordsChangedBy(doc, () => Y.applyUpdate(doc, file.update, CHANGES_FILE_ORIGIN))
  const isIncomplete = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
  return { ok: true, arrived, holds: file.holds, createdAt: file.createdAt, device: file.device, photos: file.photos, isIncomplete }
}
