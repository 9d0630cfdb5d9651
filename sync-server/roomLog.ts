/**
 * A room's log: the write queue, write batching, the durable append, compaction, and the room's
 * size (`maxRoomBytes`).
 *
 * - Every update is forwarded to the room's other sockets as soon as it is applied, and appended
 *   to the store before the sender gets its acknowledgement: a partner's screen does not wait for
 *   the disk, "Synced" does. (Forwarding after the append put a sync of the disk — under load,
 *   several rooms' — between every edit and its partners: bench:relay's fan-out p99 was 1.4–1.8×
 *   the in-memory stock server's.) A device that got an update the relay then failed to store
 *   loses nothing: the sender was never acknowledged and sends it again, and the relay that
 *   reloads the room has a new epoch, so every device syncs with it whole (resume.ts).
 * - Writes of a room run one after another, so an acknowledgement covers everything the room
 *   received before it. What arrives while a write is under way is merged into the next write
 *   (one append however many edits), so a busy room costs the store one write at a time instead
 *   of one per edit.
 * - If a write fails, the room's sockets are closed with `unavailable` and the room is dropped:
 *   clients keep their changes and send them again on reconnect.
 * - Snapshots (snapshots.ts) are taken in the room's write queue, so only that room's writes
 *   wait for them: the daily one before the room's first write of a day (of the stored state,
 *   before that write), the compaction one in the compaction's own batch.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MESSAGE_SYNC } from '../src/sync/wire'
import { errorFields } from './log'
import type { Snapshotter } from './snapshots'
import { noteWrite } from './acks'
import { advance } from './catchUp'
import type { Client, Room, RoomsContext } from './room'

/** 32 MiB: about 14 times a five-year partnership (2.3 MB encoded), and 4 times MAX_MESSAGE_BYTES. */
export const DEFAULT_MAX_ROOM_BYTES = 32 * 1024 * 1024

/** Forwards a local update (from a socket) to the room's other sockets at once and queues it for the room's next write; the write starts unless one is already scheduled. */
export function enqueueUpdate(ctx: RoomsContext, room: Room, update: Uint8Array, sender: Client | undefined, change: Y.Snapshot): void {
  room.unwritten.push({ update, sender, change })
  room.pendingWrites++
  forward(ctx, room, update, sender)
  if (room.isFlushScheduled) return
  room.isFlushScheduled = true
  void room.enqueueWrite(() => flush(ctx, room)).catch((err: unknown) => {
    if (room.isFailed) return
    ctx.log.error('room write failed', { room: room.name, ...errorFields(err) })
    ctx.fail(room, 'write failed')
  })
}

/**
 * Writes every update the room received since its last write as one merged update (one store
 * append, one bus message; each was forwarded to the room's sockets when it arrived). Under load
 * the batches grow by themselves: whatever arrives while a write is on disk goes into the next one.
 */
async function flush(ctx: RoomsContext, room: Room): Promise<void> {
  room.isFlushScheduled = false
  const batch = room.unwritten.splice(0)
  if (room.isFailed) throw new Error('room failed')
  if (batch.length === 0) return
  // from the moment the batch leaves `unwritten` until noteWrite counts it, `writing` holds it: a
  // socket resuming meanwhile (even during the daily snapshot below) is sent what it changed
  room.writing = batch
  const merged = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((u) => u.update))
  let position: number
  try {
    // checked here first: most writes need no snapshot, and then no wait
    if (ctx.snapshotter && (!room.isSnapshotKnown || ctx.snapshotter.isDailyDue(room.lastSnapshotAt))) await dailySnapshot(room, ctx.snapshotter)
    const endTimer = ctx.metrics.appendSeconds.startTimer()
    position = await ctx.store.append(room.name, merged)
    endTimer()
  } finally {
    room.writing = [] // noteWrite below counts the batch in the same turn
  }
  noteWrite(room, batch.map((u) => u.change))
  ctx.metrics.appendedUpdates.observe(batch.length)
  if (position === room.position + 1) advance(room, position)
  else if (position > room.position) room.ownAhead.add(position)
  // Stored: the other relays may learn of it late (they catch up from the store), never wrongly.
  ctx.config.bus?.publish(room.name, merged, position).catch((err: unknown) => {
    ctx.metrics.busPublishFailures.inc()
    ctx.log.warn('update not published to other relays', { room: room.name, ...errorFields(err) })
  })
  room.pendingWrites -= batch.length
  room.logLength++
  compactWhenLong(ctx, room)
}

/** The daily snapshot, when due: of the stored state, before the write that is about to go in. */
async function dailySnapshot(room: Room, snapshotter: Snapshotter): Promise<void> {
  if (!room.isSnapshotKnown) {
    room.lastSnapshotAt = await room.newestSnapshot
    room.isSnapshotKnown = true
  }
  if (snapshotter.isDailyDue(room.lastSnapshotAt)) room.lastSnapshotAt = await snapshotter.takeDaily(room.name)
}

/** Sends an update the room applied to every socket of the room but the one it came from. */
export function forward(ctx: RoomsContext, room: Room, update: Uint8Array, sender: Client | undefined): void {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  syncProtocol.writeUpdate(e, update)
  const msg = encoding.toUint8Array(e)
  for (const c of room.clients.values()) {
    if (c === sender) continue
    ctx.metrics.updatesOut.inc()
    ctx.send(c.ws, msg)
  }
}

/**
 * Queues a compaction behind the room's writes once its log is long. A failed compaction
 * changes nothing on disk (one batch); it is tried again after the next appends.
 */
export function compactWhenLong(ctx: RoomsContext, room: Room): void {
  if (room.logLength < ctx.config.compactAfterUpdates || room.isCompacting) return
  room.isCompacting = true
  void room
    .enqueueWrite(async () => {
      try {
        if (room.isFailed) return
        const snapshotter = ctx.snapshotter
        let snapshotAt: number | undefined
        await ctx.store.compact(
          room.name,
          snapshotter &&
            (async (merged) => {
              const change = await snapshotter.planCompaction(room.name, merged)
              snapshotAt = change?.add?.info.takenAt
              return change
            }),
        )
        if (snapshotAt !== undefined) {
          room.lastSnapshotAt = snapshotAt
          room.isSnapshotKnown = true
        }
        room.logLength = 1
        // merging shrank the count of updates, not necessarily the document: measure it again
        if (room.doc && room.pendingWrites === 0) room.bytes = Y.encodeStateAsUpdate(room.doc).byteLength
        ctx.log.debug('room compacted', { room: room.name })
      } catch (err) {
        ctx.log.warn('compaction failed', { room: room.name, ...errorFields(err) })
        room.logLength = Math.max(0, room.logLength - ctx.config.compactAfterUpdates)
      } finally {
        room.isCompacting = false
      }
    })
    .catch(() => undefined)
}

/**
 * Whether applying `update` would take the room beyond `maxRoomBytes`. What waits in the
 * document for a missing earlier piece (Yjs's pending structs and deletions: an update with a
 * gap) counts as much as what is integrated: it is held in memory and joins the document, and
 * the room's size, as soon as the piece arrives — uncounted, updates with a gap would pass the
 * limit many times over. Cheap when it plainly fits; near the limit only what the room lacks
 * counts, together with what already waits (a device's sync step 2 on reconnect repeats much
 * the relay already holds). An update that adds no structs and deletes only what the room holds
 * (a deletion is stored at most once per item) always passes, so a full room stays readable and
 * can be tidied.
 *
 * Never refuses by where an update starts: a client's updates can arrive before the piece they
 * build on (an edit made while its sync step 2 is on its way), and the pending piece is filled in
 * a moment later.
 */
export function wouldOverfill(ctx: RoomsContext, room: Room, doc: Y.Doc, update: Uint8Array): boolean {
  const max = ctx.config.maxRoomBytes ?? DEFAULT_MAX_ROOM_BYTES
  const { pendingStructs, pendingDs } = doc.store
  const waiting = (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0)
  if (room.bytes + waiting + update.byteLength <= max) return false
  const sv = Y.encodeStateVector(doc)
  const own = Y.diffUpdate(update, sv)
  if (Y.parseUpdateMeta(own).to.size === 0 && deletesOnlyKnown(own, Y.decodeStateVector(sv))) return false
  if (!pendingStructs && !pendingDs) return room.bytes + own.byteLength > max
  // what would wait or be new once `update` is applied (Yjs keeps pending parts in format v2)
  const parts = [own]
  if (pendingStructs) parts.push(Y.convertUpdateFormatV2ToV1(pendingStructs.update))
  if (pendingDs) parts.push(Y.convertUpdateFormatV2ToV1(pendingDs))
  return room.bytes + Y.mergeUpdates(parts).byteLength > max
}

/** Whether every deletion in `update` is of an item below the state vector `sv` (one the document holds). */
function deletesOnlyKnown(update: Uint8Array, sv: Map<number, number>): boolean {
  for (const [client, items] of Y.decodeUpdate(update).ds.clients) {
    const known = sv.get(client) ?? 0
    for (const item of items) if (item.clock + item.len > known) return false
  }
  return true
}
