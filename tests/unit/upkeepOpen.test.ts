/**
 * Opening a partnership takes the device's regular copy (src/ui/session/deviceUpkeep.ts) only when
 * one is due: a copy is the whole document encoded (4.9 MB on a five-year partnership), and every
 * reload used to encode it before finding that the newest copy was minutes old (issue 12).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, initPartnership, type Author } from '../../src/domain'
import { SnapshotDb, listDeviceSnapshots, takeDeviceSnapshot } from '../../src/storage/snapshots'
import { keepDeviceUpkeep } from '../../src/ui/session/deviceUpkeep'

// counts whole-document encodes; everything else is the real Yjs
vi.mock('yjs', async (importOriginal) => {
  const real = await importOriginal<typeof Y>()
  return { ...real, encodeStateAsUpdate: vi.fn(real.encodeStateAsUpdate) }
})

const an: Author = { personId: 'p-an', name: 'An', deviceId: 'phone-a' }
const MINUTE = 60 * 1000
const dbs: SnapshotDb[] = []
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete()
})

function partnership(): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan', partnerSchoolName: 'GS Huye' }, { schoolAId: 'sa', schoolBId: 'sb' }, an)
  createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an)
  return doc
}

async function settle(stop: () => void): Promise<void> {
  // the upkeep's turns: the update timer, the idle job (a timer in Node), IndexedDB
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5))
  stop()
}

describe('the regular copy when a partnership opens', () => {
  it('encodes nothing when the newest copy is younger than ten minutes', async () => {
    const db = new SnapshotDb('upkeep-open-1')
    dbs.push(db)
    const doc = partnership()
    await takeDeviceSnapshot(db, 'room-1', doc, 'daily', new Date(Date.now() - 3 * MINUTE))
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    const encode = vi.mocked(Y.encodeStateAsUpdate)
    encode.mockClear()

    await settle(keepDeviceUpkeep(doc, 'room-1', { snapshots: db, deviceId: async () => 'phone-a' }))
    expect(encode).toHaveBeenCalledTimes(0)
    expect(await listDeviceSnapshots(db, 'room-1')).toHaveLength(1)
  })

  it('still takes the copy when the newest is older', async () => {
    const db = new SnapshotDb('upkeep-open-2')
    dbs.push(db)
    const doc = partnership()
    await takeDeviceSnapshot(db, 'room-1', doc, 'daily', new Date(Date.now() - 30 * MINUTE))
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Pen pals' }, an)
    const stop = keepDeviceUpkeep(doc, 'room-1', { snapshots: db, deviceId: async () => 'phone-a' })
    for (let i = 0; i < 200 && (await listDeviceSnapshots(db, 'room-1')).length < 2; i++) await new Promise((r) => setTimeout(r, 5))
    stop()
    expect(await listDeviceSnapshots(db, 'room-1')).toHaveLength(2)
  })
})
