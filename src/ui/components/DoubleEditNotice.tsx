/**
 * "Changed on two devices": a short field of a record was changed on two devices (or more) that
 * had not seen each other's change. The document keeps one value (Yjs picks it, not by time);
 * the history keeps every one (domain doubleEdits.ts), and the notice shows them — each with who
 * and when — with "Keep <value>" for each. Keeping writes the value as a new change that has seen
 * them all, so the notice goes away on every device once that change arrives.
 *
 * Placed near the top of a record's screen, beside its History; on a screen that lists records
 * (calendar, contacts, meetings, …) one notice covers the records listed, each named. This file is
 * what the screens import: the notice (DoubleEditNoticeView.tsx) is loaded just after the screen,
 * so the first view stays small, and shows nothing while no record has a double edit.
 */
import { lazy, Suspense } from 'react'
import type * as Y from 'yjs'
import type { Actor } from '../../domain'

const DoubleEditNoticeView = lazy(() => import('./DoubleEditNoticeView').then((m) => ({ default: m.DoubleEditNoticeView })))

export interface RecordRef {
  readonly collection: string
  readonly record: string
}

export interface DoubleEditNoticeProps {
  readonly doc: Y.Doc
  /** The records this notice is about: one on a record's screen, several on a list. */
  readonly records: readonly RecordRef[]
  readonly actor: Actor
  readonly isReadOnly: boolean
  /**
   * Name each record ("Title of “Sports day”"): on a screen that shows several. Records of another
   * collection than the first (an activity's requests for input) are always named.
   */
  readonly isNamingRecords?: boolean
}

export function DoubleEditNotice(props: DoubleEditNoticeProps) {
  return (
    <Suspense fallback={null}>
      <DoubleEditNoticeView {...props} />
    </Suspense>
  )
}
