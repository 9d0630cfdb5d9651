/**
 * Photos on a data budget, the parts that run in Node: hashing, the size/quality loop (with a fake
 * encoder; the canvas itself needs a browser), the data-saver rule, and the upload queue in
 * IndexedDB (fake-indexeddb) against a fake relay that speaks docs/protocol.md "Photos".
 */
import { createHash, randomBytes } from 'node:crypto'
import Dexie from 'dexie'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AttachmentTransfer,
  PhotoError,
  encodeWithinBudget,
  fitWithin,
  isUnmetered,
  relayHttpUrl,
  sha256Hex,
  shouldAutoDownload,
  type EncodeAttempt,
  type PhotoRef,
} from '../../src/sync/attachments'
import { ScholenbandDb, currentPerson, readSettings, writeSetting } from '../../src/storage'
import { getBlob, pendingUploads } from '../../src/storage/blobs'

const nodeSha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const dbs: ScholenbandDb[] = []
const transfers: AttachmentTransfer[] = []
function freshDb(): ScholenbandDb {
  const db = new ScholenbandDb(`sb-test-${Math.random().toString(36).slice(2)}`)
  dbs.push(db)
  return db
}
afterEach(async () => {
  for (const t of transfers.splice(0)) t.destroy()
  for (const db of dbs.splice(0)) await db.delete()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('hash', () => {
  it('is the SHA-256 of the bytes as 64 hex digits, with WebCrypto and without it', async () => {
    const bytes = new Uint8Array(randomBytes(5000))
    expect(await sha256Hex(bytes)).toBe(nodeSha(bytes))
    // an insecure context (plain http on a school LAN) has no crypto.subtle
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a })
    expect(globalThis.crypto.subtle).toBeUndefined()
    expect(await sha256Hex(bytes)).toBe(nodeSha(bytes))
    expect(await sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})

describe('size and quality', () => {
  it('fits the longest side within 1600 px, keeps the aspect ratio, never enlarges', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 })
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 })
    expect(fitWithin(1600, 10)).toEqual({ width: 1600, height: 10 })
  })

  /** A fake encoder: the file grows with the pixels and the quality. */
  const fakeEncoder = (bytesPerPixelAtFull: number) => {
    const calls: EncodeAttempt[] = []
    const encode = (a: EncodeAttempt): Promise<Blob> => {
      calls.push(a)
      return Promise.resolve(new Blob([new Uint8Array(Math.round(a.width * a.height * a.quality * bytesPerPixelAtFull))]))
    }
    return { calls, encode }
  }

  it('takes the highest quality that fits ~200 KB, at 1600 px', async () => {
    // 1600×1200 at quality q is 1_920_000·q·0.15 bytes: fits 200 KiB from q ≈ 0.71
    const { calls, encode } = fakeEncoder(0.15)
    const out = await encodeWithinBudget({ width: 4000, height: 3000 }, encode)
    expect(out.blob.size).toBeLessThanOrEqual(200 * 1024)
    expect(out).toMatchObject({ width: 1600, height: 1200, quality: 0.62 })
    expect(calls.map((c) => c.quality)).toEqual([0.82, 0.72, 0.62])
    expect(calls.every((c) => c.width === 1600)).toBe(true)
  })

  it('keeps the first quality when it already fits (a small picture stays sharp)', async () => {
    const { calls, encode } = fakeEncoder(0.15)
    const out = await encodeWithinBudget({ width: 640, height: 480 }, encode)
    expect(out).toMatchObject({ width: 640, height: 480, quality: 0.82, attempts: 1 })
    expect(calls).toHaveLength(1)
  })

  it('shrinks the picture when even the lowest quality is too large', async () => {
    const { calls, encode } = fakeEncoder(1)
    const out = await encodeWithinBudget({ width: 4000, height: 3000 }, encode)
    expect(out.blob.size).toBeLessThanOrEqual(200 * 1024)
    expect(out.width).toBeLessThan(1600)
    expect(Math.abs(out.width / out.height - 4 / 3)).toBeLessThan(0.01)
    // every quality was tried at 1600 before shrinking
    expect(calls.slice(0, 5).map((c) => c.width)).toEqual([1600, 1600, 1600, 1600, 1600])
  })

  it('gives the smallest result when nothing reaches the target, and refuses one over the hard limit', async () => {
    const { encode } = fakeEncoder(20)
    const out = await encodeWithinBudget({ width: 4000, height: 3000 }, encode, { hardLimit: 10 * 1024 * 1024 })
    expect(out.blob.size).toBeGreaterThan(200 * 1024)
    expect(Math.max(out.width, out.height)).toBeLessThan(600)
    await expect(encodeWithinBudget({ width: 4000, height: 3000 }, encode)).rejects.toEqual(new PhotoError('tooLarge'))
  })
})

describe('data saver', () => {
  it('counts Wi-Fi, a cable, or fast data not asked to be spared as unmetered; unknown as metered', () => {
    expect(isUnmetered({ type: 'wifi' })).toBe(true)
    expect(isUnmetered({ type: 'ethernet' })).toBe(true)
    expect(isUnmetered({ type: 'cellular', effectiveType: '4g', saveData: false })).toBe(true)
    expect(isUnmetered({ type: 'cellular', effectiveType: '3g', saveData: false })).toBe(false)
    expect(isUnmetered({ effectiveType: '4g' })).toBe(false)
    expect(isUnmetered({ type: 'wifi', saveData: true })).toBe(false)
    expect(isUnmetered(undefined)).toBe(false)
  })

  it('downloads without a tap only with the data saver off, or on Wi-Fi when that is allowed', () => {
    const wifi = { type: 'wifi' }
    const cell = { type: 'cellular', effectiveType: '3g' }
    expect(shouldAutoDownload({ dataSaver: true, autoDownloadOnUnmetered: false }, wifi)).toBe(false)
    expect(shouldAutoDownload({ dataSaver: true, autoDownloadOnUnmetered: true }, wifi)).toBe(true)
    expect(shouldAutoDownload({ dataSaver: true, autoDownloadOnUnmetered: true }, cell)).toBe(false)
    expect(shouldAutoDownload({ dataSaver: false, autoDownloadOnUnmetered: false }, cell)).toBe(true)
  })

  it('is on by default, Wi-Fi downloads off, and both settings are kept', async () => {
    const db = freshDb()
    expect(await readSettings(db)).toMatchObject({ dataSaver: true, autoDownloadOnUnmetered: false })
    await writeSetting(db, 'dataSaver', false)
    await writeSetting(db, 'autoDownloadOnUnmetered', true)
    expect(await readSettings(db)).toMatchObject({ dataSaver: false, autoDownloadOnUnmetered: true })
  })

  it('derives the relay’s http address from its WebSocket address', () => {
    expect(relayHttpUrl('wss://relay.example/sync')).toBe('https://relay.example')
    expect(relayHttpUrl('ws://127.0.0.1:8080/sync')).toBe('http://127.0.0.1:8080')
    expect(relayHttpUrl('wss://example.org/scholenband/sync/')).toBe('https://example.org/scholenband')
  })
})

describe('registry version 2', () => {
  it('adds the photo tables and keeps what version 1 held', async () => {
    const name = `sb-upgrade-${Math.random().toString(36).slice(2)}`
    const v1 = new Dexie(name)
    v1.version(1).stores({ partnerships: 'roomId, addedAt', settings: 'key', outbox: '++id, roomId' })
    await v1.table('settings').put({ key: 'displayName', value: 'Awa' })
    v1.close()
    const db = new ScholenbandDb(name)
    dbs.push(db)
    // (since version 4 the name is the device's first person)
    expect((await currentPerson(db))?.name).toBe('Awa')
    expect(await db.blobs.count()).toBe(0)
    expect(await db.uploads.count()).toBe(0)
  })
})

/** A relay in memory speaking the /blobs protocol; `failAfterPuts` makes later requests fail like a lost connection. */
function fakeRelay(token: string) {
  const complete = new Map<string, Uint8Array>()
  const partial = new Map<string, Uint8Array>()
  const state = { bytesReceived: 0, requests: [] as string[], failAfterPuts: Infinity, puts: 0 }
  const fetchImpl = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input))
    const key = url.pathname.replace('/blobs/', '')
    const method = init.method ?? 'GET'
    state.requests.push(`${method} ${init.headers && (init.headers as Record<string, string>)['Content-Range'] ? (init.headers as Record<string, string>)['Content-Range'] : ''}`.trim())
    const headers = new Headers(init.headers)
    if (method === 'PUT' && state.puts++ >= state.failAfterPuts) return Promise.reject(new TypeError('network down'))
    if (headers.get('Authorization') !== `Bearer ${token}`) return Promise.resolve(Response.json({ error: 'no' }, { status: 403 }))
    const hash = key.split('/')[1]!
    if (method === 'HEAD') {
      if (complete.has(key)) return Promise.resolve(new Response(null, { status: 200 }))
      const n = partial.get(key)?.length ?? 0
      return Promise.resolve(new Response(null, { status: n ? 204 : 404, headers: { 'Upload-Offset': String(n) } }))
    }
    if (method === 'GET') {
      const b = complete.get(key)
      return Promise.resolve(b ? new Response(b as Uint8Array<ArrayBuffer>) : Response.json({ error: 'no such photo' }, { status: 404 }))
    }
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers.get('Content-Range') ?? '')!
    const [start, total] = [Number(m[1]), Number(m[3])]
    const body = init.body as Uint8Array
    const have = partial.get(key) ?? new Uint8Array()
    if (start !== have.length) return Promise.resolve(new Response(null, { status: 409, headers: { 'Upload-Offset': String(have.length) } }))
    state.bytesReceived += body.length
    const next = new Uint8Array(have.length + body.length)
    next.set(have)
    next.set(body, have.length)
    if (next.length < total) {
      partial.set(key, next)
      return Promise.resolve(new Response(null, { status: 204, headers: { 'Upload-Offset': String(next.length) } }))
    }
    partial.delete(key)
    if (nodeSha(next) !== hash) return Promise.resolve(Response.json({ error: 'hash' }, { status: 422 }))
    complete.set(key, next)
    return Promise.resolve(Response.json({ hash }, { status: 201 }))
  }
  return { complete, partial, state, fetch: fetchImpl as typeof fetch }
}

function photo(n: number): { data: Uint8Array; ref: PhotoRef } {
  const data = new Uint8Array(randomBytes(n))
  return { data, ref: { hash: nodeSha(data), bytes: n, width: 800, height: 600, type: 'image/jpeg' } }
}

const ROOM = 'abcdefghjkmnpqrstvwxyz0123'
const TOKEN = 'x'.repeat(43)

function transfer(db: ScholenbandDb, relay: ReturnType<typeof fakeRelay>, opts: { online?: () => boolean } = {}): AttachmentTransfer {
  const t = new AttachmentTransfer({
    db,
    baseUrl: 'http://relay.test',
    tokenFor: () => Promise.resolve(TOKEN),
    fetch: relay.fetch,
    isOnline: opts.online ?? (() => true),
    chunkBytes: 10_000,
    retryBaseMs: 60_000,
  })
  transfers.push(t)
  return t
}

describe('upload queue', () => {
  it('keeps a photo and its upload while offline, counted as waiting to be sent', async () => {
    const db = freshDb()
    const relay = fakeRelay(TOKEN)
    let online = false
    const t = transfer(db, relay, { online: () => online })
    const p = photo(25_000)
    await t.addPhoto(ROOM, p)
    expect(t.getSnapshot()).toMatchObject({ bytesToSend: 25_000, uploadsWaiting: 1 })
    expect(relay.state.requests).toEqual([])
    expect((await getBlob(db, p.ref.hash))?.data).toEqual(p.data)
    expect(await pendingUploads(db, ROOM)).toMatchObject([{ roomId: ROOM, hash: p.ref.hash, bytes: 25_000, sent: 0 }])

    online = true
    await t.kick()
    expect(relay.complete.get(`${ROOM}/${p.ref.hash}`)).toEqual(p.data)
    expect(t.getSnapshot()).toMatchObject({ bytesToSend: 0, uploadsWaiting: 0 })
    expect(await pendingUploads(db)).toEqual([])
    // chunks of 10 000 bytes, after asking where the relay is
    expect(relay.state.requests).toEqual(['HEAD', 'PUT bytes 0-9999/25000', 'PUT bytes 10000-19999/25000', 'PUT bytes 20000-24999/25000'])
  })

  it('loses nothing when the connection drops mid-upload and the app closes: resumes from the relay’s offset', async () => {
    const db = freshDb()
    const relay = fakeRelay(TOKEN)
    relay.state.failAfterPuts = 2
    const first = transfer(db, relay)
    const p = photo(45_000)
    await first.addPhoto(ROOM, p)
    await first.kick()
    // two chunks arrived, then the network went
    expect(relay.partial.get(`${ROOM}/${p.ref.hash}`)?.length).toBe(20_000)
    expect(first.getSnapshot()).toMatchObject({ bytesToSend: 25_000, uploadsWaiting: 1, lastError: 'unreachable' })
    expect(await pendingUploads(db)).toMatchObject([{ sent: 20_000 }])
    first.destroy()

    // the app starts again later, with a connection
    relay.state.failAfterPuts = Infinity
    const second = transfer(db, relay)
    await second.start()
    expect(relay.complete.get(`${ROOM}/${p.ref.hash}`)).toEqual(p.data)
    expect(relay.state.bytesReceived).toBe(45_000) // not one byte sent twice
    expect(second.getSnapshot()).toMatchObject({ bytesToSend: 0, uploadsWaiting: 0 })
    expect(second.getSnapshot().lastError).toBeUndefined()
  })

  it('keeps the photo in the caller’s hands when the device is full, and queues nothing', async () => {
    const db = freshDb()
    const t = transfer(db, fakeRelay(TOKEN))
    vi.spyOn(db.blobs, 'put').mockRejectedValue(new DOMException('disk full', 'QuotaExceededError'))
    const p = photo(1000)
    await expect(t.addPhoto(ROOM, p)).rejects.toEqual(new PhotoError('storageFull'))
    expect(await db.uploads.count()).toBe(0)
    expect(t.getSnapshot().bytesToSend).toBe(0)
  })

  it('waits with every photo when the relay is refused or down, and counts them all', async () => {
    const db = freshDb()
    const relay = fakeRelay('another-token')
    const t = transfer(db, relay)
    await t.addPhoto(ROOM, photo(3000))
    await t.addPhoto(ROOM, photo(4000))
    await t.kick()
    expect(t.getSnapshot()).toMatchObject({ bytesToSend: 7000, uploadsWaiting: 2, lastError: 'refused' })
    expect(relay.complete.size).toBe(0)
  })
})

describe('download on request', () => {
  it('keeps a downloaded photo only when it matches its hash, and counts what is waiting', async () => {
    const db = freshDb()
    const relay = fakeRelay(TOKEN)
    const t = transfer(db, relay)
    const p = photo(12_000)
    t.expect(p.ref)
    expect(t.getSnapshot().bytesToReceive).toBe(12_000)

    await expect(t.fetchPhoto(ROOM, p.ref)).rejects.toEqual(new PhotoError('notFound'))
    relay.complete.set(`${ROOM}/${p.ref.hash}`, photo(12_000).data)
    await expect(t.fetchPhoto(ROOM, p.ref)).rejects.toEqual(new PhotoError('corrupt'))
    expect(await getBlob(db, p.ref.hash)).toBeUndefined()
    expect(t.getSnapshot().bytesToReceive).toBe(12_000)

    relay.complete.set(`${ROOM}/${p.ref.hash}`, p.data)
    await t.fetchPhoto(ROOM, p.ref)
    expect((await getBlob(db, p.ref.hash))?.data).toEqual(p.data)
    expect(t.getSnapshot().bytesToReceive).toBe(0)
  })

  it('says "unreachable" when there is no connection', async () => {
    const db = freshDb()
    const t = new AttachmentTransfer({
      db,
      baseUrl: 'http://relay.test',
      tokenFor: () => Promise.resolve(TOKEN),
      fetch: () => Promise.reject(new TypeError('offline')),
    })
    transfers.push(t)
    await expect(t.fetchPhoto(ROOM, photo(10).ref)).rejects.toEqual(new PhotoError('unreachable'))
  })
})
