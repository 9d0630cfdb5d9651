/**
 * What the relay keeps of each write for acknowledgements (sync-server/acks.ts) is read from the
 * transaction, not by decoding the update again. It must be exactly what the update holds: the
 * clock it moves each client to and its deletions — for plain edits, deletions of known text,
 * updates that arrive before what they build on (held pending, then integrated), and several
 * updates merged into one write.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { changeOf, noteWrite } from '../../sync-server/acks'
import { Room } from '../../sync-server/room'
import { mulberry32 } from '../helpers/random'

/** The change as the relay computed it before: by decoding the update. */
function decoded(update: Uint8Array): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update)
  const to = new Map<number, number>()
  for (const s of structs) {
    if (s instanceof Y.Skip) continue
    const end = s.id.clock + s.length
    if (end > (to.get(s.id.client) ?? 0)) to.set(s.id.client, end)
  }
  return Y.encodeSnapshot(Y.createSnapshot(ds, to))
}

/** Updates of three devices editing one text, in a seeded order that sends some before what they build on. */
function shuffledUpdates(seed: number): Uint8Array[] {
  const random = mulberry32(seed)
  const devices = [0, 1, 2].map(() => new Y.Doc())
  const updates: Uint8Array[] = []
  for (const d of devices) d.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < 60; i++) {
    const d = devices[Math.floor(random() * devices.length)]!
    const t = d.getText('t')
    if (t.length > 4 && random() < 0.35) t.delete(Math.floor(random() * (t.length - 3)), 1 + Math.floor(random() * 3))
    else t.insert(Math.floor(random() * (t.length + 1)), `w${i} `)
    // now and then a device learns what the others wrote, so deletions reach other devices' text
    if (random() < 0.3) {
      const other = devices[Math.floor(random() * devices.length)]!
      if (other !== d) Y.applyUpdate(d, Y.encodeStateAsUpdate(other, Y.encodeStateVector(d)))
    }
  }
  // swap neighbours now and then: an update arrives before the one it builds on
  for (let i = 1; i < updates.length; i++) if (random() < 0.2) [updates[i - 1], updates[i]] = [updates[i]!, updates[i - 1]!]
  return updates
}

describe('what the relay keeps of a write', () => {
  it('read from the transaction, is what decoding the emitted update gives', () => {
    for (const seed of [1, 2, 3, 4]) {
      const relay = new Y.Doc()
      const seen: [Uint8Array, Uint8Array][] = []
      relay.on('update', (u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => {
        seen.push([Y.encodeSnapshot(changeOf(tr)), decoded(u)])
      })
      let waited = 0
      for (const u of shuffledUpdates(seed)) {
        Y.applyUpdate(relay, u)
        if (relay.store.pendingStructs) waited++
      }
      expect(waited).toBeGreaterThan(0)
      expect(relay.store.pendingStructs).toBeNull()
      expect(seen.length).toBeGreaterThan(40)
      // some updates carried deletions, some waited for an earlier one
      expect(seen.some(([, d]) => Y.decodeSnapshot(d).ds.clients.size > 0)).toBe(true)
      for (const [fromTransaction, fromUpdate] of seen) expect(Array.from(fromTransaction)).toEqual(Array.from(fromUpdate))
    }
  })

  it('for several updates written as one, is what decoding their merged update gives', () => {
    const relay = new Y.Doc()
    const changes: Y.Snapshot[] = []
    const updates: Uint8Array[] = []
    relay.on('update', (u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => {
      changes.push(changeOf(tr))
      updates.push(u)
    })
    for (const u of shuffledUpdates(7)) Y.applyUpdate(relay, u)
    const room = new Room('r', Promise.resolve())
    noteWrite(room, changes)
    expect(room.writeCount).toBe(1)
    const [kept] = room.recentWrites.after(0)!
    expect(Array.from(kept!)).toEqual(Array.from(decoded(Y.mergeUpdates(updates))))
    // and the clocks the acknowledgements use: the end of every client's text
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(relay))) expect(room.clockChangedAt.get(client)).toEqual({ n: 1, clock })
  })
})
