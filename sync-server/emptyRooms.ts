/**
 * Rooms created and never written are forgotten `emptyRoomTtlMs` after their creation (their
 * invite then joins nothing: 4404), so rooms made only to take space do not last. Swept at start
 * (rooms that expired while the relay was down) and then every `min(ttl / 4, 1 h)`. A room loaded
 * here is skipped (its creator may be about to write), under the room's lock, so a join that is
 * being verified finishes first; the store deletes nothing of a room that has an update.
 */
import type { KeyedLock } from './keyedLock'
import { errorFields, type Logger } from './log'
import type { RoomStore } from './store'

export interface EmptyRoomSweepDeps {
  readonly store: RoomStore
  readonly log: Logger
  /** 0: never. */
  readonly ttlMs: number
  readonly isLoaded: (room: string) => boolean
  readonly withRoomLock: KeyedLock
  /** The relay is closing: no sweep starts, a running one stops between rooms. */
  readonly isClosing: () => boolean
}

/** Starts sweeping; `stop` ends the timer and resolves once a running sweep is done. */
export function startEmptyRoomSweep(deps: EmptyRoomSweepDeps): { stop(): Promise<void> } {
  const { store, log, ttlMs, isLoaded, withRoomLock, isClosing } = deps
  let emptySweep: Promise<void> = Promise.resolve()
  let isSweepingEmpty = false
  const forgetEmptyRooms = async (): Promise<void> => {
    const { emptyRoomsCreatedBefore, forgetEmptyRoom } = store
    if (isSweepingEmpty || isClosing() || !emptyRoomsCreatedBefore || !forgetEmptyRoom) return
    isSweepingEmpty = true
    try {
      const candidates = await emptyRoomsCreatedBefore.call(store, Date.now() - ttlMs, 1000)
      let forgotten = 0
      for (const room of candidates) {
        if (isClosing()) break
        const gone = await withRoomLock(room, async () => !isLoaded(room) && (await forgetEmptyRoom.call(store, room)))
        if (gone) forgotten++
      }
      if (forgotten > 0) log.info('empty rooms forgotten', { count: forgotten, ttlMs })
    } catch (err) {
      log.warn('forgetting empty rooms failed', errorFields(err))
    } finally {
      isSweepingEmpty = false
    }
  }
  const emptySweeper =
    ttlMs > 0
      ? setInterval(() => {
          if (!isSweepingEmpty) emptySweep = forgetEmptyRooms()
        }, Math.min(Math.max(Math.floor(ttlMs / 4), 50), 3_600_000))
      : undefined
  emptySweeper?.unref()
  if (ttlMs > 0) emptySweep = forgetEmptyRooms()
  return {
    async stop() {
      if (emptySweeper) clearInterval(emptySweeper)
      await emptySweep
    },
  }
}
