/**
 * The name written into `createdBy` / `updatedBy`: the device's display name, or — on a shared
 * phone where nobody filled it in — the name of the school the device speaks for. Never a
 * translated phrase: the partner's device may show another language ("someone" is added when
 * the record is shown, in the reader's language, for an empty name).
 */
import type { PartnershipMeta } from '../../domain'
import type { PartnershipEntry } from '../../storage'
import { useDeviceSettings } from './useDeviceSettings'

export function schoolName(meta: PartnershipMeta | undefined, schoolId: string | undefined): string | undefined {
  if (!meta || !schoolId) return undefined
  if (meta.schoolA.id === schoolId) return meta.schoolA.name
  if (meta.schoolB.id === schoolId) return meta.schoolB.name
  return undefined
}

export function useActor(entry: PartnershipEntry | undefined, meta: PartnershipMeta | undefined): string {
  const { displayName } = useDeviceSettings()
  return displayName.trim() || schoolName(meta, entry?.mySchoolId) || ''
}
