/**
 * Nobody locks a school out (issue 10 §2), at a small scale:
 * - rooms created and never written hold no load slot (`MAX_ROOMS` counts rooms with data; empty
 *   rooms have `MAX_EMPTY_ROOMS`) and are forgotten after `EMPTY_ROOM_TTL_MS`, on LevelDB and on
 *   PostgreSQL;
 * - every per-address limit counts an IPv6 address by its /64 (and `::ffff:a.b.c.d` as a.b.c.d);
 * - a school behind one carrier NAT address is not locked out by its own phones: upgrades with a
 *   valid proof count apart from those without; nor by others behind that address: a valid proof
 *   is checked first and passes however many wrong or missing ones the address sent (WebSocket and HTTP).
 * Addresses are simulated with `TRUST_PROXY_HOPS=1` and `X-Forwarded-For`.
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createHash, randomBytes } from 'node:crypto'
import {
  CLOSE,
  SUBPROTOCOL,
  authorizationHeader,
  clientSubprotocols,
  newDeviceKey,
  newInvite,
  type DeviceCredential,
  type Intent,
  type Invite,
} from '../../src/sync/wire'
import { addressKey } from '../../sync-server/limits'
import { appConnection, protocolsFor } from '../helpers/clients'
import { type RunningRelay, stopAfterEach, tempDir, waitFor } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

const { cleanups, start } = stopAfterEach()

const relayWith = (env: Record<string, string>, dataDir?: string): Promise<RunningRelay> => start({ env: { TRUST_PROXY_HOPS: '1', ...env }, dataDir })

/** What became of a socket: it was let in (the relay's first message arrived), or closed with a code, or refused over HTTP. */
type Outcome = { joined: true } | { code: number; reason: string } | { status: number }

/**
 * Opens a socket to the room from `address`; resolves once it is let in or refused. A socket let
 * in stays open (held like an attacker's) until `ws.close()`; `closed` resolves with its close code.
 */
function open(r: RunningRelay, invite: Invite, intent: Intent, address: string): { ws: WebSocket; outcome: Promise<Outcome>; closed: Promise<number> } {
  const ws = new WebSocket(`${r.wsUrl}/${invite.roomId}`, protocolsFor(invite, intent), { headers: { 'X-Forwarded-For': address } })
  cleanups.push(() => ws.terminate())
  let closedWith: (code: number) => void = () => undefined
  const closed = new Promise<number>((res) => (closedWith = res))
  const outcome = new Promise<Outcome>((resolve, reject) => {
    ws.once('message', () => resolve({ joined: true }))
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      res.resume()
      ws.terminate()
    })
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() })
      closedWith(code)
    })
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e)
    })
  })
  return { ws, outcome, closed }
}

/** Opens, waits for the outcome, closes. */
async function attempt(r: RunningRelay, invite: Invite, intent: Intent, address: string): Promise<Outcome> {
  const s = open(r, invite, intent, address)
  const outcome = await s.outcome
  s.ws.close(1000)
  return outcome
}

async function health(r: RunningRelay): Promise<{ roomsLoaded: number; sockets: number }> {
  return (await (await fetch(`${r.httpUrl}/healthz`)).json()) as { roomsLoaded: number; sockets: number }
}

/** A school's partnership with something in it, written and acknowledged; the device then leaves. */
async function schoolWithData(r: RunningRelay, text: string): Promise<Invite> {
  const invite = newInvite()
  const first = appConnection(r.wsUrl, invite, 'create')
  cleanups.push(() => first.conn.destroy())
  first.doc.getText('t').insert(0, text)
  await waitFor(() => first.conn.getState().kind === 'synced', 'the school’s first device acknowledged')
  first.conn.destroy()
  return invite
}

/** A new device of the school joins: it must sync and see what the school wrote. */
async function schoolJoins(r: RunningRelay, invite: Invite, text: string): Promise<void> {
  const device = appConnection(r.wsUrl, invite, 'join')
  cleanups.push(() => device.conn.destroy())
  await waitFor(() => device.conn.getState().kind === 'synced' && device.doc.getText('t').toString() === text, 'the school synced', 15_000)
}

/** Five addresses: IPv4 ones and whole IPv6 /64s, as an attacker with several lines would have. */
const ATTACKERS = [
  ...Array.from({ length: 3 }, (_, i) => `198.51.100.${i + 1}`),
  ...Array.from({ length: 2 }, (_, i) => `2001:db8:${i + 1}:1::1`),
]

describe('rooms without data hold no load slot', () => {
  it('with MAX_ROOMS=5 and 20 empty rooms held open from 5 addresses, a school whose room holds data still joins and syncs', async () => {
    const r = await relayWith({ MAX_ROOMS: '5', MAX_ROOMS_CREATED_PER_HOUR: '4', IDLE_UNLOAD_MS: '100' })
    const school = await schoolWithData(r, 'our letters')
    await waitFor(async () => (await health(r)).roomsLoaded === 0, 'the school’s room unloaded')

    // the attack: every address creates as many rooms as it may and holds them open, writing nothing
    const held = ATTACKERS.flatMap((address) => Array.from({ length: 4 }, () => open(r, newInvite(), 'create', address)))
    for (const s of held) expect(await s.outcome).toEqual({ joined: true })
    expect(await health(r)).toMatchObject({ roomsLoaded: 20, sockets: 20 })

    await schoolJoins(r, school, 'our letters')
    // and a new school can still create its partnership
    const newSchool = await schoolWithData(r, 'hello')
    await schoolJoins(r, newSchool, 'hello')
    for (const s of held) expect(s.ws.readyState).toBe(WebSocket.OPEN) // nobody had to make way: the empty budget is 500
  })

  it('empty rooms have their own small budget (MAX_EMPTY_ROOMS): a new one evicts the oldest empty room, never a room with data', async () => {
    const r = await relayWith({ MAX_ROOMS: '2', MAX_EMPTY_ROOMS: '3', IDLE_UNLOAD_MS: '60000' })
    const a = appConnection(r.wsUrl, newInvite(), 'create')
    cleanups.push(() => a.conn.destroy())
    a.doc.getText('t').insert(0, 'A')
    await waitFor(() => a.conn.getState().kind === 'synced', 'a room with data')
    const held: ReturnType<typeof open>[] = []
    for (let i = 0; i < 5; i++) {
      held.push(open(r, newInvite(), 'create', `192.0.2.${i + 1}`))
      expect(await held[i]!.outcome).toEqual({ joined: true })
    }
    // the two oldest empty rooms made way for the newer ones
    expect(await held[0]!.closed).toBe(CLOSE.unavailable)
    expect(await held[1]!.closed).toBe(CLOSE.unavailable)
    expect(await health(r)).toMatchObject({ roomsLoaded: 4, sockets: 4 })
    expect(a.conn.getState().kind).toBe('synced')
    a.doc.getText('t').insert(1, '!')
    await waitFor(() => a.conn.getState().kind === 'synced', 'the room with data still works')
  })
})

/** Waits until the relay has logged forgetting `n` empty rooms in all (its sweep runs every TTL/4). */
async function forgotten(r: RunningRelay, n: number): Promise<void> {
  const count = (): number => r.logs.filter((l) => l.msg === 'empty rooms forgotten').reduce((sum, l) => sum + Number(l.count), 0)
  await waitFor(() => count() >= n, `${n} empty rooms forgotten`, 15_000)
}

async function emptyRoomsExpire(env: Record<string, string>): Promise<void> {
  const r = await relayWith({ ...env, EMPTY_ROOM_TTL_MS: '1500', IDLE_UNLOAD_MS: '50', MAX_ROOMS_CREATED_PER_HOUR: '10' })
  // a room being held open while its time passes: loaded here, so it is not forgotten
  const heldInvite = newInvite()
  const held = open(r, heldInvite, 'create', '192.0.2.1')
  expect(await held.outcome).toEqual({ joined: true })
  const empty = [newInvite(), newInvite()]
  for (const invite of empty) expect(await attempt(r, invite, 'create', '192.0.2.1')).toEqual({ joined: true })
  const written = await schoolWithData(r, 'kept')
  await forgotten(r, 2)
  for (const invite of empty) expect(await attempt(r, invite, 'join', '192.0.2.2')).toMatchObject({ code: CLOSE.unknownRoom })
  await schoolJoins(r, written, 'kept')
  expect(held.ws.readyState).toBe(WebSocket.OPEN)
  expect(await attempt(r, heldInvite, 'join', '192.0.2.3')).toEqual({ joined: true })
  // once nobody holds it, it goes too
  held.ws.close(1000)
  await forgotten(r, 3)
  expect(await attempt(r, heldInvite, 'join', '192.0.2.3')).toMatchObject({ code: CLOSE.unknownRoom })
}

describe('rooms created and never written expire (EMPTY_ROOM_TTL_MS)', () => {
  it('LevelDB: an empty room is forgotten (4404), a written one and one held open are not', async () => {
    await emptyRoomsExpire({})
  })

  it('LevelDB: rooms that expired while the relay was down are forgotten when it starts', async () => {
    const dataDir = tempDir('sb-expire-start')
    const first = await relayWith({}, dataDir)
    const empty = newInvite()
    expect(await attempt(first, empty, 'create', '192.0.2.1')).toEqual({ joined: true })
    const written = await schoolWithData(first, 'kept')
    await first.stop()
    const again = await relayWith({ EMPTY_ROOM_TTL_MS: '1' }, dataDir)
    await forgotten(again, 1)
    expect(await attempt(again, empty, 'join', '192.0.2.2')).toMatchObject({ code: CLOSE.unknownRoom })
    await schoolJoins(again, written, 'kept')
  })
})

const services = await servicesForFile('PostgreSQL expiry test')

describe.skipIf(!services.available)('rooms created and never written expire on PostgreSQL', () => {
  it('PostgreSQL: an empty room is forgotten (4404), a written one and one held open are not', async () => {
    if (!services.available) return
    await emptyRoomsExpire({ DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl })
  })

  it('PostgreSQL: a room whose log holds updates but lost its verifier (expiry racing another relay’s first write) cannot be created again by whoever knows its id', async () => {
    if (!services.available) return
    const r = await relayWith({ DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, IDLE_UNLOAD_MS: '50' })
    const school = await schoolWithData(r, 'letters of the children')
    // what the race leaves behind: the sweep deleted the room's meta, the other relay's write committed after
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: services.databaseUrl })
    await client.connect()
    await client.query('DELETE FROM room_meta WHERE room = $1', [school.roomId])
    await client.end()
    const stranger: Invite = { roomId: school.roomId, secret: new Uint8Array(randomBytes(16)) }
    const outcome = await attempt(r, stranger, 'create', '192.0.2.9')
    expect(outcome).toMatchObject({ code: CLOSE.proofRefused })
  })
})

describe('per-address limits count an IPv6 address by its /64', () => {
  it('addressKey: IPv6 by /64, IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe(addressKey('2001:0db8:0001:0002::1'))
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'))
    expect(addressKey('::ffff:192.0.2.9')).toBe('192.0.2.9')
    expect(addressKey('192.0.2.9')).toBe('192.0.2.9')
  })

  it('refused proofs from addresses of one /64 add up to MAX_FAILED_PROOFS_PER_MINUTE; another /64 is not held back', async () => {
    const r = await relayWith({ MAX_FAILED_PROOFS_PER_MINUTE: '3' })
    const room = newInvite()
    expect(await attempt(r, room, 'create', '192.0.2.1')).toEqual({ joined: true })
    const wrong = { roomId: room.roomId, secret: newInvite().secret }
    for (const address of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff:ffff:ffff:ffff']) {
      expect(await attempt(r, wrong, 'join', address)).toMatchObject({ code: CLOSE.proofRefused })
    }
    expect(await attempt(r, wrong, 'join', '2001:db8:5:6:1234::abcd')).toMatchObject({ status: 429 })
    expect(await attempt(r, room, 'join', '2001:db8:5:6:1234::abcd')).toEqual({ joined: true }) // a valid proof is never held back
    expect(await attempt(r, wrong, 'join', '2001:db8:5:7::1')).toMatchObject({ code: CLOSE.proofRefused })
    // an IPv4 client seen on a dual-stack socket is the same client
    for (let i = 0; i < 3; i++) expect(await attempt(r, wrong, 'join', i % 2 ? '::ffff:203.0.113.5' : '203.0.113.5')).toMatchObject({ code: CLOSE.proofRefused })
    expect(await attempt(r, wrong, 'join', '::ffff:203.0.113.5')).toMatchObject({ status: 429 })
  })

  it('rooms created from addresses of one /64 add up to MAX_ROOMS_CREATED_PER_HOUR', async () => {
    const r = await relayWith({ MAX_ROOMS_CREATED_PER_HOUR: '2' })
    expect(await attempt(r, newInvite(), 'create', '2001:db8:9:9::1')).toEqual({ joined: true })
    expect(await attempt(r, newInvite(), 'create', '2001:db8:9:9:5::1')).toEqual({ joined: true })
    expect(await attempt(r, newInvite(), 'create', '2001:db8:9:9:ffff::2')).toMatchObject({ status: 429 })
    expect(await attempt(r, newInvite(), 'create', '2001:db8:9:a::1')).toEqual({ joined: true })
  })
})

describe('a school behind one NAT address is not locked out by its own phones', () => {
  it('60 phones with valid proofs, each connecting twice within a minute from one address, all join (default limits)', async () => {
    const r = await relayWith({})
    const school = newInvite()
    const nat = '100.64.12.34'
    expect(await attempt(r, school, 'create', nat)).toEqual({ joined: true })
    const outcomes: Outcome[] = []
    for (let round = 0; round < 2; round++) {
      for (let batch = 0; batch < 6; batch++) {
        const phones = Array.from({ length: 10 }, () => open(r, school, 'join', nat))
        for (const p of phones) outcomes.push(await p.outcome)
        for (const p of phones) p.ws.close(1000)
      }
    }
    expect(outcomes).toHaveLength(120)
    expect(outcomes.filter((o) => !('joined' in o))).toEqual([])
  })

  it('upgrades with a valid proof have their own, higher ceiling (MAX_JOINS_PER_MINUTE); those without keep MAX_CONNECTIONS_PER_MINUTE', async () => {
    const r = await relayWith({ MAX_CONNECTIONS_PER_MINUTE: '3', MAX_JOINS_PER_MINUTE: '6' })
    const school = newInvite()
    const nat = '100.64.0.1'
    for (let i = 0; i < 6; i++) expect(await attempt(r, school, i === 0 ? 'create' : 'join', nat)).toEqual({ joined: true })
    expect(await attempt(r, school, 'join', nat)).toMatchObject({ status: 429 })
    // without a proof: counted apart, against the lower ceiling
    const other = '100.64.0.2'
    for (let i = 0; i < 3; i++) {
      const ws = new WebSocket(`${r.wsUrl}/${school.roomId}`, [SUBPROTOCOL], { headers: { 'X-Forwarded-For': other } })
      cleanups.push(() => ws.terminate())
      expect(await new Promise<number>((res) => ws.on('close', (code) => res(code)).on('error', () => res(-1)))).toBe(CLOSE.badRequest)
    }
    expect(await attemptWith(r, school.roomId, [SUBPROTOCOL], other)).toMatchObject({ status: 429 })
    // and a valid proof from that address is not held back by them
    expect(await attempt(r, school, 'join', other)).toEqual({ joined: true })
  })
})

/** Opens a socket to `roomId` with exactly these subprotocols from `address`; resolves with the outcome and closes. */
async function attemptWith(r: RunningRelay, roomId: string, protocols: string[], address: string): Promise<Outcome & { retryAfter?: string }> {
  const ws = new WebSocket(`${r.wsUrl}/${roomId}`, protocols, { headers: { 'X-Forwarded-For': address } })
  cleanups.push(() => ws.terminate())
  const outcome = await new Promise<Outcome & { retryAfter?: string }>((resolve, reject) => {
    ws.once('message', () => resolve({ joined: true }))
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: String(res.headers['retry-after']) })
      res.resume()
      ws.terminate()
    })
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e)
    })
  })
  ws.close(1000)
  return outcome
}

describe('others behind the same address never lock out a valid proof (a school behind a carrier NAT)', () => {
  it('WebSocket: after MAX_FAILED_PROOFS_PER_MINUTE wrong codes, or MAX_CONNECTIONS_PER_MINUTE upgrades without a proof, from the address, a valid invite and a valid device proof still join; wrong and missing ones get 429, whether or not the room exists', async () => {
    const r = await relayWith({ MAX_FAILED_PROOFS_PER_MINUTE: '3', MAX_CONNECTIONS_PER_MINUTE: '3' })
    const school = newInvite()
    const phone: DeviceCredential = { deviceId: 'school-phone-1', key: newDeviceKey() }
    // the school's phone registered earlier, from home
    expect(await attemptWith(r, school.roomId, clientSubprotocols(school, 'create', phone), '192.0.2.50')).toEqual({ joined: true })

    // someone else behind the school's carrier NAT tries codes: three rooms that do not exist
    const nat = '100.64.7.7'
    for (let i = 0; i < 3; i++) expect(await attempt(r, newInvite(), 'join', nat)).toMatchObject({ code: CLOSE.unknownRoom })
    // the school's phones from that address: the invite and the device's own proof
    expect(await attempt(r, school, 'join', nat)).toEqual({ joined: true })
    expect(await attemptWith(r, school.roomId, clientSubprotocols(school, 'join', phone), nat)).toEqual({ joined: true })
    // the one trying codes is still held back, and learns nothing about which rooms exist
    const wrong = { roomId: school.roomId, secret: newInvite().secret }
    const refusedExisting = await attemptWith(r, wrong.roomId, protocolsFor(wrong, 'join'), nat)
    const refusedUnknown = await attemptWith(r, newInvite().roomId, protocolsFor(newInvite(), 'join'), nat)
    expect(refusedExisting).toMatchObject({ status: 429 })
    expect(refusedUnknown).toMatchObject({ status: 429 })
    expect(Number(refusedExisting.retryAfter)).toBeGreaterThan(0)
    const wrongDevice: DeviceCredential = { deviceId: phone.deviceId, key: newDeviceKey() }
    expect(await attemptWith(r, school.roomId, clientSubprotocols(school, 'join', wrongDevice), nat)).toMatchObject({ status: 429 })
    expect(await attemptWith(r, school.roomId, [SUBPROTOCOL], nat)).toMatchObject({ status: 429 })

    // upgrades without a proof from another shared address: the same
    const nat2 = '100.64.8.8'
    for (let i = 0; i < 3; i++) expect(await attemptWith(r, school.roomId, [SUBPROTOCOL], nat2)).toMatchObject({ code: CLOSE.badRequest })
    expect(await attemptWith(r, school.roomId, [SUBPROTOCOL], nat2)).toMatchObject({ status: 429 })
    expect(await attemptWith(r, 'not-a-room', protocolsFor(school, 'join'), nat2)).toMatchObject({ status: 429 })
    expect(await attemptWith(r, school.roomId, clientSubprotocols(school, 'join', phone), nat2)).toEqual({ joined: true })
    expect(await attempt(r, school, 'join', nat2)).toEqual({ joined: true })
    expect(await attemptWith(r, wrong.roomId, protocolsFor(wrong, 'join'), nat2)).toMatchObject({ status: 429 })
  })

  it('HTTP (/snapshots, /blobs, /devices): after MAX_FAILED_PROOFS_PER_MINUTE refused proofs from the address, a valid proof is answered; wrong and missing ones get 429', async () => {
    const r = await relayWith({ MAX_FAILED_PROOFS_PER_MINUTE: '2' })
    const school = await schoolWithData(r, 'our letters')
    const phone: DeviceCredential = { deviceId: 'school-phone-2', key: newDeviceKey() }
    expect(await attemptWith(r, school.roomId, clientSubprotocols(school, 'join', phone), '192.0.2.60')).toEqual({ joined: true })
    const nat = '100.64.9.9'
    const from = (authorization?: string): Record<string, string> => ({ 'X-Forwarded-For': nat, ...(authorization ? { Authorization: authorization } : {}) })
    const wrong = authorizationHeader({ roomId: school.roomId, secret: newInvite().secret })
    const elsewhere = newInvite()
    expect((await fetch(`${r.httpUrl}/snapshots/${school.roomId}`, { headers: from(wrong) })).status).toBe(403)
    expect((await fetch(`${r.httpUrl}/devices/${elsewhere.roomId}`, { headers: from(authorizationHeader(elsewhere)) })).status).toBe(403)

    // the address is over its limit now: valid proofs still pass, on every endpoint behind the proof
    const bytes = new Uint8Array(randomBytes(3000))
    const hash = createHash('sha256').update(bytes).digest('hex')
    const invite = authorizationHeader(school)
    const device = authorizationHeader(school, phone)
    expect((await fetch(`${r.httpUrl}/snapshots/${school.roomId}`, { headers: from(invite) })).status).toBe(200)
    expect((await fetch(`${r.httpUrl}/blobs/${school.roomId}/${hash}`, { method: 'PUT', headers: from(device), body: bytes as BodyInit })).status).toBe(201)
    expect((await fetch(`${r.httpUrl}/blobs/${school.roomId}/${hash}`, { headers: from(invite) })).status).toBe(200)
    const list = await fetch(`${r.httpUrl}/devices/${school.roomId}`, { headers: from(device) })
    expect(list.status).toBe(200)
    expect(((await list.json()) as { devices: { id: string }[] }).devices.map((d) => d.id)).toContain(phone.deviceId)
    // wrong, unknown-room and missing proofs from that address: 429, the same whether or not the room exists
    for (const [path, authorization] of [
      [`/snapshots/${school.roomId}`, wrong],
      [`/snapshots/${elsewhere.roomId}`, authorizationHeader(elsewhere)],
      [`/blobs/${school.roomId}/${hash}`, wrong],
      [`/devices/${school.roomId}`, wrong],
      [`/devices/${school.roomId}`, undefined],
    ] as const) {
      const res = await fetch(`${r.httpUrl}${path}`, { headers: from(authorization) })
      expect({ path, status: res.status }).toEqual({ path, status: 429 })
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  })
})
