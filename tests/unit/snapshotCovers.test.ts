import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { snapshotCoversDoc } from '../../src/sync/snapshotCovers'

/** The check it replaces, for comparison. */
const slowCheck = (snapshot: Y.Snapshot, doc: Y.Doc): boolean => Y.snapshotContainsUpdate(snapshot, Y.encodeStateAsUpdate(doc))

function docWith(edits: (doc: Y.Doc) => void, clientID = 1): Y.Doc {
  const doc = new Y.Doc({ gc: true })
  doc.clientID = clientID
  edits(doc)
  return doc
}

describe('snapshotCoversDoc', () => {
  it('is true for the snapshot of the document itself, also after deletions', () => {
    const doc = docWith((d) => {
      d.getText('t').insert(0, 'Hallo partnerschool')
      d.getText('t').delete(0, 6)
      d.getMap('m').set('a', 1)
      d.getMap('m').set('a', 2)
    })
    expect(snapshotCoversDoc(Y.snapshot(doc), doc)).toBe(true)
    expect(slowCheck(Y.snapshot(doc), doc)).toBe(true)
  })

  it('is false when the relay lacks a later change of a client it knows', () => {
    const doc = docWith((d) => d.getText('t').insert(0, 'eerste'))
    const before = Y.snapshot(doc)
    doc.getText('t').insert(6, ' tweede')
    expect(snapshotCoversDoc(before, doc)).toBe(false)
    expect(slowCheck(before, doc)).toBe(false)
  })

  it('is false when the relay lacks a client altogether', () => {
    const doc = docWith((d) => d.getMap('m').set('x', 'y'))
    const other = docWith((d) => d.getMap('m').set('z', 'w'), 2)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
    const onlyFirst = Y.createSnapshot(Y.createDeleteSetFromStructStore(doc.store), new Map([[1, 1]]))
    expect(snapshotCoversDoc(onlyFirst, doc)).toBe(false)
    expect(slowCheck(onlyFirst, doc)).toBe(false)
  })

  it('is false when only a deletion is missing (a deletion moves no clock)', () => {
    const doc = docWith((d) => d.getText('t').insert(0, 'te verwijderen tekst'))
    const before = Y.snapshot(doc)
    doc.getText('t').delete(0, 3)
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(docWith((d) => d.getText('t').insert(0, 'te verwijderen tekst'))))
    expect(snapshotCoversDoc(before, doc)).toBe(false)
    expect(slowCheck(before, doc)).toBe(false)
  })

  it('is true when the relay holds more than this document', () => {
    const doc = docWith((d) => d.getText('t').insert(0, 'abc'))
    const relay = docWith(() => undefined, 3)
    Y.applyUpdate(relay, Y.encodeStateAsUpdate(doc))
    relay.getText('t').insert(3, 'def')
    relay.getText('t').delete(0, 1)
    const relaySnapshot = Y.snapshot(relay)
    expect(snapshotCoversDoc(relaySnapshot, doc)).toBe(true)
    expect(slowCheck(relaySnapshot, doc)).toBe(true)
  })

  it('agrees with the whole-document check on random edits by three clients', () => {
    let seed = 7
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const docs = [1, 2, 3].map((id) => docWith(() => undefined, id))
    let agreements = 0
    for (let round = 0; round < 60; round++) {
      const d = docs[Math.floor(random() * 3)]!
      const text = d.getText('t')
      if (text.length > 0 && random() < 0.4) text.delete(Math.floor(random() * text.length), 1)
      else text.insert(Math.floor(random() * (text.length + 1)), 'xyz'.slice(0, 1 + Math.floor(random() * 3)))
      if (random() < 0.3) {
        const [a, b] = [docs[Math.floor(random() * 3)]!, docs[Math.floor(random() * 3)]!]
        Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
      }
      for (const snapshotOf of docs) {
        for (const doc of docs) {
          const snapshot = Y.snapshot(snapshotOf)
          expect(snapshotCoversDoc(snapshot, doc)).toBe(slowCheck(snapshot, doc))
          agreements++
        }
      }
    }
    expect(agreements).toBe(60 * 9)
  })
})
