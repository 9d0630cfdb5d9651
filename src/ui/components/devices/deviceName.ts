/**
 * What this device says about itself in the partnership's `devices` map (src/domain/devices.ts):
 * the KIND of device (from the platform, one of DEVICE_KINDS — never text in this device's
 * language), the name a person gave it in Settings (if any), the school it speaks for and the
 * person using it now. Written whenever one of them changes on an open, writable document, so the
 * "Devices" list on the other phones can say which phone is which — each in its reader's language.
 *
 * `deviceLabel` is how a device is named in one line: "<name or kind> · <school> · <last person>",
 * so two "Android phone"s are told apart. Entries written before kinds existed have only a `name`
 * (a platform default in the writer's language): that name is shown as it is.
 */
import { useEffect } from 'react'
import { useLiveQuery } from 'dexie-react-hooks'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type * as Y from 'yjs'
import { announceDevice, type DeviceInfo, type DeviceKind, type PartnershipMeta } from '../../../domain'
import { loadSettings, type PartnershipEntry } from '../../../storage'
import { useDeviceSettings } from '../../hooks/useDeviceSettings'
import { useCurrentPerson } from '../../hooks/usePeople'
import { schoolName } from '../../hooks/useActor'

/** The kind of device, from the user agent. */
export function platformKind(userAgent: string = typeof navigator === 'undefined' ? '' : navigator.userAgent): DeviceKind {
  const ua = userAgent
  if (/iPhone|iPod/.test(ua)) return 'iphone'
  if (/iPad/.test(ua)) return 'ipad'
  if (/Android/.test(ua)) return /Mobile/.test(ua) ? 'android-phone' : 'android-tablet'
  if (/CrOS/.test(ua)) return 'chromebook'
  if (/Windows/.test(ua)) return 'windows'
  if (/Macintosh|Mac OS X/.test(ua)) return 'mac'
  if (/Linux/.test(ua)) return 'linux'
  return 'other'
}

const KIND_KEYS = {
  'android-phone': 'devices.kind.androidPhone',
  'android-tablet': 'devices.kind.androidTablet',
  iphone: 'devices.kind.iphone',
  ipad: 'devices.kind.ipad',
  windows: 'devices.kind.windows',
  mac: 'devices.kind.mac',
  linux: 'devices.kind.linux',
  chromebook: 'devices.kind.chromebook',
  other: 'devices.kind.other',
} as const satisfies Record<DeviceKind, string>

/** The kind of device in the reader's language ("Téléphone Android" on a French phone). */
export function kindName(t: TFunction, kind: DeviceKind): string {
  return t(KIND_KEYS[kind])
}

/** A device's own name: the one a person gave it, else its kind in the reader's language; undefined when neither is known. */
export function deviceTitle(t: TFunction, info: Pick<DeviceInfo, 'name' | 'kind'> | undefined): string | undefined {
  if (info?.name) return info.name
  return info?.kind ? kindName(t, info.kind) : undefined
}

/** "<name or kind> · <school> · <last person>", the parts that are known; undefined when nothing is. */
export function deviceLabel(t: TFunction, info: DeviceInfo | undefined, meta: PartnershipMeta | undefined): string | undefined {
  if (!info) return undefined
  const parts = [deviceTitle(t, info), schoolName(meta, info.schoolId), info.person].filter((p): p is string => !!p)
  return parts.length ? parts.join(' · ') : undefined
}

/** This device's name: the one set in Settings, else the translated kind of device ("Android phone"). */
export function useThisDeviceName(): { readonly name: string; readonly isDefault: boolean } {
  const { t } = useTranslation()
  const { deviceName } = useDeviceSettings()
  return deviceName ? { name: deviceName, isDefault: false } : { name: kindName(t, platformKind()), isDefault: true }
}

/** Keeps this device's entry in the document up to date with its kind, name, school and person. */
export function useDeviceAnnouncement(doc: Y.Doc, entry: PartnershipEntry, isWritable: boolean): void {
  // undefined until read: announcing before would drop the name, then write it again, at every open
  const settings = useLiveQuery(() => loadSettings(), [])
  const isLoaded = settings !== undefined
  const deviceName = settings?.deviceName
  const { person } = useCurrentPerson()
  const personName = person?.name
  const { deviceId, mySchoolId } = entry
  useEffect(() => {
    if (!isWritable || !deviceId || !isLoaded) return
    try {
      announceDevice(doc, deviceId, new Date(), {
        kind: platformKind(),
        ...(deviceName ? { name: deviceName } : {}),
        ...(mySchoolId ? { schoolId: mySchoolId } : {}),
        ...(personName ? { person: personName } : {}),
      })
    } catch {
      /* a closing document: tried again on the next change */
    }
  }, [doc, deviceId, mySchoolId, personName, deviceName, isWritable, isLoaded])
}
