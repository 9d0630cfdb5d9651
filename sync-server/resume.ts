/**
 * Resuming from a relay position: a device that comes back offers the position of the last
 * acknowledgement it remembers (`sb.at.<epoch>.<n>`, wireAck.ts), whose deletions its document
 * holds (the app checks that before it offers). When the position is of this room's epoch and
 * the writes after it are all still kept (acks.ts), the relay sends that socket only what it
 * lacks since then instead of the whole delete set twice:
 *
 * - its sync step 1 names only the clients whose clock moved after n (message 103; the app answers
 *   against the state vector it remembered for n joined with those);
 * - its first acknowledgement is a delta after n, like any later one (acks.ts);
 * - its answer to the socket's sync step 1 holds the structs the socket lacks (against its state
 *   vector, as always) but, of the deletions, only those of the writes after n, those of the
 *   updates the room holds and has not written yet (forwarded when they arrived, before this
 *   socket was there), and those on the structs being sent (the socket cannot hold a deletion of
 *   an item it has not got).
 *
 * A position of another epoch (the relay restarted, the room was reloaded, another relay
 * instance), beyond the room's `writeCount`, or from before the kept writes is ignored: the socket
 * gets everything, as without one. A forged position only costs the socket that offered it the
 * deletions it claimed to hold; the room's document and every other socket are untouched.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MESSAGE_SYNC, encodeSyncStep1Since, type RelayPosition } from '../src/sync/wire'
import { changesInDocumentSince } from './acks'
import { deletionsFrom, withDeletions } from '../src/sync/deleteSets'
import type { Client, Room } from './room'

/** Takes the socket's offered position when the room can resume from it. */
export function resumeAt(room: Room, client: Client, position: RelayPosition | undefined): void {
  if (!position || position.epoch !== room.epoch) return
  if (position.n > room.writeCount || position.n < room.recentWrites.forgottenThrough) return
  client.ackedWrites = position.n
  client.resumedFrom = position.n
}

/**
 * The relay's sync step 1 for a socket: its whole state vector, or for a socket that resumed the
 * clients whose clock moved after its position (each with its clock now in the document).
 */
export function syncStep1For(room: Room, client: Client, doc: Y.Doc): Uint8Array {
  const changes = client.resumedFrom === undefined ? undefined : changesInDocumentSince(room, client.resumedFrom)
  if (client.resumedFrom === undefined || !changes) {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, doc)
    return encoding.toUint8Array(e)
  }
  const moved = new Map<number, number>()
  for (const id of changes.sv.keys()) moved.set(id, Y.getState(doc.store, id))
  return encodeSyncStep1Since({ epoch: room.epoch, n: client.resumedFrom }, moved)
}

/** Answers a sync step 1 (its state vector is next in `decoder`) with a sync step 2 in `encoder`. */
export function answerSyncStep1(room: Room, client: Client, doc: Y.Doc, decoder: decoding.Decoder, encoder: encoding.Encoder): void {
  const sv = decoding.readVarUint8Array(decoder)
  const update = client.resumedFrom === undefined ? undefined : resumedUpdate(room, doc, sv, client.resumedFrom)
  if (!update) return syncProtocol.writeSyncStep2(encoder, doc, sv)
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
  encoding.writeVarUint8Array(encoder, update)
}

/**
 * The structs a socket with state vector `encodedSv` lacks, with the deletions of the writes after
 * `since` and every deletion on those structs. Undefined when the room cannot tell (writes after
 * `since` forgotten, pending structs or deletions in the document): then the whole answer
 * (src/sync/deleteSets.ts replaces the update's delete set).
 */
export function resumedUpdate(room: Room, doc: Y.Doc, encodedSv: Uint8Array, since: number): Uint8Array | undefined {
  const changes = changesInDocumentSince(room, since)
  if (!changes) return undefined
  const wholeDs = Y.createDeleteSetFromStructStore(doc.store)
  const ds = Y.mergeDeleteSets([changes.ds, deletionsFrom(wholeDs, Y.decodeStateVector(encodedSv))])
  return withDeletions(doc, encodedSv, wholeDs, ds)
}
