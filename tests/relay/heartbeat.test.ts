/**
 * The link heartbeat (issue 13 §4, docs/protocol.md "Heartbeat"): the relay says it answers
 * heartbeats and answers each at once, warns before a large message, and says neither to a client
 * that did not ask (the stock y-websocket client). The app's connection finds a link that died
 * without anyone noticing (a proxy that stops forwarding) within 10 s, syncs again once the link
 * carries again, and does not take a slow link carrying a 1 MB join for a dead one (over the socket,
 * or over HTTP then the socket).
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MESSAGE_LARGE_NEXT, MESSAGE_SYNC, encodeHeartbeat, encodeLargeNext, newInvite, type Invite } from '../../src/sync/wire'
import type { SyncState } from '../../src/sync/connection'
import { WireProxy } from '../bench/sync'
import { appConnection, createdRoom, protocolsFor } from '../helpers/clients'
import { CutProxy } from '../helpers/cutProxy'
import { roomToken } from '../helpers/documentedClient'
import { mulberry32 } from '../helpers/random'
import { stopAfterEach, waitFor } from '../helpers/relay'

const { start, cleanups } = stopAfterEach()

/** A raw socket that keeps every message the relay sends. */
function openRaw(url: string, protocols: string[]): Promise<{ ws: WebSocket; received: Uint8Array[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols)
    const received: Uint8Array[] = []
    ws.binaryType = 'nodebuffer'
    ws.on('message', (d: Buffer) => received.push(new Uint8Array(d)))
    ws.on('open', () => resolve({ ws, received }))
    ws.on('error', reject)
    cleanups.push(() => ws.terminate())
  })
}

function syncStep1(doc = new Y.Doc()): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

const isStep2 = (m: Uint8Array): boolean => m[0] === MESSAGE_SYNC && m[1] === syncProtocol.messageYjsSyncStep2

/** A room holding `bytes` of text that does not compress (seeded), created by the app's connection. */
async function roomWithText(wsUrl: string, bytes: number): Promise<Invite> {
  const random = mulberry32(13)
  const doc = new Y.Doc()
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let text = ''
  for (let i = 0; i < bytes; i++) text += chars[Math.floor(random() * chars.length)]
  doc.getText('letter').insert(0, text)
  return createdRoom({ wsUrl }, newInvite(), doc)
}

function recordStates(conn: { getState(): SyncState; subscribe(l: () => void): () => void }): SyncState['kind'][] {
  const kinds: SyncState['kind'][] = [conn.getState().kind]
  conn.subscribe(() => kinds.push(conn.getState().kind))
  return kinds
}

describe('the relay and heartbeats', () => {
  it('says it answers heartbeats, then sends each back at once', async () => {
    const relay = await start()
    const invite = await createdRoom(relay)
    const { ws, received } = await openRaw(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    await waitFor(() => received.length > 0, 'first message')
    expect([...received[0]!]).toEqual([...encodeHeartbeat(0)])
    ws.send(syncStep1())
    await waitFor(() => received.some(isStep2), 'sync answer')
    for (const n of [1, 2, 300]) {
      ws.send(encodeHeartbeat(n))
      await waitFor(() => received.some((m) => Buffer.from(m).equals(encodeHeartbeat(n))), `answer to heartbeat ${n}`)
    }
    expect(ws.readyState).toBe(WebSocket.OPEN)
  })

  it('warns before a large message, and only then', async () => {
    const relay = await start()
    const invite = await roomWithText(relay.wsUrl, 40_000)
    const { ws, received } = await openRaw(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    ws.send(syncStep1())
    await waitFor(() => received.some(isStep2), 'the document')
    const at = received.findIndex(isStep2)
    expect([...received[at - 1]!]).toEqual([...encodeLargeNext(received[at]!.byteLength)])
    expect(received.filter((m) => m[0] === MESSAGE_LARGE_NEXT)).toHaveLength(1)
  })

  it('says nothing of heartbeats to a client that did not ask (the stock client)', async () => {
    const relay = await start()
    const invite = await roomWithText(relay.wsUrl, 40_000)
    const { ws, received } = await openRaw(`${relay.wsUrl}/${invite.roomId}`, ['scholenband.v1', `sb.auth.join.${roomToken(invite.roomId, Buffer.from(invite.secret))}`])
    ws.send(syncStep1())
    await waitFor(() => received.some(isStep2), 'the document')
    expect(received.map((m) => m[0])).not.toContain(101)
    expect(received.map((m) => m[0])).not.toContain(MESSAGE_LARGE_NEXT)
  })
})

describe("the app's connection", () => {
  it('shows a link that died unnoticed as offline within 10 s, and syncs again once it carries', async () => {
    const relay = await start()
    const proxy = await CutProxy.start(relay)
    cleanups.push(() => proxy.close())
    const invite = await createdRoom(relay)
    const { doc, conn } = appConnection(proxy.wsUrl, invite, 'join')
    cleanups.push(() => conn.destroy())
    await waitFor(() => conn.getState().kind === 'synced', 'synced through the proxy')
    proxy.cut()
    const cutAt = Date.now()
    await waitFor(() => conn.getState().kind === 'offline', 'offline after the cut', 10_000)
    const seconds = (Date.now() - cutAt) / 1000
    doc.getText('letter').insert(0, 'written while the link was dead')
    proxy.restore()
    await waitFor(() => conn.getState().kind === 'synced', 'synced again', 40_000)
    process.stdout.write(`dead link shown as offline after ${seconds.toFixed(1)} s\n`)
  })

  // over the socket (a relay without joins over HTTP: the document is one 1 MB message), and over
  // HTTP first (docs/protocol.md "Joining over HTTP": the socket then carries little)
  for (const how of ['socket', 'http'] as const) {
    it(`does not take a slow link carrying a 1 MB join (${how}) for a dead one (Slow 3G: 400 kbit/s, 2 s round trip)`, async () => {
      const relay = await start()
      const invite = await roomWithText(relay.wsUrl, 1_000_000)
      const proxy = await WireProxy.start({ host: '127.0.0.1', port: relay.port })
      cleanups.push(() => proxy.close())
      proxy.link = { bitsPerSecond: 400_000, roundTripMs: 2000 }
      const older: typeof fetch = async () => new Response('Not found\n', { status: 404, headers: { 'Content-Type': 'text/plain' } })
      const { doc, conn } = appConnection(`ws://127.0.0.1:${proxy.port}/sync`, invite, 'join', new Y.Doc(), how === 'socket' ? { fetch: older } : {})
      cleanups.push(() => conn.destroy())
      const kinds = recordStates(conn)
      const t0 = Date.now()
      await waitFor(() => conn.getState().kind === 'synced', 'joined over the slow link', 60_000)
      process.stdout.write(`1 MB join (${how}) over Slow 3G synced after ${((Date.now() - t0) / 1000).toFixed(1)} s, ${proxy.counts.down} B received\n`)
      expect(doc.getText('letter').length).toBe(1_000_000)
      expect(kinds).not.toContain('offline')
      // one socket, never a second: the first was not given up; over HTTP, one request before it
      expect(proxy.connections).toBe(how === 'socket' ? 1 : 2)
      expect(proxy.counts.down).toBeLessThan(1_200_000)
    }, 90_000)
  }
})
