/**
 * This device's id in a partnership: made once, when first needed, and kept on the registry entry
 * (`deviceId`). Delivery receipts carry it (`<schoolId>:<deviceId>`) and every edit records it
 * (`<x>On`, see src/domain/record.ts), so both name the device the same way.
 *
 * With it, the device's own key (`deviceKey`): the relay registers the device under a token derived
 * from id and key on its first connection with the invite, and from then on knows it by that
 * alone (docs/protocol.md, "Devices and invites"). The key never leaves the device.
 */
import { randomId } from '../domain/ids'
import type { ScholenbandDb } from './db'

/**
 * The device id for `roomId`, made and stored on first use together with the device's key
 * (`ensureDeviceCredential`); undefined when the partnership is not on this device.
 */
export async function ensureDeviceId(db: ScholenbandDb, roomId: string): Promise<string | undefined> {
  return (await ensureDeviceCredential(db, roomId))?.deviceId
}

/** Bytes of a device key (wire.ts DEVICE_KEY_BYTES). */
const KEY_BYTES = 32

/** This device's credential in a partnership, as wire.ts `DeviceCredential` wants it. */
export interface StoredDeviceCredential {
  readonly deviceId: string
  readonly key: Uint8Array
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Reads a stored key; undefined when it is not KEY_BYTES of base64url. */
export function decodeDeviceKey(text: string | undefined): Uint8Array | undefined {
  if (!text || !/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '=')
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out.length === KEY_BYTES ? out : undefined
}

/**
 * The device id and key for `roomId`, both made and stored on first use, always together;
 * undefined when the partnership is not on this device.
 *
 * Trap: an id made before keys existed is already in the document (every edit's `<x>On`, the
 * receipts), so any member could register it with the relay under a key of their own first and
 * lock this device out. Such an id is replaced by a new one, made with the key: an id is only ever
 * seen by others after its device registered it (the first connection registers before any
 * document byte is exchanged).
 */
export async function ensureDeviceCredential(db: ScholenbandDb, roomId: string): Promise<StoredDeviceCredential | undefined> {
  return db.transaction('rw', db.partnerships, async () => {
    const entry = await db.partnerships.get(roomId)
    if (!entry) return undefined
    const stored = entry.deviceId ? decodeDeviceKey(entry.deviceKey) : undefined
    if (stored && entry.deviceId) return { deviceId: entry.deviceId, key: stored }
    const deviceId = randomId()
    const key = new Uint8Array(KEY_BYTES)
    globalThis.crypto.getRandomValues(key)
    await db.partnerships.update(roomId, { deviceId, deviceKey: toBase64Url(key) })
    return { deviceId, key }
  })
}

/**
 * After the relay removed this device: a new invite code from the partner school joins again, as
 * a new device (the relay refuses the old id for good). Keeps the document and what is on it.
 */
export async function rejoinWithNewInvite(db: ScholenbandDb, roomId: string, inviteCode: string, now: Date = new Date()): Promise<void> {
  await db.transaction('rw', db.partnerships, async () => {
    const entry = await db.partnerships.get(roomId)
    if (!entry) return
    await db.partnerships.update(roomId, {
      inviteCode,
      inviteSetAt: now.toISOString(),
      deviceId: undefined,
      deviceKey: undefined,
      deviceRegisteredAt: undefined,
      removedAt: undefined,
    })
  })
}
