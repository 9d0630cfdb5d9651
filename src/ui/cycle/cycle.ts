/**
 * Shared pieces of the planning-cycle screens (this week, feedback, contacts, working group):
 * the props they all get and what a reflection is about. Form problems are ../hooks/useDomainForm.ts.
 * The device's own date and dates written out in full are in ../format.ts.
 */
import type * as Y from 'yjs'
import { listFeedback, readActivity, type PartnershipMeta, type Reflection, type Actor } from '../../domain'
import type { PartnershipEntry } from '../../storage'

export interface CycleScreenProps {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
}

/** What a reflection is about: the activity's or the feedback moment's title, if still there. */
export function reflectionSubject(doc: Y.Doc, r: Reflection): { readonly kind: 'activity' | 'moment' | 'none'; readonly title: string } {
  if (r.activityId) {
    const a = readActivity(doc, r.activityId)
    if (a) return { kind: 'activity', title: a.title }
  }
  if (r.momentId) {
    const m = listFeedback(doc).moments.find((x) => x.id === r.momentId)
    if (m) return { kind: 'moment', title: m.title }
  }
  return { kind: 'none', title: '' }
}
