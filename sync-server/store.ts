/**
 * What the relay keeps, behind one interface: `RoomStore` — each room's update log (load, append,
 * compact; for several relays `readSince` and `heads`), its verifier (never the secret or the
 * token), its invite change, its devices and its snapshots — and the records it holds
 * (`DeviceRecord`, `InviteChange`). Two stores keep the same promises: y-leveldb under DATA_DIR
 * (levelStore.ts, one relay; its own keys in levelKeys.ts) and PostgreSQL (pgStore.ts, several
 * relays on one database). A read that fails throws (`StoreError`), never answers as if the room
 * were empty; an append resolves only once it is written.
 */
import type * as Y from 'yjs'
import type { SnapshotChange, SnapshotStore } from './snapshots'

export interface RoomStore {
  /**
   * The room's document, fully loaded, how many updates its log holds, and its position: the
   * number of the last append in the log (0 for none). Throws when it cannot be read.
   */
  load(room: string): Promise<{ doc: Y.Doc; logLength: number; position: number }>
  /**
   * Appends one update to the room's log; resolves with its position once it is written (for
   * LevelDB with `fsync`, synced). Never called twice at once for a room by one relay.
   */
  append(room: string, update: Uint8Array): Promise<number>
  /**
   * Several relays on one store (PostgreSQL): the updates appended after `position` (by any
   * relay) and the position of the last one. Positions of a room have no gaps.
   */
  readSince?(room: string, position: number): Promise<{ updates: Uint8Array[]; position: number }>
  /** Several relays on one store: the position of each room's last append (rooms never written are absent). */
  heads?(rooms: string[]): Promise<Map<string, number>>
  /**
   * Merges the room's log into one update, atomically: the merged update replaces the last entry
   * and the others are deleted in the same batch, so a crash leaves either the old log or the new.
   * `snapshot` is asked, with the merged update, what to write to the room's snapshots in that
   * same batch (a snapshot of the state before compaction, and pruning).
   */
  compact(room: string, snapshot?: (merged: Uint8Array) => Promise<SnapshotChange | undefined>): Promise<void>
  /** The stored verifier, or undefined for a room never created. Throws when it cannot be read. */
  getVerifier(room: string): Promise<string | undefined>
  /**
   * Creates the room: its verifier, and when it was created (until its first write, see
   * `emptyRoomsCreatedBefore`). Never over a log that already holds updates (PostgreSQL: a room the
   * expiry forgot while another relay wrote it): then nothing is written, and `getVerifier` stays
   * undefined, which the relay reads back as a refused create.
   */
  setVerifier(room: string, verifier: string): Promise<void>
  /**
   * Rooms created (`setVerifier`) before `time` (ms since the epoch) and never written since: at
   * most `limit`. Rooms created before the store recorded creation times are never listed.
   */
  emptyRoomsCreatedBefore?(time: number, limit: number): Promise<string[]>
  /**
   * Forgets a room that was never written: its verifier and everything kept about it go, so its
   * invite joins nothing any more (4404). Does nothing to a room with an update in its log.
   * Resolves with whether the room was forgotten.
   */
  forgetEmptyRoom?(room: string): Promise<boolean>
  /**
   * The invite changed (`PUT /invite`, devices.ts): replaces the room's verifier and records when
   * and by which device, in one write. The room must exist.
   */
  replaceVerifier(room: string, verifier: string, change: InviteChange): Promise<void>
  /** When the invite was last replaced and by which device; undefined when never. */
  getInviteChange(room: string): Promise<InviteChange | undefined>
  /** A registered device of the room (removed ones too), or undefined. Throws when it cannot be read. */
  getDevice(room: string, id: string): Promise<DeviceRecord | undefined>
  /** Every device ever registered in the room, removed ones included, oldest first. */
  listDevices(room: string): Promise<DeviceRecord[]>
  /** Registers a device or rewrites its record (removal). A removal is never undone, `lastSeenAt` never goes back. */
  putDevice(room: string, record: DeviceRecord): Promise<void>
  /** Moves a device's `lastSeenAt` forward to `at` (never back), without touching the rest of its record. */
  touchDevice(room: string, id: string, at: number): Promise<void>
  /** The room was unloaded: drop what the store keeps in memory for it. */
  forget(room: string): void
  /** The rooms' snapshots, when this store keeps them. */
  readonly snapshots?: SnapshotStore
  close(): Promise<void>
}

/** A device registered in a room (devices.ts). Times in ms since the epoch. */
export interface DeviceRecord {
  readonly id: string
  /** deriveVerifier(device token): never the device's key or token. */
  readonly verifier: string
  readonly registeredAt: number
  readonly lastSeenAt: number
  readonly removedAt?: number
  /** The device that removed it. */
  readonly removedBy?: string
}

export interface InviteChange {
  readonly at: number
  /** The device that replaced the invite. */
  readonly by: string
}

export class StoreError extends Error {
  constructor(operation: string, cause?: unknown) {
    super(`storage failed: ${operation}`, cause === undefined ? undefined : { cause })
    this.name = 'StoreError'
  }
}
