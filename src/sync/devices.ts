/**
 * The relay's list of a partnership's devices, removing a device, and replacing the invite
 * (docs/protocol.md, "Devices and invites"):
 *
 * - `fetchRelayDevices`: `GET /devices/<room>` with either proof → who registered, when each was
 *   last seen on the relay, which were removed, and when the invite last changed (and by whom);
 * - `removeRelayDevice`: `POST /devices/<room>/<device>/remove` with this device's proof; the relay
 *   closes that device's sockets at once (4403 `removed`) and refuses it from then on;
 * - `replaceRelayInvite`: `PUT /invite/<room>` with this device's proof and the new invite's
 *   verifier; codes shared before stop working for devices that have not registered yet.
 *
 * Every call rejects only with a `DevicesError` whose `code` says what a person can do: `offline`
 * (no answer: try again later), `refused` (the relay does not accept this device's proof),
 * `removed` (this device was removed), `olderOnly` (a removal the relay does not allow: only a
 * device that registered earlier may remove a device seen in the last 30 days — HTTP 403
 * `{"error":"only an older device can remove this device"}`), `notFound` (no such device),
 * `unavailable` (the relay answered something else). Every answer is untrusted: read field by
 * field, malformed → `unavailable`.
 *
 * The last list fetched is kept on the device per room (`saveRelayDeviceList`, localStorage), so
 * Settings can still show offline which devices were removed, "as of" when it was fetched; it is
 * read back as untrusted as an answer (`loadRelayDeviceList`).
 *
 * Also keeps, per room, the credential of this device once the relay has accepted it
 * (`rememberDeviceCredential`), so photos and snapshots send the device's proof too.
 */
import { relayHttpUrl } from './relayHttp'
import {
  DEVICE_ID_PATTERN,
  authorizationHeader,
  deriveToken,
  deriveVerifier,
  type DeviceCredential,
  type Invite,
} from './wire'

export type DevicesErrorCode = 'offline' | 'refused' | 'removed' | 'olderOnly' | 'notFound' | 'unavailable'

/** The relay's `error` when a newer device tries to remove an older one seen in the last 30 days. */
export const OLDER_ONLY_ERROR = 'only an older device can remove this device'

export class DevicesError extends Error {
  readonly code: DevicesErrorCode
  constructor(code: DevicesErrorCode) {
    super(code)
    this.name = 'DevicesError'
    this.code = code
  }
}

/** A device as the relay lists it. */
export interface RelayDevice {
  readonly id: string
  /** ISO times. */
  readonly registeredAt: string
  readonly lastSeenAt: string
  readonly removedAt?: string
  /** The device id that removed it. */
  readonly removedBy?: string
}

export interface RelayDeviceList {
  readonly devices: readonly RelayDevice[]
  /** When the invite was last replaced (ISO), null when never. */
  readonly inviteChangedAt: string | null
  /** The device that replaced it, null when never or unknown. */
  readonly inviteChangedBy: string | null
}

export interface DevicesRequest {
  /** The relay's address (ws(s) or http(s); `/sync` is dropped). */
  readonly relayUrl: string
  readonly invite: Invite
  /** This device's credential; without it only the list can be read (with the invite's proof). */
  readonly device?: DeviceCredential
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch
}

/** Answers longer than this are not read (a list of MAX_DEVICES_PER_ROOM entries is far shorter). */
const MAX_ANSWER_CHARS = 256 * 1024
const MAX_DEVICES = 1000

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))
}

function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value)
}

/** One device from an answer; undefined when malformed. */
export function readRelayDevice(value: unknown): RelayDevice | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const o = value as Record<string, unknown>
  if (!isDeviceId(o.id) || !isIsoDate(o.registeredAt) || !isIsoDate(o.lastSeenAt)) return undefined
  return {
    id: o.id,
    registeredAt: o.registeredAt,
    lastSeenAt: o.lastSeenAt,
    ...(isIsoDate(o.removedAt) ? { removedAt: o.removedAt } : {}),
    ...(isDeviceId(o.removedBy) ? { removedBy: o.removedBy } : {}),
  }
}

/** The whole `GET /devices` answer; undefined when malformed. Malformed entries are left out. */
export function readRelayDeviceList(value: unknown): RelayDeviceList | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const o = value as Record<string, unknown>
  if (!Array.isArray(o.devices)) return undefined
  const devices: RelayDevice[] = []
  for (const d of o.devices.slice(0, MAX_DEVICES)) {
    const read = readRelayDevice(d)
    if (read) devices.push(read)
  }
  return {
    devices,
    inviteChangedAt: isIsoDate(o.inviteChangedAt) ? o.inviteChangedAt : null,
    inviteChangedBy: isDeviceId(o.inviteChangedBy) ? o.inviteChangedBy : null,
  }
}

async function call(request: DevicesRequest, path: string, init: RequestInit): Promise<unknown> {
  let url: string
  try {
    url = `${relayHttpUrl(request.relayUrl)}${path}`
  } catch {
    throw new DevicesError('unavailable')
  }
  const doFetch = request.fetch ?? ((input, i) => globalThis.fetch(input, i))
  let response: Response
  try {
    response = await doFetch(url, {
      ...init,
      cache: 'no-store',
      headers: { ...(init.headers as Record<string, string> | undefined), Authorization: authorizationHeader(request.invite, request.device) },
    })
  } catch {
    throw new DevicesError('offline')
  }
  let text = ''
  try {
    text = await response.text()
  } catch {
    throw new DevicesError('offline')
  }
  let body: unknown
  try {
    body = text && text.length <= MAX_ANSWER_CHARS ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (response.status === 200) {
    if (body === undefined) throw new DevicesError('unavailable')
    return body
  }
  const error = body && typeof body === 'object' ? (body as Record<string, unknown>).error : undefined
  if (response.status === 403 && error === 'device removed') throw new DevicesError('removed')
  if (response.status === 403 && error === OLDER_ONLY_ERROR) throw new DevicesError('olderOnly')
  if (response.status === 401 || response.status === 403) throw new DevicesError('refused')
  if (response.status === 404) throw new DevicesError('notFound')
  // 429, 5xx, a proxy's 502: the relay cannot answer now
  if (response.status === 429 || response.status >= 500) throw new DevicesError('offline')
  throw new DevicesError('unavailable')
}

/** The relay's list of this partnership's devices (`GET /devices/<room>`), with either proof. */
export async function fetchRelayDevices(request: DevicesRequest): Promise<RelayDeviceList> {
  const body = await call(request, `/devices/${encodeURIComponent(request.invite.roomId)}`, { method: 'GET' })
  const list = readRelayDeviceList(body)
  if (!list) throw new DevicesError('unavailable')
  return list
}

/** Removes a device (`POST /devices/<room>/<id>/remove`); needs this device's own proof. Idempotent. */
export async function removeRelayDevice(request: DevicesRequest, deviceId: string): Promise<RelayDevice> {
  if (!request.device) throw new DevicesError('refused')
  if (!isDeviceId(deviceId)) throw new DevicesError('notFound')
  const body = await call(request, `/devices/${encodeURIComponent(request.invite.roomId)}/${encodeURIComponent(deviceId)}/remove`, {
    method: 'POST',
  })
  const device = body && typeof body === 'object' ? readRelayDevice((body as Record<string, unknown>).device) : undefined
  if (!device) throw new DevicesError('unavailable')
  return device
}

/**
 * Replaces the invite on the relay with `next` (same room, new secret): `PUT /invite/<room>` with
 * the verifier of the new invite's token. Needs this device's own proof. Resolves with the relay's
 * time of the change; only then may the new code be kept and shown.
 */
export async function replaceRelayInvite(request: DevicesRequest, next: Invite): Promise<{ readonly inviteChangedAt: string }> {
  if (!request.device) throw new DevicesError('refused')
  if (next.roomId !== request.invite.roomId) throw new DevicesError('unavailable')
  const body = await call(request, `/invite/${encodeURIComponent(request.invite.roomId)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ verifier: deriveVerifier(deriveToken(next)) }),
  })
  const at = body && typeof body === 'object' ? (body as Record<string, unknown>).inviteChangedAt : undefined
  if (!isIsoDate(at)) throw new DevicesError('unavailable')
  return { inviteChangedAt: at }
}

/** The credentials of devices the relay accepted in this session, by room (see the module header). */
const accepted = new Map<string, DeviceCredential>()

/** Called once the relay accepted this device's own proof for `roomId`. */
export function rememberDeviceCredential(roomId: string, device: DeviceCredential): void {
  accepted.set(roomId, device)
}

/** This device's credential for `roomId` when the relay has accepted it; else undefined (send the invite's proof). */
export function acceptedDeviceCredential(roomId: string): DeviceCredential | undefined {
  return accepted.get(roomId)
}

/** The relay's list as last fetched on this device, and when. */
export interface CachedRelayDeviceList {
  readonly list: RelayDeviceList
  /** ISO time it was fetched. */
  readonly fetchedAt: string
}

/** The part of the Web Storage API the cache uses (localStorage in the app, a Map in tests). */
export type DeviceListStorage = Pick<Storage, 'getItem' | 'setItem'>

const CACHE_PREFIX = 'scholenband:relay-devices:'

function defaultStorage(): DeviceListStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined // storage disabled for this site
  }
}

/** Keeps `list`, fetched at `fetchedAt`, as this room's last known list. Never throws (a full or disabled storage keeps nothing). */
export function saveRelayDeviceList(roomId: string, list: RelayDeviceList, fetchedAt: Date = new Date(), storage = defaultStorage()): void {
  try {
    storage?.setItem(CACHE_PREFIX + roomId, JSON.stringify({ fetchedAt: fetchedAt.toISOString(), ...list }))
  } catch {
    /* quota or disabled storage: the list is only shown while online */
  }
}

/** This room's last known list, read as untrusted (another tab, an older app, a hand edit); undefined when none or malformed. */
export function loadRelayDeviceList(roomId: string, storage = defaultStorage()): CachedRelayDeviceList | undefined {
  let text: string | null = null
  try {
    text = storage?.getItem(CACHE_PREFIX + roomId) ?? null
  } catch {
    return undefined
  }
  if (!text || text.length > MAX_ANSWER_CHARS) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const list = readRelayDeviceList(value)
  const fetchedAt = (value as Record<string, unknown> | null)?.fetchedAt
  if (!list || !isIsoDate(fetchedAt)) return undefined
  return { list, fetchedAt }
}
