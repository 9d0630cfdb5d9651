/**
 * "The document changed" without the bytes of the change (src/domain/docChanges.ts). An 'update'
 * listener makes Yjs encode every transaction's changes; the screens' version counter and the
 * session's upkeep only need the signal, so a document they watch is not encoded again while a
 * five-year partnership's stored rows are applied (issue 12, bench:app's cold start).
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, initPartnership, onDocChange, type Author } from '../../src/domain'
import { SnapshotDb } from '../../src/storage/snapshots'
import { docVersionStore } from '../../src/ui/hooks/useDocVersion'
import { keepDeviceUpkeep } from '../../src/ui/session/deviceUpkeep'

const an: Author = { personId: 'p-an', name: 'An', deviceId: 'phone-a' }
const dbs: SnapshotDb[] = []
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete()
})

describe('onDocChange', () => {
  it('is called after each transaction that adds or deletes content, local or received, and not after an empty one', () => {
    const doc = new Y.Doc()
    const seen: boolean[] = []
    const stop = onDocChange(doc, (tr) => seen.push(tr.local))
    doc.getMap('m').set('a', 1)
    doc.transact(() => undefined)
    doc.transact(() => doc.getMap('m').get('a'))
    doc.getMap('m').delete('a')
    const other = new Y.Doc()
    other.getArray('x').insert(0, ['from the partner'])
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other)) // nothing new
    expect(seen).toEqual([true, true, false])
    stop()
    doc.getMap('m').set('b', 2)
    expect(seen).toHaveLength(3)
  })
})

describe('a document the screens and the device upkeep watch', () => {
  it('counts every change for the screens, yet Yjs encodes no update for them', async () => {
    const db = new SnapshotDb('doc-changes-1')
    dbs.push(db)
    const source = new Y.Doc()
    initPartnership(source, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan', partnerSchoolName: 'GS Huye' }, { schoolAId: 'sa', schoolBId: 'sb' }, an)
    const rows: Uint8Array[] = [Y.encodeStateAsUpdate(source)]
    for (let i = 0; i < 20; i++) {
      const before = Y.encodeStateVector(source)
      createActivity(source, { ...EMPTY_ACTIVITY, title: `Activity ${i}` }, an)
      rows.push(Y.encodeStateAsUpdate(source, before))
    }

    const doc = new Y.Doc()
    const versions = docVersionStore(doc)
    let notified = 0
    versions.subscribe(() => notified++)
    const stops = [keepDeviceUpkeep(doc, 'room-1', { snapshots: db, deviceId: async () => 'phone-a' })]
    const emitted: string[] = []
    const emit = doc.emit.bind(doc)
    doc.emit = (name, args) => {
      emitted.push(name)
      emit(name, args)
    }
    for (const row of rows) Y.applyUpdate(doc, row)
    for (const stop of stops) stop()

    expect(doc.getMap('activities').size).toBe(20)
    expect(versions.getSnapshot()).toBe(rows.length)
    expect(notified).toBe(rows.length)
    expect(emitted.filter((n) => n === 'afterTransaction')).toHaveLength(rows.length)
    expect(emitted).not.toContain('update')
  })
})
