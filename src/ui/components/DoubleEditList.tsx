/**
 * "Changed on two devices: 2 records to check" — on This week and the action plan: every record
 * with a double edit nobody has settled yet (domain `listDoubleEdits`), each a link to the screen
 * where its notice and its "Keep …" buttons are; nothing when there is none. This file is what the
 * screens import: the list (DoubleEditListView.tsx) is loaded just after the screen, so the first
 * view stays small.
 */
import { lazy, Suspense } from 'react'
import type * as Y from 'yjs'

const DoubleEditListView = lazy(() => import('./DoubleEditListView').then((m) => ({ default: m.DoubleEditListView })))

export interface DoubleEditListProps {
  readonly doc: Y.Doc
  readonly roomId: string
  /** Which records to list (the action plan: its own); every record a person edits by default. */
  readonly collections?: readonly string[]
}

export function DoubleEditList(props: DoubleEditListProps) {
  return (
    <Suspense fallback={null}>
      <DoubleEditListView {...props} />
    </Suspense>
  )
}
