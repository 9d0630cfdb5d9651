/**
 * The relay's acknowledgement (message 100) on the wire, and the relay position a device resumes
 * from: part of the wire format of wire.ts (which re-exports all of it), kept apart so that each
 * file stays readable. `docs/protocol.md` ("Acknowledgements", "Resuming from a relay position")
 * describes the same bytes; change both together.
 *
 * An ack is `varUint 100`, `varUint8Array` of a Yjs snapshot (`Y.encodeSnapshot`), then — from
 * relays that keep positions — the position the ack covers (`varString` epoch, `varUint` n) and
 * `varUint` since: 0 when the snapshot is whole, k + 1 when it holds only what changed after the
 * relay's position (epoch, k). A reader that stops after the snapshot (older apps) still works.
 *
 * Pure functions over bytes, no imports from the rest of the app: used by the app and the relay.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'

/** The relay's acknowledgement: what it has stored durably (a Yjs snapshot: state vector + delete set). */
export const MESSAGE_RELAY_ACK = 100

/**
 * From the relay to a socket it resumed: its sync step 1 as a state-vector delta after the
 * position — varString epoch, varUint n, varUint8Array `Y.encodeStateVector` of the clients whose
 * clock moved after n, each with its clock now. The client answers with a sync step 2 (type 0)
 * against the state vector it remembered for (epoch, n) joined with these entries.
 */
export const MESSAGE_SYNC_STEP1_SINCE = 103

/**
 * Prefix of the subprotocol a device offers to resume from a relay position: `sb.at.<epoch>.<n>`,
 * the position of the last acknowledgement it remembers (and whose deletions its document holds).
 */
export const POSITION_PREFIX = 'sb.at.'

/** An epoch: 16 lowercase hex digits (64 random bits), made each time a relay loads a room. */
export const EPOCH_PATTERN = /^[0-9a-f]{16}$/

/**
 * A position in one loaded room on one relay: its epoch (random, new on every load of the room,
 * so a restarted relay or another relay instance never shares one) and how many writes reached
 * the room's document since that load.
 */
export interface RelayPosition {
  readonly epoch: string
  readonly n: number
}

export interface RelayAck {
  readonly snapshot: Y.Snapshot
  /** The position the ack covers; absent from relays that keep no positions. */
  readonly position?: RelayPosition
  /**
   * Absent: the snapshot is whole (everything the room holds). Set: the snapshot holds only what
   * changed after the position (position.epoch, since) — to be merged with what was known there.
   */
  readonly since?: number
}

export function newEpoch(): string {
  const b = new Uint8Array(8)
  globalThis.crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

export function positionSubprotocol(position: RelayPosition): string {
  return `${POSITION_PREFIX}${position.epoch}.${position.n}`
}

const POSITION_SUBPROTOCOL = /^sb\.at\.([0-9a-f]{16})\.(0|[1-9][0-9]{0,15})$/

/** Reads `sb.at.<epoch>.<n>`; undefined when it is anything else (a malformed position is no position). */
export function readPositionSubprotocol(protocol: string): RelayPosition | undefined {
  const m = POSITION_SUBPROTOCOL.exec(protocol)
  if (!m) return undefined
  const n = Number(m[2])
  return Number.isSafeInteger(n) ? { epoch: m[1]!, n } : undefined
}

/** Encodes the relay's acknowledgement of a durable state; `since` only with a position (a delta after (epoch, since)). */
export function encodeAck(snapshot: Y.Snapshot, position?: RelayPosition, since?: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_RELAY_ACK)
  encoding.writeVarUint8Array(e, Y.encodeSnapshot(snapshot))
  if (position) {
    encoding.writeVarString(e, position.epoch)
    encoding.writeVarUint(e, position.n)
    encoding.writeVarUint(e, since === undefined ? 0 : since + 1)
  }
  return encoding.toUint8Array(e)
}

/** The relay's sync step 1 after a position (MESSAGE_SYNC_STEP1_SINCE). */
export function encodeSyncStep1Since(position: RelayPosition, moved: Map<number, number>): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC_STEP1_SINCE)
  encoding.writeVarString(e, position.epoch)
  encoding.writeVarUint(e, position.n)
  encoding.writeVarUint8Array(e, Y.encodeStateVector(moved))
  return encoding.toUint8Array(e)
}

/** Reads a sync step 1 after a position (after the message type). Throws on garbage. */
export function readSyncStep1Since(decoder: decoding.Decoder): { position: RelayPosition; moved: Map<number, number> } {
  const epoch = decoding.readVarString(decoder)
  const n = decoding.readVarUint(decoder)
  const moved = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
  return { position: { epoch, n }, moved }
}

/** Reads the snapshot of an ack (after the message type), ignoring what follows. Throws on garbage. */
export function readAckBody(decoder: decoding.Decoder): Y.Snapshot {
  return Y.decodeSnapshot(decoding.readVarUint8Array(decoder))
}

/**
 * Reads an ack (after the message type). Throws when the snapshot is garbage; a position that
 * cannot be read (or is not one) is left out, and the ack counts as one without a position.
 */
export function readAck(decoder: decoding.Decoder): RelayAck {
  const snapshot = readAckBody(decoder)
  if (!decoding.hasContent(decoder)) return { snapshot }
  try {
    const epoch = decoding.readVarString(decoder)
    const n = decoding.readVarUint(decoder)
    const since = decoding.readVarUint(decoder)
    if (!EPOCH_PATTERN.test(epoch) || !Number.isSafeInteger(n) || since > n + 1) return { snapshot }
    return since === 0 ? { snapshot, position: { epoch, n } } : { snapshot, position: { epoch, n }, since: since - 1 }
  } catch {
    return { snapshot }
  }
}

/** What the relay has acknowledged, for an update: its structs and deletions, without content. */
export function snapshotOfUpdate(update: Uint8Array): Y.Snapshot {
  // `to` is where each client's structs in this update end. Claiming everything below it is
  // sound for the relay's own update events: Yjs only integrates a struct after all earlier
  // structs of its client (later ones wait in `pendingStructs` and are not in the event).
  // (`encodeStateVectorFromUpdate` is no help here: it reports 0 for updates not starting at 0.)
  const { ds } = Y.decodeUpdate(update)
  const { to } = Y.parseUpdateMeta(update)
  return Y.createSnapshot(ds, to)
}

/** Joins two acknowledged states into one (the union of both). */
export function mergeSnapshots(a: Y.Snapshot, b: Y.Snapshot): Y.Snapshot {
  const sv = new Map(a.sv)
  for (const [client, clock] of b.sv) sv.set(client, Math.max(clock, sv.get(client) ?? 0))
  return Y.createSnapshot(Y.mergeDeleteSets([a.ds, b.ds]), sv)
}
