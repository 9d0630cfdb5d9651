/**
 * What this device remembers of the relay, per partnership: the position of the last
 * acknowledgement it completed (the relay's epoch for the room and its write count) and the
 * snapshot the relay had acknowledged up to there (`Y.encodeSnapshot`: state vector + delete set).
 * On the next connection the app offers that position, so that the relay sends only what changed
 * after it instead of its whole delete set twice (src/sync/resume.ts, docs/protocol.md "Resuming").
 *
 * Only what the relay acknowledged (durable there) is written here, position and snapshot in one
 * row so they always belong together. Losing a write costs nothing but bytes: an older pair is as
 * true as a newer one, and a position the relay no longer knows makes it send everything.
 */
import { registry, type ScholenbandDb } from './db'

export interface RelayPositionRow {
  readonly roomId: string
  /** The relay's epoch for the room (16 hex digits) and the write count the acknowledgement covered. */
  readonly epoch: string
  readonly n: number
  /** `Y.encodeSnapshot` of everything the relay had acknowledged up to that position. */
  readonly snapshot: Uint8Array
}

export type RememberedRelayPosition = Omit<RelayPositionRow, 'roomId'>

/** The position remembered for a partnership; undefined when there is none or the registry cannot be read. */
export async function readRelayPosition(roomId: string, db: ScholenbandDb = registry()): Promise<RememberedRelayPosition | undefined> {
  try {
    const row = await db.relayPositions.get(roomId)
    if (!row || typeof row.epoch !== 'string' || typeof row.n !== 'number' || !(row.snapshot instanceof Uint8Array)) return undefined
    return { epoch: row.epoch, n: row.n, snapshot: row.snapshot }
  } catch {
    return undefined
  }
}

/**
 * A writer of a partnership's position that never queues: while one write is under way, a newer
 * position waits and only the newest is written next. Takes a function, so the snapshot is
 * encoded only when it is written (acks come after every edit; writes are fewer under load).
 */
export function relayPositionKeeper(roomId: string, db: ScholenbandDb = registry()): (next: () => RememberedRelayPosition) => void {
  let waiting: (() => RememberedRelayPosition) | undefined
  let isWriting = false
  const write = async (): Promise<void> => {
    isWriting = true
    while (waiting) {
      const take = waiting
      waiting = undefined
      try {
        await db.relayPositions.put({ roomId, ...take() })
      } catch {
        // not kept: the next connection offers an older position or none, and gets more bytes
      }
    }
    isWriting = false
  }
  return (next) => {
    waiting = next
    if (!isWriting) void write()
  }
}

/** Forgets a partnership's position (when the partnership leaves this device). */
export async function forgetRelayPosition(roomId: string, db: ScholenbandDb = registry()): Promise<void> {
  await db.relayPositions.delete(roomId)
}
