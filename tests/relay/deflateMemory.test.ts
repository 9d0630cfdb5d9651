/**
 * Relay memory per socket (issue 12, sync-server/deflateMemory.ts and admission.ts): the relay
 * keeps no zlib stream per socket between messages. A client that compresses every message (as
 * browsers do) joins a partnership (its sync step 1 and edits reach the relay compressed, the
 * document comes back compressed): once each message is through, none of the relay's open sockets
 * holds an inflate or deflate stream — `ws` alone keeps both for the socket's life (about 40 and
 * 136 KiB of native memory). The document still arrives whole, a compressed message sent in two
 * fragments still arrives, and the negotiated parameters stay what the relay promises (no context
 * takeover, the client's full 15-bit window). In-process relay on LevelDB, so that the test can
 * look at the relay's own sockets. And an open socket does not keep its upgrade request alive
 * (its listeners once did, through the upgrade's scope: 2.7 KiB of heap per socket).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { IncomingMessage } from 'node:http'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import WebSocket from 'ws'
import { newInvite } from '../../src/sync'
import { MESSAGE_SYNC } from '../../src/sync/wire'
import { openLevelStore } from '../../sync-server/levelStore'
import { perMessageDeflateOf } from '../../sync-server/deflateMemory'
import { createdRoom, protocolsFor } from '../helpers/clients'
import { listenInProcess } from '../helpers/inProcessRelay'
import { mulberry32 } from '../helpers/random'
import { tempDir, waitFor } from '../helpers/relay'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  vi.restoreAllMocks()
})

/** Letters of words that compress like real text (seeded): the join is far over ws's 1 KiB threshold. */
function partnership(letters: number): Y.Doc {
  const random = mulberry32(7)
  const words = Array.from({ length: 300 }, (_, i) => `${['muraho', 'klas', 'brief', 'lettre', 'umuganda'][i % 5]}${Math.floor(random() * 1e6).toString(36)}`)
  const doc = new Y.Doc()
  const list = doc.getArray<string>('letters')
  doc.transact(() => {
    for (let i = 0; i < letters; i++) list.push([Array.from({ length: 120 }, () => words[Math.floor(random() * words.length)]).join(' ')])
  })
  return doc
}

/** A raw y-protocols client whose `ws` compresses every message, like a browser; applies what the relay sends to `doc`. */
function compressingClient(url: string, protocols: string[], doc: Y.Doc): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, { perMessageDeflate: { threshold: 0 } })
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(decoder) === MESSAGE_SYNC) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'relay')
  })
  cleanups.push(() => ws.terminate())
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MESSAGE_SYNC)
      syncProtocol.writeSyncStep1(e, doc)
      ws.send(encoding.toUint8Array(e))
      resolve(ws)
    })
    ws.on('error', reject)
  })
}

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

/** Sends a sync step 1 (compressed) and resolves when the relay's sync step 2 answer arrives. */
function roundTrip(ws: WebSocket, doc: Y.Doc): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) === MESSAGE_SYNC && decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep2) {
        ws.off('message', onMessage)
        resolve()
      }
    }
    ws.on('message', onMessage)
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, doc)
    ws.send(encoding.toUint8Array(e))
  })
}

/**
 * A relay in this process, and every socket ws sets up in it from now on (the relay's and the
 * clients'), to look at the relay's.
 */
async function relayWatchingSockets(): Promise<{ sockets: WebSocket[] } & Awaited<ReturnType<typeof listenInProcess>>> {
  const sockets: WebSocket[] = []
  const proto = WebSocket.prototype as unknown as { setSocket: (...args: unknown[]) => void }
  const setSocket = proto.setSocket
  vi.spyOn(proto, 'setSocket').mockImplementation(function (this: WebSocket, ...args: unknown[]) {
    sockets.push(this)
    setSocket.apply(this, args)
  })
  const listening = await listenInProcess(openLevelStore(tempDir('sb-deflate')))
  cleanups.push(() => listening.relay.close())
  return { sockets, ...listening }
}

describe('relay memory with WebSocket compression', () => {
  it('keeps no zlib stream per socket between messages, and compressed joins and edits arrive whole', async () => {
    const { sockets, wsUrl } = await relayWatchingSockets()

    const original = partnership(150)
    expect(Y.encodeStateAsUpdate(original).length).toBeGreaterThan(100_000)
    const invite = await createdRoom({ wsUrl }, newInvite(), original)
    const url = `${wsUrl}/${invite.roomId}`

    // what the relay promises: each message on its own both ways, the client's whole window (no client_max_window_bits)
    // (and ws's PerMessageDeflate.prototype, from the probe's own)
    let pmdPrototype: { _compress: (...args: unknown[]) => void } | undefined
    const answer = await new Promise<string>((resolve) => {
      const probe = new WebSocket(url, protocolsFor(invite, 'join'), { perMessageDeflate: { threshold: 0 } })
      let header = ''
      probe.on('upgrade', (res) => (header = String(res.headers['sec-websocket-extensions'])))
      probe.on('open', () => {
        pmdPrototype = Object.getPrototypeOf(perMessageDeflateOf(probe)) as typeof pmdPrototype
        probe.close()
      })
      probe.on('close', () => resolve(header))
    })
    expect(answer).toBe('permessage-deflate; server_no_context_takeover; client_no_context_takeover')

    // ws's own deflate streams (one per socket, or per message once closed after each): none, the
    // relay compresses whole messages with a few streams shared by all sockets
    const wsCompress = vi.spyOn(pmdPrototype!, '_compress')
    const a = new Y.Doc()
    const wsA = await compressingClient(url, protocolsFor(invite, 'join'), a)
    await waitFor(() => a.getArray('letters').length === 150, 'the first device joined', 20_000)
    expect(a.getArray('letters').toJSON()).toEqual(original.getArray('letters').toJSON())
    expect(wsA.extensions).toBe('permessage-deflate')
    const b = new Y.Doc()
    const wsB = await compressingClient(url, protocolsFor(invite, 'join'), b)
    await waitFor(() => b.getArray('letters').length === 150, 'the second device joined', 20_000)

    // an edit of a few KiB from A, compressed and sent in two fragments; B gets it through the relay
    const before = Y.encodeStateVector(a)
    a.getArray<string>('letters').push([partnership(3).getArray<string>('letters').toArray().join(' / ')])
    const message = updateMessage(Y.encodeStateAsUpdate(a, before))
    expect(message.length).toBeGreaterThan(2048)
    const half = Math.floor(message.length / 2)
    wsA.send(message.subarray(0, half), { fin: false })
    wsA.send(message.subarray(half), { fin: true })
    await waitFor(() => b.getArray('letters').length === 151, 'the edit reached the other device', 20_000)
    expect(b.getArray('letters').toJSON()).toEqual(a.getArray('letters').toJSON())
    // the relay has read everything A and B sent once it answers one more (compressed) sync step 1
    await Promise.all([roundTrip(wsA, a), roundTrip(wsB, b)])

    // the relay's sockets of A and B took compressed messages and sent compressed ones (the joins,
    // the edit to B): neither holds a zlib stream now
    const open = sockets.filter((s) => (s as unknown as { _isServer: boolean })._isServer && s.readyState === WebSocket.OPEN)
    expect(open).toHaveLength(2)
    for (const s of open) {
      const pmd = perMessageDeflateOf(s)
      expect(pmd, 'ws internals as deflateMemory.ts knows them (ws 8.23)').toBeDefined()
      expect(pmd!._inflate).toBeNull()
      expect(pmd!._deflate).toBeNull()
    }
    // the clients compressed with ws's own streams; the relay never did
    const byServer = (isServer: boolean): number => wsCompress.mock.contexts.filter((c) => (c as { _isServer: boolean })._isServer === isServer).length
    expect(byServer(false)).toBeGreaterThan(0)
    expect(byServer(true)).toBe(0)
    // and the two sockets share ws's options and negotiated parameters, one object each
    const [first, second] = open.map((s) => perMessageDeflateOf(s)!)
    expect(first!.params).toBe(second!.params)
    expect(first!._options).toBe(second!._options)
    expect(first!.params).toEqual({ server_no_context_takeover: true, client_no_context_takeover: true })
  })

  it('compresses many joins at once with the shared streams, each arriving whole', async () => {
    const store = openLevelStore(tempDir('sb-deflate'))
    const { relay, wsUrl } = await listenInProcess(store)
    cleanups.push(() => relay.close())
    // three rooms with different documents; twelve devices join at once (more than ws compresses at a time, 10)
    const originals = [40, 60, 80].map((n) => partnership(n))
    const invites = await Promise.all(originals.map((doc) => createdRoom({ wsUrl }, newInvite(), doc)))
    const joined = Array.from({ length: 12 }, (_, i) => ({ room: i % 3, doc: new Y.Doc() }))
    await Promise.all(joined.map(({ room, doc }) => compressingClient(`${wsUrl}/${invites[room]!.roomId}`, protocolsFor(invites[room]!, 'join'), doc)))
    await waitFor(() => joined.every(({ room, doc }) => doc.getArray('letters').length === originals[room]!.getArray('letters').length), 'every device joined', 20_000)
    for (const { room, doc } of joined) expect(doc.getArray('letters').toJSON()).toEqual(originals[room]!.getArray('letters').toJSON())
  })

  it('gives every socket the same listeners, made once, and one close listener', async () => {
    const { sockets, relay, wsUrl } = await relayWatchingSockets()
    const invites = await Promise.all([createdRoom({ wsUrl }, newInvite(), partnership(3)), createdRoom({ wsUrl }, newInvite(), partnership(4))])
    // three devices in two rooms, one without acknowledgements and heartbeats (as stock clients)
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
    const clients = await Promise.all([
      compressingClient(`${wsUrl}/${invites[0]!.roomId}`, protocolsFor(invites[0]!, 'join'), docs[0]!),
      compressingClient(`${wsUrl}/${invites[0]!.roomId}`, protocolsFor(invites[0]!, 'join').slice(0, 2), docs[1]!),
      compressingClient(`${wsUrl}/${invites[1]!.roomId}`, protocolsFor(invites[1]!, 'join'), docs[2]!),
    ])
    await waitFor(() => docs.every((d, i) => d.getArray('letters').length === (i < 2 ? 3 : 4)), 'every device joined')
    await Promise.all(clients.map((ws, i) => roundTrip(ws, docs[i]!)))
    const open = sockets.filter((s) => (s as unknown as { _isServer: boolean })._isServer && s.readyState === WebSocket.OPEN)
    expect(open).toHaveLength(3)
    // a listener made per socket (a closure) kept what it closed over for the socket's life
    for (const event of ['message', 'close', 'pong', 'error'] as const) {
      const listeners = open.map((s) => s.listeners(event))
      for (const l of listeners) expect(l, `one ${event} listener per socket`).toHaveLength(1)
      expect(new Set(listeners.map((l) => l[0])).size, `one ${event} listener for all sockets`).toBe(1)
    }
    // and the sockets still work: an edit reaches the other device of the room, the socket that closes leaves
    docs[0]!.getArray<string>('letters').push(['muraho'])
    clients[0]!.send(updateMessage(Y.encodeStateAsUpdate(docs[0]!, Y.encodeStateVector(docs[1]!))))
    await waitFor(() => docs[1]!.getArray('letters').length === 4, 'the edit reached the other device')
    clients[1]!.close()
    await waitFor(() => relay.rooms.socketCount === 2, 'the closed socket left its room')
  })

  it("keeps no socket's upgrade request alive once the socket is open", async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const store = openLevelStore(tempDir('sb-deflate'))
    const { relay, wsUrl } = await listenInProcess(store)
    cleanups.push(() => relay.close())
    const requests: WeakRef<IncomingMessage>[] = []
    relay.server.prependListener('upgrade', (req: IncomingMessage) => requests.push(new WeakRef(req)))
    const invite = await createdRoom({ wsUrl }, newInvite(), partnership(5))
    const doc = new Y.Doc()
    const ws = await compressingClient(`${wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), doc)
    await waitFor(() => doc.getArray('letters').length === 5, 'the device joined')
    await roundTrip(ws, doc)
    expect(requests).toHaveLength(2)
    await new Promise((resolve) => setImmediate(resolve))
    gc()
    // the open socket's request (headers, the proof, the first bytes) was collected
    expect(requests.map((r) => r.deref() === undefined)).toEqual([true, true])
  })
})
