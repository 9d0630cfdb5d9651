/**
 * Settings of this device, stored in the registry: who is using it now, language, storage
 * persistence, data saver. (The people themselves are in their own table: see people.ts.)
 */
import { CURRENT_PERSON_KEY, type ScholenbandDb } from './db'

export interface DeviceSettings {
  /** The person using the device now (see people.ts); unset until someone is chosen. */
  currentPersonId: string | undefined
  language: string | undefined
  /** Result of the last `navigator.storage.persist()` request. */
  persistence: 'granted' | 'denied' | 'unsupported' | 'unknown'
  /** Photos from the partner school are downloaded only when tapped (prepaid data). */
  dataSaver: boolean
  /** With the data saver on: download photos anyway on Wi-Fi or a wired connection. */
  autoDownloadOnUnmetered: boolean
  /** This device's name as the partnership's "Devices" list shows it; unset: a default from the platform. */
  deviceName: string | undefined
}

/** At most this many characters of a device name (src/domain/devices.ts reads no more). */
export const MAX_DEVICE_NAME_CHARS = 80

export const DEFAULT_SETTINGS: DeviceSettings = {
  currentPersonId: undefined,
  language: undefined,
  persistence: 'unknown',
  dataSaver: true,
  autoDownloadOnUnmetered: false,
  deviceName: undefined,
}

export async function readSettings(db: ScholenbandDb): Promise<DeviceSettings> {
  const rows = await db.settings.toArray()
  const out: DeviceSettings = { ...DEFAULT_SETTINGS }
  for (const row of rows) {
    if (row.key === CURRENT_PERSON_KEY && typeof row.value === 'string') out.currentPersonId = row.value
    if (row.key === 'language' && typeof row.value === 'string') out.language = row.value
    if (row.key === 'persistence' && typeof row.value === 'string') {
      if (row.value === 'granted' || row.value === 'denied' || row.value === 'unsupported') out.persistence = row.value
    }
    if (row.key === 'dataSaver' && typeof row.value === 'boolean') out.dataSaver = row.value
    if (row.key === 'autoDownloadOnUnmetered' && typeof row.value === 'boolean') out.autoDownloadOnUnmetered = row.value
    if (row.key === 'deviceName' && typeof row.value === 'string' && row.value.trim()) out.deviceName = row.value.trim().slice(0, MAX_DEVICE_NAME_CHARS)
  }
  return out
}

export async function writeSetting<K extends keyof DeviceSettings>(
  db: ScholenbandDb,
  key: K,
  value: DeviceSettings[K],
): Promise<void> {
  await db.settings.put({ key, value })
}

/**
 * Asks the browser to keep this site's storage (call after a user action: creating or joining).
 * Returns what the browser said, and stores it for Settings.
 */
export async function requestPersistence(db: ScholenbandDb): Promise<DeviceSettings['persistence']> {
  let result: DeviceSettings['persistence'] = 'unsupported'
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined
  if (storage && typeof storage.persist === 'function') {
    try {
      result = (await storage.persisted()) || (await storage.persist()) ? 'granted' : 'denied'
    } catch {
      result = 'denied'
    }
  }
  await writeSetting(db, 'persistence', result)
  return result
}
