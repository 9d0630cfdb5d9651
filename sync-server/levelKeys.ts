/**
 * The keys and values the LevelDB store (levelStore.ts) writes beside y-leveldb's own (which all
 * begin with `'v1'` or `'v1_sv'`), and the one y-leveldb entry it writes itself
 * (`stateVectorEntry`). No y-leveldb range and no compaction touches these keys:
 *
 * - Snapshots (snapshots.ts): `['sb_snapshots', room, 'info', id]` (JSON: takenAt, reason, bytes,
 *   fingerprint) and `['sb_snapshots', room, 'update', id]` (the update).
 * - A room created and never written carries `['sb_empty', room]` (its creation time), put with its
 *   verifier and deleted in the batch of its first append: the relay forgets such rooms after
 *   `EMPTY_ROOM_TTL_MS` (emptyRooms.ts) by listing these keys alone.
 * - Devices (devices.ts): `['sb_devices', room, 'device', id]` (JSON: verifier, registeredAt,
 *   lastSeenAt, removedAt, removedBy). A replaced invite is y-leveldb meta like the verifier:
 *   `verifier` and `inviteChanged` ({at, by}) are written in one batch.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type { LevelOp } from 'y-leveldb'
import type { SnapshotChange, SnapshotInfo, SnapshotReason } from './snapshots'
import type { DeviceRecord } from './store'

/** A room's device: `['sb_devices', room, 'device', id]`, JSON without the id. */
export function deviceKey(room: string, id: string): unknown[] {
  return ['sb_devices', room, 'device', id]
}

export function deviceValue(record: DeviceRecord): Buffer {
  const { verifier, registeredAt, lastSeenAt, removedAt, removedBy } = record
  return Buffer.from(JSON.stringify({ verifier, registeredAt, lastSeenAt, removedAt, removedBy }))
}

export function readDeviceRecord(id: string, value: Uint8Array): DeviceRecord | undefined {
  try {
    const v = JSON.parse(Buffer.from(value).toString('utf8')) as Record<string, unknown>
    if (typeof v.verifier !== 'string' || typeof v.registeredAt !== 'number' || typeof v.lastSeenAt !== 'number') return undefined
    return {
      id,
      verifier: v.verifier,
      registeredAt: v.registeredAt,
      lastSeenAt: v.lastSeenAt,
      ...(typeof v.removedAt === 'number' ? { removedAt: v.removedAt } : {}),
      ...(typeof v.removedBy === 'string' ? { removedBy: v.removedBy } : {}),
    }
  } catch {
    return undefined
  }
}

type SnapshotKey = ['sb_snapshots', string, 'info' | 'update', string]

/** A room created and never written: `['sb_empty', room]`, its creation time (ms, as text); deleted by its first append. */
export function emptyKey(room: string): unknown[] {
  return ['sb_empty', room]
}

export function snapshotKey(room: string, part: 'info' | 'update', id: string): SnapshotKey {
  return ['sb_snapshots', room, part, id]
}

/** The LevelDB operations of a snapshot change: put the new one (info and update), delete the dropped ones. */
export function snapshotOps(room: string, change: SnapshotChange): LevelOp[] {
  const ops: LevelOp[] = []
  if (change.add) {
    const { id, takenAt, reason, bytes, fingerprint } = change.add.info
    ops.push({ type: 'put', key: snapshotKey(room, 'update', id), value: Buffer.from(change.add.update) })
    ops.push({ type: 'put', key: snapshotKey(room, 'info', id), value: Buffer.from(JSON.stringify({ takenAt, reason, bytes, fingerprint })) })
  }
  for (const id of change.drop) {
    ops.push({ type: 'del', key: snapshotKey(room, 'info', id) })
    ops.push({ type: 'del', key: snapshotKey(room, 'update', id) })
  }
  return ops
}

export function readSnapshotInfo(id: unknown, value: Uint8Array): SnapshotInfo | undefined {
  try {
    const v = JSON.parse(Buffer.from(value).toString('utf8')) as Record<string, unknown>
    const reason = v.reason
    if (typeof id !== 'string' || typeof v.takenAt !== 'number' || typeof v.bytes !== 'number' || typeof v.fingerprint !== 'string') return undefined
    if (reason !== 'daily' && reason !== 'compaction') return undefined
    return { id, takenAt: v.takenAt, reason: reason satisfies SnapshotReason, bytes: v.bytes, fingerprint: v.fingerprint }
  } catch {
    return undefined
  }
}

/** y-leveldb's state-vector entry: the clock it belongs to, then the state vector of `update`. */
export function stateVectorEntry(clock: number, update: Uint8Array): Buffer {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, clock)
  encoding.writeVarUint8Array(e, Y.encodeStateVectorFromUpdate(update))
  return Buffer.from(encoding.toUint8Array(e))
}
