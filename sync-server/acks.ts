/**
 * Acknowledgements: what each socket has been told the relay holds durably, and the recent
 * writes that let the next acknowledgement carry only what changed since (a delta).
 *
 * - An acknowledgement is sent from the room's write queue, when no write is pending, so it
 *   covers everything the room received before it.
 * - `noteWrite` runs for every update that reached the document (a write of this relay, or an
 *   update another relay stored); it is what the deltas are built from.
 */
import * as Y from 'yjs'
import { encodeAck } from '../src/sync/wire'
import type { Client, Room, RoomsContext } from './room'

/**
 * Recent writes kept for acknowledgements (the clocks each moved, its deletions); a socket
 * further behind gets the clocks from `clockChangedAt` and the whole delete set.
 */
const MAX_RECENT_WRITES = 256

/**
 * Counts a durable update and keeps, for the acknowledgements that follow, the clock it moved
 * each client to and its deletions. The update is one the document emitted, so it holds only
 * integrated structs: the end of a client's structs in it is that client's clock now.
 */
export function noteWrite(room: Room, update: Uint8Array): void {
  const n = ++room.writeCount
  const { structs, ds } = Y.decodeUpdate(update)
  const to = new Map<number, number>()
  for (const s of structs) {
    if (s instanceof Y.Skip) continue
    const end = s.id.clock + s.length
    if (end > (to.get(s.id.client) ?? 0)) to.set(s.id.client, end)
  }
  for (const [client, clock] of to) room.clockChangedAt.set(client, { n, clock })
  room.recentWrites.push({ n, to, ds: ds.clients.size > 0 ? ds : undefined })
  if (room.recentWrites.length > MAX_RECENT_WRITES) room.forgottenThrough = room.recentWrites.shift()!.n
}

/**
 * Acknowledges, to every socket waiting for one, what the room's document holds — at a moment
 * when no write is pending, so everything in it is on disk. The job waits in the write queue;
 * if more writes queued up behind it meanwhile, it goes to the back again.
 *
 * A socket's first acknowledgement is the whole document's snapshot (state vector and every
 * deletion). Later ones carry only what changed since that socket's previous acknowledgement:
 * the state-vector entries of the clients whose clock moved (a state-vector delta) and the
 * deletions written since. The app merges acknowledgements, so the union is the same, and a
 * phone is sent neither the whole delete set (tens of KB on a big document) nor one entry per
 * client id the room ever saw (195 KB after one update with 50,000 of them) after every edit.
 * A socket acknowledged before the writes still kept (`MAX_RECENT_WRITES`) gets the clocks that
 * moved since (from `clockChangedAt`) and the whole delete set. Sockets that were acknowledged
 * at the same point share one message.
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
      const acks = new Map<number, Uint8Array>() // by the write count the socket was acknowledged at; -1: whole
      for (const c of room.clients.values()) {
        if (!c.needsAck) continue
        const since = c.ackedWrites ?? -1
        let ack = acks.get(since)
        if (!ack) {
          if (since === -1) ack = encodeAck(Y.snapshot(doc))
          else if (since < room.forgottenThrough) {
            const sv = new Map<number, number>()
            for (const [client, at] of room.clockChangedAt) if (at.n > since) sv.set(client, at.clock)
            ack = encodeAck(Y.createSnapshot(Y.createDeleteSetFromStructStore(doc.store), sv))
          } else {
            const writes = room.recentWrites.filter((e) => e.n > since)
            const sv = new Map<number, number>()
            for (const w of writes) for (const [client, clock] of w.to) if (clock > (sv.get(client) ?? 0)) sv.set(client, clock)
            const ds = Y.mergeDeleteSets(writes.flatMap((w) => (w.ds ? [w.ds] : [])))
            ack = encodeAck(Y.createSnapshot(ds, sv))
          }
          acks.set(since, ack)
        }
        c.needsAck = false
        c.ackedWrites = room.writeCount
        ctx.send(c.ws, ack)
      }
      forgetAcknowledgedWrites(room)
    })
    .catch(() => undefined)
}

/** Drops the writes every socket has been acknowledged (a socket joining later gets a whole snapshot). */
export function forgetAcknowledgedWrites(room: Room): void {
  let oldest = room.writeCount
  for (const c of room.clients.values()) if (c.ackedWrites !== undefined) oldest = Math.min(oldest, c.ackedWrites)
  while (room.recentWrites.length > 0 && room.recentWrites[0]!.n <= oldest) room.forgottenThrough = room.recentWrites.shift()!.n
}
