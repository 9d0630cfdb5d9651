/**
 * The pages for getting things back — Recently deleted, Restore the partnership — loaded on first
 * use, like the other pages beyond the first view (the service worker precaches their chunks), and
 * with the same "could not be loaded · Try again" when a chunk cannot be fetched.
 */
import type * as Y from 'yjs'
import type { Actor } from '../../domain'
import type { Invite } from '../../sync'
import { LazyScreens, lazyScreen } from '../components/LazyScreens'

const RecentlyDeletedScreen = lazyScreen(() => import('./RecentlyDeletedScreen').then((m) => ({ default: m.RecentlyDeletedScreen })))
const RestoreScreen = lazyScreen(() => import('./RestoreScreen').then((m) => ({ default: m.RestoreScreen })))

export type RestorePageName = 'deleted' | 'restore'

export function isRestorePage(name: string): name is RestorePageName {
  return name === 'deleted' || name === 'restore'
}

interface Props {
  readonly page: RestorePageName
  readonly doc: Y.Doc
  readonly roomId: string
  readonly invite: Invite
  readonly actor: Actor
  readonly isReadOnly: boolean
}

export function RestorePage({ page, doc, roomId, invite, actor, isReadOnly }: Props) {
  return (
    <LazyScreens page={page}>
      {page === 'deleted' ? <RecentlyDeletedScreen doc={doc} roomId={roomId} actor={actor} isReadOnly={isReadOnly} /> : null}
      {page === 'restore' ? <RestoreScreen doc={doc} roomId={roomId} invite={invite} actor={actor} /> : null}
    </LazyScreens>
  )
}
