/**
 * The device registry (Dexie): which partnerships live on this device and how to reach them,
 * who is using the device, its settings, and the outbox of local changes the relay has not
 * acknowledged yet. The partnership documents themselves live in y-indexeddb (see docStore.ts).
 *
 * Traps: Dexie schema versions only grow; add a `.version(n+1)` with an upgrade, never edit one.
 */
import Dexie, { type Table } from 'dexie'
import type { LetterDraft } from '../domain/letters'

export interface PartnershipEntry {
  /** Room id on the relay; also the key of the document in IndexedDB. */
  readonly roomId: string
  /** The invite code (holds room id and secret). Stays on this device. */
  readonly inviteCode: string
  /** Cached from the document's meta, for the list before a document is opened. */
  name: string
  /** How this device got the partnership. */
  readonly origin: 'created' | 'joined'
  /** True once the relay has accepted this room from this device (a join never creates a room). */
  isKnownToRelay: boolean
  /** The school this device speaks for, if chosen. */
  mySchoolId?: string
  readonly addedAt: string
  /** Last time the relay acknowledged everything (ISO), if ever. */
  lastSyncedAt?: string
  /**
   * This device's id in this partnership, for its delivery receipts (`<schoolId>:<deviceId>`);
   * made once, when first needed. Not indexed, so no schema version.
   */
  deviceId?: string
}

export interface SettingRow {
  readonly key: string
  readonly value: unknown
}

export interface OutboxRow {
  id?: number
  readonly roomId: string
  /** A local Yjs update the relay has not acknowledged yet. */
  readonly update: Uint8Array
}

/**
 * A photo (or other attachment) on this device, by the SHA-256 of its bytes. The bytes are kept as
 * a Uint8Array rather than a Blob: some Safari versions failed to store Blobs in IndexedDB.
 */
export interface BlobRow {
  /** SHA-256 of `data`, 64 lowercase hex digits. */
  readonly hash: string
  readonly data: Uint8Array
  /** MIME type, e.g. image/jpeg. */
  readonly type: string
  readonly bytes: number
  readonly width: number
  readonly height: number
  readonly storedAt: string
}

/** An upload to the relay not finished yet; `sent` is how many bytes the relay last said it holds. */
export interface UploadRow {
  readonly roomId: string
  readonly hash: string
  readonly bytes: number
  sent: number
  readonly queuedAt: string
  /** Why the last attempt failed, if it did (a code, not text). */
  lastError?: string
}

/**
 * A letter being written, kept on this device only until it is sent (the partner never sees a
 * draft). Saved as the person types.
 */
export interface DraftRow extends LetterDraft {
  /** A random id, also in the address of the form. */
  readonly id: string
  readonly roomId: string
  /** ISO timestamp of the last save. */
  readonly updatedAt: string
}

export class ScholenbandDb extends Dexie {
  partnerships!: Table<PartnershipEntry, string>
  settings!: Table<SettingRow, string>
  outbox!: Table<OutboxRow, number>
  drafts!: Table<DraftRow, string>
  blobs!: Table<BlobRow, string>
  uploads!: Table<UploadRow, [string, string]>

  constructor(name = 'scholenband') {
    super(name)
    this.version(1).stores({
      partnerships: 'roomId, addedAt',
      settings: 'key',
      outbox: '++id, roomId',
    })
    // photos: blobs by hash, and the uploads still to do (one per room and photo)
    this.version(2).stores({
      blobs: 'hash',
      uploads: '[roomId+hash], roomId',
    })
    // letters being written on this device, until they are sent
    this.version(3).stores({
      drafts: 'id, roomId',
    })
  }
}

let shared: ScholenbandDb | undefined

/** The app's one registry database. */
export function registry(): ScholenbandDb {
  shared ??= new ScholenbandDb()
  return shared
}
