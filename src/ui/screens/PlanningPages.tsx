/**
 * The planning pages that are not needed for the first view — school profiles, the calendar and
 * the printable plan — loaded on first use (React.lazy), so the app opens fast on a phone with
 * prepaid data. The service worker precaches their chunks, so they open offline too.
 */
import type * as Y from 'yjs'
import type { Actor, PartnershipMeta } from '../../domain'
import { LazyScreens, lazyScreen } from '../components/LazyScreens'

const SchoolsScreen = lazyScreen(() => import('./SchoolsScreen').then((m) => ({ default: m.SchoolsScreen })))
const CalendarScreen = lazyScreen(() => import('./CalendarScreen').then((m) => ({ default: m.CalendarScreen })))
const PrintScreen = lazyScreen(() => import('./PrintScreen').then((m) => ({ default: m.PrintScreen })))

export type PlanningPageName = 'schools' | 'calendar' | 'print'

export function isPlanningPage(name: string): name is PlanningPageName {
  return name === 'schools' || name === 'calendar' || name === 'print'
}

interface Props {
  readonly page: PlanningPageName
  readonly doc: Y.Doc
  readonly roomId: string
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
}

export function PlanningPage({ page, doc, roomId, meta, actor, isReadOnly }: Props) {
  return (
    <LazyScreens page={page}>
      {page === 'schools' ? <SchoolsScreen doc={doc} actor={actor} isReadOnly={isReadOnly} /> : null}
      {page === 'calendar' ? <CalendarScreen doc={doc} roomId={roomId} meta={meta} actor={actor} isReadOnly={isReadOnly} /> : null}
      {page === 'print' ? <PrintScreen doc={doc} roomId={roomId} meta={meta} /> : null}
    </LazyScreens>
  )
}
