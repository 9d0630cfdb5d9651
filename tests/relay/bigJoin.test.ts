/**
 * Joining a partnership larger than the relay's bound on unsent bytes (MAX_BUFFERED_BYTES): the
 * whole document is one message that may sit in the socket's buffer for a while (compressing, or
 * on its way over a slow link). Whatever the room says to the joining device meanwhile (its own
 * awareness echoed, an acknowledgement, a partner's edit) must not get it closed as a slow reader
 * (4529), which made it download the whole document again, and again. A reader that really does
 * not read is still closed.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { newInvite } from '../../src/sync'
import { MESSAGE_SYNC } from '../../src/sync/wire'
import * as syncProtocol from 'y-protocols/sync'
import { appConnection, createdRoom, protocolsFor } from '../helpers/clients'
import { stockProvider } from '../helpers/documentedClient'
import { mulberry32 } from '../helpers/random'
import { metricSample, stopAfterEach, waitFor, type RunningRelay } from '../helpers/relay'

const { start, cleanups } = stopAfterEach()

/** The bound on unsent bytes in these tests: the document is more than 16 times larger. */
const MAX_BUFFERED_BYTES = 65_536
const LETTERS = 1600

/** About 1.1 MB of letters (seeded). */
function largeDocument(): Y.Doc {
  const random = mulberry32(7)
  const doc = new Y.Doc()
  const letters = doc.getArray<string>('letters')
  doc.transact(() => {
    for (let i = 0; i < LETTERS; i++) letters.push([Array.from({ length: 100 }, () => Math.floor(random() * 1e9).toString(36)).join(' ')])
  })
  return doc
}

async function slowReadersClosed(relay: RunningRelay): Promise<number> {
  const text = await (await fetch(relay.metricsUrl!)).text()
  return metricSample(text, 'scholenband_closed_for_limit_total{reason="slow_reader"}') ?? 0
}

describe('joining a partnership larger than MAX_BUFFERED_BYTES', () => {
  it('the stock client (which announces itself at once) and the app get the whole document on their first socket', async () => {
    const relay = await start({ env: { MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES) } })
    const doc = largeDocument()
    expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(16 * MAX_BUFFERED_BYTES)
    const invite = await createdRoom(relay, newInvite(), doc)

    const closes: number[] = []
    const stockDoc = new Y.Doc()
    const stock = stockProvider(relay.wsUrl, invite.roomId, stockDoc, protocolsFor(invite, 'join'))
    cleanups.push(() => stock.destroy())
    stock.on('connection-close', (event) => void closes.push(event?.code ?? 0))
    const app = appConnection(relay.wsUrl, invite, 'join')
    cleanups.push(() => app.conn.destroy())
    app.conn.provider.on('connection-close', (event) => void closes.push(event?.code ?? 0))
    await waitFor(
      () => stockDoc.getArray('letters').length === LETTERS && app.doc.getArray('letters').length === LETTERS && app.conn.getState().kind === 'synced',
      'both devices hold the whole partnership',
      20_000,
    )
    expect(closes).toEqual([])
    expect(stockDoc.getArray('letters').toJSON()).toEqual(doc.getArray('letters').toJSON())
    // and the room still speaks to them: an edit of one reaches the other
    stockDoc.getArray<string>('letters').push(['murakoze'])
    await waitFor(() => app.doc.getArray('letters').length === LETTERS + 1, 'the edit reached the app')
    expect(closes).toEqual([])
  })

  it('a socket that asks for the document again and again without reading is still closed (4529)', async () => {
    const relay = await start({ env: { MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES) } })
    const invite = await createdRoom(relay, newInvite(), largeDocument())
    const ws = new WebSocket(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    cleanups.push(() => ws.terminate())
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    await new Promise<void>((resolve) => ws.on('open', () => resolve()))
    // stop reading: the relay's writes pile up in its buffer
    ;(ws as unknown as { _socket: { pause(): void } })._socket.pause()
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, new Y.Doc())
    const step1 = encoding.toUint8Array(e)
    for (let i = 0; i < 64; i++) ws.send(step1)
    await waitFor(async () => (await slowReadersClosed(relay)) > 0, 'the relay gave up on the socket', 20_000)
    // read again: what the relay sent before it gave up, then its close
    ;(ws as unknown as { _socket: { resume(): void } })._socket.resume()
    expect(await closed).toBe(4529)
  })
})
