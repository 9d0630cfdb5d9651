/**
 * What one member (or a program holding the invite) can make every other device of a room pay
 * in data (issue 10 §3): the room's size limit (4413), awareness bounded in size and rate, and
 * acknowledgements that do not grow with the number of client ids the room ever saw.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { describe, expect, it } from 'vitest'
import { PartnershipConnection } from '../../src/sync/connection'
import { memoryOutbox } from '../../src/storage/outbox'
import { CLOSE, MESSAGE_AWARENESS, MESSAGE_RELAY_ACK, MESSAGE_SYNC, readAckBody, type Invite } from '../../src/sync/wire'
import { appConnection, createdRoom, protocolsFor } from '../helpers/clients'
import { stockProvider } from '../helpers/documentedClient'
import { startRelay, stopAfterEach, waitFor, type RunningRelay } from '../helpers/relay'

const { running, cleanups, start } = stopAfterEach('kill')

const relayWith = (env: Record<string, string> = {}): Promise<RunningRelay> => start({ env })

/** A raw socket into a room that records every message it receives. */
async function rawClient(r: RunningRelay, invite: Invite): Promise<{ ws: WebSocket; received: Uint8Array[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
  ws.binaryType = 'nodebuffer'
  const received: Uint8Array[] = []
  ws.on('message', (d: Buffer) => received.push(new Uint8Array(d)))
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  cleanups.push(() => ws.terminate())
  return { ws, received, closed }
}

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

const typeOf = (m: Uint8Array): number => decoding.readVarUint(decoding.createDecoder(m))

/** The awareness states (client id → state) carried by the awareness messages among `messages`. */
function awarenessStates(messages: Uint8Array[]): { clientID: number; clock: number; json: string }[] {
  const out: { clientID: number; clock: number; json: string }[] = []
  for (const m of messages) {
    const d = decoding.createDecoder(m)
    if (decoding.readVarUint(d) !== MESSAGE_AWARENESS) continue
    const u = decoding.createDecoder(decoding.readVarUint8Array(d))
    const n = decoding.readVarUint(u)
    for (let i = 0; i < n; i++) out.push({ clientID: decoding.readVarUint(u), clock: decoding.readVarUint(u), json: decoding.readVarString(u) })
  }
  return out
}

/** An awareness update for one client id with the given state and clock. */
function awarenessUpdate(clientID: number, clock: number, state: unknown): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint(e, clientID)
  encoding.writeVarUint(e, clock)
  encoding.writeVarString(e, JSON.stringify(state))
  return encoding.toUint8Array(e)
}

describe('a room has a size limit', () => {
  it('refuses an update that would take the room beyond MAX_ROOM_BYTES with 4413: not stored, not forwarded, kept on the device, not resent', async () => {
    const r = await relayWith({ MAX_ROOM_BYTES: String(64 * 1024) })
    const invite = await createdRoom(r)
    const a = appConnection(r.wsUrl, invite, 'join')
    const b = appConnection(r.wsUrl, invite, 'join')
    cleanups.push(() => a.conn.destroy(), () => b.conn.destroy())
    await waitFor(() => a.conn.getState().kind === 'synced' && b.conn.getState().kind === 'synced', 'both devices synced')

    // a small change fits and reaches the other device
    a.doc.getMap('notes').set('small', 'fits')
    await waitFor(() => b.doc.getMap('notes').get('small') === 'fits' && a.conn.getState().kind === 'synced', 'small change synced')

    // 100 KB of text in one change: beyond the 64 KiB room
    const big = 'x'.repeat(100_000)
    a.doc.getText('letter').insert(0, big)
    await waitFor(() => a.conn.getState().kind === 'refused', 'the big change refused')
    const state = a.conn.getState()
    expect(state).toMatchObject({ kind: 'refused', reason: 'roomFull' })
    expect(state.pending).toBeGreaterThan(0)
    // kept on the device, and the provider does not try again by itself
    expect(a.doc.getText('letter').length).toBe(100_000)
    expect(a.conn.provider.shouldConnect).toBe(false)

    // another device after it: never received it, and can still write small changes
    b.doc.getMap('notes').set('after', 'still works')
    await waitFor(() => b.conn.getState().kind === 'synced', 'B synced after the refusal')
    expect(b.doc.getText('letter').length).toBe(0)

    // a device joining later, and the relay after a restart, do not have it either
    await r.stop()
    const r2 = await startRelay({ dataDir: r.dataDir, env: { MAX_ROOM_BYTES: String(64 * 1024) } })
    running.push(r2)
    const c = appConnection(r2.wsUrl, invite, 'join')
    cleanups.push(() => c.conn.destroy())
    await waitFor(() => c.conn.getState().kind === 'synced', 'a new device synced')
    expect(c.doc.getMap('notes').get('after')).toBe('still works')
    expect(c.doc.getText('letter').length).toBe(0)
    // still refused: A's connection stays down and says why
    expect(a.conn.getState()).toMatchObject({ kind: 'refused', reason: 'roomFull' })
  })

  it('keeps a room over its limit (the limit lowered) readable and open to deletions, refusing only what adds', async () => {
    const r = await relayWith({ MAX_ROOM_BYTES: String(64 * 1024) })
    const invite = await createdRoom(r)
    const a = appConnection(r.wsUrl, invite, 'join')
    cleanups.push(() => a.conn.destroy())
    a.doc.getText('letter').insert(0, 'w'.repeat(10_000))
    await waitFor(() => a.conn.getState().kind === 'synced', 'the letter stored')
    a.conn.destroy()
    await r.stop()

    const lowered = await startRelay({ dataDir: r.dataDir, env: { MAX_ROOM_BYTES: '4096' } })
    running.push(lowered)
    const b = appConnection(lowered.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'a device with nothing new synced')
    expect(b.doc.getText('letter').length).toBe(10_000)
    b.doc.getText('letter').delete(0, 5_000)
    await waitFor(() => b.conn.getState().kind === 'synced', 'the deletion stored')
    b.doc.getText('letter').insert(0, 'more')
    await waitFor(() => b.conn.getState().kind === 'refused', 'an addition refused')
    expect(b.conn.getState()).toMatchObject({ kind: 'refused', reason: 'roomFull' })
  })

  it('closes a raw socket with 4413 "partnership full"', async () => {
    const r = await relayWith({ MAX_ROOM_BYTES: String(16 * 1024) })
    const invite = await createdRoom(r)
    const s = await rawClient(r, invite)
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'y'.repeat(20_000))
    s.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)))
    expect(await s.closed).toEqual({ code: CLOSE.roomFull, reason: 'partnership full' })
    expect(CLOSE.roomFull).toBe(4413)
  })

  it('counts updates that wait for a missing earlier piece: 4 × 30 KB with a gap, then the piece, do not pass a 64 KiB room (an edit arriving before the piece it builds on is still accepted)', async () => {
    const r = await relayWith({ MAX_ROOM_BYTES: String(64 * 1024) })
    const invite = await createdRoom(r)
    /** One client's text, written in pieces: the first piece, then the ones that build on it. */
    const pieces = (name: string, sizes: number[]): Uint8Array[] => {
      const doc = new Y.Doc()
      const out: Uint8Array[] = []
      doc.on('update', (u: Uint8Array) => out.push(u))
      doc.getText(name).insert(0, 'a')
      for (const [i, n] of sizes.entries()) doc.getText(name).insert(doc.getText(name).length, String(i).repeat(n))
      return out
    }
    /** Sends the updates on a socket that asks for acknowledgements; resolves at the ack of the last (everything before it handled). */
    const sendAcked = async (updates: Uint8Array[]): Promise<void> => {
      const s = await rawClient(r, invite)
      const acks = (): number => s.received.filter((m) => typeOf(m) === MESSAGE_RELAY_ACK).length
      await waitFor(() => acks() >= 1, 'the first acknowledgement')
      for (const u of updates) s.ws.send(updateMessage(u))
      await waitFor(() => acks() >= 2, 'acknowledged')
      s.ws.close()
    }

    // a client's edit can reach the relay before the piece it builds on (its sync step 2 still on
    // its way): it waits, and joins the room with the piece
    const [smallHead, smallEdit] = pieces('small', [100])
    await sendAcked([smallEdit!, smallHead!])

    // the attack: pieces that all wait for the first one, then the first one
    const [head, ...chunks] = pieces('big', [30_000, 30_000, 30_000, 30_000])
    const s = await rawClient(r, invite)
    for (const c of chunks) s.ws.send(updateMessage(c))
    expect(await s.closed).toEqual({ code: CLOSE.roomFull, reason: 'partnership full' })
    await sendAcked([head!])

    // what a new device downloads stays within the room's size
    const late = appConnection(r.wsUrl, invite, 'join')
    cleanups.push(() => late.conn.destroy())
    await waitFor(() => late.conn.getState().kind === 'synced' && late.doc.getText('small').length === 101, 'a new device synced')
    expect(late.doc.getText('big').length).toBeLessThanOrEqual(60_001)
    expect(Y.encodeStateAsUpdate(late.doc).byteLength).toBeLessThan(64 * 1024)
  })
})

describe('awareness is bounded in size and rate', () => {
  it('never forwards nor keeps a 5 MB awareness state, and cuts a burst beyond the rate', async () => {
    const r = await relayWith({ MAX_AWARENESS_PER_10S: '5' })
    const invite = await createdRoom(r)
    const sender = await rawClient(r, invite)
    const watcher = await rawClient(r, invite)
    const ID = 424242

    // 5 MB state (under MAX_MESSAGE_BYTES, so the WebSocket layer lets it through)
    const huge = awarenessUpdate(ID, 1, { user: { name: 'x'.repeat(5_000_000) } })
    sender.ws.send(awarenessMessage(huge))
    // then a burst of 9 small ones: 4 fit the window (5 per 10 s, the huge one counted), 5 are cut
    for (let clock = 2; clock <= 10; clock++) sender.ws.send(awarenessMessage(awarenessUpdate(ID, clock, { user: { name: `n${clock}` } })))
    // a document update after them: the relay handles a socket's messages in order, so when the
    // watcher has it, every awareness message before it was handled
    const doc = new Y.Doc()
    doc.getMap('m').set('barrier', 1)
    sender.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)))
    await waitFor(() => watcher.received.some((m) => typeOf(m) === MESSAGE_SYNC && m.byteLength > 10 && new Uint8Array(m)[1] === 2), 'the barrier update')

    const seen = awarenessStates(watcher.received).filter((s) => s.clientID === ID)
    expect(seen.map((s) => s.clock)).toEqual([2, 3, 4, 5])
    expect(Math.max(...watcher.received.map((m) => m.byteLength))).toBeLessThan(10_000)

    // a stock y-websocket client joining later gets the last state kept (clock 5), never the huge one
    const late = new Y.Doc()
    const stock = stockProvider(r.wsUrl, invite.roomId, late, protocolsFor(invite, 'join').filter((p) => p !== 'sb.ack'))
    let biggest = 0
    cleanups.push(() => stock.destroy())
    await waitFor(() => stock.synced && stock.awareness.getStates().has(ID), 'the late client synced with the kept state')
    expect(stock.awareness.getStates().get(ID)).toEqual({ user: { name: 'n5' } })
    for (const s of stock.awareness.getStates().values()) biggest = Math.max(biggest, JSON.stringify(s).length)
    expect(biggest).toBeLessThan(4096)
  })

  it('bounds what all sockets of a room together keep and forward (MAX_ROOM_AWARENESS_BYTES): 12 sockets × 4 states of ~900 bytes reach a joining device as at most 16 KiB', async () => {
    const LIMIT = 16 * 1024
    const r = await relayWith({ MAX_ROOM_AWARENESS_BYTES: String(LIMIT) })
    const invite = await createdRoom(r)
    const watcher = await rawClient(r, invite)
    const awarenessBytes = (messages: Uint8Array[]): number => messages.filter((m) => typeOf(m) === MESSAGE_AWARENESS).reduce((n, m) => n + m.byteLength, 0)
    let id = 5000
    const senders = []
    for (let i = 0; i < 12; i++) {
      const s = await rawClient(r, invite)
      senders.push(s)
      // one message, 4 client ids (what one socket may hold), each state ~900 bytes: under 4 KiB
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 4)
      for (let k = 0; k < 4; k++) {
        encoding.writeVarUint(e, id++)
        encoding.writeVarUint(e, 1)
        encoding.writeVarString(e, JSON.stringify({ user: { name: 'x'.repeat(880) } }))
      }
      s.ws.send(awarenessMessage(encoding.toUint8Array(e)))
    }
    // a document update after them, from the last socket: when the watcher has it, every awareness message was handled
    const doc = new Y.Doc()
    doc.getMap('m').set('barrier', 1)
    senders.at(-1)!.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)))
    await waitFor(() => watcher.received.some((m) => typeOf(m) === MESSAGE_SYNC && new Uint8Array(m)[1] === 2), 'the barrier update')
    const forwarded = awarenessStates(watcher.received)
    expect(forwarded.length).toBeGreaterThan(0)
    expect(forwarded.length).toBeLessThan(48)
    expect(awarenessBytes(watcher.received)).toBeLessThanOrEqual(LIMIT + 1024)

    // a device joining now receives what the room keeps: within the limit, not 12 × 3.6 KB
    const late = await rawClient(r, invite)
    await waitFor(() => late.received.some((m) => typeOf(m) === MESSAGE_AWARENESS), 'the kept states')
    const kept = awarenessStates(late.received)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(48)
    expect(awarenessBytes(late.received)).toBeLessThanOrEqual(LIMIT + 1024)
  })

  it('drops an awareness message over MAX_AWARENESS_BYTES even alone, and a socket naming many client ids', async () => {
    const r = await relayWith()
    const invite = await createdRoom(r)
    const sender = await rawClient(r, invite)
    const watcher = await rawClient(r, invite)
    sender.ws.send(awarenessMessage(awarenessUpdate(7, 1, { pad: 'z'.repeat(5000) }))) // just over 4 KiB
    for (let id = 100; id < 110; id++) sender.ws.send(awarenessMessage(awarenessUpdate(id, 1, { n: id })))
    const doc = new Y.Doc()
    doc.getMap('m').set('barrier', 1)
    sender.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)))
    await waitFor(() => watcher.received.some((m) => typeOf(m) === MESSAGE_SYNC && new Uint8Array(m)[1] === 2), 'the barrier update')
    const ids = awarenessStates(watcher.received).map((s) => s.clientID)
    expect(ids).not.toContain(7)
    // a socket holds at most 4 awareness ids (a stock client announces one)
    expect(ids).toEqual([100, 101, 102, 103])
  })
})

/**
 * One update written by `n` different client ids, one map entry each (`crowd.k<i> = i`), encoded
 * directly in Yjs's update format v1 (building it through Yjs costs O(n²): every transaction
 * copies the state vector, and mergeUpdates of 50,000 updates takes minutes).
 */
function manyClientsUpdate(n: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, n) // clients
  for (let i = 0; i < n; i++) {
    encoding.writeVarUint(e, 1) // structs of this client
    encoding.writeVarUint(e, 1_000_000 + i) // client id
    encoding.writeVarUint(e, 0) // clock of the first struct
    encoding.writeUint8(e, 8 | 0x20) // an Item of ContentAny, with a parentSub (a map key), no origins
    encoding.writeVarUint(e, 1) // the parent is a root type, by name
    encoding.writeVarString(e, 'crowd')
    encoding.writeVarString(e, `k${i}`)
    encoding.writeVarUint(e, 1) // ContentAny: one value
    encoding.writeAny(e, i)
  }
  encoding.writeVarUint(e, 0) // no deletions
  return encoding.toUint8Array(e)
}

/** A WebSocket that records the size of every relay acknowledgement it receives. */
function recordingSocket(acks: number[]): typeof globalThis.WebSocket {
  class Recording extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      // y-websocket asks for ArrayBuffers
      this.on('message', (d: ArrayBuffer | Buffer) => {
        const bytes = new Uint8Array(d)
        if (bytes[0] === MESSAGE_RELAY_ACK) acks.push(bytes.byteLength)
      })
    }
  }
  return Recording as unknown as typeof globalThis.WebSocket
}

/** The app's connection joining `invite`, recording the size of every ack it receives into `acks`; closed after the test. */
function recordingApp(r: RunningRelay, invite: Invite, acks: number[]): { doc: Y.Doc; conn: PartnershipConnection } {
  const doc = new Y.Doc()
  const conn = new PartnershipConnection(doc, {
    relayUrl: r.wsUrl,
    invite,
    intent: 'join',
    outbox: memoryOutbox(),
    WebSocketPolyfill: recordingSocket(acks),
    isOnline: () => true,
  })
  cleanups.push(() => conn.destroy())
  return { doc, conn }
}

describe('acknowledgements carry what changed', () => {
  it('after an update with 50,000 client ids, a one-field edit is acknowledged in under 200 bytes, and the app still reaches Synced', async () => {
    const r = await relayWith()
    const invite = await createdRoom(r)
    const appAcks: number[] = []
    const { doc, conn: app } = recordingApp(r, invite, appAcks)
    await waitFor(() => app.getState().kind === 'synced', 'the app synced')

    // a raw client with acks sends the crowd
    const raw = await rawClient(r, invite)
    const acksOf = () => raw.received.filter((m) => m[0] === MESSAGE_RELAY_ACK)
    await waitFor(() => acksOf().length === 1, 'the greeting ack')
    const crowd = manyClientsUpdate(50_000)
    raw.ws.send(updateMessage(crowd))
    await waitFor(() => acksOf().length === 2, 'the crowd acknowledged')
    // that ack names the 50,000 clients whose clocks moved: it is large, once
    expect(acksOf()[1]!.byteLength).toBeGreaterThan(100_000)
    await waitFor(() => doc.getMap('crowd').size === 50_000, 'the app received the crowd')

    // one field edited by a new client: its ack is a few bytes, not the room's whole state vector
    const editor = new Y.Doc()
    Y.applyUpdate(editor, crowd)
    const before = Y.encodeStateVector(editor)
    editor.getMap('meta').set('name', 'Partnership')
    raw.ws.send(updateMessage(Y.encodeStateAsUpdate(editor, before)))
    await waitFor(() => acksOf().length === 3, 'the edit acknowledged')
    const small = acksOf()[2]!
    expect(small.byteLength).toBeLessThan(200)
    const snap = readAckBody((() => {
      const d = decoding.createDecoder(small)
      decoding.readVarUint(d)
      return d
    })())
    expect([...snap.sv.entries()]).toEqual([[editor.clientID, 1]])

    // the app: its first edit after the crowd is acknowledged with what changed since its last
    // ack (the crowd, once); every later one is small, and "Synced" is right each time
    doc.getMap('meta').set('name', 'First')
    await waitFor(() => app.getState().kind === 'synced' && doc.getMap('meta').get('name') === 'First', 'the app synced its first edit')
    const afterFirst = appAcks.length
    for (const value of ['Second', 'Third']) {
      doc.getMap('meta').set('name', value)
      expect(app.getState().kind).not.toBe('synced')
      await waitFor(() => app.getState().kind === 'synced', `the app synced "${value}"`)
    }
    const later = appAcks.slice(afterFirst)
    expect(later.length).toBeGreaterThanOrEqual(2)
    for (const size of later) expect(size).toBeLessThan(200)

    // a device joining after the crowd: its greeting ack is whole (allowed), its edits' acks small
    const joinerAcks: number[] = []
    const { doc: joinerDoc, conn: joiner } = recordingApp(r, invite, joinerAcks)
    await waitFor(() => joiner.getState().kind === 'synced', 'the joiner synced')
    expect(joinerAcks[0]).toBeGreaterThan(100_000)
    joinerDoc.getMap('meta').set('name', 'Joiner')
    await waitFor(() => joiner.getState().kind === 'synced' && joinerAcks.length >= 2, 'the joiner synced its edit')
    for (const size of joinerAcks.slice(1)) expect(size).toBeLessThan(200)
  }, 60_000)
})
