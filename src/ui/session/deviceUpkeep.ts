/**
 * What this device does for an open partnership besides showing it:
 *
 * - **Announces itself** (`announceDevice`, src/domain/restore.ts): records in the document that a
 *   device of the partnership runs this app, which writes this schema version. That is what tells
 *   a newer app's version mark (explained: update the app) from a bogus one (nobody's: "Restore the
 *   partnership" removes it). Done when the partnership opens, when its meta first arrives (a
 *   joined partnership), and when a locked document becomes writable again (after a restore).
 * - **Keeps the daily copy** on this device (src/storage/snapshots.ts): when the partnership opens
 *   or its first data arrives, and — for a partnership left open for days — at most once an hour
 *   on a change; the storage layer takes it only when the newest copy is older than 24 h.
 *
 * The device id is the one every edit and receipt of this device carries (`deviceIdIn`).
 * Neither job ever bothers the person: a failure (full disk, a closing database) is skipped.
 *
 * A copy is the whole document encoded (4.9 MB on a five-year partnership, most of a second on a
 * cheap phone): the age of the newest copy is looked up first (a small row) and nothing is encoded
 * when it is younger than SNAPSHOT_EVERY_MS — every reload within ten minutes; and the copy waits
 * until the browser is idle after the first paint (whenIdle.ts), not in the middle of opening.
 */
import type * as Y from 'yjs'
import { announceDevice, isTooNew, onDocChange, readSchemaVersion } from '../../domain'
import { deviceIdIn } from '../../storage'
import { SNAPSHOT_EVERY_MS, listDeviceSnapshots, snapshotDb, takeDeviceSnapshot, type SnapshotDb } from '../../storage/snapshots'
import { whenIdle } from './whenIdle'

/** How often an open partnership asks the storage layer whether a regular copy is due. */
const SNAPSHOT_CHECK_MS = 10 * 60 * 1000

export interface UpkeepOptions {
  readonly snapshots?: SnapshotDb
  readonly deviceId?: (roomId: string) => Promise<string | undefined>
}

/** Starts the upkeep of an open partnership; returns the function that stops it. */
export function keepDeviceUpkeep(doc: Y.Doc, roomId: string, options: UpkeepOptions = {}): () => void {
  const snapshots = options.snapshots ?? snapshotDb()
  const deviceIdOf = options.deviceId ?? deviceIdIn
  let isStopped = false
  let isAnnounced = false
  let isAnnouncing = false
  let isCopying = false
  let lastCopyCheck = -Infinity
  let cancelIdle: (() => void) | undefined

  const isWritable = (): boolean => readSchemaVersion(doc) !== undefined && !isTooNew(doc)

  const announce = async (): Promise<void> => {
    isAnnouncing = true
    try {
      const deviceId = await deviceIdOf(roomId)
      if (isStopped || !deviceId || !isWritable()) return
      announceDevice(doc, deviceId)
      isAnnounced = true
    } catch {
      /* tried again on the next change */
    } finally {
      isAnnouncing = false
    }
  }

  const copy = async (): Promise<void> => {
    cancelIdle = undefined
    if (isStopped) return
    lastCopyCheck = Date.now()
    try {
      // the newest copy's age first: the whole document is encoded only when a copy is due
      const [newest] = await listDeviceSnapshots(snapshots, roomId)
      if (isStopped || (newest && Date.now() - Date.parse(newest.takenAt) < SNAPSHOT_EVERY_MS)) return
      await takeDeviceSnapshot(snapshots, roomId, doc, 'daily')
    } catch {
      /* a full disk or a closing database: the daily copy waits for another day */
    } finally {
      isCopying = false
    }
  }

  const check = (): void => {
    if (isStopped) return
    // a locked document gets neither: its own version mark is not ours to explain, and a copy of
    // it could not be restored by this app
    if (!isWritable()) {
      isAnnounced = false
      return
    }
    if (!isAnnounced && !isAnnouncing) void announce()
    if (!isCopying && Date.now() - lastCopyCheck >= SNAPSHOT_CHECK_MS) {
      isCopying = true
      cancelIdle = whenIdle(() => void copy())
    }
  }

  // after the transaction that brought meta (or anything else) has settled
  let timer: ReturnType<typeof setTimeout> | undefined
  const onUpdate = (): void => {
    if (timer === undefined) timer = setTimeout(() => {
      timer = undefined
      check()
    }, 0)
  }

  const stopListening = onDocChange(doc, onUpdate)
  check()
  return () => {
    isStopped = true
    clearTimeout(timer)
    cancelIdle?.()
    stopListening()
  }
}
