/**
 * The relay's limits in the real world: per-address rate limits refused over HTTP before any
 * room work, bounds on what a socket may queue, rooms loaded at once, dead and slow sockets.
 * Each test starts its own relay with small limits from the environment.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { CLOSE, SUBPROTOCOL, newInvite, type Intent, type Invite } from '../../src/sync/wire'
import { appConnection, protocolsFor, rawSession } from '../helpers/clients'
import { type RunningRelay, roomOnDisk, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const { cleanups, start } = stopAfterEach()
const relayWith = (env: Record<string, string>, dataDir?: string): Promise<RunningRelay> => start({ env, dataDir })

type Attempt = { status: number; retryAfter: string | null } | { code: number; reason: string }

/** Tries to open a room: the HTTP status when the upgrade is refused, else the close code. */
function attempt(r: RunningRelay, invite: Invite, intent: Intent | 'none'): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const protocols = intent === 'none' ? [SUBPROTOCOL] : protocolsFor(invite, intent)
    const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocols)
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] ?? null })
      res.resume()
      ws.terminate()
    })
    ws.on('open', () => setTimeout(() => ws.close(1000), 100))
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e)
    })
  })
}

async function health(r: RunningRelay): Promise<{ roomsLoaded: number; sockets: number }> {
  return (await (await fetch(`${r.httpUrl}/healthz`)).json()) as { roomsLoaded: number; sockets: number }
}

describe('per-address rate limits, refused with 429 before any room work', () => {
  it('refuses upgrades beyond MAX_CONNECTIONS_PER_MINUTE, with Retry-After; plain HTTP still answers', async () => {
    const r = await relayWith({ MAX_CONNECTIONS_PER_MINUTE: '4' })
    const invite = newInvite()
    for (let i = 0; i < 4; i++) expect(await attempt(r, invite, 'none')).toMatchObject({ code: CLOSE.badRequest })
    const refused = await attempt(r, invite, 'none')
    expect(refused).toMatchObject({ status: 429 })
    const retryAfter = Number((refused as { retryAfter: string }).retryAfter)
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await fetch(`${r.httpUrl}/healthz`)).status).toBe(200)
    expect((await health(r)).roomsLoaded).toBe(0)
  })

  it('refuses an address after MAX_FAILED_PROOFS_PER_MINUTE refused invites; the right one is checked first and still joins', async () => {
    const r = await relayWith({ MAX_FAILED_PROOFS_PER_MINUTE: '3' })
    const room = newInvite()
    expect(await attempt(r, room, 'create')).toMatchObject({ code: 1000 })
    const wrong = { roomId: room.roomId, secret: newInvite().secret }
    for (let i = 0; i < 3; i++) expect(await attempt(r, wrong, 'join')).toMatchObject({ code: CLOSE.proofRefused })
    expect(await attempt(r, wrong, 'join')).toMatchObject({ status: 429 })
    expect(await attempt(r, room, 'join')).toMatchObject({ code: 1000 })
  })

  it('lets one address create at most MAX_ROOMS_CREATED_PER_HOUR rooms; joining is not limited by it', async () => {
    const r = await relayWith({ MAX_ROOMS_CREATED_PER_HOUR: '2' })
    const first = newInvite()
    expect(await attempt(r, first, 'create')).toMatchObject({ code: 1000 })
    expect(await attempt(r, newInvite(), 'create')).toMatchObject({ code: 1000 })
    const third = newInvite()
    expect(await attempt(r, third, 'create')).toMatchObject({ status: 429 })
    // nothing was created for the refused one
    expect(await attempt(r, third, 'join')).toMatchObject({ code: CLOSE.unknownRoom })
    expect(await attempt(r, first, 'join')).toMatchObject({ code: 1000 })
    expect(await attempt(r, first, 'create')).toMatchObject({ code: 1000 }) // existing room: not a new one
  })
})

describe('bounds on rooms and sockets', () => {
  it('closes a join to a room with data beyond MAX_ROOMS rooms with data with 4503 "relay full", never evicting a room with sockets', async () => {
    // room C holds data on disk and is not loaded
    const dataDir = tempDir('sb-full')
    const c = await roomOnDisk(dataDir, async (ldb, room) => {
      const seed = new Y.Doc()
      seed.getText('t').insert(0, 'C')
      await ldb.storeUpdate(room, Y.encodeStateAsUpdate(seed))
    })
    const r = await relayWith({ MAX_ROOMS: '2', IDLE_UNLOAD_MS: '60000' }, dataDir)
    const a = appConnection(r.wsUrl, newInvite(), 'create')
    const b = appConnection(r.wsUrl, newInvite(), 'create')
    cleanups.push(() => b.conn.destroy())
    a.doc.getText('t').insert(0, 'A')
    b.doc.getText('t').insert(0, 'B')
    await waitFor(() => a.conn.getState().kind === 'synced' && b.conn.getState().kind === 'synced', 'two rooms with data')
    expect(await attempt(r, c, 'join')).toEqual({ code: CLOSE.unavailable, reason: 'relay full, try again later' })
    expect(await health(r)).toMatchObject({ roomsLoaded: 2, sockets: 2 })
    // a room nobody is connected to makes way
    a.conn.destroy()
    await waitFor(async () => (await health(r)).sockets === 1, 'A left')
    expect(await attempt(r, c, 'join')).toMatchObject({ code: 1000 })
    expect(b.conn.getState().kind).toBe('synced')
  })

  it('closes a socket with 4529 when it queues more than MAX_QUEUED_BYTES before its room loaded', async () => {
    // a room with a long log, so that loading it takes a while
    const dataDir = tempDir('sb-queue')
    const invite = await roomOnDisk(dataDir, async (ldb, room) => {
      const doc = new Y.Doc()
      doc.on('update', (u: Uint8Array) => void ldb.storeUpdate(room, u))
      for (let i = 0; i < 12_000; i++) doc.getArray('a').push([i])
      await ldb.storeUpdate(room, Y.encodeStateAsUpdate(doc))
    })
    // plain frames: a compressed message reaches the room only once zlib has inflated it, off the
    // event loop, and by then this room may have loaded (the bound counts inflated bytes either way)
    const r = await relayWith({ MAX_QUEUED_BYTES: '2048', SYNC_COMPRESSION: '0' }, dataDir)
    // three "query awareness" messages padded to 1 KiB: few messages, too many bytes
    const padded = new Uint8Array(1024)
    padded[0] = 3
    const result = await rawSession(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { send: [padded, padded, padded], closeAfterMs: 3000 })
    expect(result.code).toBe(CLOSE.busy)
    expect(result.messages).toEqual([])
  })

  it('terminates a socket that stops answering pings (PING_INTERVAL_MS); a live one stays', async () => {
    const r = await relayWith({ PING_INTERVAL_MS: '150' })
    const invite = newInvite()
    const live = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => live.conn.destroy())
    await waitFor(() => live.conn.getState().kind === 'synced', 'live synced')
    const dead = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    cleanups.push(() => dead.terminate())
    await new Promise((res) => dead.once('message', res))
    await waitFor(async () => (await health(r)).sockets === 2, 'both joined')
    dead.pause() // reads nothing more, so answers no ping
    await waitFor(async () => (await health(r)).sockets === 1, 'dead socket terminated', 5000)
    await new Promise((res) => setTimeout(res, 500))
    expect((await health(r)).sockets).toBe(1)
    expect(live.conn.getState().kind).toBe('synced')
  })

  it('closes a slow reader with 4529 once MAX_BUFFERED_BYTES wait for it, instead of queueing more', async () => {
    const r = await relayWith({ MAX_BUFFERED_BYTES: '65536', PING_INTERVAL_MS: '600000' })
    const invite = newInvite()
    const writer = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => writer.conn.destroy())
    await waitFor(() => writer.conn.getState().kind === 'synced', 'writer synced')
    const reader = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    cleanups.push(() => reader.terminate())
    const closed = new Promise<number>((res) => reader.on('close', (code) => res(code)))
    await new Promise((res) => reader.once('message', res))
    reader.pause()
    // text that does not compress: with WebSocket compression, 16 MB of one letter reach the
    // reader as a few KB, and whether it is closed then depends on when the check ran (mid-compression)
    for (let i = 0; i < 64; i++) writer.doc.getText('t').insert(0, randomBytes(192 * 1024).toString('base64'))
    await waitFor(() => writer.conn.getState().kind === 'synced', 'writer acknowledged', 20_000)
    reader.resume()
    expect(await closed).toBe(CLOSE.busy)
  })
})

describe('the per-address counters', () => {
  it('forget expired windows and never hold more than their bound of addresses', async () => {
    const { WindowCounter } = await import('../../sync-server/limits')
    let now = 0
    const c = new WindowCounter(2, 1000, { maxKeys: 3, now: () => now })
    expect([c.take('a'), c.take('a')]).toEqual([0, 0])
    expect(c.take('a')).toBe(1) // over its limit, for the rest of the window
    now = 999
    expect(c.retryAfterSeconds('a')).toBe(1)
    now = 1000
    expect(c.take('a')).toBe(0) // a new window
    for (const k of ['b', 'c', 'd', 'e', 'f']) c.add(k)
    expect(c.size).toBeLessThanOrEqual(3)
  })
})

describe('behind a reverse proxy', () => {
  /** Opens a socket as if through a proxy that saw `forwardedFor`; the HTTP status if refused, else 101. */
  const through = (r: RunningRelay, forwardedFor: string): Promise<number> =>
    new Promise((resolve) => {
      const invite = newInvite()
      const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { headers: { 'X-Forwarded-For': forwardedFor } })
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0)
        res.resume()
        ws.terminate()
      })
      ws.on('open', () => {
        resolve(101)
        ws.terminate()
      })
      ws.on('error', () => resolve(0))
    })

  it('counts the address the proxy saw when TRUST_PROXY_HOPS=1, so schools behind one proxy are not limited together', async () => {
    const r = await relayWith({ MAX_CONNECTIONS_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1', MAX_FAILED_PROOFS_PER_MINUTE: '1000' })
    // three schools, one socket each... twice: nobody goes over 2 per minute
    for (let round = 0; round < 2; round++) {
      for (const school of ['196.12.1.1', '196.12.1.2', '196.12.1.3']) expect(await through(r, `10.0.0.9, ${school}`)).toBe(101)
    }
    // one school going over its own limit is refused
    expect(await through(r, '196.12.1.1')).toBe(429)
  })

  it('ignores X-Forwarded-For without TRUST_PROXY_HOPS: a client cannot pick its own address', async () => {
    const r = await relayWith({ MAX_CONNECTIONS_PER_MINUTE: '2', MAX_FAILED_PROOFS_PER_MINUTE: '1000' })
    expect(await through(r, '1.1.1.1')).toBe(101)
    expect(await through(r, '2.2.2.2')).toBe(101)
    expect(await through(r, '3.3.3.3')).toBe(429)
  })
})
