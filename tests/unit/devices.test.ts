/**
 * Devices and invites on the app's side (issue 10 §4, docs/protocol.md "Devices and invites"):
 * - the relay client (src/sync/devices.ts) against a fake relay: what it sends, how it reads the
 *   answers (untrusted), and the typed errors a screen explains (offline, refused, removed);
 * - the connection (src/sync/connection.ts) against a fake socket: it always offers this device's
 *   proof, and a close 4403 `removed` makes it stop for good and say "removed";
 * - the document's device entries (src/domain/devices.ts): kind, name, school, last person, validated
 *   on read, and how a device is named to a reader in another language (deviceName.ts);
 * - the relay's list kept on the device for offline (saveRelayDeviceList / loadRelayDeviceList).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import i18next from 'i18next'
import en from '../../src/i18n/locales/en.json'
import es from '../../src/i18n/locales/es.json'
import fr from '../../src/i18n/locales/fr.json'
import nl from '../../src/i18n/locales/nl.json'
import { syncStateText } from '../../src/ui/components/SyncIndicator'
import { announceDevice, initPartnership, readDevices, DEVICES_MAP } from '../../src/domain'
import { memoryOutbox } from '../../src/storage/outbox'
import { PartnershipConnection } from '../../src/sync/connection'
import {
  DevicesError,
  OLDER_ONLY_ERROR,
  fetchRelayDevices,
  loadRelayDeviceList,
  removeRelayDevice,
  replaceRelayInvite,
  saveRelayDeviceList,
  type DeviceListStorage,
} from '../../src/sync/devices'
import { deviceLabel, platformKind } from '../../src/ui/components/devices/deviceName'
import { CLOSE, deriveDeviceToken, deriveToken, deriveVerifier, newDeviceKey, newInvite, type DeviceCredential } from '../../src/sync/wire'

const invite = newInvite()
const device: DeviceCredential = { deviceId: 'phoneA_123456789', key: newDeviceKey() }
const RELAY = 'ws://127.0.0.1:9/sync'

interface Seen {
  url: string
  method: string
  authorization: string | null
  body: string | undefined
}

/** A fake relay: answers each request with `answer`, records what it was asked. */
function fakeRelay(answer: (seen: Seen) => Response | Promise<Response>): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = []
  const doFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers)
    const s: Seen = { url: String(input), method: init?.method ?? 'GET', authorization: headers.get('Authorization'), body: init?.body as string | undefined }
    seen.push(s)
    return answer(s)
  }) as typeof fetch
  return { fetch: doFetch, seen }
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (err) {
    return err instanceof DevicesError ? err.code : `other: ${String(err)}`
  }
}

describe('the relay client for devices and invites', () => {
  it('asks GET /devices/<room> with the device proof and reads the list', async () => {
    const relay = fakeRelay(() =>
      json(200, {
        devices: [
          { id: device.deviceId, registeredAt: '2025-10-01T08:00:00.000Z', lastSeenAt: '2025-10-02T08:00:00.000Z' },
          { id: 'phoneB_123456789', registeredAt: '2025-10-01T09:00:00.000Z', lastSeenAt: '2025-10-01T09:30:00.000Z', removedAt: '2025-10-03T10:00:00.000Z', removedBy: device.deviceId },
        ],
        inviteChangedAt: '2025-10-03T10:05:00.000Z',
        inviteChangedBy: device.deviceId,
      }),
    )
    const list = await fetchRelayDevices({ relayUrl: RELAY, invite, device, fetch: relay.fetch })
    expect(relay.seen).toEqual([
      {
        url: `http://127.0.0.1:9/devices/${invite.roomId}`,
        method: 'GET',
        authorization: `Device ${device.deviceId}.${deriveDeviceToken(invite.roomId, device)}`,
        body: undefined,
      },
    ])
    expect(list.devices.map((d) => [d.id, d.removedAt ?? null])).toEqual([
      [device.deviceId, null],
      ['phoneB_123456789', '2025-10-03T10:00:00.000Z'],
    ])
    expect(list.inviteChangedAt).toBe('2025-10-03T10:05:00.000Z')
    expect(list.inviteChangedBy).toBe(device.deviceId)
  })

  it('without a device credential, reads the list with the invite proof', async () => {
    const relay = fakeRelay(() => json(200, { devices: [], inviteChangedAt: null, inviteChangedBy: null }))
    await fetchRelayDevices({ relayUrl: RELAY, invite, fetch: relay.fetch })
    expect(relay.seen[0]!.authorization).toBe(`Bearer ${deriveToken(invite)}`)
  })

  it('reads an answer as untrusted: malformed entries are left out, a malformed answer is an error', async () => {
    const relay = fakeRelay(() =>
      json(200, {
        devices: [
          { id: '<img src=x>', registeredAt: '2025-10-01T08:00:00.000Z', lastSeenAt: '2025-10-01T08:00:00.000Z' },
          { id: 'okdevice_1', registeredAt: 'yesterday', lastSeenAt: '2025-10-01T08:00:00.000Z' },
          { id: 'okdevice_2', registeredAt: '2025-10-01T08:00:00.000Z', lastSeenAt: '2025-10-01T08:00:00.000Z', removedAt: 42, removedBy: '../x' },
          'nonsense',
        ],
        inviteChangedAt: 'not a date',
        inviteChangedBy: { id: 1 },
      }),
    )
    const list = await fetchRelayDevices({ relayUrl: RELAY, invite, device, fetch: relay.fetch })
    expect(list).toEqual({
      devices: [{ id: 'okdevice_2', registeredAt: '2025-10-01T08:00:00.000Z', lastSeenAt: '2025-10-01T08:00:00.000Z' }],
      inviteChangedAt: null,
      inviteChangedBy: null,
    })
    const broken = fakeRelay(() => new Response('<html>proxy error</html>', { status: 200 }))
    expect(await codeOf(fetchRelayDevices({ relayUrl: RELAY, invite, device, fetch: broken.fetch }))).toBe('unavailable')
  })

  it('says offline, refused or removed, so the screen can explain', async () => {
    const offline = fakeRelay(() => Promise.reject(new TypeError('Failed to fetch')))
    const busy = fakeRelay(() => json(503, { error: 'unavailable' }))
    const refused = fakeRelay(() => json(403, { error: 'forbidden' }))
    const unauthorised = fakeRelay(() => json(401, { error: 'device proof required' }))
    const removed = fakeRelay(() => json(403, { error: 'device removed' }))
    const r = (f: typeof fetch) => ({ relayUrl: RELAY, invite, device, fetch: f })
    expect(await codeOf(fetchRelayDevices(r(offline.fetch)))).toBe('offline')
    expect(await codeOf(fetchRelayDevices(r(busy.fetch)))).toBe('offline')
    expect(await codeOf(fetchRelayDevices(r(refused.fetch)))).toBe('refused')
    expect(await codeOf(removeRelayDevice(r(unauthorised.fetch), 'phoneB_123456789'))).toBe('refused')
    expect(await codeOf(removeRelayDevice(r(removed.fetch), 'phoneB_123456789'))).toBe('removed')
    expect(await codeOf(replaceRelayInvite(r(removed.fetch), { roomId: invite.roomId, secret: new Uint8Array(16) }))).toBe('removed')
  })

  it('removes a device with POST …/<device>/remove and its own proof; unknown device → notFound', async () => {
    const relay = fakeRelay((s) =>
      s.url.endsWith('/phoneB_123456789/remove')
        ? json(200, { device: { id: 'phoneB_123456789', registeredAt: '2025-10-01T09:00:00.000Z', lastSeenAt: '2025-10-01T09:30:00.000Z', removedAt: '2025-10-03T10:00:00.000Z', removedBy: device.deviceId } })
        : json(404, { error: 'unknown device' }),
    )
    const removed = await removeRelayDevice({ relayUrl: RELAY, invite, device, fetch: relay.fetch }, 'phoneB_123456789')
    expect(removed.removedAt).toBe('2025-10-03T10:00:00.000Z')
    expect(relay.seen[0]).toMatchObject({
      url: `http://127.0.0.1:9/devices/${invite.roomId}/phoneB_123456789/remove`,
      method: 'POST',
      authorization: `Device ${device.deviceId}.${deriveDeviceToken(invite.roomId, device)}`,
    })
    expect(await codeOf(removeRelayDevice({ relayUrl: RELAY, invite, device, fetch: relay.fetch }, 'phoneC_123456789'))).toBe('notFound')
    // never with the invite's proof alone (the relay answers 401): not even asked
    expect(await codeOf(removeRelayDevice({ relayUrl: RELAY, invite, fetch: relay.fetch }, 'phoneB_123456789'))).toBe('refused')
    expect(relay.seen).toHaveLength(2)
  })

  it('a removal the relay does not allow (a newer device, an older one seen in the last 30 days) is its own error, explained', async () => {
    // the relay's answer, as docs/protocol.md gives it
    const relay = fakeRelay(() => json(403, { error: 'only an older device can remove this device' }))
    expect(OLDER_ONLY_ERROR).toBe('only an older device can remove this device')
    expect(await codeOf(removeRelayDevice({ relayUrl: RELAY, invite, device, fetch: relay.fetch }, 'phoneB_123456789'))).toBe('olderOnly')
    expect(relay.seen[0]).toMatchObject({ method: 'POST', url: `http://127.0.0.1:9/devices/${invite.roomId}/phoneB_123456789/remove` })
    // another 403 stays "refused"
    const other = fakeRelay(() => json(403, { error: 'only an older device can remove this device!' }))
    expect(await codeOf(removeRelayDevice({ relayUrl: RELAY, invite, device, fetch: other.fetch }, 'phoneB_123456789'))).toBe('refused')
    // what the person reads, in every language: who can remove it, the 30 days, whom to ask
    for (const [lang, res] of [['en', en], ['nl', nl], ['fr', fr]] as const) {
      const text = res.devices.removeFailed.olderOnly
      expect(text, lang).toMatch(/30/)
      expect(text, lang).not.toMatch(/relais|\brelay\b/i)
    }
    expect(en.devices.removeFailed.olderOnly).toContain('Only a device that joined the partnership earlier can remove this one')
    expect(en.devices.removeFailed.olderOnly).toContain('Ask the person who set up the partnership')
  })

  it('replaces the invite with PUT /invite/<room> carrying only the new verifier, never the secret', async () => {
    const relay = fakeRelay(() => json(200, { inviteChangedAt: '2025-10-03T10:05:00.000Z' }))
    const next = { roomId: invite.roomId, secret: newInvite().secret }
    const got = await replaceRelayInvite({ relayUrl: RELAY, invite, device, fetch: relay.fetch }, next)
    expect(got).toEqual({ inviteChangedAt: '2025-10-03T10:05:00.000Z' })
    expect(relay.seen[0]).toMatchObject({ url: `http://127.0.0.1:9/invite/${invite.roomId}`, method: 'PUT' })
    expect(JSON.parse(relay.seen[0]!.body!)).toEqual({ verifier: deriveVerifier(deriveToken(next)) })
    expect(relay.seen[0]!.body).not.toContain(deriveToken(next))
    const offline = fakeRelay(() => Promise.reject(new TypeError('Failed to fetch')))
    expect(await codeOf(replaceRelayInvite({ relayUrl: RELAY, invite, device, fetch: offline.fetch }, next))).toBe('offline')
  })
})

/** A socket the test drives: records the subprotocols offered, opens and closes on command. */
class FakeSocket {
  static made: FakeSocket[] = []
  readonly protocols: string[]
  binaryType = 'arraybuffer'
  readyState = 0
  onopen: ((e: unknown) => void) | null = null
  onclose: ((e: { code: number; reason: string }) => void) | null = null
  onmessage: ((e: unknown) => void) | null = null
  onerror: ((e: unknown) => void) | null = null
  constructor(
    readonly url: string,
    protocols: string | string[] = [],
  ) {
    this.protocols = typeof protocols === 'string' ? [protocols] : protocols
    FakeSocket.made.push(this)
  }
  send(): void {}
  close(): void {
    this.serverClose(1000, '')
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  serverClose(code: number, reason: string): void {
    if (this.readyState === 3) return
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

function connect(): PartnershipConnection {
  FakeSocket.made = []
  return new PartnershipConnection(new Y.Doc(), {
    relayUrl: RELAY,
    invite,
    intent: 'join',
    outbox: memoryOutbox(),
    device,
    WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket,
    isOnline: () => true,
    joinOverHttp: false, // the socket's own exchange: the fake socket is made at once
  })
}

describe('the connection and a removed device', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('offers this device’s own proof with the invite’s', () => {
    const conn = connect()
    expect(FakeSocket.made[0]!.protocols).toContain(`sb.dev.${device.deviceId}.${deriveDeviceToken(invite.roomId, device)}`)
    expect(FakeSocket.made[0]!.protocols).toContain(`sb.auth.join.${deriveToken(invite)}`)
    conn.destroy()
  })

  it('on 4403 `removed`: says removed, stops reconnecting, and a retry does not connect', () => {
    vi.useFakeTimers()
    const removed: string[] = []
    FakeSocket.made = []
    const conn = new PartnershipConnection(new Y.Doc(), {
      relayUrl: RELAY,
      invite,
      intent: 'join',
      outbox: memoryOutbox(),
      device,
      onRemoved: () => removed.push('removed'),
      WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket,
      isOnline: () => true,
      joinOverHttp: false,
    })
    FakeSocket.made[0]!.open()
    FakeSocket.made[0]!.serverClose(CLOSE.proofRefused, 'removed')
    expect(conn.getState()).toMatchObject({ kind: 'removed' })
    expect(removed).toEqual(['removed'])
    vi.advanceTimersByTime(10 * 60_000)
    conn.retry()
    vi.advanceTimersByTime(10 * 60_000)
    expect(FakeSocket.made).toHaveLength(1)
    expect(conn.getState()).toMatchObject({ kind: 'removed' })
    conn.destroy()
  })

  it('another refusal is not "removed", and a transient close reconnects (the fake socket does what a relay does)', () => {
    vi.useFakeTimers()
    const conn = connect()
    FakeSocket.made[0]!.serverClose(CLOSE.unavailable, 'unavailable')
    vi.advanceTimersByTime(MAX_WAIT)
    expect(FakeSocket.made.length).toBe(2)
    FakeSocket.made[1]!.serverClose(CLOSE.proofRefused, 'invite not valid for this partnership')
    expect(conn.getState()).toMatchObject({ kind: 'refused', reason: 'proofRefused' })
    conn.destroy()
  })

  it('on 4429: says the partnership has too many devices, in words', async () => {
    const conn = connect()
    FakeSocket.made[0]!.serverClose(CLOSE.tooManyDevices, 'too many devices')
    const state = conn.getState()
    expect(state).toMatchObject({ kind: 'refused', reason: 'tooManyDevices' })
    const t = i18next.createInstance()
    await t.init({ lng: 'en', resources: { en: { translation: en } } })
    expect(syncStateText(state, t.t.bind(t))).toBe(
      'Refused · This partnership has as many devices as the relay allows. Ask a member to remove a device it no longer uses (Settings → Devices), then try again.',
    )
    conn.destroy()
  })
})

const MAX_WAIT = 60_000

describe('the devices a partnership document lists', () => {
  function doc(): Y.Doc {
    const d = new Y.Doc()
    initPartnership(d, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'school-a', schoolBId: 'school-b' }, 'An')
    return d
  }

  it('announces its name, school and last person, and again when one changes', () => {
    const d = doc()
    const now = new Date('2025-10-01T08:00:00.000Z')
    expect(announceDevice(d, 'phoneA_123456789', now, { name: 'Staff room tablet', schoolId: 'school-a', person: 'An' })).toBe(true)
    expect(announceDevice(d, 'phoneA_123456789', now, { name: 'Staff room tablet', schoolId: 'school-a', person: 'An' })).toBe(false)
    // the upkeep announces without details: it keeps them
    expect(announceDevice(d, 'phoneA_123456789', now)).toBe(false)
    expect(announceDevice(d, 'phoneA_123456789', now, { person: 'Jan' })).toBe(true)
    expect(readDevices(d)).toEqual([
      { deviceId: 'phoneA_123456789', schema: expect.any(Number), seenAt: now.toISOString(), name: 'Staff room tablet', schoolId: 'school-a', person: 'Jan' },
    ])
  })

  it('stores the KIND of device, not text in the writer’s language; each reader shows it in its own', async () => {
    const d = doc()
    const now = new Date('2025-10-01T08:00:00.000Z')
    // a French phone without a name given by a person
    announceDevice(d, 'phoneB_123456789', now, { kind: platformKind('Mozilla/5.0 (Linux; Android 14; SM-A146B) Mobile Safari/537.36'), schoolId: 'school-b', person: 'Jeanne' })
    const stored = d.getMap<Record<string, unknown>>(DEVICES_MAP).get('phoneB_123456789')!
    expect(stored.kind).toBe('android-phone')
    expect(stored.name).toBeUndefined()
    const reader = async (lng: string, res: object) => {
      const t = i18next.createInstance()
      await t.init({ lng, resources: { [lng]: { translation: res } } })
      return t.t.bind(t)
    }
    const meta = { schoolA: { id: 'school-a', name: 'Sint-Jan Gent' }, schoolB: { id: 'school-b', name: 'GS Huye' } } as Parameters<typeof deviceLabel>[2]
    const [info] = readDevices(d)
    // a Dutch reader: Dutch kind, then school and last person, so two Android phones are told apart
    expect(deviceLabel(await reader('nl', nl), info, meta)).toBe('Android-telefoon · GS Huye · Jeanne')
    expect(deviceLabel(await reader('en', en), info, meta)).toBe('Android phone · GS Huye · Jeanne')
    // a name a person gave it is shown as it is
    announceDevice(d, 'phoneB_123456789', now, { kind: 'android-phone', name: 'Tablette bureau' })
    expect(deviceLabel(await reader('nl', nl), readDevices(d)[0], meta)).toBe('Tablette bureau · GS Huye · Jeanne')
  })

  it('an entry from before kinds keeps showing its name until its device announces a kind (which drops the old default)', async () => {
    const d = doc()
    const map = d.getMap<unknown>(DEVICES_MAP)
    map.set('oldphone_1234567', { schema: 3, seenAt: '2025-10-01T08:00:00.000Z', name: 'Téléphone Android', person: 'Jeanne' })
    const t = i18next.createInstance()
    await t.init({ lng: 'nl', resources: { nl: { translation: nl } } })
    expect(deviceLabel(t.t.bind(t), readDevices(d)[0], undefined)).toBe('Téléphone Android · Jeanne')
    // the same phone with the new app: kind, no name given by a person → the old default goes
    expect(announceDevice(d, 'oldphone_1234567', new Date('2025-10-02T08:00:00.000Z'), { kind: 'android-phone' })).toBe(true)
    expect(readDevices(d)[0]).toMatchObject({ kind: 'android-phone', person: 'Jeanne' })
    expect(readDevices(d)[0]!.name).toBeUndefined()
    expect(deviceLabel(t.t.bind(t), readDevices(d)[0], undefined)).toBe('Android-telefoon · Jeanne')
  })

  it('reads the kind as untrusted: an unknown kind is "other", a kind of the wrong type is left out', () => {
    const d = doc()
    const map = d.getMap<unknown>(DEVICES_MAP)
    map.set('future_device_1', { schema: 3, seenAt: '2025-10-01T08:00:00.000Z', kind: 'smart-fridge' })
    map.set('hostile_kind_01', { schema: 3, seenAt: '2025-10-01T08:00:00.000Z', kind: { toString: 'x' } })
    map.set('normal_kind_001', { schema: 3, seenAt: '2025-10-01T08:00:00.000Z', kind: 'ipad' })
    const kinds = Object.fromEntries(readDevices(d).map((x) => [x.deviceId, x.kind ?? null]))
    expect(kinds).toEqual({ future_device_1: 'other', hostile_kind_01: null, normal_kind_001: 'ipad' })
  })

  it('reads every value as untrusted: wrong types left out, texts one line and capped, bad ids skipped', () => {
    const d = doc()
    const map = d.getMap<unknown>(DEVICES_MAP)
    map.set('hostile_device', {
      schema: 3,
      seenAt: '<script>',
      name: `Phone\u202e\nof ${'x'.repeat(500)}`,
      schoolId: 'school-a"><img>',
      person: { toString: 'x' },
    })
    map.set('../../etc', { schema: 3, seenAt: '2025-10-01T08:00:00.000Z' })
    map.set('no_schema_dev', { name: 'A' })
    map.set('array_device1', ['x'])
    const read = readDevices(d)
    expect(read).toHaveLength(1)
    const [one] = read
    expect(one!.deviceId).toBe('hostile_device')
    expect(one!.seenAt).toBe('')
    expect(one!.schoolId).toBeUndefined()
    expect(one!.person).toBeUndefined()
    expect(one!.name).toMatch(/^Phone of x+$/)
    expect([...one!.name!].length).toBe(80)
  })
})

describe('the words of devices, new invite code and the removed notice', () => {
  const strings = (res: typeof en): string[] => {
    const out: string[] = [res.sync.refusedReason.tooManyDevices, res.join.refused.proofRefused]
    const walk = (v: unknown): void => {
      if (typeof v === 'string') out.push(v)
      else if (v && typeof v === 'object') Object.values(v).forEach(walk)
    }
    walk(res.devices)
    walk(res.newInvite)
    walk(res.removed)
    return out
  }

  it('say "server" in Dutch, French and Spanish, as the rest of the app does, not "relay" or "proof"', () => {
    for (const [lang, res] of [['nl', nl], ['fr', fr], ['es', es]] as const) {
      const jargon = strings(res).filter((x) => /relay|relais|relé|preuve|bewijs|prueba/i.test(x))
      expect(jargon, lang).toEqual([])
    }
    expect(strings(nl).filter((x) => /apparat|apparaat/i.test(x))).toEqual([])
    expect(nl.devices.title).toBe('Toestellen')
  })

  it('French: a no-break space before : ; ? ! and curly apostrophes', () => {
    const bad = strings(fr).filter((x) => / [:;?!]/.test(x) || /[^\u00a0\u202f][:;?!](\s|$)/.test(x) || x.includes("'"))
    expect(bad).toEqual([])
  })

  it('an old invite code refused on the join screen says it may have been replaced', () => {
    expect(en.join.refused.proofRefused).toBe(
      'This invite code is not valid for this partnership. It may have been replaced by a new code: ask the partner school for the current one.',
    )
    for (const [lang, res] of [['nl', nl], ['fr', fr], ['es', es]] as const) expect(res.join.refused.proofRefused, lang).not.toBe(en.join.refused.proofRefused)
  })
})

describe('the relay’s list kept on this device for offline', () => {
  function memoryStorage(): DeviceListStorage & { items: Map<string, string> } {
    const items = new Map<string, string>()
    return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) }
  }
  const list = {
    devices: [
      { id: device.deviceId, registeredAt: '2025-10-01T08:00:00.000Z', lastSeenAt: '2025-10-02T08:00:00.000Z' },
      { id: 'phoneB_123456789', registeredAt: '2025-10-01T09:00:00.000Z', lastSeenAt: '2025-10-01T09:30:00.000Z', removedAt: '2025-10-03T10:00:00.000Z', removedBy: device.deviceId },
    ],
    inviteChangedAt: null,
    inviteChangedBy: null,
  }

  it('keeps the last list per room, with when it was fetched; a removed device stays removed', () => {
    const storage = memoryStorage()
    expect(loadRelayDeviceList(invite.roomId, storage)).toBeUndefined()
    saveRelayDeviceList(invite.roomId, list, new Date('2025-10-03T11:00:00.000Z'), storage)
    const kept = loadRelayDeviceList(invite.roomId, storage)
    expect(kept).toEqual({ list, fetchedAt: '2025-10-03T11:00:00.000Z' })
    expect(kept!.list.devices.find((d) => d.id === 'phoneB_123456789')!.removedAt).toBe('2025-10-03T10:00:00.000Z')
    // another partnership's list is its own
    expect(loadRelayDeviceList(newInvite().roomId, storage)).toBeUndefined()
  })

  it('reads it back as untrusted: malformed → nothing; malformed entries left out', () => {
    const storage = memoryStorage()
    saveRelayDeviceList(invite.roomId, list, new Date('2025-10-03T11:00:00.000Z'), storage)
    const [key] = [...storage.items.keys()]
    storage.setItem(key!, '{not json')
    expect(loadRelayDeviceList(invite.roomId, storage)).toBeUndefined()
    storage.setItem(key!, JSON.stringify({ ...list, fetchedAt: 'yesterday' }))
    expect(loadRelayDeviceList(invite.roomId, storage)).toBeUndefined()
    storage.setItem(key!, JSON.stringify({ fetchedAt: '2025-10-03T11:00:00.000Z', devices: [{ id: '<img>' }, list.devices[1]] }))
    expect(loadRelayDeviceList(invite.roomId, storage)!.list.devices.map((d) => d.id)).toEqual(['phoneB_123456789'])
    // a storage that refuses (quota, disabled) keeps nothing and throws nothing
    const refusing: DeviceListStorage = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    expect(() => saveRelayDeviceList(invite.roomId, list, new Date(), refusing)).not.toThrow()
    expect(loadRelayDeviceList(invite.roomId, refusing)).toBeUndefined()
  })
})

describe('this device’s credential on the registry entry', () => {
  it('is made once, replaces an id made before keys existed, and photos and snapshots send it once the relay accepted it', async () => {
    const { ScholenbandDb } = await import('../../src/storage/db')
    const { ensureDeviceCredential, ensureDeviceId, rejoinWithNewInvite } = await import('../../src/storage/deviceId')
    const { listRelaySnapshots } = await import('../../src/sync/snapshots')
    const { rememberDeviceCredential } = await import('../../src/sync/devices')
    const { formatInviteCode } = await import('../../src/sync/wire')
    const db = new ScholenbandDb(`test-${Math.random()}`)
    const room = newInvite()
    await db.partnerships.add({
      roomId: room.roomId,
      inviteCode: formatInviteCode(room),
      name: '',
      origin: 'joined',
      isKnownToRelay: true,
      addedAt: '2025-10-01T08:00:00.000Z',
      deviceId: 'olddevice_123456',
    })
    const first = await ensureDeviceCredential(db, room.roomId)
    const again = await ensureDeviceCredential(db, room.roomId)
    // the old id is in the document for every member to read: whoever registered it first with a
    // key of their own would lock this device out, so it gets a new id with its key
    expect(first!.deviceId).not.toBe('olddevice_123456')
    expect(first!.deviceId).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(await ensureDeviceId(db, room.roomId)).toBe(first!.deviceId)
    expect(first!.key).toHaveLength(32)
    expect(again).toEqual(first)
    // the key is kept on this device only as base64url, never the token
    expect((await db.partnerships.get(room.roomId))!.deviceKey).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const relay = fakeRelay(() => json(200, { snapshots: [] }))
    await listRelaySnapshots(RELAY, room, { fetch: relay.fetch })
    expect(relay.seen[0]!.authorization).toBe(`Bearer ${deriveToken(room)}`)
    rememberDeviceCredential(room.roomId, first!)
    await listRelaySnapshots(RELAY, room, { fetch: relay.fetch })
    expect(relay.seen[1]!.authorization).toBe(`Device ${first!.deviceId}.${deriveDeviceToken(room.roomId, first!)}`)

    // removed, then a new code: a new device (the relay refuses the old id for good)
    await db.partnerships.update(room.roomId, { removedAt: '2025-10-03T10:00:00.000Z', deviceRegisteredAt: '2025-10-01T08:00:00.000Z' })
    const next = { roomId: room.roomId, secret: newInvite().secret }
    await rejoinWithNewInvite(db, room.roomId, formatInviteCode(next))
    const fresh = await ensureDeviceCredential(db, room.roomId)
    expect(fresh!.deviceId).not.toBe(first!.deviceId)
    const entry = (await db.partnerships.get(room.roomId))!
    expect(entry.inviteCode).toBe(formatInviteCode(next))
    expect(entry.removedAt).toBeUndefined()
    expect(entry.deviceRegisteredAt).toBeUndefined()
    db.close()
  })
})

describe('an invite replaced on another device', () => {
  it('is told from the relay’s inviteChangedAt against when this device got its code', async () => {
    const { isInviteReplaced } = await import('../../src/ui/components/devices/DevicesSettings')
    const entry = { roomId: invite.roomId, inviteCode: '', name: '', origin: 'joined' as const, isKnownToRelay: true, addedAt: '2025-10-01T08:00:00.000Z' }
    const list = (at: string | null) => ({ devices: [], inviteChangedAt: at, inviteChangedBy: at ? device.deviceId : null })
    expect(isInviteReplaced(entry, list(null))).toBe(false)
    expect(isInviteReplaced(entry, list('2025-10-03T10:05:00.000Z'))).toBe(true)
    expect(isInviteReplaced(entry, list('2025-09-30T10:05:00.000Z'))).toBe(false)
    // the device that made the new code keeps the relay's time: not "replaced"
    expect(isInviteReplaced({ ...entry, inviteSetAt: '2025-10-03T10:05:00.000Z' }, list('2025-10-03T10:05:00.000Z'))).toBe(false)
  })
})
