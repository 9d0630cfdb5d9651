/**
 * What this device says about itself in the partnership's `devices` map (src/domain/devices.ts):
 * its name (set in Settings, or a default from the platform), the school it speaks for and the
 * person using it now. Written whenever one of them changes on an open, writable document, so the
 * "Devices" list on the other phones can say which phone is which.
 */
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { announceDevice } from '../../../domain'
import type { PartnershipEntry } from '../../../storage'
import { useDeviceSettings } from '../../hooks/useDeviceSettings'
import { useCurrentPerson } from '../../hooks/usePeople'

export type PlatformKind = 'iphone' | 'ipad' | 'androidPhone' | 'androidTablet' | 'windows' | 'mac' | 'chromebook' | 'linux' | 'other'

/** The kind of device, from the user agent (only for a default name). */
export function platformKind(userAgent: string = typeof navigator === 'undefined' ? '' : navigator.userAgent): PlatformKind {
  const ua = userAgent
  if (/iPhone|iPod/.test(ua)) return 'iphone'
  if (/iPad/.test(ua)) return 'ipad'
  if (/Android/.test(ua)) return /Mobile/.test(ua) ? 'androidPhone' : 'androidTablet'
  if (/CrOS/.test(ua)) return 'chromebook'
  if (/Windows/.test(ua)) return 'windows'
  if (/Macintosh|Mac OS X/.test(ua)) return 'mac'
  if (/Linux/.test(ua)) return 'linux'
  return 'other'
}

/** This device's name: the one set in Settings, else the translated kind of device ("Android phone"). */
export function useThisDeviceName(): { readonly name: string; readonly isDefault: boolean } {
  const { t } = useTranslation()
  const { deviceName } = useDeviceSettings()
  return deviceName ? { name: deviceName, isDefault: false } : { name: t(`devices.kind.${platformKind()}`), isDefault: true }
}

/** Keeps this device's entry in the document up to date with its name, school and person. */
export function useDeviceAnnouncement(doc: Y.Doc, entry: PartnershipEntry, isWritable: boolean): void {
  const { name } = useThisDeviceName()
  const { person } = useCurrentPerson()
  const personName = person?.name
  const { deviceId, mySchoolId } = entry
  useEffect(() => {
    if (!isWritable || !deviceId) return
    try {
      announceDevice(doc, deviceId, new Date(), { name, ...(mySchoolId ? { schoolId: mySchoolId } : {}), ...(personName ? { person: personName } : {}) })
    } catch {
      /* a closing document: tried again on the next change */
    }
  }, [doc, deviceId, mySchoolId, personName, name, isWritable])
}
