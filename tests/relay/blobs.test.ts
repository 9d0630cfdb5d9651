/**
 * Photos on the relay: `/blobs/<roomId>/<sha256>` behind the room proof, size limit, hash check,
 * immutable caching, resumable uploads, and a crash in the middle of one.
 */
import 'fake-indexeddb/auto'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deriveToken, newInvite, type Invite } from '../../src/sync/wire'
import { AttachmentTransfer, relayHttpUrl } from '../../src/sync/attachments'
import { ScholenbandDb } from '../../src/storage/db'
import { getBlob } from '../../src/storage/blobs'
import WebSocket from 'ws'
import { createdRoom, protocolsFor } from '../helpers/clients'
import { startRelay, stopAfterEach, tempDir, waitFor, type RunningRelay } from '../helpers/relay'

const MAX = 64 * 1024

let relay: RunningRelay
let room: Invite
let token: string

beforeAll(async () => {
  relay = await startRelay({ env: { MAX_BLOB_BYTES: String(MAX) } })
  room = newInvite()
  token = deriveToken(room)
  await createdRoom(relay, room)
})
afterAll(async () => {
  await relay.stop()
})

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const url = (r: RunningRelay, roomId: string, hash: string): string => `${r.httpUrl}/blobs/${roomId}/${hash}`
const auth = (t: string): Record<string, string> => ({ Authorization: `Bearer ${t}` })

function photo(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n))
}

async function put(r: RunningRelay, roomId: string, hash: string, body: Uint8Array, headers: Record<string, string>): Promise<Response> {
  return fetch(url(r, roomId, hash), { method: 'PUT', headers, body: body as BodyInit })
}

describe('photos on the relay: who may read and write', () => {
  it('refuses a wrong room proof with 403 and a JSON error, and serves nothing', async () => {
    const bytes = photo(1000)
    const hash = sha(bytes)
    expect((await put(relay, room.roomId, hash, bytes, auth(token))).status).toBe(201)

    const wrong = deriveToken({ roomId: room.roomId, secret: newInvite().secret })
    const g = await fetch(url(relay, room.roomId, hash), { headers: auth(wrong) })
    expect(g.status).toBe(403)
    expect(g.headers.get('content-type')).toBe('application/json')
    const body = (await g.json()) as { error: string }
    expect(body.error).toMatch(/invite/)
    expect(JSON.stringify(body)).not.toContain(wrong)

    const other = photo(500)
    const p = await put(relay, room.roomId, sha(other), other, auth(wrong))
    expect(p.status).toBe(403)
    expect((await fetch(url(relay, room.roomId, sha(other)), { headers: auth(token) })).status).toBe(404)

    // no proof at all
    expect((await fetch(url(relay, room.roomId, hash))).status).toBe(401)
    // the room's own token, used at another room's address, opens nothing
    const roomB = newInvite()
    await createdRoom(relay, roomB)
    expect((await fetch(url(relay, roomB.roomId, hash), { headers: auth(token) })).status).toBe(403)
    // the token never reaches the log
    expect(JSON.stringify(relay.logs)).not.toContain(token)
    expect(JSON.stringify(relay.logs)).not.toContain(wrong)
  })

  it('refuses a room the relay has never seen exactly as a wrong proof (403, same body), and stores nothing for it', async () => {
    const nowhere = newInvite()
    const bytes = photo(300)
    const wrongForExisting = deriveToken({ roomId: room.roomId, secret: newInvite().secret })
    const refusal = await fetch(url(relay, room.roomId, sha(bytes)), { headers: auth(wrongForExisting) })
    const p = await put(relay, nowhere.roomId, sha(bytes), bytes, auth(deriveToken(nowhere)))
    expect(p.status).toBe(403)
    expect(await p.text()).toBe(await refusal.text())
    for (const method of ['GET', 'HEAD']) {
      const g = await fetch(url(relay, nowhere.roomId, sha(bytes)), { method, headers: auth(deriveToken(nowhere)) })
      expect(g.status).toBe(403)
      expect(g.headers.get('upload-offset')).toBeNull()
    }
    expect(readdirSync(join(relay.dataDir, 'blobs'))).not.toContain(nowhere.roomId)
  })

  it('refuses a malformed hash or room id with 400', async () => {
    expect((await fetch(url(relay, room.roomId, 'abc'), { headers: auth(token) })).status).toBe(400)
    expect((await fetch(url(relay, 'not-a-room', sha(photo(1))), { headers: auth(token) })).status).toBe(400)
  })
})

describe('photos on the relay: refused proofs count per address, with the WebSocket', () => {
  it('beyond MAX_FAILED_PROOFS_PER_MINUTE refused proofs (photos or WebSocket, one count) every wrong proof of that address gets 429; a right one still passes', async () => {
    const limited = await startRelay({ env: { MAX_FAILED_PROOFS_PER_MINUTE: '3', TRUST_PROXY_HOPS: '1' } })
    try {
      const invite = newInvite()
      await createdRoom(limited, invite)
      const good = deriveToken(invite)
      const wrong = deriveToken({ roomId: invite.roomId, secret: newInvite().secret })
      const bytes = photo(200)
      const from = (address: string, t: string): Record<string, string> => ({ ...auth(t), 'X-Forwarded-For': address })
      // two refused over HTTP (an existing room, an unknown one), one on the WebSocket: three in all
      expect((await fetch(url(limited, invite.roomId, sha(bytes)), { headers: from('203.0.113.7', wrong) })).status).toBe(403)
      const nowhere = newInvite()
      expect((await put(limited, nowhere.roomId, sha(bytes), bytes, from('203.0.113.7', deriveToken(nowhere)))).status).toBe(403)
      const ws = await wsAttempt(limited, { roomId: invite.roomId, secret: newInvite().secret }, '203.0.113.7')
      expect(ws).toBe(4403)
      // now a wrong proof from that address waits, on both, whether or not the room exists
      const refused = await put(limited, invite.roomId, sha(bytes), bytes, from('203.0.113.7', wrong))
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await put(limited, nowhere.roomId, sha(bytes), bytes, from('203.0.113.7', deriveToken(nowhere)))).status).toBe(429)
      expect(await wsAttempt(limited, { roomId: invite.roomId, secret: newInvite().secret }, '203.0.113.7')).toBe(429)
      // the right proof is checked first and passes (a school behind the same NAT address)
      expect((await put(limited, invite.roomId, sha(bytes), bytes, from('203.0.113.7', good))).status).toBe(201)
      // another address is not held back
      expect((await fetch(url(limited, invite.roomId, sha(bytes)), { headers: from('198.51.100.1', wrong) })).status).toBe(403)
    } finally {
      await limited.stop()
    }
  })
})

/** Opens a WebSocket to the room from `address` (X-Forwarded-For): the close code, or the HTTP status of a refused upgrade. */
function wsAttempt(r: RunningRelay, invite: Invite, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { headers: { 'X-Forwarded-For': address } })
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
      ws.terminate()
    })
    ws.on('open', () => ws.close(1000))
    ws.on('close', (code) => resolve(code))
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e)
    })
  })
}

describe('photos on the relay: what is stored', () => {
  it('round trip: the same bytes come back, immutable, with the hash as ETag', async () => {
    const bytes = photo(40_000)
    const hash = sha(bytes)
    const p = await put(relay, room.roomId, hash, bytes, auth(token))
    expect(p.status).toBe(201)
    const g = await fetch(url(relay, room.roomId, hash), { headers: auth(token) })
    expect(g.status).toBe(200)
    expect(g.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(g.headers.get('etag')).toBe(`"${hash}"`)
    expect(new Uint8Array(await g.arrayBuffer())).toEqual(bytes)
    const h = await fetch(url(relay, room.roomId, hash), { method: 'HEAD', headers: auth(token) })
    expect(h.status).toBe(200)
    expect(h.headers.get('content-length')).toBe(String(bytes.length))
    // a second upload of the same photo costs nothing and changes nothing
    expect((await put(relay, room.roomId, hash, bytes, auth(token))).status).toBe(200)
    const revalidated = await fetch(url(relay, room.roomId, hash), { headers: { ...auth(token), 'If-None-Match': `"${hash}"` } })
    expect(revalidated.status).toBe(304)
  })

  it('refuses content that does not match its hash with 422, and then has nothing under that hash', async () => {
    const bytes = photo(2000)
    const claimed = sha(photo(2000))
    const p = await put(relay, room.roomId, claimed, bytes, auth(token))
    expect(p.status).toBe(422)
    expect(((await p.json()) as { error: string }).error).toMatch(/hash/)
    expect((await fetch(url(relay, room.roomId, claimed), { headers: auth(token) })).status).toBe(404)
    // no temporary file left behind either
    expect(readdirSync(join(relay.dataDir, 'blobs', room.roomId)).filter((f) => f.startsWith(claimed))).toEqual([])
  })

  it('refuses a photo over MAX_BLOB_BYTES with 413 and stores nothing', async () => {
    const bytes = photo(MAX + 1)
    const hash = sha(bytes)
    const p = await put(relay, room.roomId, hash, bytes, auth(token))
    expect(p.status).toBe(413)
    expect((await fetch(url(relay, room.roomId, hash), { headers: auth(token) })).status).toBe(404)
    // a resumable upload announcing too large a total is refused before any chunk is kept
    const c = await put(relay, room.roomId, hash, bytes.slice(0, 100), {
      ...auth(token),
      'Content-Range': `bytes 0-99/${MAX + 1}`,
    })
    expect(c.status).toBe(413)
    expect((await fetch(url(relay, room.roomId, hash), { method: 'HEAD', headers: auth(token) })).headers.get('upload-offset')).toBe('0')
  })

  it('stops reading a body without Content-Length once it passes the limit (413, or the connection closed)', async () => {
    const hash = sha(photo(10))
    const TOTAL = 64 * 1024 * 1024
    let sent = 0
    const outcome = await new Promise<{ status?: number; closedEarly: boolean }>((resolve) => {
      const req = request(url(relay, room.roomId, hash), { method: 'PUT', headers: { ...auth(token), 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume()
        resolve({ status: res.statusCode ?? 0, closedEarly: sent < TOTAL })
      })
      // the relay closes without reading the rest: the client may see the reset before the answer
      req.on('error', () => resolve({ closedEarly: sent < TOTAL }))
      const pump = (): void => {
        while (sent < TOTAL) {
          sent += 16384
          if (!req.write(Buffer.alloc(16384, 1))) {
            req.once('drain', pump)
            return
          }
        }
        req.end()
      }
      pump()
    })
    expect(outcome.closedEarly).toBe(true)
    if (outcome.status !== undefined) expect(outcome.status).toBe(413)
    expect((await fetch(url(relay, room.roomId, hash), { method: 'HEAD', headers: auth(token) })).status).toBe(404)
  })
})

describe('photos on the relay: resumable uploads', () => {
  it('resumes: first half with Content-Range, HEAD tells the offset, the rest completes it', async () => {
    const bytes = photo(50_000)
    const hash = sha(bytes)
    const half = 20_000
    const first = await put(relay, room.roomId, hash, bytes.slice(0, half), { ...auth(token), 'Content-Range': `bytes 0-${half - 1}/${bytes.length}` })
    expect(first.status).toBe(204)
    expect(first.headers.get('upload-offset')).toBe(String(half))

    const h = await fetch(url(relay, room.roomId, hash), { method: 'HEAD', headers: auth(token) })
    expect(h.status).toBe(204)
    expect(h.headers.get('upload-offset')).toBe(String(half))
    // the partial blob is never served
    expect((await fetch(url(relay, room.roomId, hash), { headers: auth(token) })).status).toBe(404)

    // a chunk at the wrong offset is refused with the offset the relay has
    const wrong = await put(relay, room.roomId, hash, bytes.slice(half + 10), { ...auth(token), 'Content-Range': `bytes ${half + 10}-${bytes.length - 1}/${bytes.length}` })
    expect(wrong.status).toBe(409)
    expect(wrong.headers.get('upload-offset')).toBe(String(half))

    const rest = await put(relay, room.roomId, hash, bytes.slice(half), { ...auth(token), 'Content-Range': `bytes ${half}-${bytes.length - 1}/${bytes.length}` })
    expect(rest.status).toBe(201)
    const g = await fetch(url(relay, room.roomId, hash), { headers: auth(token) })
    expect(g.status).toBe(200)
    expect(new Uint8Array(await g.arrayBuffer())).toEqual(bytes)
  })

  it('drops a resumed upload whose bytes do not match the hash (422) and starts again from 0', async () => {
    const bytes = photo(10_000)
    const hash = sha(bytes)
    const bad = bytes.slice()
    bad[9_999] = (bad[9_999] ?? 0) ^ 1
    expect((await put(relay, room.roomId, hash, bad.slice(0, 5000), { ...auth(token), 'Content-Range': `bytes 0-4999/10000` })).status).toBe(204)
    const end = await put(relay, room.roomId, hash, bad.slice(5000), { ...auth(token), 'Content-Range': `bytes 5000-9999/10000` })
    expect(end.status).toBe(422)
    expect((await fetch(url(relay, room.roomId, hash), { headers: auth(token) })).status).toBe(404)
    expect((await fetch(url(relay, room.roomId, hash), { method: 'HEAD', headers: auth(token) })).headers.get('upload-offset')).toBe('0')
  })
})

describe('photos on the relay: a crash in the middle of an upload', () => {
  const { start } = stopAfterEach('kill')

  /** A relay on a data directory of its own, with a room created in it. */
  async function relayWithRoom(prefix: string): Promise<{ dataDir: string; first: RunningRelay; invite: Invite; t: string }> {
    const dataDir = tempDir(prefix)
    const first = await start({ dataDir })
    const invite = await createdRoom(first)
    return { dataDir, first, invite, t: deriveToken(invite) }
  }

  it('resumes after kill -9 from what reached the disk, and never serves a partial blob', async () => {
    const { dataDir, first, invite, t } = await relayWithRoom('sb-blobs-crash')
    const bytes = photo(300_000)
    const hash = sha(bytes)

    // one chunk arrives whole …
    const c1 = await put(first, invite.roomId, hash, bytes.slice(0, 100_000), { ...auth(t), 'Content-Range': `bytes 0-99999/300000` })
    expect(c1.status).toBe(204)
    // … the next is still arriving when the relay dies
    await new Promise<void>((resolve) => {
      const req = request(url(first, invite.roomId, hash), {
        method: 'PUT',
        headers: { ...auth(t), 'Content-Range': `bytes 100000-299999/300000`, 'Content-Length': '200000' },
      })
      req.on('error', () => resolve())
      req.write(Buffer.from(bytes.slice(100_000, 150_000)))
      void waitFor(() => {
        const h = fetch(url(first, invite.roomId, hash), { method: 'HEAD', headers: auth(t) })
        return h.then((r) => Number(r.headers.get('upload-offset')) >= 150_000)
      }, 'second chunk partly on disk').then(() => first.kill())
    })

    const second = await start({ dataDir })
    expect((await fetch(url(second, invite.roomId, hash), { headers: auth(t) })).status).toBe(404)
    const h = await fetch(url(second, invite.roomId, hash), { method: 'HEAD', headers: auth(t) })
    expect(h.status).toBe(204)
    const offset = Number(h.headers.get('upload-offset'))
    expect(offset).toBeGreaterThanOrEqual(150_000)
    expect(offset).toBeLessThan(300_000)

    const rest = await put(second, invite.roomId, hash, bytes.slice(offset), { ...auth(t), 'Content-Range': `bytes ${offset}-299999/300000` })
    expect(rest.status).toBe(201)
    const g = await fetch(url(second, invite.roomId, hash), { headers: auth(t) })
    expect(new Uint8Array(await g.arrayBuffer())).toEqual(bytes)
    expect(readdirSync(join(dataDir, 'blobs', invite.roomId))).toEqual([hash])
  })

  it('a one-piece upload cut off by kill -9 leaves nothing under the final name', async () => {
    const { dataDir, first, invite, t } = await relayWithRoom('sb-blobs-crash1')
    const bytes = photo(200_000)
    const hash = sha(bytes)
    await new Promise<void>((resolve) => {
      const req = request(url(first, invite.roomId, hash), { method: 'PUT', headers: { ...auth(t), 'Content-Length': '200000' } })
      req.on('error', () => resolve())
      req.write(Buffer.from(bytes.slice(0, 120_000)), () => {
        void waitFor(() => {
          try {
            return readdirSync(join(dataDir, 'blobs', invite.roomId)).length > 0
          } catch {
            return false
          }
        }, 'temporary file').then(() => first.kill())
      })
    })
    const second = await start({ dataDir })
    expect((await fetch(url(second, invite.roomId, hash), { headers: auth(t) })).status).toBe(404)
    expect(readdirSync(join(dataDir, 'blobs', invite.roomId))).not.toContain(hash)
  })
})

describe('photos between two devices through the real relay', () => {
  it('the app’s transfer uploads in chunks; the partner’s device downloads the same bytes on request', async () => {
    const sender = new ScholenbandDb(`sb-sender-${Math.random()}`)
    const receiver = new ScholenbandDb(`sb-receiver-${Math.random()}`)
    const base = relayHttpUrl(relay.wsUrl)
    const a = new AttachmentTransfer({ db: sender, baseUrl: base, isOnline: () => true, chunkBytes: 16 * 1024 })
    const b = new AttachmentTransfer({ db: receiver, baseUrl: base, isOnline: () => true })
    try {
      a.register(room)
      b.register(room)
      const data = photo(50_000)
      const ref = { hash: sha(data), bytes: data.length, width: 640, height: 480, type: 'image/jpeg' }
      await a.addPhoto(room.roomId, { data, ref })
      await a.kick()
      expect(a.getSnapshot()).toMatchObject({ bytesToSend: 0, uploadsWaiting: 0 })

      b.expect(ref)
      expect(b.getSnapshot().bytesToReceive).toBe(50_000)
      await b.fetchPhoto(room.roomId, ref)
      expect((await getBlob(receiver, ref.hash))?.data).toEqual(data)
      expect(b.getSnapshot().bytesToReceive).toBe(0)
    } finally {
      a.destroy()
      b.destroy()
      await sender.delete()
      await receiver.delete()
    }
  })
})
