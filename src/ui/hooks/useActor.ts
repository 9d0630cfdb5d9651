/**
 * Who makes an edit: the person using this device now, on this device (`Author`: the name shown as
 * "Last changed by …", the person's id and this device's id in the partnership). Undefined while
 * nobody has been chosen yet — the partnership then asks who is using the device before any edit —
 * and for the moment the device id is being made.
 *
 * Never a translated phrase or a school's name: the partner's device shows the name as written
 * ("someone", in the reader's language, only for records without one).
 */
import { useEffect, useMemo } from 'react'
import type { Author, PartnershipMeta } from '../../domain'
import { deviceIdIn, type PartnershipEntry } from '../../storage'
import { useCurrentPerson } from './usePeople'

export function schoolName(meta: PartnershipMeta | undefined, schoolId: string | undefined): string | undefined {
  if (!meta || !schoolId) return undefined
  if (meta.schoolA.id === schoolId) return meta.schoolA.name
  if (meta.schoolB.id === schoolId) return meta.schoolB.name
  return undefined
}

export function useActor(entry: PartnershipEntry | undefined): Author | undefined {
  const { person } = useCurrentPerson()
  const roomId = entry?.roomId
  const deviceId = entry?.deviceId
  useEffect(() => {
    if (roomId && !deviceId) void deviceIdIn(roomId).catch(() => undefined)
  }, [roomId, deviceId])
  const personId = person?.id
  const name = person?.name
  return useMemo(() => (personId && name && deviceId ? { personId, name, deviceId } : undefined), [personId, name, deviceId])
}
