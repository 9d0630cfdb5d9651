/**
 * Awareness (y-protocols): who else is in the room. The relay keeps every socket's states, sends
 * them to sockets that join later, and forwards each change to the room's sockets — so it bounds
 * what one socket, and all of a room's sockets together, may make it hold and forward.
 */
import type * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { MESSAGE_AWARENESS } from '../src/sync/wire'
import type { Client, Room, RoomsConfig, RoomsContext } from './room'
import type { RelaySocket } from './socket'

/** A stock client's awareness state (a name, a colour, a cursor) is well under 1 KB. */
export const DEFAULT_MAX_AWARENESS_BYTES = 4 * 1024
/** Stock clients renew their state every 15 s and send one on each change (a cursor moving). */
export const DEFAULT_MAX_AWARENESS_PER_10S = 20
/**
 * 64 KiB: the per-socket limits alone let 150 sockets of one address hold 600 KB of states that
 * every joining phone downloads. A stock client's state is tens of bytes (the app sets none), so a
 * room of a hundred of them stays far below.
 */
export const DEFAULT_MAX_ROOM_AWARENESS_BYTES = 64 * 1024
/** Awareness client ids one socket may hold at the relay (a stock client announces one). */
const MAX_AWARENESS_IDS_PER_SOCKET = 4
const AWARENESS_WINDOW_MS = 10_000

/**
 * The room's awareness, with no state of the relay's own: each change is counted
 * (`awarenessBytes`, the ids each socket announced) and forwarded to every socket of the room.
 */
export function createAwareness(ctx: RoomsContext, room: Room, doc: Y.Doc): awarenessProtocol.Awareness {
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  room.awareness = awareness
  awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = [...added, ...updated, ...removed]
    const from = origin instanceof Object ? room.clients.get(origin as RelaySocket) : undefined
    if (from) {
      // copies of the exact size: a push onto an empty array would make room for 16 ids
      for (const id of added) if (!from.awarenessIds?.includes(id)) from.awarenessIds = from.awarenessIds ? from.awarenessIds.concat(id) : [id]
      if (from.awarenessIds && removed.length > 0) from.awarenessIds = from.awarenessIds.filter((id) => !removed.includes(id))
    }
    const states = awareness.getStates()
    for (const id of changed) {
      const state: unknown = states.get(id)
      const bytes = state === undefined ? 0 : Buffer.byteLength(JSON.stringify(state))
      room.awarenessBytes += bytes - (room.awarenessSizes.get(id) ?? 0)
      if (bytes > 0) room.awarenessSizes.set(id, bytes)
      else room.awarenessSizes.delete(id)
    }
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, changed))
    const msg = encoding.toUint8Array(e)
    for (const c of room.clients.values()) ctx.send(c.ws, msg)
  })
  return awareness
}

/** A message with every state the room's awareness holds (to a socket that joins, or asks). */
export function encodeAllStates(awareness: awarenessProtocol.Awareness): Uint8Array {
  const states = awareness.getStates()
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [...states.keys()]))
  return encoding.toUint8Array(e)
}

/** The states a socket announced go when it leaves. */
export function removeClientStates(room: Room, client: Client): void {
  if (room.awareness && client.awarenessIds && client.awarenessIds.length > 0) {
    awarenessProtocol.removeAwarenessStates(room.awareness, [...client.awarenessIds], null)
  }
}

/**
 * Awareness is forwarded to every socket of the room and kept for those that join later, so
 * one socket may not make it costly: a message over `maxAwarenessBytes`, beyond
 * `maxAwarenessPer10s` in a 10 s window, or naming more client ids than a socket may hold is
 * dropped (not applied, not forwarded, not kept). And all sockets together may not either: a
 * message that would take the states the room keeps beyond `maxRoomAwarenessBytes`, or the
 * awareness it forwarded in the last 10 s beyond as much, is dropped too (one that only removes
 * states always passes). `update` undefined: a query, counted only.
 */
export function isAwarenessAllowed(config: RoomsConfig, room: Room, client: Client, update: Uint8Array | undefined): boolean {
  const now = Date.now()
  if (client.awarenessWindowAt === undefined || now - client.awarenessWindowAt >= AWARENESS_WINDOW_MS) {
    client.awarenessWindowAt = now
    client.awarenessInWindow = 0
  }
  client.awarenessInWindow++
  if (client.awarenessInWindow > (config.maxAwarenessPer10s ?? DEFAULT_MAX_AWARENESS_PER_10S)) return false
  if (!update) return true
  if (update.byteLength > (config.maxAwarenessBytes ?? DEFAULT_MAX_AWARENESS_BYTES)) return false
  const entries = awarenessEntries(update)
  const ids = new Set(client.awarenessIds)
  for (const { id } of entries) ids.add(id)
  if (ids.size > MAX_AWARENESS_IDS_PER_SOCKET) return false
  if (entries.every((e) => e.stateBytes === 0)) return true // removals only
  const maxRoom = config.maxRoomAwarenessBytes ?? DEFAULT_MAX_ROOM_AWARENESS_BYTES
  let kept = room.awarenessBytes
  for (const { id, stateBytes } of entries) kept += stateBytes - (room.awarenessSizes.get(id) ?? 0)
  if (kept > maxRoom && kept > room.awarenessBytes) return false
  if (room.awarenessWindowAt === undefined || now - room.awarenessWindowAt >= AWARENESS_WINDOW_MS) {
    room.awarenessWindowAt = now
    room.awarenessBytesInWindow = 0
  }
  if (room.awarenessBytesInWindow + update.byteLength > maxRoom) return false
  room.awarenessBytesInWindow += update.byteLength
  return true
}

/**
 * The client ids an awareness update names (y-protocols: count, then id, clock, state JSON each),
 * with the bytes of each state's JSON (0 for `null`: a removal). Throws on garbage.
 */
function awarenessEntries(update: Uint8Array): { id: number; stateBytes: number }[] {
  const d = decoding.createDecoder(update)
  const n = decoding.readVarUint(d)
  const entries: { id: number; stateBytes: number }[] = []
  for (let i = 0; i < n; i++) {
    const id = decoding.readVarUint(d)
    decoding.readVarUint(d)
    const json = decoding.readVarString(d)
    entries.push({ id, stateBytes: json === 'null' ? 0 : Buffer.byteLength(json) })
  }
  return entries
}
