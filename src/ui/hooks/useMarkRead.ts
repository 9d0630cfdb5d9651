/**
 * Notes, in the document, that a person of this device's school opened a record (a partner's
 * letter, an activity, a reflection): the read mark behind "Read by partner school" on the other
 * school's devices (domain `markRead`, docs/schema.md `receipts`). Once per version of the record:
 * it writes again only when the record changed since (also while the screen stays open).
 */
import { useEffect } from 'react'
import type * as Y from 'yjs'
import { markRead } from '../../domain'
import { usePartnership } from './usePartnership'

/** Marks `record` as read by this device's school while it is shown; nothing without a record. */
export function useMarkRead(record: Y.Map<unknown> | undefined): void {
  const { doc, entry, isReadOnly } = usePartnership()
  const schoolId = entry.mySchoolId
  const version: unknown = record?.get('updatedAt')
  useEffect(() => {
    if (!record || !schoolId || isReadOnly) return
    try {
      markRead(doc, record, schoolId)
    } catch {
      /* a document this app may not write (made by a newer app): no mark, nothing to tell the person */
    }
  }, [doc, record, schoolId, isReadOnly, version])
}
