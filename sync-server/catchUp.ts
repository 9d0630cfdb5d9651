/**
 * Several relays serving the same rooms (REDIS_URL, one PostgreSQL store): updates other relays
 * stored arrive on the bus with their position in the room's log; gaps are read from the store.
 *
 * - A room's `position`: every append up to it is in the room's document. This relay's own
 *   appends beyond it (another relay's append lies between) wait in `ownAhead` until the gap
 *   is filled.
 * - Updates from the bus are applied with the origin `REMOTE`: forwarded, never stored again.
 * - A periodic check (`catchUpIntervalMs`) compares each loaded room's position with the store's
 *   head and reads what the bus lost (an update whose publish failed, a quiet room).
 */
import * as Y from 'yjs'
import { errorFields } from './log'
import type { RoomStore } from './store'
import { REMOTE, type Room, type RoomsContext } from './room'

/** Starts the periodic check when the relay has a bus and the store can tell rooms' heads. */
export function startCatchUpSweep(ctx: RoomsContext, loaded: () => Iterable<Room>): ReturnType<typeof setInterval> | undefined {
  if (!ctx.config.bus || !ctx.store.heads) return undefined
  const sweep = setInterval(() => void catchUpBehind(ctx, loaded()), ctx.config.catchUpIntervalMs ?? 5000)
  sweep.unref()
  return sweep
}

/**
 * Loads a room's log. With a bus, the room's stream is watched before the log is read, so nothing
 * stored in between is missed; other relays' updates that arrive before the log is loaded wait in
 * the room's `remoteBeforeLoad` (`room` gives the room the load is for).
 */
export function loadWatching(ctx: RoomsContext, name: string, room: () => Room): ReturnType<RoomStore['load']> {
  const bus = ctx.config.bus
  if (!bus) return ctx.store.load(name)
  return bus
    .watch(name, (update, position) => {
      const created = room()
      if (created.isFailed) return
      if (created.doc) receiveRemote(ctx, created, update, position)
      else created.remoteBeforeLoad.push({ update, position })
    })
    .then(() => ctx.store.load(name))
}

/** The room's document holds every append up to `position` (and this relay's own beyond it). */
export function advance(room: Room, position: number): void {
  room.position = position
  for (const own of room.ownAhead) if (own <= room.position) room.ownAhead.delete(own)
  while (room.ownAhead.delete(room.position + 1)) room.position++
}

/**
 * Another relay's update at `position`. The next one in the log is applied; one already held is
 * dropped; one beyond a gap (stream entries trimmed, a publish that failed) is applied — Yjs
 * waits for what it lacks — and what lies between is read from the store.
 */
export function receiveRemote(ctx: RoomsContext, room: Room, update: Uint8Array, position: number): void {
  if (position <= room.position || !room.doc) return
  Y.applyUpdate(room.doc, update, REMOTE)
  if (position === room.position + 1) advance(room, position)
  else void catchUp(ctx, room)
}

/** Reads the room's appends after its position from the store (several relays), one read at a time. */
async function catchUp(ctx: RoomsContext, room: Room): Promise<void> {
  const readSince = ctx.store.readSince?.bind(ctx.store)
  if (!readSince) return
  if (room.isCatchingUp) {
    room.needsCatchUp = true
    return
  }
  room.isCatchingUp = true
  try {
    do {
      room.needsCatchUp = false
      const { updates, position } = await readSince(room.name, room.position)
      const doc = room.doc
      if (room.isFailed || !doc) return
      ctx.metrics.catchUps.inc()
      for (const u of updates) Y.applyUpdate(doc, u, REMOTE)
      if (position > room.position) advance(room, position)
    } while (room.needsCatchUp)
  } catch (err) {
    ctx.log.warn('catching up from the store failed', { room: room.name, ...errorFields(err) })
  } finally {
    room.isCatchingUp = false
  }
}

/** Compares every loaded room's position with the store's head and catches up those behind. */
async function catchUpBehind(ctx: RoomsContext, rooms: Iterable<Room>): Promise<void> {
  const loaded = [...rooms].filter((r) => r.doc && !r.isFailed)
  if (loaded.length === 0 || !ctx.store.heads) return
  try {
    const heads = await ctx.store.heads(loaded.map((r) => r.name))
    for (const room of loaded) {
      if ((heads.get(room.name) ?? 0) > room.position) void catchUp(ctx, room)
    }
  } catch (err) {
    ctx.log.warn('reading room heads failed', errorFields(err))
  }
}
