import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { CLOSE, MESSAGE_RELAY_ACK, MESSAGE_SYNC, newInvite } from '../../src/sync/wire'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities, updateActivity } from '../../src/domain'
import { appConnection, protocolsFor, rawSession } from '../helpers/clients'
import { type RunningRelay, roomOnDisk, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const { cleanups, start } = stopAfterEach()
const relayOn = (dataDir: string, env?: Record<string, string>): Promise<RunningRelay> => start({ dataDir, env })

describe('durable relay', () => {
  it('keeps every acknowledged update through kill -9 and serves it to a device that joins later', async () => {
    const dataDir = tempDir('sb-durable')
    const first = await relayOn(dataDir)
    const invite = newInvite()
    const a = appConnection(first.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    initPartnership(a.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    const ids: string[] = []
    for (let i = 0; i < 20; i++) ids.push(createActivity(a.doc, { ...EMPTY_ACTIVITY, title: `Activity ${i}` }, 'An'))
    await waitFor(() => a.conn.getState().kind === 'synced', 'all acknowledged')
    await first.kill()
    a.conn.destroy()

    const second = await relayOn(dataDir)
    const b = appConnection(second.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'late device synced')
    expect(listActivities(b.doc).map((x) => x.title).sort()).toEqual(ids.map((_, i) => `Activity ${i}`).sort())
  })

  it('stores and forwards: A edits while B is away, the relay restarts, B gets the edit', async () => {
    const dataDir = tempDir('sb-forward')
    const first = await relayOn(dataDir)
    const invite = newInvite()
    const a = appConnection(first.wsUrl, invite, 'create')
    initPartnership(a.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    const id = createActivity(a.doc, { ...EMPTY_ACTIVITY, title: 'Before' }, 'An')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A synced')
    const b = appConnection(first.wsUrl, invite, 'join')
    await waitFor(() => b.conn.getState().kind === 'synced', 'B synced')
    b.conn.destroy()
    updateActivity(a.doc, id, { title: 'After, written while B was away' }, 'An')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A edit acknowledged')
    a.conn.destroy()
    await first.stop()
    const second = await relayOn(dataDir)
    const b2 = appConnection(second.wsUrl, invite, 'join', b.doc)
    cleanups.push(() => b2.conn.destroy())
    await waitFor(() => listActivities(b2.doc)[0]?.title === 'After, written while B was away', 'B got the edit')
  })

  it('does not say synced while the relay has not acknowledged, even with the socket open', async () => {
    const r = await relayOn(tempDir('sb-ack'))
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    initPartnership(a.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    await waitFor(() => a.conn.getState().kind === 'synced', 'synced')
    r.process.kill('SIGSTOP') // the relay freezes: the socket stays open, nothing is acknowledged
    try {
      createActivity(a.doc, { ...EMPTY_ACTIVITY, title: 'One' }, 'An')
      createActivity(a.doc, { ...EMPTY_ACTIVITY, title: 'Two' }, 'An')
      expect(a.conn.getState()).toEqual({ kind: 'saved-local', pending: 2 })
      await new Promise((res) => setTimeout(res, 300))
      expect(a.conn.getState()).toEqual({ kind: 'saved-local', pending: 2 })
    } finally {
      r.process.kill('SIGCONT')
    }
    await waitFor(() => a.conn.getState().kind === 'synced', 'synced after the relay woke')
  })

  it('reaches synced on both devices after both changed the same fields offline', async () => {
    const r = await relayOn(tempDir('sb-sameedit'))
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    initPartnership(a.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    const id = createActivity(a.doc, { ...EMPTY_ACTIVITY, title: 'Letters', description: 'Class 5 writes to P5.' }, 'An')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A synced')
    a.conn.destroy()
    // B starts from the same state, then both edit apart: same fields, same text deleted
    const bDoc = new Y.Doc()
    Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(a.doc))
    updateActivity(a.doc, id, { title: 'Letters (A)', description: 'Class 5.' }, 'An')
    updateActivity(bDoc, id, { title: 'Letters (B)', description: 'Class 5.' }, 'Jean')
    const a2 = appConnection(r.wsUrl, invite, 'join', a.doc)
    cleanups.push(() => a2.conn.destroy())
    await waitFor(() => a2.conn.getState().kind === 'synced', 'A synced again')
    const b = appConnection(r.wsUrl, invite, 'join', bDoc)
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'B synced, its deletions already on the relay')
    await waitFor(() => listActivities(a2.doc)[0]?.title === listActivities(b.doc)[0]?.title, 'converged')
    await waitFor(() => a2.conn.getState().kind === 'synced', 'A synced at the end')
  })

  it('acknowledges an update whose deletions the relay already had from another device', async () => {
    const r = await relayOn(tempDir('sb-dupdelete'))
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    a.doc.getText('t').insert(0, 'hello world')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A synced')
    // B holds the same state and, offline, deletes the same word and adds its own
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc))
    let update: Uint8Array | undefined
    b.on('update', (u: Uint8Array) => (update = u))
    b.transact(() => {
      b.getText('t').delete(0, 6)
      b.getText('t').insert(5, '!')
    })
    const frames: Uint8Array[] = []
    const { default: WebSocket } = await import('ws')
    const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)))
    await waitFor(() => frames.some((f) => f[0] === MESSAGE_RELAY_ACK), 'greeting ack')
    // meanwhile A deletes the same word, and the relay stores it
    a.doc.getText('t').delete(0, 6)
    await waitFor(() => a.conn.getState().kind === 'synced', 'A deletion stored')
    ws.send(new Uint8Array([MESSAGE_SYNC, 2, ...encodeVarBytes(update!)]))
    const covered = (): boolean => {
      let known = Y.emptySnapshot
      for (const f of frames.filter((x) => x[0] === MESSAGE_RELAY_ACK)) {
        const d = decoding.createDecoder(f)
        decoding.readVarUint(d)
        const s = Y.decodeSnapshot(decoding.readVarUint8Array(d))
        known = Y.createSnapshot(Y.mergeDeleteSets([known.ds, s.ds]), new Map([...known.sv, ...s.sv]))
      }
      return Y.snapshotContainsUpdate(known, update!)
    }
    await waitFor(covered, 'B update acknowledged, deletions included', 5000)
    ws.close()
  })

  it('acknowledges a stored update with a snapshot containing it', async () => {
    const r = await relayOn(tempDir('sb-ackmsg'))
    const invite = newInvite()
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'hello')
    const update = Y.encodeStateAsUpdate(doc)
    const frame = new Uint8Array([MESSAGE_SYNC, 2, ...encodeVarBytes(update)]) // sync step 2 with our content
    const result = await rawSession(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'create'), { send: [frame], closeAfterMs: 500 })
    const acks = result.messages.filter((m) => m[0] === MESSAGE_RELAY_ACK)
    expect(acks.length).toBeGreaterThanOrEqual(1)
    const last = decoding.createDecoder(acks[acks.length - 1]!)
    decoding.readVarUint(last)
    const snapshot = Y.decodeSnapshot(decoding.readVarUint8Array(last))
    expect(Y.snapshotContainsUpdate(snapshot, update)).toBe(true)
  })

  it('acknowledges later edits with only their deletions, not the whole document’s: the acks together cover everything', async () => {
    const r = await relayOn(tempDir('sb-ackdelta'))
    const invite = newInvite()
    // a document with a long history of deletions: its delete set is large
    const doc = new Y.Doc()
    const text = doc.getText('letter')
    for (let i = 0; i < 3000; i++) {
      text.insert(text.length, 'ab')
      text.delete(text.length - 1, 1)
    }
    const frames: Uint8Array[] = []
    const { default: WebSocket } = await import('ws')
    const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'create'))
    cleanups.push(() => ws.close())
    ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)))
    await new Promise((res) => ws.once('open', res))
    ws.send(new Uint8Array([MESSAGE_SYNC, 2, ...encodeVarBytes(Y.encodeStateAsUpdate(doc))]))
    const acks = (): Uint8Array[] => frames.filter((f) => f[0] === MESSAGE_RELAY_ACK)
    const snapshotOf = (f: Uint8Array): Y.Snapshot => {
      const d = decoding.createDecoder(f)
      decoding.readVarUint(d)
      return Y.decodeSnapshot(decoding.readVarUint8Array(d))
    }
    const union = (): Y.Snapshot =>
      acks().map(snapshotOf).reduce((k, s) => Y.createSnapshot(Y.mergeDeleteSets([k.ds, s.ds]), new Map([...k.sv, ...s.sv])), Y.emptySnapshot)
    await waitFor(() => Y.snapshotContainsUpdate(union(), Y.encodeStateAsUpdate(doc)), 'history acknowledged')
    const whole = Math.max(...acks().map((f) => f.byteLength))
    expect(whole).toBeGreaterThan(5000)

    // one small edit that deletes, then one that only inserts
    const before = acks().length
    const edits: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => edits.push(u))
    text.delete(0, 1)
    text.insert(0, 'Dear class,')
    for (const u of edits) ws.send(new Uint8Array([MESSAGE_SYNC, 2, ...encodeVarBytes(u)]))
    await waitFor(() => edits.every((u) => Y.snapshotContainsUpdate(union(), u)), 'edits acknowledged')
    const later = acks().slice(before)
    expect(later.length).toBeGreaterThanOrEqual(1)
    for (const f of later) expect(f.byteLength).toBeLessThan(200)
    expect(Y.snapshotContainsUpdate(union(), Y.encodeStateAsUpdate(doc))).toBe(true)
  })

  it('unloads a room nobody is connected to, and loads it again in full', async () => {
    const r = await relayOn(tempDir('sb-idle'), { IDLE_UNLOAD_MS: '200' })
    const health = async (): Promise<{ roomsLoaded: number; sockets: number }> =>
      (await (await fetch(`${r.httpUrl}/healthz`)).json()) as { roomsLoaded: number; sockets: number }
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    initPartnership(a.doc, { name: 'Idle', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    await waitFor(() => a.conn.getState().kind === 'synced', 'synced')
    expect(await health()).toMatchObject({ roomsLoaded: 1, sockets: 1 })
    a.conn.destroy()
    await waitFor(async () => (await health()).roomsLoaded === 0, 'room unloaded')
    const b = appConnection(r.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'reloaded')
    expect(b.doc.getMap('meta').get('name')).toBe('Idle')
  })

  it('closes with 4503 and sends no document when a room cannot be loaded, and never serves it empty', async () => {
    const dataDir = tempDir('sb-broken')
    // a room whose stored log holds an update that cannot be read
    const invite = await roomOnDisk(dataDir, async (ldb, room) => {
      const good = new Y.Doc()
      good.getText('t').insert(0, 'a letter')
      expect(await ldb.storeUpdate(room, Y.encodeStateAsUpdate(good))).toBe(0)
      // y-leveldb only parses the first update of a room, so this one is stored as it is
      expect(await ldb.storeUpdate(room, new Uint8Array([1, 200, 1, 0, 9, 9, 9]))).toBe(1)
    })
    const r = await relayOn(dataDir)
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await rawSession(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { closeAfterMs: 5000 })
      expect(result.code).toBe(CLOSE.unavailable)
      expect(result.reason).toMatch(/room unavailable/)
      expect(result.messages).toEqual([])
    }
  })
})

function encodeVarBytes(bytes: Uint8Array): number[] {
  const out: number[] = []
  let n = bytes.length
  while (n > 127) {
    out.push((n & 127) | 128)
    n >>>= 7
  }
  out.push(n)
  return [...out, ...bytes]
}
