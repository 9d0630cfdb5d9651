/**
 * Resuming from a relay position (docs/protocol.md "Resuming from a relay position"): a device
 * that comes back offers the position of its last acknowledgement, and a relay that still knows it
 * sends only what changed since — not the whole delete set in its sync step 2 and again in its
 * first ack. Whatever the position, both documents end equal and "Synced" still means the relay
 * acknowledged every local change.
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { PartnershipConnection } from '../../src/sync/connection'
import { MESSAGE_RELAY_ACK, MESSAGE_SYNC, newInvite, readAck, type Intent, type Invite, type RelayAck } from '../../src/sync/wire'
import type { ResumeOptions, StoredRelayPosition } from '../../src/sync/resume'
import { encodeDeleteSet } from '../../src/sync/deleteSets'
import { appConnection, messageKind, protocolsFor } from '../helpers/clients'
import { stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const { cleanups, start } = stopAfterEach('stop')

/** A letter with a long history: 3,000 letters typed and taken back, so its delete set is large. */
function letterWithHistory(): Y.Doc {
  const doc = new Y.Doc()
  const text = doc.getText('letter')
  for (let i = 0; i < 3000; i++) {
    text.insert(text.length, 'ab')
    text.delete(text.length - 1, 1)
  }
  return doc
}

/** Bytes of the document's whole delete set, as a sync step 2 or a whole ack carries it. */
const wholeDeleteSetBytes = (doc: Y.Doc): number => encodeDeleteSet(Y.createDeleteSetFromStructStore(doc.store)).byteLength

interface Device {
  readonly doc: Y.Doc
  readonly conn: PartnershipConnection
  /** Bytes of every message the relay sent to this device (inflated). */
  received: number
  /** Bytes of every message this device sent to the relay (before compression). */
  sent: number
  /** The subprotocols each socket offered, in order. */
  readonly offered: string[][]
  /** The kinds of message each socket received (`0.0`: sync step 1, `0.1`: step 2, `100`: ack, …). */
  readonly kinds: string[][]
  /** Every ack, in order. */
  readonly acks: RelayAck[]
  /** What the device kept on "disk" (the newest last). */
  readonly remembered: StoredRelayPosition[]
}

/** The app's connection, with a socket class that counts what the relay sends and records what was offered. */
function device(wsUrl: string, invite: Invite, intent: Intent, doc: Y.Doc, remembered?: StoredRelayPosition): Device {
  const d: Device = { doc, received: 0, sent: 0, offered: [], kinds: [], acks: [], remembered: [] } as unknown as Device
  class Counting extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols)
      d.offered.push([...protocols])
      const kinds: string[] = []
      d.kinds.push(kinds)
      this.on('message', (m: ArrayBuffer | Buffer) => {
        d.received += m.byteLength
        const bytes = new Uint8Array(m)
        kinds.push(messageKind(bytes))
      })
    }
    override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
      d.sent += (data as Uint8Array).byteLength ?? 0
      ;(super.send as (...args: unknown[]) => void)(data, ...rest)
    }
  }
  const relayPosition: ResumeOptions = { ...(remembered ? { remembered } : {}), remember: (next) => void d.remembered.push(next()) }
  const { conn } = appConnection(wsUrl, invite, intent, doc, { WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket, relayPosition })
  const handle = conn.provider.messageHandlers[MESSAGE_RELAY_ACK]!
  conn.provider.messageHandlers[MESSAGE_RELAY_ACK] = (encoder, decoder, ...rest) => {
    d.acks.push(readAck(decoding.clone(decoder)))
    handle(encoder, decoder, ...rest)
  }
  Object.assign(d, { conn })
  cleanups.push(() => conn.destroy())
  return d
}

const isSynced = (conn: PartnershipConnection): boolean => conn.getState().kind === 'synced'
const text = (doc: Y.Doc): string => doc.getText('letter').toString()

async function goOffline(d: Device): Promise<void> {
  d.conn.provider.disconnect()
  await waitFor(() => !d.conn.provider.wsconnected && !isSynced(d.conn), 'offline')
}

/**
 * Reconnects and waits until the device shows "Synced" and has `expected` text; returns the bytes
 * the relay sent meanwhile and whether, when "Synced" first showed, an ack on the new socket
 * covered the device's own offline edits.
 */
async function reconnect(d: Device, partner: Y.Doc): Promise<{ received: number; sent: number; ackedBeforeSynced: boolean }> {
  const before = d.received
  const sentBefore = d.sent
  const acksBefore = d.acks.length
  const own = d.doc.clientID
  const ownClock = Y.decodeStateVector(Y.encodeStateVector(d.doc)).get(own) ?? 0
  let ackedBeforeSynced: boolean | undefined
  const stop = d.conn.subscribe(() => {
    if (ackedBeforeSynced === undefined && isSynced(d.conn)) ackedBeforeSynced = d.acks.slice(acksBefore).some((a) => (a.snapshot.sv.get(own) ?? 0) >= ownClock)
  })
  d.conn.provider.connect()
  await waitFor(() => isSynced(d.conn) && text(d.doc) === text(partner), 'synced and equal')
  stop()
  return { received: d.received - before, sent: d.sent - sentBefore, ackedBeforeSynced: ackedBeforeSynced ?? false }
}

/** A partner device creates the room with a letter with a long history; the device joins and syncs. */
async function setup(wsUrl: string): Promise<{ invite: Invite; partner: Device; dev: Device }> {
  const invite = newInvite()
  const partner = device(wsUrl, invite, 'create', letterWithHistory())
  await waitFor(() => isSynced(partner.conn), 'partner synced')
  const dev = device(wsUrl, invite, 'join', new Y.Doc())
  await waitFor(() => isSynced(dev.conn) && dev.remembered.length > 0, 'device synced')
  return { invite, partner, dev }
}

/** While the device is away: the partner deletes text and adds a letter; then the device edits offline. */
async function meanwhile(partner: Device, dev: Device): Promise<void> {
  const p = partner.doc.getText('letter')
  p.delete(100, 40)
  p.insert(0, 'D')
  await waitFor(() => isSynced(partner.conn), 'partner edits acknowledged')
  const t = dev.doc.getText('letter')
  for (let i = 0; i < 20; i++) t.insert(t.length, `offline ${i}. `)
  t.delete(500, 10)
}

describe('resuming from a relay position', () => {
  it('sends a device that comes back only what changed: the partner’s deletion arrives, Synced only after the ack', async () => {
    const r = await start()
    const { partner, dev } = await setup(r.wsUrl)
    const whole = wholeDeleteSetBytes(partner.doc)
    expect(whole).toBeGreaterThan(5000)
    await goOffline(dev)
    const position = dev.remembered.at(-1)!
    await meanwhile(partner, dev)

    // the offline edits' structs: an update without the delete set Yjs appends to every one
    const offline = Y.encodeStateAsUpdate(dev.doc, Y.encodeStateVector(partner.doc)).byteLength - wholeDeleteSetBytes(dev.doc)
    const { received, sent, ackedBeforeSynced } = await reconnect(dev, partner.doc)
    expect(dev.offered.at(-1)).toContain(`sb.at.${position.epoch}.${position.n}`)
    // and the device answered 103 with its offline edits and only the deletions the relay had not
    // acknowledged: not its whole delete set (the letter's 3,000 deletions)
    expect(sent).toBeLessThan(offline + whole / 4)
    // the relay resumed: its sync step 1 names only the clients that moved (103), not all of them
    expect(dev.kinds.at(-1)).toContain('103')
    expect(dev.kinds.at(-1)).not.toContain('0.0')
    // and its first ack on the new socket is a delta after the offered position
    expect(dev.acks.find((a, i) => i > 0 && a.since !== undefined && a.since === position.n)).toBeDefined()
    // the partner's deletion and letter arrived, the device's offline edits reached the partner
    await waitFor(() => text(partner.doc) === text(dev.doc), 'partner has the offline edits')
    expect(text(dev.doc).startsWith('D')).toBe(true)
    expect(Y.equalSnapshots(Y.snapshot(dev.doc), Y.snapshot(partner.doc))).toBe(true)
    // far below the whole delete set, which the relay would send twice (its step 2 and its first ack)
    expect(received).toBeLessThan(whole / 4)
    expect(ackedBeforeSynced).toBe(true)
  })

  it('after a relay restart (a new epoch) the same reconnect takes the whole path and still converges', async () => {
    const dataDir = tempDir('sb-resume-restart')
    const r = await start({ dataDir })
    const { invite, partner, dev } = await setup(r.wsUrl)
    const whole = wholeDeleteSetBytes(partner.doc)
    await goOffline(dev)
    const position = dev.remembered.at(-1)!
    await meanwhile(partner, dev)
    partner.conn.destroy()
    await r.stop()
    const r2 = await start({ dataDir, port: r.port })
    const partner2 = appConnection(r2.wsUrl, invite, 'join', partner.doc)
    cleanups.push(() => partner2.conn.destroy())
    // a few writes after the restart: the new epoch's count passes the device's old position
    for (let i = 0; i < 3; i++) {
      partner.doc.getText('letter').insert(0, `${i}`)
      await waitFor(() => isSynced(partner2.conn), 'partner edit acknowledged')
    }
    expect(position.n).toBeLessThan(3)

    const { received, ackedBeforeSynced } = await reconnect(dev, partner.doc)
    expect(dev.offered.at(-1)).toContain(`sb.at.${position.epoch}.${position.n}`)
    expect(dev.acks.at(-1)!.position!.epoch).not.toBe(position.epoch)
    expect(dev.kinds.at(-1)).toContain('0.0')
    expect(dev.kinds.at(-1)).not.toContain('103')
    await waitFor(() => text(partner2.doc) === text(dev.doc), 'partner has the offline edits')
    expect(Y.equalSnapshots(Y.snapshot(dev.doc), Y.snapshot(partner.doc))).toBe(true)
    // the whole delete set, in the step 2 and again in the whole first ack
    expect(received).toBeGreaterThan(1.5 * whole)
    expect(ackedBeforeSynced).toBe(true)
  })

  it('takes the whole path for a position beyond the room or one that is not a position, and converges', async () => {
    const r = await start()
    const { invite, partner, dev } = await setup(r.wsUrl)
    const whole = wholeDeleteSetBytes(partner.doc)
    const known = dev.remembered.at(-1)!
    dev.conn.destroy()
    await meanwhile(partner, dev)
    for (const remembered of [{ ...known, n: known.n + 1000 }, { ...known, epoch: 'not a position' }]) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(dev.doc))
      const again = device(r.wsUrl, invite, 'join', doc, remembered)
      await waitFor(() => isSynced(again.conn) && text(again.doc) === text(partner.doc), 'synced and equal')
      expect(again.acks[0]!.since).toBeUndefined()
      expect(again.received).toBeGreaterThan(1.5 * whole)
      expect(Y.equalSnapshots(Y.snapshot(again.doc), Y.snapshot(partner.doc))).toBe(true)
      again.conn.destroy()
    }
    // a malformed position from another client: accepted, whole answer
    const raw = await rawGreeting(r.wsUrl, invite, [...protocolsFor(invite, 'join'), `sb.at.${known.epoch}.01`, 'sb.at.x.1'], new Y.Doc())
    expect(raw.acks[0]!.since).toBeUndefined()
    expect(raw.stepTwo.byteLength).toBeGreaterThan(whole)
  })

  it('takes the whole path for a position from before the writes the relay keeps (1,024)', async () => {
    const r = await start({ env: { FSYNC: '0' } })
    const { invite, partner, dev } = await setup(r.wsUrl)
    const whole = wholeDeleteSetBytes(partner.doc)
    await goOffline(dev)
    await meanwhile(partner, dev)
    partner.conn.destroy()
    // then 1,030 writes, one after another (each waits for its ack, so none are merged): the
    // partner's deletion is no longer among the writes the relay keeps
    await writeOneByOne(r.wsUrl, invite, partner.doc, 1030)
    const p2 = appConnection(r.wsUrl, invite, 'join', partner.doc)
    cleanups.push(() => p2.conn.destroy())
    const { received, ackedBeforeSynced } = await reconnect(dev, partner.doc)
    expect(dev.acks.at(-1)!.position!.n).toBeGreaterThan(dev.remembered[0]!.n + 1024)
    await waitFor(() => text(p2.doc) === text(dev.doc), 'partner has the offline edit')
    expect(Y.equalSnapshots(Y.snapshot(dev.doc), Y.snapshot(partner.doc))).toBe(true)
    expect(received).toBeGreaterThan(1.5 * whole)
    expect(ackedBeforeSynced).toBe(true)
  })

  it('a forged position only costs the socket that offered it: every honest device still gets everything', async () => {
    const r = await start()
    const { invite, partner, dev } = await setup(r.wsUrl)
    // a copy from before the partner's deletion
    const old = new Y.Doc()
    Y.applyUpdate(old, Y.encodeStateAsUpdate(dev.doc))
    const p = partner.doc.getText('letter')
    p.delete(0, 200)
    await waitFor(() => isSynced(partner.conn) && text(dev.doc) === text(partner.doc), 'deletion everywhere')
    // the position of the partner's last ack, which covers its deletion
    const now = partner.remembered.at(-1)!
    // the liar claims to hold everything up to now: the relay skips the deletion for it alone
    const liar = await rawGreeting(r.wsUrl, invite, [...protocolsFor(invite, 'join'), `sb.at.${now.epoch}.${now.n}`], old)
    expect(liar.acks[0]!.since).toBe(now.n)
    expect(text(liar.doc)).not.toBe(text(partner.doc))
    // and sends its old state back: the deletion stays on the relay
    await sendUpdate(r.wsUrl, invite, Y.encodeStateAsUpdate(liar.doc))
    // an honest device that had the same old copy, with no position, and a new one, get everything
    const honest = appConnection(r.wsUrl, invite, 'join', old)
    const fresh = appConnection(r.wsUrl, invite, 'join')
    cleanups.push(() => honest.conn.destroy(), () => fresh.conn.destroy())
    await waitFor(() => isSynced(honest.conn) && isSynced(fresh.conn), 'honest devices synced')
    await waitFor(() => text(honest.doc) === text(partner.doc) && text(fresh.doc) === text(partner.doc), 'honest devices equal')
    expect(text(partner.doc)).toBe(text(dev.doc))
  })
})

/** Opens a raw socket with `protocols`, sends sync step 1 of `doc`, applies the relay's step 2 to it and collects the first acks. */
async function rawGreeting(wsUrl: string, invite: Invite, protocols: string[], doc: Y.Doc): Promise<{ doc: Y.Doc; stepTwo: Uint8Array; acks: RelayAck[] }> {
  const ws = new WebSocket(`${wsUrl}/${invite.roomId}`, protocols)
  const acks: RelayAck[] = []
  let stepTwo: Uint8Array | undefined
  ws.on('message', (m: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(m))
    const type = decoding.readVarUint(d)
    if (type === MESSAGE_RELAY_ACK) acks.push(readAck(d))
    else if (type === MESSAGE_SYNC && decoding.readVarUint(d) === 1) stepTwo = decoding.readVarUint8Array(d)
  })
  await new Promise((res, rej) => ws.once('open', res).once('error', rej))
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
  ws.send(encoding.toUint8Array(e))
  await waitFor(() => stepTwo !== undefined && acks.length > 0, 'step 2 and an ack')
  ws.close()
  Y.applyUpdate(doc, stepTwo!)
  return { doc, stepTwo: stepTwo!, acks }
}

/** Sends one update on a socket of its own and waits for its ack. */
async function sendUpdate(wsUrl: string, invite: Invite, update: Uint8Array): Promise<void> {
  await writeUpdates(wsUrl, invite, [update])
}

/** `count` one-letter edits of `doc`'s letter, each sent alone and acknowledged before the next. */
async function writeOneByOne(wsUrl: string, invite: Invite, doc: Y.Doc, count: number): Promise<void> {
  const updates: Uint8Array[] = []
  const on = (u: Uint8Array): void => void updates.push(u)
  doc.on('update', on)
  for (let i = 0; i < count; i++) doc.getText('letter').insert(0, String(i % 10))
  doc.off('update', on)
  await writeUpdates(wsUrl, invite, updates)
}

async function writeUpdates(wsUrl: string, invite: Invite, updates: Uint8Array[]): Promise<void> {
  const ws = new WebSocket(`${wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
  let acks = 0
  let waiting: (() => void) | undefined
  ws.on('message', (m: Buffer) => {
    if (m[0] !== MESSAGE_RELAY_ACK) return
    acks++
    waiting?.()
  })
  await new Promise((res, rej) => ws.once('open', res).once('error', rej))
  await new Promise<void>((res) => (waiting = () => acks > 0 && res())) // the greeting's ack
  for (const u of updates) {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    encoding.writeVarUint(e, 2)
    encoding.writeVarUint8Array(e, u)
    const before = acks
    const acked = new Promise<void>((res) => (waiting = () => acks > before && res()))
    ws.send(encoding.toUint8Array(e))
    await acked
  }
  ws.close()
}
