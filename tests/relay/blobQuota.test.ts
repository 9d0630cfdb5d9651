/**
 * Photos a member can make a room cost (issue 10 §3): a per-room photo quota (507 before anything
 * is stored, explained by the app) and unfinished resumable uploads that expire (24 h), on one
 * relay's files and on PostgreSQL. Time is injected (file times and `updated_at` set back), never
 * waited for.
 */
import 'fake-indexeddb/auto'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { deriveToken, newInvite, type Invite } from '../../src/sync/wire'
import { AttachmentTransfer, relayHttpUrl } from '../../src/sync/attachments'
import { ScholenbandDb } from '../../src/storage/db'
import { getBlob } from '../../src/storage/blobs'
import { openPgBlobStore } from '../../sync-server/pgBlobStore'
import { createdRoom } from '../helpers/clients'
import { stopAfterEach, waitFor, type RunningRelay } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

const { cleanups, start } = stopAfterEach('kill')

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const photo = (n: number): Uint8Array => new Uint8Array(randomBytes(n))
const url = (r: RunningRelay, room: string, hash: string): string => `${r.httpUrl}/blobs/${room}/${hash}`
const auth = (invite: Invite): Record<string, string> => ({ Authorization: `Bearer ${deriveToken(invite)}` })
const DAY = 24 * 3_600_000

const relayWith = (env: Record<string, string>, dataDir?: string): Promise<RunningRelay> => start({ env, dataDir })

function put(r: RunningRelay, invite: Invite, body: Uint8Array, headers: Record<string, string> = {}, hash = sha(body)): Promise<Response> {
  return fetch(url(r, invite.roomId, hash), { method: 'PUT', headers: { ...auth(invite), ...headers }, body: body as BodyInit })
}

async function head(r: RunningRelay, invite: Invite, hash: string): Promise<{ status: number; offset: string | null }> {
  const h = await fetch(url(r, invite.roomId, hash), { method: 'HEAD', headers: auth(invite) })
  return { status: h.status, offset: h.headers.get('upload-offset') }
}

/** Sends the first `n` bytes of a resumable upload of `body`. */
function firstChunk(r: RunningRelay, invite: Invite, body: Uint8Array, n: number): Promise<Response> {
  return put(r, invite, body.subarray(0, n), { 'Content-Range': `bytes 0-${n - 1}/${body.length}` }, sha(body))
}

const QUOTA = 150_000
const LIMITS = { MAX_BLOB_BYTES: String(64 * 1024), MAX_ROOM_BLOB_BYTES: String(QUOTA) }

describe('a room has a photo quota', () => {
  it('refuses a photo beyond MAX_ROOM_BLOB_BYTES with 507 and a JSON error, before storing it; other rooms are not affected', async () => {
    const r = await relayWith(LIMITS)
    const room = await createdRoom(r)
    const [p1, p2, p3] = [photo(60_000), photo(60_000), photo(60_000)]
    expect((await put(r, room, p1)).status).toBe(201)
    expect((await put(r, room, p2)).status).toBe(201)

    const refused = await put(r, room, p3)
    expect(refused.status).toBe(507)
    expect(refused.headers.get('content-type')).toBe('application/json')
    expect(await refused.json()).toEqual({ error: "the partnership's photo quota is full", quotaBytes: QUOTA, usedBytes: 120_000 })
    expect((await head(r, room, sha(p3))).status).toBe(404)
    expect(readdirSync(join(r.dataDir, 'blobs', room.roomId)).sort()).toEqual([sha(p1), sha(p2)].sort())

    // in chunks too: refused at the first chunk, nothing of it kept
    const chunked = await firstChunk(r, room, p3, 10_000)
    expect(chunked.status).toBe(507)
    expect(await head(r, room, sha(p3))).toEqual({ status: 404, offset: '0' })

    // a photo the room already has is still answered (nothing to store), and what fits still fits
    expect((await put(r, room, p1)).status).toBe(200)
    expect((await put(r, room, photo(20_000))).status).toBe(201)
    // another room has its own quota
    const other = await createdRoom(r)
    expect((await put(r, other, p3)).status).toBe(201)
  })

  it('counts unfinished uploads: a partial upload holds its room’s space until it expires', async () => {
    const r = await relayWith(LIMITS)
    const room = await createdRoom(r)
    const big = photo(60_000)
    expect((await firstChunk(r, room, big, 50_000)).status).toBe(204)
    expect((await put(r, room, photo(60_000))).status).toBe(201)
    // 50,000 partial + 60,000 complete + 60,000 > 150,000
    expect((await put(r, room, photo(60_000))).status).toBe(507)
    // the partial itself may go on: its own bytes are already counted
    const rest = await put(r, room, big.subarray(50_000), { 'Content-Range': `bytes 50000-59999/60000` }, sha(big))
    expect(rest.status).toBe(201)
  })

  it('parallel uploads cannot pass it together: 20 photos of 60 KB at once, whole or in chunks, against 150 KB store at most 150 KB', async () => {
    const r = await relayWith(LIMITS)
    const room = await createdRoom(r)
    const stored = (): number => {
      let n = 0
      for (const name of readdirSync(join(r.dataDir, 'blobs', room.roomId))) if (!name.includes('.tmp-')) n += statSync(join(r.dataDir, 'blobs', room.roomId, name)).size
      return n
    }
    // whole photos (Content-Length declared), all at once
    const whole = await Promise.all(Array.from({ length: 20 }, () => put(r, room, photo(60_000)).then((res) => res.status)))
    expect(whole.filter((s) => s === 201)).toHaveLength(2)
    expect(whole.filter((s) => s === 507)).toHaveLength(18)
    expect(stored()).toBe(120_000)

    // resumable uploads in another room: a chunk reserves the rest of its photo while it runs
    // (between chunks an upload holds what it stored), so at most what fits is ever stored
    const other = await createdRoom(r)
    const bodies = Array.from({ length: 20 }, () => photo(60_000))
    const chunks = await Promise.all(bodies.map((b) => firstChunk(r, other, b, 30_000).then((res) => res.status)))
    expect(chunks.filter((s) => s === 204).length).toBeGreaterThanOrEqual(2)
    expect(chunks.filter((s) => s === 204).length).toBeLessThanOrEqual(5)
    const onDisk = (): number => {
      let n = 0
      for (const name of readdirSync(join(r.dataDir, 'blobs', other.roomId))) n += statSync(join(r.dataDir, 'blobs', other.roomId, name)).size
      return n
    }
    expect(onDisk()).toBeLessThanOrEqual(QUOTA)
    // the ones that started go on, all at once: those that fit finish, never beyond the quota
    const rest = await Promise.all(
      bodies.flatMap((b, i) => (chunks[i] === 204 ? [put(r, other, b.subarray(30_000), { 'Content-Range': 'bytes 30000-59999/60000' }, sha(b)).then((res) => res.status)] : [])),
    )
    expect(rest.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(rest.every((s) => s === 201 || s === 507)).toBe(true)
    expect(onDisk()).toBeLessThanOrEqual(QUOTA)
    // what is refused while uploads run is free again once they ended
    expect((await put(r, room, photo(20_000))).status).toBe(201)
  })

  it('the app keeps the photo, says the quota is full, and does not send it again in a loop', async () => {
    const r = await relayWith({ ...LIMITS, MAX_ROOM_BLOB_BYTES: '70000' })
    const room = await createdRoom(r)
    expect((await put(r, room, photo(60_000))).status).toBe(201)

    const db = new ScholenbandDb(`sb-quota-${Math.random().toString(36).slice(2)}`)
    cleanups.push(() => db.delete())
    let requests = 0
    const t = new AttachmentTransfer({
      db,
      baseUrl: relayHttpUrl(r.wsUrl),
      tokenFor: () => Promise.resolve(deriveToken(room)),
      fetch: (input, init) => {
        requests++
        return fetch(input, init)
      },
      isOnline: () => true,
      retryBaseMs: 1,
      maxRetryMs: 1,
    })
    cleanups.push(() => t.destroy())
    const data = photo(20_000)
    const hash = sha(data)
    await t.addPhoto(room.roomId, { data, ref: { hash, bytes: data.length, width: 10, height: 10, type: 'image/jpeg' } })
    await t.kick()
    expect(t.getSnapshot()).toMatchObject({ lastError: 'quotaFull', uploadsWaiting: 1, bytesToSend: 20_000 })
    expect((await getBlob(db, hash))?.data.byteLength).toBe(20_000)
    expect((await head(r, room, hash)).status).toBe(404)
    // asked again (a new photo, a connection): the room stays skipped for this session
    const sent = requests
    await t.kick()
    await t.kick()
    expect(requests).toBe(sent)
  })
})

describe('unfinished uploads expire', () => {
  it('removes .partial and leftover .tmp- files older than BLOB_UPLOAD_TTL_MS when the relay sweeps (at start), keeps fresh ones', async () => {
    const r = await relayWith({ MAX_BLOB_BYTES: String(64 * 1024) })
    const room = await createdRoom(r)
    const [old, fresh] = [photo(30_000), photo(30_000)]
    expect((await firstChunk(r, room, old, 10_000)).status).toBe(204)
    expect((await firstChunk(r, room, fresh, 10_000)).status).toBe(204)
    await r.stop()
    const roomDir = join(r.dataDir, 'blobs', room.roomId)
    const leftover = join(roomDir, `${sha(old)}.tmp-abcdef`)
    writeFileSync(leftover, photo(1000))
    const dayAgo = new Date(Date.now() - DAY - 60_000)
    utimesSync(join(roomDir, `${sha(old)}.partial`), dayAgo, dayAgo)
    utimesSync(leftover, dayAgo, dayAgo)

    const again = await relayWith({ MAX_BLOB_BYTES: String(64 * 1024) }, r.dataDir)
    await waitFor(async () => (await head(again, room, sha(old))).status === 404, 'the old partial expired')
    expect(await head(again, room, sha(old))).toEqual({ status: 404, offset: '0' })
    expect(await head(again, room, sha(fresh))).toEqual({ status: 204, offset: '10000' })
    expect(readdirSync(roomDir).sort()).toEqual([`${sha(fresh)}.partial`])
    // the expired upload starts again from 0 and completes
    expect((await put(again, room, old)).status).toBe(201)
  })
})

const services = await servicesForFile('PostgreSQL photo quota tests')

describe.runIf(services.available)('on PostgreSQL (several relays)', () => {
  const pgEnv = (): Record<string, string> => (services.available ? { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, ...LIMITS } : {})

  it('refuses beyond the quota through any relay, counting what the others stored', async () => {
    const [a, b] = [await relayWith(pgEnv()), await relayWith(pgEnv())]
    const room = await createdRoom(a)
    expect((await put(a, room, photo(60_000))).status).toBe(201)
    expect((await firstChunk(b, room, photo(60_000), 40_000)).status).toBe(204)
    const refused = await put(b, room, photo(60_000))
    expect(refused.status).toBe(507)
    expect(await refused.json()).toMatchObject({ quotaBytes: QUOTA, usedBytes: 100_000 })
    expect((await put(a, room, photo(40_000))).status).toBe(201)
  })

  it('deletes room_blob_uploads rows not written to for the TTL, and only those', async () => {
    if (!services.available) return
    const store = await openPgBlobStore(services.databaseUrl)
    const client = new pg.Client({ connectionString: services.databaseUrl })
    await client.connect()
    cleanups.push(() => client.end(), () => store.close())
    const room = newInvite().roomId
    const [old, fresh] = [photo(1000), photo(1000)]
    for (const p of [old, fresh]) {
      const sink = await store.beginAppend(room, sha(p), 0)
      await sink.write(Buffer.from(p.subarray(0, 500)))
      await sink.end()
    }
    expect(await store.roomBytes(room)).toBe(1000)
    await client.query("UPDATE room_blob_uploads SET updated_at = now() - interval '25 hours' WHERE room = $1 AND hash = $2", [room, sha(old)])
    expect(await store.expireUploads(DAY)).toBe(1)
    expect(await store.partialSize(room, sha(old))).toBe(0)
    expect(await store.partialSize(room, sha(fresh))).toBe(500)
    expect(await store.roomBytes(room)).toBe(500)
  })
})
