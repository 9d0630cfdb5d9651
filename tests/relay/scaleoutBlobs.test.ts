/**
 * Photos across several relays on one PostgreSQL (DATABASE_URL + REDIS_URL): a photo stored
 * through one relay is served by another, a resumable upload goes on through any relay, and the
 * single relay's guarantees hold across them (room proof, hash check, size limit, nothing partial
 * ever served). Runs against a real redis-server and PostgreSQL on loopback, started by
 * tests/helpers/services.ts; skipped, with one line saying why, where they cannot be had.
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deriveToken, newInvite, type Invite } from '../../src/sync/wire'
import { FLUSH_BYTES } from '../../sync-server/pgBlobStore'
import { appConnection } from '../helpers/clients'
import { type RunningRelay, startRelay, stopAfterEach, waitFor } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

const services = await servicesForFile('scale-out photo tests')

const MAX = 512 * 1024
const { running, cleanups } = stopAfterEach('kill')

async function relay(): Promise<RunningRelay> {
  if (!services.available) throw new Error('services unavailable')
  const r = await startRelay({ env: { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, MAX_BLOB_BYTES: String(MAX) } })
  running.push(r)
  return r
}

/** Two relays and a partnership created through the first (its verifier is in PostgreSQL). */
async function twoRelaysAndARoom(): Promise<{ a: RunningRelay; b: RunningRelay; invite: Invite; auth: Record<string, string> }> {
  const [a, b] = await Promise.all([relay(), relay()])
  const invite = newInvite()
  const { conn } = appConnection(a.wsUrl, invite, 'create')
  cleanups.push(() => conn.destroy())
  await waitFor(() => conn.getState().kind === 'synced', 'room created on A')
  return { a, b, invite, auth: { Authorization: `Bearer ${deriveToken(invite)}` } }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const photo = (n: number): Uint8Array => new Uint8Array(randomBytes(n))
const url = (r: RunningRelay, room: string, hash: string): string => `${r.httpUrl}/blobs/${room}/${hash}`

function put(r: RunningRelay, room: string, hash: string, body: Uint8Array, headers: Record<string, string>): Promise<Response> {
  return fetch(url(r, room, hash), { method: 'PUT', headers, body: body as BodyInit })
}

function chunk(total: number, start: number, end: number): Record<string, string> {
  return { 'Content-Range': `bytes ${start}-${end}/${total}` }
}

async function head(r: RunningRelay, room: string, hash: string, auth: Record<string, string>): Promise<{ status: number; offset: number }> {
  const h = await fetch(url(r, room, hash), { method: 'HEAD', headers: auth })
  return { status: h.status, offset: Number(h.headers.get('upload-offset')) }
}

/**
 * Waits until the relay receiving a stalled chunk has appended all it will append: it keeps fewer
 * than FLUSH_BYTES in memory, so once PostgreSQL holds more than `sent - FLUSH_BYTES` no further
 * append comes until more bytes arrive. Resolves with that offset.
 */
async function settledOffset(r: RunningRelay, room: string, hash: string, auth: Record<string, string>, sent: number): Promise<number> {
  let offset = 0
  await waitFor(async () => (offset = (await head(r, room, hash, auth)).offset) > sent - FLUSH_BYTES, 'the chunk so far in PostgreSQL')
  return offset
}

/**
 * A PUT whose body is sent a piece at a time (the connection of a slow phone): `send` writes
 * bytes, `finish` ends the body, `answer` is the relay's reply (or the error if it cut us off).
 */
function slowPut(target: string, headers: Record<string, string>) {
  const req = request(target, { method: 'PUT', headers })
  const answer = new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0, headers: res.headers })
    })
    req.on('error', reject)
  })
  answer.catch(() => undefined) // a test that kills the relay never asks for it
  return {
    send: (bytes: Uint8Array) => new Promise<void>((resolve) => req.write(Buffer.from(bytes), () => resolve())),
    finish: () => req.end(),
    answer,
  }
}

describe.skipIf(!services.available)('photos across several relays (PostgreSQL)', () => {
  it('a photo stored through relay A is served byte for byte through relay B, immutable', async () => {
    const { a, b, invite, auth } = await twoRelaysAndARoom()
    const bytes = photo(200_000)
    const hash = sha(bytes)
    expect((await put(a, invite.roomId, hash, bytes, auth)).status).toBe(201)

    const g = await fetch(url(b, invite.roomId, hash), { headers: auth })
    expect(g.status).toBe(200)
    expect(g.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(g.headers.get('etag')).toBe(`"${hash}"`)
    expect(g.headers.get('content-length')).toBe(String(bytes.length))
    expect(new Uint8Array(await g.arrayBuffer())).toEqual(bytes)
    expect((await head(b, invite.roomId, hash, auth)).status).toBe(200)
    expect((await fetch(url(b, invite.roomId, hash), { headers: { ...auth, 'If-None-Match': `"${hash}"` } })).status).toBe(304)
    // B knows it is already stored: the same photo again costs nothing
    expect((await put(b, invite.roomId, hash, bytes, auth)).status).toBe(200)
    // nothing went to either relay's own folder
    for (const r of [a, b]) expect(existsSync(join(r.dataDir, 'blobs'))).toBe(false)
  })

  it('a resumable upload begun on A goes on through B: B’s HEAD has A’s offset, the rest on B completes it', async () => {
    const { a, b, invite, auth } = await twoRelaysAndARoom()
    const bytes = photo(300_000)
    const hash = sha(bytes)
    const first = await put(a, invite.roomId, hash, bytes.slice(0, 100_000), { ...auth, ...chunk(300_000, 0, 99_999) })
    expect(first.status).toBe(204)
    expect(first.headers.get('upload-offset')).toBe('100000')

    expect(await head(b, invite.roomId, hash, auth)).toEqual({ status: 204, offset: 100_000 })
    // not a blob yet, on either relay
    expect((await fetch(url(b, invite.roomId, hash), { headers: auth })).status).toBe(404)
    expect((await fetch(url(a, invite.roomId, hash), { headers: auth })).status).toBe(404)
    // B refuses a chunk that does not start where A stopped, with the offset A stored
    const wrong = await put(b, invite.roomId, hash, bytes.slice(0, 100_000), { ...auth, ...chunk(300_000, 0, 99_999) })
    expect(wrong.status).toBe(409)
    expect(wrong.headers.get('upload-offset')).toBe('100000')

    const second = await put(b, invite.roomId, hash, bytes.slice(100_000, 200_000), { ...auth, ...chunk(300_000, 100_000, 199_999) })
    expect(second.status).toBe(204)
    expect(await head(a, invite.roomId, hash, auth)).toEqual({ status: 204, offset: 200_000 })
    const last = await put(b, invite.roomId, hash, bytes.slice(200_000), { ...auth, ...chunk(300_000, 200_000, 299_999) })
    expect(last.status).toBe(201)
    expect(last.headers.get('upload-offset')).toBe('300000')

    for (const r of [a, b]) {
      const g = await fetch(url(r, invite.roomId, hash), { headers: auth })
      expect(g.status).toBe(200)
      expect(new Uint8Array(await g.arrayBuffer())).toEqual(bytes)
    }
  })

  it('B refuses what A refuses: a wrong room proof, content not matching its hash, a photo over the limit', async () => {
    const { a, b, invite, auth } = await twoRelaysAndARoom()
    const bytes = photo(10_000)
    const hash = sha(bytes)
    expect((await put(a, invite.roomId, hash, bytes, auth)).status).toBe(201)

    // the room proof is checked against the verifier A stored
    const wrong = { Authorization: `Bearer ${deriveToken({ roomId: invite.roomId, secret: newInvite().secret })}` }
    for (const r of [a, b]) {
      expect((await fetch(url(r, invite.roomId, hash), { headers: wrong })).status).toBe(403)
      expect((await fetch(url(r, invite.roomId, hash))).status).toBe(401)
    }
    const other = photo(5_000)
    expect((await put(b, invite.roomId, sha(other), other, wrong)).status).toBe(403)
    expect((await fetch(url(a, invite.roomId, sha(other)), { headers: auth })).status).toBe(404)
    // a room no relay has seen: the same answer as a wrong proof
    const nowhere = newInvite()
    expect((await put(b, nowhere.roomId, sha(other), other, { Authorization: `Bearer ${deriveToken(nowhere)}` })).status).toBe(403)

    // one request, wrong hash: 422 on B, nothing under that hash anywhere
    const claimed = sha(photo(10_000))
    const p = await put(b, invite.roomId, claimed, photo(10_000), auth)
    expect(p.status).toBe(422)
    expect((await fetch(url(a, invite.roomId, claimed), { headers: auth })).status).toBe(404)
    expect(await head(a, invite.roomId, claimed, auth)).toEqual({ status: 404, offset: 0 })

    // resumable, begun on A, completed on B with a changed byte: 422, dropped for every relay
    const good = photo(20_000)
    const goodHash = sha(good)
    const bad = good.slice()
    bad[19_999] = (bad[19_999] ?? 0) ^ 1
    expect((await put(a, invite.roomId, goodHash, bad.slice(0, 10_000), { ...auth, ...chunk(20_000, 0, 9_999) })).status).toBe(204)
    const end = await put(b, invite.roomId, goodHash, bad.slice(10_000), { ...auth, ...chunk(20_000, 10_000, 19_999) })
    expect(end.status).toBe(422)
    expect(end.headers.get('upload-offset')).toBe('0')
    expect(await head(a, invite.roomId, goodHash, auth)).toEqual({ status: 404, offset: 0 })
    expect((await fetch(url(a, invite.roomId, goodHash), { headers: auth })).status).toBe(404)
    // … and the right bytes, sent again from 0 through A, are then stored
    expect((await put(a, invite.roomId, goodHash, good, auth)).status).toBe(201)
    expect(new Uint8Array(await (await fetch(url(b, invite.roomId, goodHash), { headers: auth })).arrayBuffer())).toEqual(good)

    // MAX_BLOB_BYTES holds on every relay
    const big = photo(MAX + 1)
    expect((await put(b, invite.roomId, sha(big), big, auth)).status).toBe(413)
    expect((await put(b, invite.roomId, sha(big), big.slice(0, 100), { ...auth, ...chunk(MAX + 1, 0, 99) })).status).toBe(413)
    expect(await head(a, invite.roomId, sha(big), auth)).toEqual({ status: 404, offset: 0 })
  })

  it('a photo is visible on no relay before it is complete, even when the relay receiving it dies', async () => {
    const { a, b, invite, auth } = await twoRelaysAndARoom()

    // one request, half sent to A: B has nothing, not even an offset
    const whole = photo(200_000)
    const wholeHash = sha(whole)
    const slow = slowPut(url(a, invite.roomId, wholeHash), { ...auth, 'Content-Length': '200000' })
    await slow.send(whole.slice(0, 150_000))
    await new Promise((r) => setTimeout(r, 200))
    expect((await fetch(url(b, invite.roomId, wholeHash), { headers: auth })).status).toBe(404)
    expect(await head(b, invite.roomId, wholeHash, auth)).toEqual({ status: 404, offset: 0 })
    await slow.send(whole.slice(150_000))
    slow.finish()
    expect((await slow.answer).status).toBe(201)
    expect(new Uint8Array(await (await fetch(url(b, invite.roomId, wholeHash), { headers: auth })).arrayBuffer())).toEqual(whole)

    // a chunk still arriving at A when A is killed: B serves nothing, knows how far A got, and
    // takes the rest from there
    const bytes = photo(400_000)
    const hash = sha(bytes)
    const dying = slowPut(url(a, invite.roomId, hash), { ...auth, ...chunk(400_000, 0, 399_999), 'Content-Length': '400000' })
    await dying.send(bytes.slice(0, 250_000))
    const stored = await settledOffset(b, invite.roomId, hash, auth, 250_000)
    expect((await fetch(url(b, invite.roomId, hash), { headers: auth })).status).toBe(404)
    await a.kill()

    expect((await fetch(url(b, invite.roomId, hash), { headers: auth })).status).toBe(404)
    expect(await head(b, invite.roomId, hash, auth)).toEqual({ status: 204, offset: stored })
    const rest = await put(b, invite.roomId, hash, bytes.slice(stored), { ...auth, ...chunk(400_000, stored, 399_999) })
    expect(rest.status).toBe(201)
    expect(new Uint8Array(await (await fetch(url(b, invite.roomId, hash), { headers: auth })).arrayBuffer())).toEqual(bytes)
  })

  it('two relays writing the same upload never interleave: the one that fell behind is refused with 409 and the offset', async () => {
    const { a, b, invite, auth } = await twoRelaysAndARoom()
    const bytes = photo(400_000)
    const hash = sha(bytes)
    // The phone's connection to A stalls in the middle of a chunk …
    const stalled = slowPut(url(a, invite.roomId, hash), { ...auth, ...chunk(400_000, 0, 399_999), 'Content-Length': '400000' })
    await stalled.send(bytes.slice(0, 200_000))
    const fromA = await settledOffset(b, invite.roomId, hash, auth, 200_000)
    // … so the phone asks B how far the upload is and sends the next chunk there.
    const next = await put(b, invite.roomId, hash, bytes.slice(fromA, fromA + 50_000), { ...auth, ...chunk(400_000, fromA, fromA + 49_999) })
    expect(next.status).toBe(204)
    expect(next.headers.get('upload-offset')).toBe(String(fromA + 50_000))

    // The old connection to A wakes up with more bytes than A keeps in memory: A must not append
    // them after B's.
    await stalled.send(bytes.slice(200_000, 200_000 + FLUSH_BYTES))
    const late = await stalled.answer
    expect(late.status).toBe(409)
    expect(late.headers['upload-offset']).toBe(String(fromA + 50_000))
    expect(await head(a, invite.roomId, hash, auth)).toEqual({ status: 204, offset: fromA + 50_000 })

    const rest = await put(a, invite.roomId, hash, bytes.slice(fromA + 50_000), { ...auth, ...chunk(400_000, fromA + 50_000, 399_999) })
    expect(rest.status).toBe(201)
    for (const r of [a, b]) {
      const g = await fetch(url(r, invite.roomId, hash), { headers: auth })
      expect(g.status).toBe(200)
      expect(new Uint8Array(await g.arrayBuffer())).toEqual(bytes)
    }
  })
})
