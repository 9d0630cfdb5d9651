/**
 * Compression on the sync socket (issue 12): a device joining a large partnership receives, in
 * bytes on its socket (counted by a TCP proxy on 127.0.0.1, the upgrade included), about the gzip
 * of the document, not the document itself — the relay offers permessage-deflate and the app's
 * connection (y-websocket over `ws`, as a browser would) takes it. A client that does not ask for
 * it, and a relay started with SYNC_COMPRESSION=0, exchange plain frames and still sync.
 */
import { describe, expect, it } from 'vitest'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import WebSocket from 'ws'
import { newInvite, type Invite } from '../../src/sync'
import { MESSAGE_SYNC } from '../../src/sync/wire'
import { appConnection, createdRoom, protocolsFor } from '../helpers/clients'
import { mulberry32 } from '../helpers/random'
import { stopAfterEach, waitFor, type RunningRelay } from '../helpers/relay'

const { start, cleanups } = stopAfterEach()

const LETTERS = 1800

/** A partnership's worth of letters: about 3 MB encoded, 4.5 × its gzip like the five-year partnership (seeded). */
function largeDocument(): Y.Doc {
  const random = mulberry32(12)
  const words = Array.from({ length: 400 }, (_, i) => `${['muraho', 'school', 'brief', 'lettre', 'carta', 'umuganda', 'klas', 'jardin'][i % 8]}${Math.floor(random() * 1e6).toString(36)}`)
  const doc = new Y.Doc()
  const letters = doc.getArray<Y.Map<string>>('letters')
  doc.transact(() => {
    for (let i = 0; i < LETTERS; i++) {
      const letter = new Y.Map<string>()
      letter.set('id', `letter-${i}`)
      letter.set('body', Array.from({ length: 150 }, () => words[Math.floor(random() * words.length)]).join(' '))
      letters.push([letter])
    }
  })
  return doc
}

/** A TCP proxy on 127.0.0.1 in front of the relay that counts the bytes the relay sends. */
async function countingProxy(target: RunningRelay): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((app) => {
    const relay = connect(target.port, '127.0.0.1')
    sockets.add(app).add(relay)
    relay.on('data', (chunk: Buffer) => (received += chunk.length))
    app.pipe(relay)
    relay.pipe(app)
    const end = (): void => {
      app.destroy()
      relay.destroy()
    }
    app.on('close', end).on('error', end)
    relay.on('close', end).on('error', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    received: () => received,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

/** Joins through a counting proxy with the app's connection; the bytes received and the negotiated extensions. */
async function join(relay: RunningRelay, invite: Invite, like: Y.Doc): Promise<{ received: number; extensions: string }> {
  const proxy = await countingProxy(relay)
  cleanups.push(() => proxy.close())
  // the document over the socket, as from a relay without joins over HTTP (joinOverHttp.test.ts has those)
  const noHttpJoin: typeof fetch = async () => new Response('Not found\n', { status: 404, headers: { 'Content-Type': 'text/plain' } })
  const joiner = appConnection(proxy.url, invite, 'join', new Y.Doc(), { fetch: noHttpJoin })
  cleanups.push(() => joiner.conn.destroy())
  const whole = Buffer.from(Y.encodeStateVector(like))
  await waitFor(
    () => joiner.conn.getState().kind === 'synced' && Buffer.from(Y.encodeStateVector(joiner.doc)).equals(whole),
    'the joined device holds the whole partnership',
    20_000,
  )
  expect(joiner.doc.getArray('letters').toJSON()).toEqual(like.getArray('letters').toJSON())
  const extensions = (joiner.conn.provider.ws as unknown as WebSocket).extensions
  joiner.conn.destroy()
  return { received: proxy.received(), extensions }
}

describe('compression on the sync socket', () => {
  it('a device joining a large partnership receives at most 1.2 × the gzip of the document', async () => {
    const relay = await start()
    const doc = largeDocument()
    const encoded = Y.encodeStateAsUpdate(doc)
    const gzipBytes = gzipSync(encoded).length
    expect(encoded.length).toBeGreaterThan(2_000_000)
    const invite = await createdRoom(relay, newInvite(), doc)

    const { received, extensions } = await join(relay, invite, doc)
    expect(extensions).toMatch(/^permessage-deflate\b/)
    // each message compressed on its own, both ways: small ones (acks, edits) cross as they are
    const offered = new WebSocket(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    cleanups.push(() => offered.terminate())
    const answer = await new Promise<string>((resolve) => offered.on('upgrade', (res) => resolve(String(res.headers['sec-websocket-extensions']))))
    expect(answer.split(';').map((p) => p.trim())).toEqual(expect.arrayContaining(['permessage-deflate', 'server_no_context_takeover', 'client_no_context_takeover']))
    expect(received).toBeLessThanOrEqual(1.2 * gzipBytes)

    // a client that does not offer compression gets the document in plain frames
    const plain = new WebSocket(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { perMessageDeflate: false })
    cleanups.push(() => plain.terminate())
    const got = new Y.Doc()
    plain.binaryType = 'nodebuffer'
    plain.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) === MESSAGE_SYNC) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), got, 'relay')
    })
    plain.on('open', () => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MESSAGE_SYNC)
      syncProtocol.writeSyncStep1(e, got)
      plain.send(encoding.toUint8Array(e))
    })
    await waitFor(() => got.getArray('letters').length === LETTERS, 'the plain client got the document', 20_000)
    expect(plain.extensions).toBe('')
    expect(got.getArray('letters').toJSON()).toEqual(doc.getArray('letters').toJSON())
  })

  it('with SYNC_COMPRESSION=0 the relay offers none: the same join in plain frames', async () => {
    const relay = await start({ env: { SYNC_COMPRESSION: '0' } })
    const doc = largeDocument()
    const encoded = Y.encodeStateAsUpdate(doc)
    const invite = await createdRoom(relay, newInvite(), doc)
    const { received, extensions } = await join(relay, invite, doc)
    expect(extensions).toBe('')
    expect(received).toBeGreaterThan(encoded.length)
  })
})
