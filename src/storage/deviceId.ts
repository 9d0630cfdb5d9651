/**
 * This device's id in a partnership: made once, when first needed, and kept on the registry entry
 * (`deviceId`). Delivery receipts carry it (`<schoolId>:<deviceId>`) and every edit records it
 * (`<x>On`, see src/domain/record.ts), so both name the device the same way.
 */
import { randomId } from '../domain/ids'
import type { ScholenbandDb } from './db'

/** The device id for `roomId`, made and stored on first use; undefined when the partnership is not on this device. */
export async function ensureDeviceId(db: ScholenbandDb, roomId: string): Promise<string | undefined> {
  return db.transaction('rw', db.partnerships, async () => {
    const entry = await db.partnerships.get(roomId)
    if (!entry) return undefined
    if (entry.deviceId) return entry.deviceId
    const deviceId = randomId()
    await db.partnerships.update(roomId, { deviceId })
    return deviceId
  })
}
