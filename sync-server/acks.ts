/**
 * Acknowledgements: what each socket has been told the relay holds durably, and the recent
 * writes that let the next acknowledgement carry only what changed since (a delta) — and let a
 * device that comes back resume from the position of its last acknowledgement (resume.ts).
 *
 * - An acknowledgement is sent from the room's write queue, when no write is pending, so it
 *   covers everything the room received before it. It carries the position it covers: the room's
 *   `epoch` (random, new on each load of the room) and `writeCount` (wireAck.ts).
 * - `noteWrite` runs for every write that reached the document (a write of this relay, or an
 *   update another relay stored), with each update's `changeOf` its transaction; it is what the
 *   deltas are built from.
 */
import * as Y from 'yjs'
import { encodeAck } from '../src/sync/wire'
import type { Client, Room, RoomsContext } from './room'

/**
 * What the update a transaction emitted changed — the clock it moved each client to (as the
 * snapshot's `sv`) and its deletions — read from the transaction instead of decoding the update:
 * Yjs writes that update as the structs between the transaction's before and after state vectors
 * and its delete set. (Decoding each update again cost the relay about 6 % of its busy time in
 * bench:relay.)
 */
export function changeOf(tr: Y.Transaction): Y.Snapshot {
  const to = new Map<number, number>()
  for (const [client, clock] of tr.afterState) if (clock > (tr.beforeState.get(client) ?? 0)) to.set(client, clock)
  return Y.createSnapshot(tr.deleteSet, to)
}

/** The changes of several writes as one: each client's highest clock, and all their deletions. */
function unionOf(changes: readonly Y.Snapshot[]): Y.Snapshot {
  const sv = new Map<number, number>()
  for (const { sv: to } of changes) for (const [client, clock] of to) if (clock > (sv.get(client) ?? 0)) sv.set(client, clock)
  return Y.createSnapshot(Y.mergeDeleteSets(changes.map((c) => c.ds)), sv)
}

/**
 * Counts a durable write (one update, or several merged into one: `changes`, each `changeOf` its
 * transaction) and keeps, for the acknowledgements that follow, the clock it moved each client to
 * and its deletions.
 */
export function noteWrite(room: Room, changes: readonly Y.Snapshot[]): void {
  const n = ++room.writeCount
  const change = changes.length === 1 ? changes[0]! : unionOf(changes)
  for (const [client, clock] of change.sv) room.clockChangedAt.set(client, { n, clock })
  // kept for the window of room.ts (MAX_RECENT_WRITES, MAX_RECENT_BYTES), whichever sockets are connected
  room.recentWrites.push(Y.encodeSnapshot(change))
}

/**
 * What the writes after `since` changed: the clock each moved each client to and their
 * deletions. Undefined when some of those writes are no longer kept.
 */
export function changesSince(room: Room, since: number): Y.Snapshot | undefined {
  const changes = room.recentWrites.after(since)
  return changes && unionOf(changes.map((c) => Y.decodeSnapshot(c)))
}

/**
 * What the room's document holds beyond position `since`: the writes after it (`changesSince`)
 * and the updates applied but not durable yet (waiting, or in the write on disk). Those were
 * forwarded when they arrived (roomLog.ts), before a socket joining now was there: it learns of
 * them only from what it is sent when it resumes (resume.ts). Never for an acknowledgement.
 */
export function changesInDocumentSince(room: Room, since: number): Y.Snapshot | undefined {
  const written = changesSince(room, since)
  if (!written || (room.writing.length === 0 && room.unwritten.length === 0)) return written
  return unionOf([written, ...room.writing.map((u) => u.change), ...room.unwritten.map((u) => u.change)])
}

/**
 * Acknowledges, to every socket waiting for one, what the room's document holds — at a moment
 * when no write is pending, so everything in it is on disk. The job waits in the write queue;
 * if more writes queued up behind it meanwhile, it goes to the back again.
 *
 * A socket's first acknowledgement is the whole document's snapshot (state vector and every
 * deletion), unless the socket resumed from a position of this room's epoch (resume.ts): then it
 * is already a delta after that position. Later ones carry only what changed since that socket's
 * previous acknowledgement: the state-vector entries of the clients whose clock moved (a
 * state-vector delta) and the deletions written since. The app merges acknowledgements, so the
 * union is the same, and a phone is sent neither the whole delete set (tens of KB on a big
 * document) nor one entry per client id the room ever saw (195 KB after one update with 50,000 of
 * them) after every edit. A socket acknowledged before the writes still kept gets the clocks that
 * moved since (from `clockChangedAt`) and the whole delete set. Sockets that were acknowledged
 * at the same point share one message. Every ack names the position it covers and, for a delta,
 * the position it starts from.
 *
 * Deletions of every write, not only of what changed: if the relay already had some of an
 * update's deletions (another device deleted the same text), applying it changes less than it
 * holds, and an acknowledgement of only what changed would never cover it.
 */
export function acknowledge(ctx: RoomsContext, room: Room, client: Client): void {
  client.needsAck = true
  if (room.isAckScheduled) return
  room.isAckScheduled = true
  void room
    .enqueueWrite(async () => {
      room.isAckScheduled = false
      if (room.pendingWrites > 0) {
        acknowledge(ctx, room, client)
        return
      }
      const doc = room.doc
      if (!doc) return
      const position = { epoch: room.epoch, n: room.writeCount }
      const acks = new Map<number, Uint8Array>() // by the write count the socket was acknowledged at; -1: whole
      for (const c of room.clients.values()) {
        if (!c.needsAck) continue
        const since = c.ackedWrites ?? -1
        let ack = acks.get(since)
        if (!ack) {
          if (since === -1) ack = encodeAck(Y.snapshot(doc), position)
          else {
            const changes = changesSince(room, since)
            if (changes) ack = encodeAck(changes, position, since)
            else {
              const sv = new Map<number, number>()
              for (const [client, at] of room.clockChangedAt) if (at.n > since) sv.set(client, at.clock)
              ack = encodeAck(Y.createSnapshot(Y.createDeleteSetFromStructStore(doc.store), sv), position, since)
            }
          }
          acks.set(since, ack)
        }
        c.needsAck = false
        c.ackedWrites = room.writeCount
        ctx.send(c.ws, ack)
      }
    })
    .catch(() => undefined)
}
