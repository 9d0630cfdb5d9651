/**
 * The device registry (Dexie): which partnerships live on this device and how to reach them,
 * who is using the device, its settings, and the outbox of local changes the relay has not
 * acknowledged yet. The partnership documents themselves live in y-indexeddb (see docStore.ts).
 *
 * Traps: Dexie schema versions only grow; add a `.version(n+1)` with an upgrade, never edit one.
 */
import Dexie, { type Table, type Transaction } from 'dexie'
import { randomId } from '../domain/ids'
import type { LetterDraft } from '../domain/letters'
import type { RelayPositionRow } from './relayPosition'

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
   * This device's id in this partnership, for its delivery receipts (`<schoolId>:<deviceId>`) and
   * on every edit (`<x>On`); made once, when first needed (deviceId.ts). Not indexed, so no schema version.
   */
  deviceId?: string
  /**
   * Set when the partnership was joined on this device: on opening it asks at once who is using
   * the device (as well as which school it speaks for), and clears this once a person is chosen.
   */
  askPerson?: boolean
  /**
   * This device's own key in this partnership (DEVICE_KEY_BYTES random bytes, base64url), made on
   * the first connection (deviceId.ts `ensureDeviceCredential`). Never leaves the device: the relay
   * gets a token derived from it (wire.ts `deriveDeviceToken`). Not indexed, so no schema version.
   */
  deviceKey?: string
  /** ISO time the relay first accepted this device's own proof: from then on HTTP requests send it too. */
  deviceRegisteredAt?: string
  /**
   * When this device got the invite code it holds (ISO; the relay's `inviteChangedAt` when this
   * device made it). A relay saying the invite changed later means the code here was replaced.
   * Absent on entries from before: `addedAt` stands in.
   */
  inviteSetAt?: string
  /** ISO time the relay said this device was removed from the partnership (close 4403 `removed`). */
  removedAt?: string
}

/** What a person does at the school; shown beside the name, translated. */
export const PERSON_ROLES = ['teacher', 'head', 'coordinator', 'other'] as const
export type PersonRole = (typeof PERSON_ROLES)[number]

/** A PIN as stored: PBKDF2 (SHA-256) of the digits with a random salt, never the digits. */
export interface PinHash {
  /** Random salt, hex. */
  readonly salt: string
  /** The derived 256 bits, hex. */
  readonly hash: string
  readonly iterations: number
}

/**
 * A person who uses this device (a shared phone has several). Device-local: the partnership
 * document only ever sees the name and the id, written into the records this person changes.
 */
export interface PersonRow {
  /** Random, never shown; written as `<x>ById` on the records this person changes. */
  readonly id: string
  name: string
  role: PersonRole
  readonly createdAt: string
  /** Set when the person chose a PIN. */
  pin?: PinHash
  /** Wrong PINs entered since the last right one. */
  pinFailures?: number
  /** ISO time before which no PIN is checked (after a few wrong ones). */
  pinWaitUntil?: string
}

/** The settings key holding the id of the person using the device now. */
export const CURRENT_PERSON_KEY = 'currentPersonId'

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
  /**
   * The person who writes it; only they see it. Absent on drafts written before people existed
   * and nobody had a name on the device: the first person chosen takes them.
   */
  readonly personId?: string
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
  people!: Table<PersonRow, string>
  /** Per partnership: the relay's position this device can resume from (relayPosition.ts). */
  relayPositions!: Table<RelayPositionRow, string>

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
    // the people who share this device; each draft belongs to the person who writes it
    this.version(4)
      .stores({
        people: 'id, createdAt',
        drafts: 'id, roomId, personId, [roomId+personId]',
      })
      .upgrade(peopleFromDisplayName)
    // what this device remembers of the relay, to resume from there on the next connection
    this.version(5).stores({
      relayPositions: 'roomId',
    })
  }
}

/**
 * Version 4: a device that had a "Your name" gets that name as its first person, the one using
 * it now, and its drafts. The old setting goes: the person holds the name from now on.
 */
async function peopleFromDisplayName(tx: Transaction): Promise<void> {
  const settings = tx.table<SettingRow, string>('settings')
  const people = tx.table<PersonRow, string>('people')
  const old = await settings.get('displayName')
  const name = typeof old?.value === 'string' ? old.value.trim() : ''
  const current = await settings.get(CURRENT_PERSON_KEY)
  let currentId = typeof current?.value === 'string' ? current.value : undefined
  if (name && currentId === undefined && (await people.count()) === 0) {
    const person: PersonRow = { id: randomId(), name, role: 'teacher', createdAt: new Date().toISOString() }
    await people.add(person)
    await settings.put({ key: CURRENT_PERSON_KEY, value: person.id })
    currentId = person.id
  }
  if (old) await settings.delete('displayName')
  if (currentId !== undefined) {
    const personId = currentId
    await tx
      .table<DraftRow, string>('drafts')
      .filter((d) => !d.personId)
      .modify((d) => {
        ;(d as { personId?: string }).personId = personId
      })
  }
}

let shared: ScholenbandDb | undefined

/** The app's one registry database. */
export function registry(): ScholenbandDb {
  shared ??= new ScholenbandDb()
  return shared
}
