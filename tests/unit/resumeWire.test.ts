import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import {
  MESSAGE_SYNC,
  clientSubprotocols,
  deriveToken,
  encodeAck,
  encodeSyncStep1Since,
  newEpoch,
  newInvite,
  positionSubprotocol,
  readAck,
  readAckBody,
  readOfferedProof,
  readPositionSubprotocol,
} from '../../src/sync/wire'
import { RelayResume, holdsDeletions, holdsDeletionsSliced, type StoredRelayPosition } from '../../src/sync/resume'
import { resumedUpdate } from '../../sync-server/resume'
import { deletionsBeyond, encodeDeleteSet, type DeleteSet as DeleteSetOf } from '../../src/sync/deleteSets'
import { changeOf, noteWrite } from '../../sync-server/acks'
import { Room } from '../../sync-server/room'
import { RecentWrites } from '../../sync-server/recentWrites'

/** The decoder positioned after the message type, as the app's message handler gets it. */
function body(message: Uint8Array): decoding.Decoder {
  const d = decoding.createDecoder(message)
  decoding.readVarUint(d)
  return d
}

/** A document with text written by `clients` clients and many deletions (a long history). */
function historyDoc(clients: number, deletions: number): Y.Doc {
  const doc = new Y.Doc()
  for (let c = 0; c < clients; c++) {
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    const text = other.getText('t')
    for (let i = 0; i < deletions; i++) {
      text.insert(text.length, 'ab')
      text.delete(text.length - 1, 1)
    }
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)))
  }
  return doc
}

describe('the relay position on the wire', () => {
  it('is offered as sb.at.<epoch>.<n> and read back by the relay with the proof', () => {
    const invite = newInvite()
    const position = { epoch: newEpoch(), n: 42 }
    expect(position.epoch).toMatch(/^[0-9a-f]{16}$/)
    const protocols = clientSubprotocols(invite, 'join', undefined, position)
    expect(protocols).toContain(`sb.at.${position.epoch}.42`)
    expect(readOfferedProof(protocols)).toEqual({ intent: 'join', token: deriveToken(invite), wantsAck: true, wantsHeartbeat: true, position })
    expect(readPositionSubprotocol(positionSubprotocol({ epoch: position.epoch, n: 0 }))).toEqual({ epoch: position.epoch, n: 0 })
  })

  it('ignores a malformed position, never refuses the proof for it', () => {
    const invite = newInvite()
    const epoch = newEpoch()
    for (const bad of [`sb.at.${epoch}`, `sb.at.${epoch}.`, `sb.at.${epoch}.01`, `sb.at.${epoch}.-1`, `sb.at.${epoch}.1.2`, `sb.at.${epoch.toUpperCase()}.1`,
      `sb.at.${epoch.slice(1)}.1`, `sb.at.${epoch}.99999999999999999`, 'sb.at.', 'sb.at.zzzzzzzzzzzzzzzz.1']) {
      expect(readPositionSubprotocol(bad)).toBeUndefined()
      const offered = readOfferedProof([...clientSubprotocols(invite, 'join'), bad])
      expect(offered).toEqual({ intent: 'join', token: deriveToken(invite), wantsAck: true, wantsHeartbeat: true })
    }
  })

  it('acks carry the position after the snapshot: old readers read the snapshot as before', () => {
    const doc = historyDoc(2, 20)
    const snapshot = Y.snapshot(doc)
    const position = { epoch: newEpoch(), n: 7 }
    const whole = encodeAck(snapshot, position)
    const delta = encodeAck(snapshot, position, 3)
    // what an app before positions reads: only the snapshot, the rest ignored
    expect(Y.equalSnapshots(readAckBody(body(whole)), snapshot)).toBe(true)
    expect(Y.equalSnapshots(readAckBody(body(delta)), snapshot)).toBe(true)
    const w = readAck(body(whole))
    expect(w.position).toEqual(position)
    expect(w.since).toBeUndefined()
    expect(readAck(body(delta))).toMatchObject({ position, since: 3 })
    // from a relay without positions, or with a trailer that is not one: no position
    expect(readAck(body(encodeAck(snapshot))).position).toBeUndefined()
    const garbage = new Uint8Array([...encodeAck(snapshot), 200])
    expect(readAck(body(garbage)).position).toBeUndefined()
  })
})

describe('an update with a chosen delete set (Yjs 13, format V1)', () => {
  it('Y.encodeStateAsUpdate ends with the whole delete set encoded as Y.encodeSnapshot encodes one', () => {
    const doc = historyDoc(3, 50)
    const ds = Y.createDeleteSetFromStructStore(doc.store)
    const tail = encodeDeleteSet(ds)
    const snapshotBytes = Y.encodeSnapshot(Y.createSnapshot(ds, new Map()))
    expect(snapshotBytes[snapshotBytes.length - 1]).toBe(0)
    for (const sv of [new Uint8Array([0]), Y.encodeStateVector(doc)]) {
      const update = Y.encodeStateAsUpdate(doc, sv)
      expect(Buffer.from(update.subarray(update.length - tail.length)).equals(Buffer.from(tail))).toBe(true)
    }
  })

  it('the relay answers a resumed socket with the structs it lacks, the deletions after its position and those on the structs sent', () => {
    const relayDoc = historyDoc(2, 200)
    const room = new Room('r', Promise.resolve())
    room.doc = relayDoc
    relayDoc.on('update', (_u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => noteWrite(room, [changeOf(tr)]))
    // the device knew everything at position 0, then went away
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(relayDoc))
    // meanwhile: a partner deletes old text and adds new text (with deletions of its own)
    const partner = new Y.Doc()
    Y.applyUpdate(partner, Y.encodeStateAsUpdate(relayDoc))
    const pt = partner.getText('t')
    pt.delete(0, 5)
    pt.insert(pt.length, 'xyz')
    pt.delete(pt.length - 2, 1)
    Y.applyUpdate(relayDoc, Y.encodeStateAsUpdate(partner, Y.encodeStateVector(relayDoc)))
    expect(room.writeCount).toBe(1)

    const resumed = resumedUpdate(room, relayDoc, Y.encodeStateVector(device), 0)!
    const whole = Y.encodeStateAsUpdate(relayDoc, Y.encodeStateVector(device))
    expect(resumed.byteLength).toBeLessThan(whole.byteLength / 10)
    Y.applyUpdate(device, resumed)
    expect(device.getText('t').toString()).toBe(relayDoc.getText('t').toString())
    expect(Y.equalSnapshots(Y.snapshot(device), Y.snapshot(relayDoc))).toBe(true)
    // a device that has none of it gets every deletion on what it is sent
    const empty = new Y.Doc()
    Y.applyUpdate(empty, resumedUpdate(room, relayDoc, Y.encodeStateVector(empty), 0)!)
    expect(Y.equalSnapshots(Y.snapshot(empty), Y.snapshot(relayDoc))).toBe(true)
    // positions from before the kept writes, or with a write to come, are not answered this way
    expect(resumedUpdate(room, relayDoc, Y.encodeStateVector(device), -1)).toBeUndefined()
    expect(resumedUpdate(room, relayDoc, Y.encodeStateVector(device), 2)).toBeUndefined()
  })
})

describe('the app side of resuming', () => {
  const stored = (doc: Y.Doc, epoch: string, n: number): StoredRelayPosition => ({ epoch, n, snapshot: Y.encodeSnapshot(Y.snapshot(doc)) })

  it('offers the remembered position only when the document holds its deletions', () => {
    const relay = historyDoc(2, 30)
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(relay))
    const epoch = newEpoch()
    expect(new RelayResume(device, { remembered: stored(relay, epoch, 5) }).offer()).toEqual({ epoch, n: 5 })
    // a device that has an item but not its deletion (it lost the relay's step 2, or never wrote it)
    const partial = new Y.Doc()
    Y.applyUpdate(partial, Y.encodeStateAsUpdate(relay))
    relay.getText('t').delete(0, 1)
    expect(holdsDeletions(partial, Y.snapshot(relay).ds)).toBe(false)
    expect(new RelayResume(partial, { remembered: stored(relay, epoch, 6) }).offer()).toBeUndefined()
    // a device with nothing holds no deletion it could lack: the relay sends them with the items
    expect(holdsDeletions(new Y.Doc(), Y.snapshot(relay).ds)).toBe(true)
  })

  it('follows the acks of a socket: whole, then deltas; a resumed first ack adds what was remembered', () => {
    const doc = historyDoc(1, 10)
    const kept: StoredRelayPosition[] = []
    const resume = new RelayResume(doc, { remember: (next) => kept.push(next()) })
    const epoch = newEpoch()
    expect(resume.offer()).toBeUndefined()
    const whole = Y.snapshot(doc)
    expect(Y.equalSnapshots(resume.onAck({ snapshot: whole, position: { epoch, n: 3 } }), whole)).toBe(true)
    const delta = Y.createSnapshot(Y.createDeleteSet(), new Map([[99, 4]]))
    resume.onAck({ snapshot: delta, position: { epoch, n: 5 }, since: 3 })
    expect(kept.map((k) => k.n)).toEqual([3, 5])
    expect(Y.decodeSnapshot(kept[1]!.snapshot).sv.get(99)).toBe(4)
    // a delta that does not follow the chain is not remembered
    resume.onAck({ snapshot: delta, position: { epoch, n: 9 }, since: 7 })
    expect(kept).toHaveLength(2)

    // the next socket offers n = 5; the relay resumes: its first ack is a delta after 5
    resume.close()
    expect(resume.offer()).toEqual({ epoch, n: 5 })
    const next = Y.createSnapshot(Y.createDeleteSet(), new Map([[98, 1]]))
    const adds = resume.onAck({ snapshot: next, position: { epoch, n: 6 }, since: 5 })
    expect(adds.sv.get(99)).toBe(4)
    expect(adds.sv.get(98)).toBe(1)
    expect(Y.snapshotContainsUpdate(adds, Y.encodeStateAsUpdate(doc))).toBe(true)

    // a relay that answers with a whole ack (another epoch) is taken as it is
    resume.close()
    expect(resume.offer()).toEqual({ epoch, n: 6 })
    const other = newEpoch()
    const fresh = resume.onAck({ snapshot: next, position: { epoch: other, n: 0 } })
    expect(fresh.sv.get(99)).toBeUndefined()
    // and a delta after a position this socket did not offer adds nothing remembered
    resume.close()
    resume.offer()
    expect(resume.onAck({ snapshot: next, position: { epoch: other, n: 4 }, since: 2 }).sv.get(99)).toBeUndefined()
  })
})

describe('the relay\'s sync step 1 after a position (message 103)', () => {
  /** What the device sends back: the update of its sync step 2. */
  function answer(resume: RelayResume, message: Uint8Array): Uint8Array {
    const e = encoding.createEncoder()
    resume.answerSyncStep1Since(e, body(message), MESSAGE_SYNC)
    const d = decoding.createDecoder(encoding.toUint8Array(e))
    expect(decoding.readVarUint(d)).toBe(MESSAGE_SYNC)
    expect(decoding.readVarUint(d)).toBe(1) // step 2
    return decoding.readVarUint8Array(d)
  }

  it('is answered against the state vector remembered for the position joined with the clients that moved', () => {
    const relay = historyDoc(3, 20)
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(relay))
    const epoch = newEpoch()
    const resume = new RelayResume(device, { remembered: { epoch, n: 4, snapshot: Y.encodeSnapshot(Y.snapshot(relay)) } })
    expect(resume.offer()).toEqual({ epoch, n: 4 })
    // meanwhile the relay got a partner's edit, and the device edits offline
    const partner = new Y.Doc()
    Y.applyUpdate(partner, Y.encodeStateAsUpdate(relay))
    partner.getText('t').insert(0, 'partner ')
    Y.applyUpdate(relay, Y.encodeStateAsUpdate(partner))
    device.getText('t').insert(0, 'offline ')
    device.getText('t').delete(10, 3)
    const moved = new Map([[partner.clientID, Y.getState(relay.store, partner.clientID)]])
    const update = answer(resume, encodeSyncStep1Since({ epoch, n: 4 }, moved))
    // the structs the relay lacks, as against its whole state vector …
    const decoded = Y.decodeUpdate(update)
    const lacking = Y.decodeUpdate(Y.encodeStateAsUpdate(device, Y.encodeStateVector(relay)))
    expect(decoded.structs.map((s) => `${s.id.client}:${s.id.clock}+${s.length}`)).toEqual(lacking.structs.map((s) => `${s.id.client}:${s.id.clock}+${s.length}`))
    // … and of the deletions only those the relay had not acknowledged at the position: the offline one
    const deleted = [...decoded.ds.clients.values()].flat().reduce((n, r) => n + r.len, 0)
    expect(deleted).toBe(3)
    expect(update.byteLength).toBeLessThan(Y.encodeStateAsUpdate(device, Y.encodeStateVector(relay)).byteLength)
    // and the relay ends with the device's document
    Y.applyUpdate(relay, update)
    // (two inserts at 0 on two devices: their order is Yjs's, by client id)
    expect(relay.getText('t').length).toBe(device.getText('t').length + 'partner '.length)
    expect(relay.getText('t').toString()).toContain('offline ')
    const merged = new Y.Doc()
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(relay))
    Y.applyUpdate(device, Y.encodeStateAsUpdate(relay))
    expect(Y.equalSnapshots(Y.snapshot(merged), Y.snapshot(device))).toBe(true)
    // for a position this socket did not offer: everything, never less than the relay lacks
    const all = answer(resume, encodeSyncStep1Since({ epoch: newEpoch(), n: 4 }, moved))
    expect(Buffer.from(all).equals(Buffer.from(Y.encodeStateAsUpdate(device)))).toBe(true)
  })
})

describe('the window of recent writes a room keeps', () => {
  it('keeps the newest writes within its count and bytes, whichever sizes come, and says when one is forgotten', () => {
    const w = new RecentWrites(100, 3000)
    const all: Uint8Array[] = []
    let seed = 7
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let n = 1; n <= 5000; n++) {
      // mostly small changes, now and then a big one (a join), once one beyond the bytes bound
      const size = n === 2500 ? 4000 : next() % 50 === 0 ? 1500 : 1 + (next() % 40)
      const change = new Uint8Array(size).map(() => next() % 256)
      all.push(change)
      w.push(change)
      expect(w.bytes).toBeLessThanOrEqual(3000)
      const kept = n - w.forgottenThrough
      expect(kept).toBeLessThanOrEqual(100)
      expect(w.after(w.forgottenThrough - 1)).toBeUndefined()
      expect(w.after(n + 1)).toBeUndefined()
      expect(w.after(n)).toEqual([])
      if (n % 97 === 0 || n === 2500 || n === 2501) {
        const got = w.after(w.forgottenThrough)!
        expect(got.map((c) => Buffer.from(c).toString('hex'))).toEqual(all.slice(w.forgottenThrough, n).map((c) => Buffer.from(c).toString('hex')))
      }
    }
    expect(w.forgottenThrough).toBeGreaterThan(4900)
  })
})

describe('deletionsBeyond: what a device sends of its deletions after resuming', () => {
  /** A delete set of random ranges over a few clients (seeded). */
  function randomDs(seed: number): DeleteSetOf {
    let x = seed
    const next = (n: number): number => {
      x = (x * 1103515245 + 12345) % 2 ** 31
      return x % n
    }
    const ds = Y.createDeleteSet()
    for (let c = 1; c <= 3; c++) {
      const items: { clock: number; len: number }[] = []
      for (let i = 0; i < 8; i++) items.push({ clock: next(200), len: 1 + next(20) })
      ds.clients.set(c, items as never)
    }
    return Y.mergeDeleteSets([ds])
  }
  const covers = (ds: DeleteSetOf, client: number, clock: number): boolean => (ds.clients.get(client) ?? []).some((r) => r.clock <= clock && clock < r.clock + r.len)

  it('holds exactly the deletions of the first set that the second lacks, on random sets', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const a = randomDs(seed)
      const b = randomDs(seed * 7919)
      const beyond = deletionsBeyond(a, b)
      for (let client = 1; client <= 3; client++) {
        for (let clock = 0; clock < 230; clock++) {
          expect(covers(beyond, client, clock), `seed ${seed} client ${client} clock ${clock}`).toBe(covers(a, client, clock) && !covers(b, client, clock))
        }
      }
    }
  })
})

describe('offering a position again', () => {
  it('offers it while nothing arrived, and not once an item arrives without a deletion the snapshot holds', () => {
    // the relay: a letter, then a word of it deleted
    const writer = new Y.Doc()
    writer.getText('t').insert(0, 'Muraho neza bana')
    const beforeDeletion = Y.encodeStateAsUpdate(writer)
    writer.getText('t').delete(7, 5)
    const epoch = newEpoch()
    const device = new Y.Doc()
    const resume = new RelayResume(device, { remembered: { epoch, n: 3, snapshot: Y.encodeSnapshot(Y.snapshot(writer)) } })
    // nothing of the letter here yet: no deletion of it can be missing
    expect(resume.offer()).toEqual({ epoch, n: 3 })
    expect(resume.offer()).toEqual({ epoch, n: 3 })
    // a store that lost the deletion brings the letter back whole: the relay would skip the deletion
    Y.applyUpdate(device, beforeDeletion)
    expect(resume.offer()).toBeUndefined()
    // the deletion arrives: offered again
    Y.applyUpdate(device, Y.encodeStateAsUpdate(writer))
    expect(resume.offer()).toEqual({ epoch, n: 3 })
  })

  /** A relay's long history (600 deleted ranges), a device holding all of it, and a `nextTask` that counts its turns. */
  const walkable = () => {
    const relay = historyDoc(3, 200)
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(relay))
    const walk = {
      relay,
      device,
      turns: 0,
      nextTask: async (): Promise<void> => {
        walk.turns++
        await Promise.resolve()
      },
    }
    return walk
  }

  it('walks the remembered deletions ahead of the socket in slices, with the same answer, and offers without walking again', async () => {
    const walk = walkable()
    const { relay, device, nextTask } = walk
    expect(await holdsDeletionsSliced(device, Y.snapshot(relay).ds, nextTask, 0)).toBe(true)
    // 600 deleted ranges, a pause after every hundred: the browser got its turns
    expect(walk.turns).toBeGreaterThanOrEqual(5)
    const partial = new Y.Doc()
    Y.applyUpdate(partial, Y.encodeStateAsUpdate(relay))
    relay.getText('t').delete(0, 1)
    const lacking = Y.snapshot(relay).ds
    expect(await holdsDeletionsSliced(partial, lacking, nextTask, 0)).toBe(holdsDeletions(partial, lacking))
    expect(holdsDeletions(partial, lacking)).toBe(false)

    const epoch = newEpoch()
    const resume = new RelayResume(device, { remembered: { epoch, n: 9, snapshot: Y.encodeSnapshot(Y.snapshot(device)) } })
    const walking = resume.prepare(nextTask, 0)
    expect(walking).toBeInstanceOf(Promise)
    await walking
    // the answer is known for the document as it is: nothing to walk, and the socket offers the position
    expect(resume.prepare(nextTask, 0)).toBeUndefined()
    expect(resume.offer()).toEqual({ epoch, n: 9 })
    // an item arrives: asked again
    device.getText('t').insert(0, 'x')
    expect(resume.prepare(nextTask, 0)).toBeInstanceOf(Promise)
    // nothing remembered: nothing to walk
    expect(new RelayResume(new Y.Doc()).prepare(nextTask, 0)).toBeUndefined()
  })

  it('stops a walk when asked (the connection closed), learning nothing from it', async () => {
    const walk = walkable()
    const { relay, device, nextTask } = walk
    expect(await holdsDeletionsSliced(device, Y.snapshot(relay).ds, nextTask, 0, () => walk.turns >= 2)).toBe(false)
    expect(walk.turns).toBe(2)
    const epoch = newEpoch()
    const resume = new RelayResume(device, { remembered: { epoch, n: 4, snapshot: Y.encodeSnapshot(Y.snapshot(device)) } })
    await resume.prepare(nextTask, 0, () => true)
    // unfinished: the next attempt walks again, and the whole walk says yes
    const again = resume.prepare(nextTask, 0)
    expect(again).toBeInstanceOf(Promise)
    await again
    expect(resume.prepare(nextTask, 0)).toBeUndefined()
    expect(resume.offer()).toEqual({ epoch, n: 4 })
  })
})
