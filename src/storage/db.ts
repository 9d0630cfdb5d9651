/**
 * The device registry (Dexie): which partnerships live on this device and how to reach them,
 * who is using the device, its settings, and the outbox of local changes the relay has not
 * acknowledged yet. The partnership documents themselves live in y-indexeddb (see docStore.ts).
 *
 * Traps: Dexie schema versions only grow; add a `.version(n+1)` with an upgrade, never edit one.
 */
import Dexie, { type Table } from 'dexie'

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

export class ScholenbandDb extends Dexie {
  partnerships!: Table<PartnershipEntry, string>
  settings!: Table<SettingRow, string>
  outbox!: Table<OutboxRow, number>

  constructor(name = 'scholenband') {
    super(name)
    this.version(1).stores({
      partnerships: 'roomId, addedAt',
      settings: 'key',
      outbox: '++id, roomId',
    })
  }
}

let shared: ScholenbandDb | undefined

/** The app's one registry database. */
export function registry(): ScholenbandDb {
  shared ??= new ScholenbandDb()
  return shared
}
