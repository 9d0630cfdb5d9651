/**
 * The name written into `createdBy` / `updatedBy`: the device's display name, or — on a shared
 * phone where nobody filled it in — "Someone at <school>".
 */
import { useTranslation } from 'react-i18next'
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
  const { t } = useTranslation()
  const { displayName } = useDeviceSettings()
  const name = displayName.trim()
  if (name) return name
  const school = schoolName(meta, entry?.mySchoolId)
  return school ? t('actor.someoneAt', { school }) : t('actor.someone')
}
