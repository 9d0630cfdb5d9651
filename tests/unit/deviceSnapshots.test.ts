import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import Dexie from 'dexie'
import {
  CURRENT_SCHEMA_VERSION,
  EMPTY_ACTIVITY,
  createActivity,
  futureVersionMarks,
  readDevices,
  initPartnership,
  isLockedByUnknownVersion,
  listActivities,
  readMeta,
  restorePartnership,
  type Author,
} from '../../src/domain'
import {
  SNAPSHOT_DB_NAME,
  copiesToThin,
  SnapshotDb,
  deleteDeviceSnapshots,
  listDeviceSnapshots,
  readDeviceSnapshot,
  snapshotDb,
  takeDeviceSnapshot,
} from '../../src/storage/snapshots'
import { keepDeviceUpkeep } from '../../src/ui/session/deviceUpkeep'

const an: Author = { personId: 'p-an', name: 'An', deviceId: 'phone-a' }
const HOUR = 3600 * 1000
const at = (hours: number): Date => new Date(Date.UTC(2026, 10, 3, 8) + hours * HOUR)

let dbCount = 0
const dbs: SnapshotDb[] = []
function newDb(): SnapshotDb {
  const db = new SnapshotDb(`snapshots-test-${++dbCount}`)
  dbs.push(db)
  return db
}
afterEach(async () => {
  vi.restoreAllMocks()
  for (const db of dbs.splice(0)) await db.delete()
})

function partnership(): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan', partnerSchoolName: 'GS Huye' }, { schoolAId: 'sa', schoolBId: 'sb' }, an)
  return doc
}

function addActivity(doc: Y.Doc, title: string, when = at(0)): string {
  return createActivity(doc, { ...EMPTY_ACTIVITY, title, description: `About ${title} `.repeat(20) }, an, when)
}

/** What another program holding the invite does: hard deletes and a bogus version mark. */
function vandalise(doc: Y.Doc): void {
  doc.transact(() => {
    const activities = doc.getMap('activities')
    for (const id of [...activities.keys()]) activities.delete(id)
    doc.getMap('meta').set('version:99', true)
    doc.getMap('meta').set('schemaVersion', 99)
  }, 'foreign')
}

function titles(doc: Y.Doc): string[] {
  return listActivities(doc).map((a) => a.title).sort()
}

describe('device snapshots', () => {
  it('lives in its own database, apart from the registry', () => {
    expect(snapshotDb().name).toBe(SNAPSHOT_DB_NAME)
    expect(SNAPSHOT_DB_NAME).not.toBe('scholenband')
  })

  it('keeps a compressed copy that reads back as the whole document', async () => {
    const db = newDb()
    const doc = partnership()
    for (const title of ['Sports day', 'Letters', 'Visit']) addActivity(doc, title)
    const taken = await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0))
    expect(taken).toMatchObject({ ok: true, snapshot: { roomId: 'room-1', takenAt: at(0).toISOString(), reason: 'daily' } })
    const raw = Y.encodeStateAsUpdate(doc)
    const info = (await listDeviceSnapshots(db, 'room-1'))[0]!
    expect(info.bytes).toBeLessThan(raw.length) // gzip: CompressionStream exists in Node
    const copy = new Y.Doc()
    Y.applyUpdate(copy, (await readDeviceSnapshot(db, info.id))!)
    expect(titles(copy)).toEqual(['Letters', 'Sports day', 'Visit'])
    expect(readMeta(copy)?.name).toBe('Gent–Huye')
  })

  it('keeps a regular copy of a large partnership as parts made a few milliseconds at a time, read back as one update', async () => {
    const db = newDb()
    const doc = partnership()
    // 12 devices' sessions, each with its own client id: more than one chunk (16 KB) of history
    for (let i = 0; i < 12; i++) {
      const session = new Y.Doc()
      Y.applyUpdate(session, Y.encodeStateAsUpdate(doc))
      for (let k = 0; k < 6; k++) addActivity(session, `Activity ${i}.${k}`)
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(session))
    }
    expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(3 * 16 * 1024)
    const taken = await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0))
    expect(taken.ok).toBe(true)
    const row = (await db.moments.toArray())[0]!
    expect(row.encoding).toBe('gzip-parts')
    const copy = new Y.Doc()
    Y.applyUpdate(copy, (await readDeviceSnapshot(db, row.id!))!)
    expect(titles(copy)).toEqual(titles(doc))
    expect(Y.equalSnapshots(Y.snapshot(copy), Y.snapshot(doc))).toBe(true)
    // the one before a restore is the exact moment, one update
    await takeDeviceSnapshot(db, 'room-1', doc, 'beforeRestore', at(1))
    expect((await db.moments.toArray()).map((r) => r.encoding)).toEqual(['gzip-parts', 'gzip'])
    // parts that do not decode read as no copy, not as a broken document
    await db.data.update(row.id!, { data: new Uint8Array([31, 139, 8, 0, 1, 2, 3]) })
    expect(await readDeviceSnapshot(db, row.id!)).toBeUndefined()
  })

  it('takes a regular copy at most every 10 minutes, and only when the partnership changed', async () => {
    const db = newDb()
    const doc = partnership()
    expect((await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0))).ok).toBe(true)
    addActivity(doc, 'Sports day')
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0.1))).toEqual({ ok: false, reason: 'recent' })
    expect((await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0.2))).ok).toBe(true)
    // nothing changed for a day: the newest copy is still the moment
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(25))).toEqual({ ok: false, reason: 'recent' })
    // a deletion alone (no new items) is a change too
    doc.getMap('activities').delete([...doc.getMap('activities').keys()][0]!)
    expect((await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(25.5))).ok).toBe(true)
    // the two copies of the first hour are a day old by now: the newer one stands for that hour
    expect((await listDeviceSnapshots(db, 'room-1')).map((s) => s.takenAt)).toEqual([at(25.5), at(0.2)].map((d) => d.toISOString()))
  })

  it('thins copies: all of the last 2 hours, the newest of each hour for 2 days, of each day for 30 days', () => {
    const now = at(100)
    const copy = (id: number, hours: number) => ({ id, takenAt: at(hours).toISOString() })
    const copies = [
      copy(1, 100), // newest
      copy(2, 99.5), copy(3, 98.2), // within 2 h: kept
      copy(4, 90.9), copy(5, 90.1), // same hour, 9–10 h ago: the newest (4) kept
      copy(6, 45), copy(7, 39.5), copy(8, 39), // beyond 48 h, by UTC day: 6 alone on its day; 7 and 8 share a day → 7 kept
      copy(9, 100 - 31 * 24), // older than 30 days
    ]
    expect(copiesToThin(copies, now).sort((a, b) => a - b)).toEqual([5, 8, 9])
  })

  it('takes no copy of a document without meta, nor a daily one of a read-only document; the one before a restore always', async () => {
    const db = newDb()
    expect(await takeDeviceSnapshot(db, 'room-1', new Y.Doc(), 'daily', at(0))).toEqual({ ok: false, reason: 'noMeta' })
    expect(await takeDeviceSnapshot(db, 'room-1', new Y.Doc(), 'beforeRestore', at(0))).toEqual({ ok: false, reason: 'noMeta' })
    const doc = partnership()
    vandalise(doc)
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0))).toEqual({ ok: false, reason: 'readOnly' })
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'beforeRestore', at(0))).toMatchObject({ ok: true, snapshot: { reason: 'beforeRestore' } })
  })

  it('keeps 30 days, pruned when a copy is written, always the newest, per partnership', async () => {
    const db = newDb()
    const doc = partnership()
    const other = partnership()
    await takeDeviceSnapshot(db, 'room-2', other, 'daily', at(0))
    for (let day = 0; day < 40; day++) {
      addActivity(doc, `Day ${day}`)
      await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(day * 24))
    }
    const kept = await listDeviceSnapshots(db, 'room-1')
    expect(kept[0]!.takenAt).toBe(at(39 * 24).toISOString())
    expect(kept.at(-1)!.takenAt).toBe(at(9 * 24).toISOString())
    expect(kept).toHaveLength(31)
    expect(await db.data.count()).toBe(32)
    // the other partnership's only copy is older than 30 days: it stays until that one writes again
    expect(await listDeviceSnapshots(db, 'room-2')).toHaveLength(1)
    addActivity(other, 'Later')
    await takeDeviceSnapshot(db, 'room-2', other, 'beforeRestore', at(60 * 24))
    expect((await listDeviceSnapshots(db, 'room-2')).map((s) => s.reason)).toEqual(['beforeRestore'])
  })

  it('on a full disk skips the copy and leaves the partnership alone', async () => {
    const db = newDb()
    const doc = partnership()
    addActivity(doc, 'Sports day')
    const before = Y.encodeStateAsUpdate(doc)
    vi.spyOn(db.data, 'add').mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0))).toEqual({ ok: false, reason: 'full' })
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'beforeRestore', at(0))).toEqual({ ok: false, reason: 'full' })
    // the transaction rolled back: no moment without its bytes
    expect(await listDeviceSnapshots(db, 'room-1')).toEqual([])
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
    vi.spyOn(db.data, 'add').mockRejectedValue(new Dexie.QuotaExceededError('wrapped'))
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'beforeRestore', at(0))).toEqual({ ok: false, reason: 'full' })
    vi.spyOn(db.data, 'add').mockRejectedValue(new Error('something else'))
    expect(await takeDeviceSnapshot(db, 'room-1', doc, 'beforeRestore', at(0))).toEqual({ ok: false, reason: 'failed' })
  })

  it('gives back the partnership after another program spoiled it, and the copy before the restore undoes the restore', async () => {
    const db = newDb()
    const doc = partnership()
    for (const title of ['Sports day', 'Letters', 'Visit']) addActivity(doc, title)
    const daily = await takeDeviceSnapshot(db, 'room-1', doc, 'daily', at(0))
    vandalise(doc)
    expect(isLockedByUnknownVersion(doc)).toBe(true)
    expect(titles(doc)).toEqual([])

    const before = await takeDeviceSnapshot(db, 'room-1', doc, 'beforeRestore', at(2))
    if (!daily.ok || !before.ok) throw new Error('copies expected')
    restorePartnership(doc, (await readDeviceSnapshot(db, daily.snapshot.id))!, an, daily.snapshot.takenAt, at(3))
    expect(isLockedByUnknownVersion(doc)).toBe(false)
    expect(titles(doc)).toEqual(['Letters', 'Sports day', 'Visit'])

    // going back to the copy before the restore: what it lacked is deleted again (tombstoned, so
    // it is in Recently deleted), and the bogus mark is never written back
    restorePartnership(doc, (await readDeviceSnapshot(db, before.snapshot.id))!, an, before.snapshot.takenAt, at(4))
    expect(titles(doc)).toEqual([])
    expect(isLockedByUnknownVersion(doc)).toBe(false)
  })

  it('forgets every copy of a partnership removed from the device', async () => {
    const db = newDb()
    await takeDeviceSnapshot(db, 'room-1', partnership(), 'daily', at(0))
    await takeDeviceSnapshot(db, 'room-2', partnership(), 'daily', at(0))
    await deleteDeviceSnapshots(db, 'room-1')
    expect(await listDeviceSnapshots(db, 'room-1')).toEqual([])
    expect(await listDeviceSnapshots(db, 'room-2')).toHaveLength(1)
    expect(await db.data.count()).toBe(1)
  })
})

describe('an open partnership on this device', () => {
  const until = async (cond: () => boolean | Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 5))
    expect(await cond()).toBe(true)
  }

  it('announces the device and keeps a daily copy when opened', async () => {
    const db = newDb()
    const doc = partnership()
    addActivity(doc, 'Sports day')
    const stop = keepDeviceUpkeep(doc, 'room-1', { snapshots: db, deviceId: async () => 'phone-a' })
    await until(async () => (await listDeviceSnapshots(db, 'room-1')).length === 1)
    expect(readDevices(doc)).toMatchObject([{ deviceId: 'phone-a', schema: CURRENT_SCHEMA_VERSION }])
    stop()
  })

  it('on a joined device: when the partnership first arrives; and again once a restore unlocks it', async () => {
    const db = newDb()
    const doc = new Y.Doc()
    const stop = keepDeviceUpkeep(doc, 'room-1', { snapshots: db, deviceId: async () => 'phone-b' })
    await new Promise((r) => setTimeout(r, 30))
    expect(readDevices(doc)).toEqual([])
    expect(await listDeviceSnapshots(db, 'room-1')).toEqual([])

    const a = partnership()
    addActivity(a, 'Sports day')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a), 'relay')
    await until(async () => readDevices(doc).length === 1 && (await listDeviceSnapshots(db, 'room-1')).length === 1)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, (await readDeviceSnapshot(db, (await listDeviceSnapshots(db, 'room-1'))[0]!.id))!)
    expect(titles(copy)).toEqual(['Sports day'])

    // locked by a bogus mark: the mark stays unexplained (this device does not claim version 99)
    doc.getMap('devices').delete('phone-b')
    vandalise(doc)
    await new Promise((r) => setTimeout(r, 30))
    expect(readDevices(doc)).toEqual([])
    expect(futureVersionMarks(doc)).toMatchObject([{ version: 99, isExplained: false }])
    restorePartnership(doc, Y.encodeStateAsUpdate(a), an, at(0).toISOString())
    await until(() => readDevices(doc).length === 1)
    stop()
  })

  it('does nothing once stopped', async () => {
    const db = newDb()
    const doc = new Y.Doc()
    keepDeviceUpkeep(doc, 'room-1', { snapshots: db, deviceId: async () => 'phone-b' })()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(partnership()))
    await new Promise((r) => setTimeout(r, 30))
    expect(readDevices(doc)).toEqual([])
    expect(await listDeviceSnapshots(db, 'room-1')).toEqual([])
  })
})
