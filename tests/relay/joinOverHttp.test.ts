/**
 * Joining over HTTP (docs/protocol.md "Joining over HTTP"): a device that holds nothing of a
 * partnership fetches the document from `GET /join/<roomId>` — compressed, in parts, with the relay
 * position it is the state of — and its socket then resumes from that position, so the document
 * crosses the link once, compressed better than permessage-deflate does. Whatever goes wrong with
 * the HTTP part, the socket still joins.
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { JOIN_CONTENT_TYPE, JoinFrameReader, authorizationHeader, deriveToken, newInvite, readJoinHeader, type Invite } from '../../src/sync/wire'
import type { PartnershipConnection } from '../../src/sync/connection'
import { appConnection, createdRoom, messageKind } from '../helpers/clients'
import { mulberry32 } from '../helpers/random'
import { metricSample, stopAfterEach, waitFor, type RunningRelay } from '../helpers/relay'

const { start, cleanups } = stopAfterEach()

const LETTERS = 1500

/** About 1.1 MB of letters written by 30 sessions (seeded): three parts of a join body. */
function largeDocument(): Y.Doc {
  const random = mulberry32(11)
  const doc = new Y.Doc()
  for (let s = 0; s < 30; s++) {
    const session = new Y.Doc()
    Y.applyUpdate(session, Y.encodeStateAsUpdate(doc))
    const letters = session.getArray<string>('letters')
    session.transact(() => {
      for (let i = 0; i < LETTERS / 30; i++) letters.insert(Math.floor(random() * (letters.length + 1)), [Array.from({ length: 100 }, () => Math.floor(random() * 1e9).toString(36)).join(' ')])
    })
    if (letters.length > 10) letters.delete(Math.floor(random() * (letters.length - 5)), 2)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(session))
  }
  return doc
}

interface Joiner {
  readonly doc: Y.Doc
  readonly conn: PartnershipConnection
  /** Bytes of the relay's WebSocket messages (inflated). */
  socketBytes: number
  /** The subprotocols each socket offered. */
  readonly offered: string[][]
  /** The kinds of message each socket received (`0.0`: sync step 1, `0.1`: step 2, `100`: ack, `103`: step 1 since a position). */
  readonly kinds: string[][]
  /** What each join request was answered, in order. */
  readonly answers: { status: number; encoding: string | null }[]
}

function joiner(relay: RunningRelay, invite: Invite, doFetch: typeof fetch = fetch): Joiner {
  const j = { doc: new Y.Doc(), socketBytes: 0, offered: [], kinds: [], answers: [] } as unknown as Joiner
  class Counting extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols)
      j.offered.push([...protocols])
      const kinds: string[] = []
      j.kinds.push(kinds)
      this.on('message', (m: ArrayBuffer | Buffer) => {
        const bytes = new Uint8Array(m)
        j.socketBytes += bytes.byteLength
        kinds.push(messageKind(bytes))
      })
    }
  }
  const recording: typeof fetch = async (input, init) => {
    const res = await doFetch(input, init)
    j.answers.push({ status: res.status, encoding: res.headers.get('content-encoding') })
    return res
  }
  const { conn } = appConnection(relay.wsUrl, invite, 'join', j.doc, { WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket, fetch: recording })
  Object.assign(j, { conn })
  cleanups.push(() => conn.destroy())
  return j
}

const isSynced = (conn: PartnershipConnection): boolean => conn.getState().kind === 'synced'
const letters = (doc: Y.Doc): string[] => doc.getArray<string>('letters').toArray()

async function httpJoins(relay: RunningRelay, body: 'new' | 'kept'): Promise<number> {
  const text = await (await fetch(relay.metricsUrl!)).text()
  return metricSample(text, `scholenband_http_joins_total{body="${body}"}`) ?? 0
}

describe('joining over HTTP', () => {
  it('the document arrives over HTTP and the socket resumes from its position: it carries a few hundred bytes, not the document', async () => {
    const relay = await start()
    const doc = largeDocument()
    const encoded = Y.encodeStateAsUpdate(doc).byteLength
    expect(encoded).toBeGreaterThan(1_000_000)
    const invite = await createdRoom(relay, newInvite(), doc)

    const j = joiner(relay, invite)
    await waitFor(() => isSynced(j.conn) && letters(j.doc).length === letters(doc).length, 'joined and synced', 30_000)
    expect(letters(j.doc)).toEqual(letters(doc))
    // Node's fetch asks for brotli (a browser does over HTTPS)
    expect(j.answers).toEqual([{ status: 200, encoding: 'br' }])
    // one socket, which offered the position of the join and was answered as a resumed one
    expect(j.offered).toHaveLength(1)
    expect(j.offered[0]!.some((p) => /^sb\.at\.[0-9a-f]{16}\.\d+$/.test(p))).toBe(true)
    expect(j.kinds[0]).toContain('103')
    expect(j.kinds[0]).not.toContain('0.0') // no whole sync step 1 (its state vector names every client)
    expect(j.socketBytes).toBeLessThan(2000)
    expect(await httpJoins(relay, 'new')).toBe(1)

    // a second phone of the partner school: the body already compressed is served again
    const k = joiner(relay, invite)
    await waitFor(() => isSynced(k.conn) && letters(k.doc).length === letters(doc).length, 'second joined', 30_000)
    expect(letters(k.doc)).toEqual(letters(doc))
    expect(k.socketBytes).toBeLessThan(2000)
    expect(await httpJoins(relay, 'kept')).toBe(1)
  }, 60_000)

  it('what the partner writes while the document is on its way reaches the joining device, and "Synced" waits for it', async () => {
    const relay = await start()
    const doc = largeDocument()
    const invite = await createdRoom(relay, newInvite(), doc)
    const partner = appConnection(relay.wsUrl, invite, 'join', doc)
    cleanups.push(() => partner.conn.destroy())
    await waitFor(() => isSynced(partner.conn), 'partner connected')

    const j = joiner(relay, invite)
    for (let i = 0; i < 20; i++) {
      doc.getArray<string>('letters').insert(i * 3, [`written during the join ${i}`])
      await new Promise((r) => setTimeout(r, 5))
    }
    doc.getArray<string>('letters').delete(100, 3)
    await waitFor(() => isSynced(partner.conn), 'partner edits acknowledged', 20_000)
    await waitFor(() => isSynced(j.conn) && letters(j.doc).length === letters(doc).length, 'joined with the edits', 30_000)
    expect(letters(j.doc)).toEqual(letters(doc))
    expect(j.answers[0]!.status).toBe(200)
  }, 60_000)

  it('answers brotli or gzip as asked, the same frames either way; refuses a missing or wrong proof before any work', async () => {
    const relay = await start()
    const doc = largeDocument()
    const invite = await createdRoom(relay, newInvite(), doc)
    const url = `${relay.httpUrl}/join/${invite.roomId}`
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(url, { headers: { Authorization: authorizationHeader(invite), 'Accept-Encoding': encoding } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-encoding')).toBe(encoding)
      expect(res.headers.get('content-type')).toBe(JOIN_CONTENT_TYPE)
      const frames = new JoinFrameReader().push(new Uint8Array(await res.arrayBuffer()))
      const header = readJoinHeader(frames[0]!)
      expect(header.parts).toBe(frames.length - 1)
      expect(header.parts).toBeGreaterThan(1)
      const joined = new Y.Doc()
      for (const part of frames.slice(1)) Y.applyUpdateV2(joined, part)
      expect(letters(joined)).toEqual(letters(doc))
    }
    const refused = async (headers: Record<string, string>, room = invite.roomId): Promise<number> => (await fetch(`${relay.httpUrl}/join/${room}`, { headers })).status
    expect(await refused({})).toBe(401)
    expect(await refused({ Authorization: `Bearer ${deriveToken(newInvite())}` })).toBe(403)
    const stranger = newInvite()
    expect(await refused({ Authorization: authorizationHeader(stranger) }, stranger.roomId)).toBe(403)
    expect(await refused({ Authorization: authorizationHeader(invite) }, 'not-a-room')).toBe(400)
  }, 60_000)

  it('when the join over HTTP fails (an older relay without it, a body cut short), the socket joins as before', async () => {
    const relay = await start()
    const doc = largeDocument()
    const invite = await createdRoom(relay, newInvite(), doc)

    const older: typeof fetch = async () => new Response('Not found\n', { status: 404, headers: { 'Content-Type': 'text/plain' } })
    const a = joiner(relay, invite, older)
    await waitFor(() => isSynced(a.conn) && letters(a.doc).length === letters(doc).length, 'joined through the socket', 30_000)
    expect(letters(a.doc)).toEqual(letters(doc))
    expect(a.offered[0]!.some((p) => p.startsWith('sb.at.'))).toBe(false)
    expect(a.kinds[0]).toContain('0.1')
    expect(a.socketBytes).toBeGreaterThan(500_000)

    // a link that drops after 100 kB: the parts that came stay, the socket brings the rest
    const cut: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      let sent = 0
      const reader = res.body!.getReader()
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read()
          if (done || sent > 100_000) {
            controller.error(new TypeError('network error'))
            return
          }
          sent += value.byteLength
          controller.enqueue(value)
        },
      })
      return new Response(body, { status: res.status, headers: { 'Content-Type': res.headers.get('content-type')! } })
    }
    const b = joiner(relay, invite, cut)
    await waitFor(() => isSynced(b.conn) && letters(b.doc).length === letters(doc).length, 'joined after a cut', 30_000)
    expect(letters(b.doc)).toEqual(letters(doc))
  }, 60_000)
})
