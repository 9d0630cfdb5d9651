/**
 * Devices and invites (docs/protocol.md, "Devices and invites"), through the stock y-websocket
 * client and plain HTTP: a device registers on its first join, keeps working by its own proof
 * after the invite is replaced, can be removed (its open socket is closed, it is refused after),
 * and the limits around it. Tokens are derived as the page describes, with node:crypto
 * (tests/helpers/documentedClient.ts). Then the stores' device records, on LevelDB and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { deriveDeviceToken } from '../../src/sync/wire'
import { openLevelStore } from '../../sync-server/levelStore'
import type { RoomStore } from '../../sync-server/store'
import { openPgStore } from '../../sync-server/pgStore'
import { base32Encode, deviceToken, roomToken, stockProvider, verifierOf } from '../helpers/documentedClient'
import { startRelay, tempDir, waitFor, type RunningRelay } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

interface Room {
  roomId: string
  token: string
}
interface Device {
  id: string
  key: Buffer
}
type Closed = { code: number; reason: string }

const newRoom = (): Room => {
  const roomId = base32Encode(randomBytes(16)).toLowerCase()
  return { roomId, token: roomToken(roomId, randomBytes(16)) }
}
const newDevice = (): Device => ({ id: randomBytes(12).toString('base64url'), key: randomBytes(32) })
const devAuth = (room: Room, d: Device): string => `Device ${d.id}.${deviceToken(room.roomId, d.id, d.key)}`
const protocols = (room: Room, intent: 'create' | 'join', token: string, d?: Device): string[] => [
  'scholenband.v1',
  `sb.auth.${intent}.${token}`,
  ...(d ? [`sb.dev.${d.id}.${deviceToken(room.roomId, d.id, d.key)}`] : []),
]

/** A stock client, with the final close it got (if any) and a cleanup. */
interface Client {
  provider: WebsocketProvider
  doc: Y.Doc
  closed: Closed[]
}
const open: Client[] = []
function client(relay: RunningRelay, room: Room, protos: string[]): Client {
  const doc = new Y.Doc()
  const provider = stockProvider(relay.wsUrl, room.roomId, doc, protos)
  const closed: Closed[] = []
  provider.on('closed', (e: Closed) => closed.push({ code: e.code, reason: e.reason }))
  const c = { provider, doc, closed }
  open.push(c)
  return c
}
const text = (c: Client): string => c.doc.getText('t').toString()

async function synced(c: Client, what: string): Promise<void> {
  await waitFor(() => c.provider.synced || c.closed.length > 0, what)
  expect(c.closed, what).toEqual([])
}
async function refused(c: Client, what: string): Promise<Closed> {
  await waitFor(() => c.closed.length > 0, what)
  expect(text(c)).toBe('') // not a byte of the document
  return c.closed[0]!
}

async function http(relay: RunningRelay, path: string, auth: string | undefined, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(relay.httpUrl + path, { ...init, headers: { ...(auth ? { Authorization: auth } : {}), ...(init.headers ?? {}) } })
  const raw = await res.text()
  return { status: res.status, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, headers: res.headers }
}
const putInvite = (relay: RunningRelay, room: Room, auth: string, newToken: string) =>
  http(relay, `/invite/${room.roomId}`, auth, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ verifier: verifierOf(newToken) }) })
const remove = (relay: RunningRelay, room: Room, auth: string, id: string) => http(relay, `/devices/${room.roomId}/${id}/remove`, auth, { method: 'POST' })

/** One raw upgrade: the HTTP status when refused before the upgrade, else the close code and reason. */
function rawAttempt(relay: RunningRelay, room: Room, protos: string[]): Promise<{ status?: number; code?: number; reason?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${relay.wsUrl}/${room.roomId}`, protos)
    ws.on('unexpected-response', (_req, res) => {
      res.resume()
      resolve({ status: res.statusCode })
      ws.terminate()
    })
    ws.on('error', () => undefined)
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    ws.on('message', () => ws.close()) // accepted: the relay greets
  })
}

/** Creates a room with device `creator` and a text in it. */
async function createRoom(relay: RunningRelay, room: Room, creator: Device, words = 'hello'): Promise<Client> {
  const c = client(relay, room, protocols(room, 'create', room.token, creator))
  await synced(c, 'creator synced')
  c.doc.getText('t').insert(0, words)
  return c
}

/** A room created by A, where B registered and then was removed by A. */
async function roomWithRemovedDevice(relay: RunningRelay): Promise<{ room: Room; a: Device; b: Device }> {
  const room = newRoom()
  const a = newDevice()
  const b = newDevice()
  await createRoom(relay, room, a)
  await synced(client(relay, room, protocols(room, 'join', room.token, b)), 'B registered')
  expect((await remove(relay, room, devAuth(room, a), b.id)).status).toBe(200)
  return { room, a, b }
}

const closeClients = (): void => {
  for (const c of open.splice(0)) c.provider.destroy()
}

/** Runs `test` on a relay of its own started with `env`; its clients are closed and it is stopped after, pass or fail. */
async function withRelay(env: Record<string, string>, test: (relay: RunningRelay) => Promise<void>): Promise<void> {
  const own = await startRelay({ env })
  try {
    await test(own)
  } finally {
    closeClients()
    await own.stop()
  }
}

let relay: RunningRelay
beforeAll(async () => {
  relay = await startRelay({ env: { MAX_DEVICES_PER_ROOM: '3', MAX_INVITE_CHANGES_PER_HOUR: '2' } })
})
afterAll(async () => {
  closeClients()
  await relay.stop()
})

describe('devices and invites, with the stock y-websocket client', () => {
  it('registers a device on its first join with the invite and its own proof; GET /devices lists it', async () => {
    const room = newRoom()
    const a = newDevice()
    const b = newDevice()
    // the page's derivation is the app's (wire.ts)
    expect(deviceToken(room.roomId, a.id, a.key)).toBe(deriveDeviceToken(room.roomId, { deviceId: a.id, key: new Uint8Array(a.key) }))
    await createRoom(relay, room, a)
    const onB = client(relay, room, protocols(room, 'join', room.token, b))
    await waitFor(() => text(onB) === 'hello', 'B got the text')

    for (const auth of [devAuth(room, a), `Bearer ${room.token}`]) {
      const res = await http(relay, `/devices/${room.roomId}`, auth)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const devices = res.body.devices as Record<string, unknown>[]
      expect(devices.map((d) => d.id).sort()).toEqual([a.id, b.id].sort())
      for (const d of devices) {
        expect(Object.keys(d).sort()).toEqual(['id', 'lastSeenAt', 'registeredAt'])
        expect(Date.parse(d.registeredAt as string)).toBeGreaterThan(Date.now() - 60_000)
        expect(Date.parse(d.lastSeenAt as string)).toBeGreaterThanOrEqual(Date.parse(d.registeredAt as string))
      }
      expect(res.body.inviteChangedAt).toBeNull()
      expect(res.body.inviteChangedBy).toBeNull()
    }
    // a wrong proof, and none
    expect((await http(relay, `/devices/${room.roomId}`, `Device ${b.id}.${deviceToken(room.roomId, b.id, randomBytes(32))}`)).status).toBe(403)
    expect((await http(relay, `/devices/${room.roomId}`, `Bearer ${newRoom().token}`)).status).toBe(403)
    expect((await http(relay, `/devices/${room.roomId}`, undefined)).status).toBe(401)
    // a device proof that cannot be read is a malformed proof, not an anonymous join
    const malformed = await rawAttempt(relay, room, ['scholenband.v1', `sb.auth.join.${room.token}`, `sb.dev.${b.id}.short`])
    expect(malformed).toEqual({ code: 4400, reason: 'missing or malformed room proof' })
  })

  it('after PUT /invite the old code is refused for a new device, registered devices keep working with it, the new code joins, anonymous sockets are closed', async () => {
    const room = newRoom()
    const a = newDevice()
    const b = newDevice()
    const onA = await createRoom(relay, room, a)
    const onB = client(relay, room, protocols(room, 'join', room.token, b))
    await waitFor(() => text(onB) === 'hello', 'B synced')
    const anonymous = client(relay, room, protocols(room, 'join', room.token)) // a stock client, invite only
    await waitFor(() => text(anonymous) === 'hello', 'anonymous synced')

    const newToken = roomToken(room.roomId, randomBytes(16))
    expect((await putInvite(relay, room, `Bearer ${room.token}`, newToken)).status).toBe(401) // a device proof is required
    const put = await putInvite(relay, room, devAuth(room, a), newToken)
    expect(put.status).toBe(200)
    expect(put.body.inviteChangedBy).toBe(a.id)
    expect(Date.parse(put.body.inviteChangedAt as string)).toBeGreaterThan(Date.now() - 60_000)

    await waitFor(() => anonymous.closed.length > 0, 'anonymous socket closed')
    expect(anonymous.closed).toEqual([{ code: 4403, reason: 'invite changed' }])
    expect(anonymous.provider.shouldConnect).toBe(false)
    expect(onB.closed).toEqual([]) // B's open socket stays

    // a device that never registered, with the old code: refused; with the new code: joins
    const c = client(relay, room, protocols(room, 'join', room.token, newDevice()))
    expect(await refused(c, 'old code refused')).toEqual({ code: 4403, reason: 'invite not valid for this partnership' })
    const oldAnonymous = client(relay, room, protocols(room, 'join', room.token))
    expect(await refused(oldAnonymous, 'old code refused without device')).toEqual({ code: 4403, reason: 'invite not valid for this partnership' })
    const d = client(relay, room, protocols(room, 'join', newToken, newDevice()))
    await waitFor(() => text(d) === 'hello', 'new device with the new code synced')

    // B, registered before the change, reconnects with its old code and syncs both ways
    onB.provider.destroy()
    onA.doc.getText('t').insert(5, ', after the new code')
    const again = client(relay, room, protocols(room, 'join', room.token, b))
    await waitFor(() => text(again) === 'hello, after the new code', 'B reconnected with its old code')
    again.doc.getText('t').insert(0, 'B: ')
    await waitFor(() => text(onA) === 'B: hello, after the new code' && text(d) === text(onA), 'B’s edit reached A and D')

    const list = await http(relay, `/devices/${room.roomId}`, `Bearer ${newToken}`)
    expect(list.status).toBe(200)
    expect(list.body.inviteChangedAt).toBe(put.body.inviteChangedAt)
    expect(list.body.inviteChangedBy).toBe(a.id)
    expect((await http(relay, `/devices/${room.roomId}`, `Bearer ${room.token}`)).status).toBe(403) // the old invite over HTTP too
  })

  it('POST remove closes the removed device’s socket with 4403 `removed` and refuses it after, also over HTTP; the others keep syncing', async () => {
    const room = newRoom()
    const a = newDevice()
    const b = newDevice()
    const c = newDevice()
    const onA = await createRoom(relay, room, a)
    const onB = client(relay, room, protocols(room, 'join', room.token, b))
    const onC = client(relay, room, protocols(room, 'join', room.token, c))
    await waitFor(() => text(onB) === 'hello' && text(onC) === 'hello', 'B and C synced')

    expect((await remove(relay, room, `Bearer ${room.token}`, b.id)).status).toBe(401)
    const res = await remove(relay, room, devAuth(room, a), b.id)
    expect(res.status).toBe(200)
    const removed = res.body.device as Record<string, unknown>
    expect(removed.id).toBe(b.id)
    expect(removed.removedBy).toBe(a.id)
    expect(Date.parse(removed.removedAt as string)).toBeGreaterThan(Date.now() - 60_000)
    await waitFor(() => onB.closed.length > 0, 'B’s socket closed')
    expect(onB.closed).toEqual([{ code: 4403, reason: 'removed' }])
    expect(onB.provider.shouldConnect).toBe(false)

    // the others keep syncing
    onA.doc.getText('t').insert(5, ' again')
    await waitFor(() => text(onC) === 'hello again', 'C still syncs')
    expect(text(onB)).toBe('hello')

    // B again, with its proof and the (unchanged) invite: refused as removed
    const back = client(relay, room, protocols(room, 'join', room.token, b))
    expect(await refused(back, 'removed device refused')).toEqual({ code: 4403, reason: 'removed' })
    // and over HTTP with its device proof
    for (const path of [`/snapshots/${room.roomId}`, `/blobs/${room.roomId}/${'0'.repeat(64)}`, `/devices/${room.roomId}`]) {
      const r = await http(relay, path, devAuth(room, b))
      expect([path, r.status, r.body]).toEqual([path, 403, { error: 'device removed' }])
    }
    expect((await remove(relay, room, devAuth(room, b), c.id)).status).toBe(403)
    expect((await http(relay, `/snapshots/${room.roomId}`, devAuth(room, c))).status).toBe(200)

    // idempotent; unknown id; GET lists the removal
    const twice = await remove(relay, room, devAuth(room, c), b.id)
    expect(twice.status).toBe(200)
    expect(twice.body.device).toEqual(removed)
    expect((await remove(relay, room, devAuth(room, a), newDevice().id)).status).toBe(404)
    const list = await http(relay, `/devices/${room.roomId}`, devAuth(room, c))
    const entry = (list.body.devices as Record<string, unknown>[]).find((d) => d.id === b.id)
    expect(entry).toMatchObject({ removedAt: removed.removedAt, removedBy: a.id })
  })

  it('a room holds at most MAX_DEVICES_PER_ROOM devices: beyond it 4429 `too many devices`; registered and anonymous clients still join', async () => {
    const room = newRoom()
    const devices = [newDevice(), newDevice(), newDevice()]
    await createRoom(relay, room, devices[0]!)
    for (const d of devices.slice(1)) await synced(client(relay, room, protocols(room, 'join', room.token, d)), 'device within the limit')
    const fourth = client(relay, room, protocols(room, 'join', room.token, newDevice()))
    expect(await refused(fourth, 'fourth device refused')).toEqual({ code: 4429, reason: 'too many devices' })
    expect(fourth.provider.shouldConnect).toBe(false)
    await synced(client(relay, room, protocols(room, 'join', room.token, devices[1]!)), 'a registered device reconnects')
    await synced(client(relay, room, protocols(room, 'join', room.token)), 'an anonymous client joins')
    const list = await http(relay, `/devices/${room.roomId}`, `Bearer ${room.token}`)
    expect((list.body.devices as unknown[]).length).toBe(3)
  })
})

describe('seniority: who may remove whom', () => {
  it('a newcomer that replaced the invite cannot remove the creator nor an older device (403); the creator removes it and replaces the invite again', async () => {
    const room = newRoom()
    const creator = newDevice()
    const older = newDevice()
    const newcomer = newDevice()
    const onCreator = await createRoom(relay, room, creator)
    const onOlder = client(relay, room, protocols(room, 'join', room.token, older))
    await waitFor(() => text(onOlder) === 'hello', 'the older device synced')
    const onNewcomer = client(relay, room, protocols(room, 'join', room.token, newcomer))
    await waitFor(() => text(onNewcomer) === 'hello', 'the newcomer synced')

    // the newcomer (an invite leaked in the wrong group) may still replace the invite…
    const itsOwn = roomToken(room.roomId, randomBytes(16))
    expect((await putInvite(relay, room, devAuth(room, newcomer), itsOwn)).status).toBe(200)
    // …but not remove the devices registered before it, connected or not
    onOlder.provider.destroy()
    for (const target of [creator, older]) {
      const res = await remove(relay, room, devAuth(room, newcomer), target.id)
      expect(res.status).toBe(403)
      expect(res.body.error).toBe('only an older device can remove this device')
      expect(Date.parse(res.body.removableFrom as string)).toBeGreaterThan(Date.now() + 29 * 24 * 3_600_000)
    }
    expect((await remove(relay, room, devAuth(room, older), creator.id)).status).toBe(403) // nor the older one the creator
    expect(onCreator.closed).toEqual([])
    const list = await http(relay, `/devices/${room.roomId}`, devAuth(room, creator))
    expect((list.body.devices as Record<string, unknown>[]).filter((d) => d.removedAt !== undefined)).toEqual([])

    // the creator removes the newcomer and takes the invite back
    expect((await remove(relay, room, devAuth(room, creator), newcomer.id)).status).toBe(200)
    await waitFor(() => onNewcomer.closed.length > 0, 'the newcomer’s socket closed')
    expect(onNewcomer.closed).toEqual([{ code: 4403, reason: 'removed' }])
    const fresh = roomToken(room.roomId, randomBytes(16))
    expect((await putInvite(relay, room, devAuth(room, creator), fresh)).status).toBe(200)
    await synced(client(relay, room, protocols(room, 'join', fresh, newDevice())), 'a school phone joins with the new code')
    // an older device removes a younger one, and any device itself
    expect((await remove(relay, room, devAuth(room, older), older.id)).status).toBe(200)
  })

  it('a device replaces the invite at most MAX_INVITE_CHANGES_PER_HOUR times; another device has its own allowance', async () => {
    const room = newRoom()
    const a = newDevice()
    const b = newDevice()
    await createRoom(relay, room, a)
    await synced(client(relay, room, protocols(room, 'join', room.token, b)), 'B registered')
    for (let i = 0; i < 2; i++) expect((await putInvite(relay, room, devAuth(room, b), roomToken(room.roomId, randomBytes(16)))).status).toBe(200)
    const third = await putInvite(relay, room, devAuth(room, b), roomToken(room.roomId, randomBytes(16)))
    expect([third.status, third.body]).toEqual([429, { error: 'too many invite changes' }])
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await putInvite(relay, room, devAuth(room, a), roomToken(room.roomId, randomBytes(16)))).status).toBe(200)
  })

  it('an older device not seen for REMOVE_STALE_AFTER_DAYS (30) can be removed by a younger one; one seen 29 days ago cannot', async () => {
    const dataDir = tempDir('sb-devices-stale')
    let r = await startRelay({ dataDir })
    const room = newRoom()
    const creator = newDevice()
    const lost = newDevice()
    const quiet = newDevice()
    try {
      const c = await createRoom(r, room, creator)
      c.provider.destroy()
      await r.stop()
      // two phones that registered 40 days ago: one last seen 31 days ago, one 29 days ago
      const store = openLevelStore(dataDir)
      const day = 24 * 3_600_000
      const now = Date.now()
      for (const [d, seenDaysAgo] of [[lost, 31], [quiet, 29]] as const) {
        const verifier = verifierOf(deviceToken(room.roomId, d.id, d.key))
        await store.putDevice(room.roomId, { id: d.id, verifier, registeredAt: now - 40 * day, lastSeenAt: now - seenDaysAgo * day })
      }
      await store.close()
      r = await startRelay({ dataDir })

      const lostRes = await remove(r, room, devAuth(room, creator), lost.id)
      expect(lostRes.status).toBe(200)
      expect((lostRes.body.device as Record<string, unknown>).removedBy).toBe(creator.id)
      expect(await rawAttempt(r, room, protocols(room, 'join', room.token, lost))).toEqual({ code: 4403, reason: 'removed' })

      const quietRes = await remove(r, room, devAuth(room, creator), quiet.id)
      expect(quietRes.status).toBe(403)
      expect(quietRes.body.error).toBe('only an older device can remove this device')
      expect(Date.parse(quietRes.body.removableFrom as string)).toBeGreaterThan(now)
      // it still works, and it may remove the younger creator
      expect((await http(r, `/devices/${room.roomId}`, devAuth(room, quiet))).status).toBe(200)
      expect((await remove(r, room, devAuth(room, quiet), creator.id)).status).toBe(200)
    } finally {
      closeClients()
      await r.stop()
    }
  })
})

describe('device registrations and retries are bounded', () => {
  it('removed devices do not count toward MAX_DEVICES_PER_ROOM; new ones beyond MAX_DEVICE_REGISTRATIONS_PER_HOUR get 4529, beyond the per-address allowance 429', async () => {
    await withRelay({ MAX_DEVICES_PER_ROOM: '2', MAX_DEVICE_REGISTRATIONS_PER_HOUR: '3', MAX_DEVICE_REGISTRATIONS_PER_ADDRESS_PER_HOUR: '2' }, async (limited) => {
      const room = newRoom()
      const a = newDevice()
      const b = newDevice()
      const c = newDevice()
      await createRoom(limited, room, a)
      await synced(client(limited, room, protocols(room, 'join', room.token, b)), 'B registered')
      expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, c))).toEqual({ code: 4429, reason: 'too many devices' })
      // B removed: its record stays (B is refused) but no longer takes a place
      expect((await remove(limited, room, devAuth(room, a), b.id)).status).toBe(200)
      await synced(client(limited, room, protocols(room, 'join', room.token, c)), 'C registered in B’s place')
      expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, b))).toEqual({ code: 4403, reason: 'removed' })
      // three registrations this hour (A, B, C): the next waits, even with a place free
      expect((await remove(limited, room, devAuth(room, a), c.id)).status).toBe(200)
      expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, newDevice()))).toEqual({ code: 4529, reason: 'too many new devices' })
      const list = await http(limited, `/devices/${room.roomId}`, devAuth(room, a))
      expect((list.body.devices as unknown[]).length).toBe(3)
      // registered devices and anonymous clients still join
      await synced(client(limited, room, protocols(room, 'join', room.token, a)), 'A reconnects')
      await synced(client(limited, room, protocols(room, 'join', room.token)), 'an anonymous client joins')

      // this address registered B and C (the creator's registration is the room's creation): in another room, 429
      const other = newRoom()
      await createRoom(limited, other, newDevice())
      const refusedHere = await rawAttempt(limited, other, protocols(other, 'join', other.token, newDevice()))
      expect(refusedHere).toEqual({ status: 429 })
    })
  })

  it('a removed device retrying past MAX_REMOVED_RETRIES_PER_MINUTE gets 429; the other phones at its address still join', async () => {
    await withRelay({ MAX_REMOVED_RETRIES_PER_MINUTE: '3' }, async (limited) => {
      const { room, a, b } = await roomWithRemovedDevice(limited)
      for (let i = 0; i < 3; i++) expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, b))).toEqual({ code: 4403, reason: 'removed' })
      expect((await rawAttempt(limited, room, protocols(room, 'join', room.token, b))).status).toBe(429)
      await synced(client(limited, room, protocols(room, 'join', room.token, a)), 'A, same address, still joins')
      await synced(client(limited, room, protocols(room, 'join', room.token, newDevice())), 'a new phone, same address, still registers')
    })
  })

  it('/blobs requests past MAX_BLOB_REQUESTS_PER_MINUTE get 429 with Retry-After, before the proof is read', async () => {
    await withRelay({ MAX_BLOB_REQUESTS_PER_MINUTE: '3' }, async (limited) => {
      const room = newRoom()
      const a = newDevice()
      await createRoom(limited, room, a)
      const path = `/blobs/${room.roomId}/${'0'.repeat(64)}`
      for (let i = 0; i < 3; i++) expect((await http(limited, path, devAuth(room, a))).status).toBe(404)
      const over = await http(limited, path, devAuth(room, a))
      expect([over.status, over.body]).toEqual([429, { error: 'too many requests' }])
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await http(limited, path, `Bearer ${room.token}`)).status).toBe(429)
    })
  })
})

describe('devices and the per-address limit on refused proofs', () => {
  it('a removed device retrying does not push its address into 429; a wrong device token is 4403 and does', async () => {
    await withRelay({ MAX_FAILED_PROOFS_PER_MINUTE: '3' }, async (limited) => {
      const { room, a, b } = await roomWithRemovedDevice(limited)

      for (let i = 0; i < 6; i++) {
        expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, b))).toEqual({ code: 4403, reason: 'removed' })
        expect((await http(limited, `/snapshots/${room.roomId}`, devAuth(room, b))).status).toBe(403)
      }
      // the school's other phones on the same address still get in
      await synced(client(limited, room, protocols(room, 'join', room.token, newDevice())), 'another device after the retries')

      // a registered device with a wrong token: refused, and counted
      const wrong = { id: a.id, key: randomBytes(32) }
      for (let i = 0; i < 3; i++) {
        expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, wrong))).toEqual({ code: 4403, reason: 'invite not valid for this partnership' })
      }
      expect((await rawAttempt(limited, room, protocols(room, 'join', room.token, wrong))).status).toBe(429)
      // the device's own, right proof is checked first and still gets in
      expect(await rawAttempt(limited, room, protocols(room, 'join', room.token, a))).toMatchObject({ code: 1005 })
    })
  })
})

// ---------------------------------------------------------------------------------------------
// The stores

const services = await servicesForFile('PostgreSQL device-store test')

const stores: [string, () => Promise<RoomStore>][] = [['LevelDB', () => Promise.resolve(openLevelStore(tempDir('sb-devices-level')))]]
if (services.available) {
  const url = services.databaseUrl
  stores.push(['PostgreSQL', () => openPgStore(url)])
}

describe.each(stores)('device records in the %s store', (_name, openStore) => {
  it('registers, lists, touches, removes (never undone), and replaces the verifier with its metadata', async () => {
    const store = await openStore()
    try {
      const room = newRoom().roomId
      const other = newRoom().roomId
      await store.setVerifier(room, 'v-old')
      expect(await store.listDevices(room)).toEqual([])
      expect(await store.getInviteChange(room)).toBeUndefined()
      const a = { id: 'device-aaaa', verifier: 'va', registeredAt: 1_000, lastSeenAt: 1_000 }
      const b = { id: 'device-bbbb', verifier: 'vb', registeredAt: 2_000, lastSeenAt: 2_000 }
      await store.putDevice(room, b)
      await store.putDevice(room, a)
      await store.putDevice(other, { ...a, verifier: 'elsewhere' })
      expect(await store.getDevice(room, a.id)).toEqual(a)
      expect(await store.getDevice(room, 'device-none')).toBeUndefined()
      expect(await store.listDevices(room)).toEqual([a, b])

      await store.touchDevice(room, a.id, 5_000)
      await store.touchDevice(room, a.id, 4_000) // never back
      await store.touchDevice(room, 'device-none', 5_000) // no record made
      expect(await store.getDevice(room, a.id)).toEqual({ ...a, lastSeenAt: 5_000 })
      expect(await store.getDevice(room, 'device-none')).toBeUndefined()

      await store.putDevice(room, { ...b, removedAt: 6_000, removedBy: a.id })
      await store.touchDevice(room, b.id, 7_000)
      await store.putDevice(room, b) // a registration racing the removal does not undo it
      expect(await store.getDevice(room, b.id)).toEqual({ ...b, lastSeenAt: 7_000, removedAt: 6_000, removedBy: a.id })

      await store.replaceVerifier(room, 'v-new', { at: 8_000, by: a.id })
      expect(await store.getVerifier(room)).toBe('v-new')
      expect(await store.getInviteChange(room)).toEqual({ at: 8_000, by: a.id })
      expect(await store.getVerifier(other)).toBeUndefined()
      expect(await store.getDevice(other, a.id)).toEqual({ ...a, verifier: 'elsewhere' })
    } finally {
      await store.close()
    }
  })
})

describe.skipIf(!services.available)('devices with several relays (PostgreSQL + Redis)', () => {
  it('a removal and a new invite made on relay A close the sockets open on relay B, and B refuses them after', async () => {
    if (!services.available) return
    const env = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, CATCH_UP_INTERVAL_MS: '200' }
    const [relayA, relayB] = await Promise.all([startRelay({ env }), startRelay({ env })])
    try {
      const room = newRoom()
      const a = newDevice()
      const b = newDevice()
      await createRoom(relayA, room, a)
      const onB = client(relayB, room, protocols(room, 'join', room.token, b))
      const anonymous = client(relayB, room, protocols(room, 'join', room.token))
      await waitFor(() => text(onB) === 'hello' && text(anonymous) === 'hello', 'B and an anonymous client synced on relay B')

      expect((await remove(relayA, room, devAuth(room, a), b.id)).status).toBe(200)
      await waitFor(() => onB.closed.length > 0, 'B’s socket on relay B closed')
      expect(onB.closed).toEqual([{ code: 4403, reason: 'removed' }])
      expect(await rawAttempt(relayB, room, protocols(room, 'join', room.token, b))).toEqual({ code: 4403, reason: 'removed' })

      expect((await putInvite(relayA, room, devAuth(room, a), roomToken(room.roomId, randomBytes(16)))).status).toBe(200)
      await waitFor(() => anonymous.closed.length > 0, 'the anonymous socket on relay B closed')
      expect(anonymous.closed).toEqual([{ code: 4403, reason: 'invite changed' }])
    } finally {
      closeClients()
      await Promise.all([relayA.stop(), relayB.stop()])
    }
  })
})
