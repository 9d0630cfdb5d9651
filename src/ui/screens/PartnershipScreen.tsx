/**
 * One partnership: header with its name and the sync indicator, the section navigation, and the
 * page (this week — the first one —, the action plan and its activities, calendar, feedback,
 * schools, contacts, working group, settings).
 *
 * What opening finds decides what is shown (see src/domain/migrations.ts `openDocument`):
 * - `ready`: the partnership;
 * - `too-new`: the partnership, read-only, with a request to update the app;
 * - `empty`: a joined partnership that has not arrived yet (waiting), or — for one created here or
 *   synced before — a copy the browser removed (eviction), fetched again when online.
 * A join the relay refuses before anything arrived is removed again, and the person is sent back
 * to the join screen with the reason.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type ComponentType, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { openDocument, readMeta, type OpenState } from '../../domain'
import { deleteLocalDocument, forgetPartnership, getPartnership, renamePartnership, type PartnershipEntry } from '../../storage'
import type { CloseReason } from '../../sync'
import { BackPage } from '../components/BackPage'
import { DeliveryContext } from '../components/DeliveryStatus'
import { PartnershipNav } from '../components/PartnershipNav'
import { ReadOnlyBanner } from '../components/ReadOnlyBanner'
import { SwitchPersonButton } from '../components/people/SwitchPersonButton'
import { WhoIsHere, needsWhoIsHere } from '../components/people/WhoIsHere'
import { SyncFileStrip, SyncIndicator } from '../components/SyncIndicator'
import { RemovedNotice } from '../components/devices/RemovedNotice'
import { useDeviceAnnouncement } from '../components/devices/deviceName'
import { useActor } from '../hooks/useActor'
import { useDocVersion } from '../hooks/useDocVersion'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { useCurrentPerson } from '../hooks/usePeople'
import { usePartnershipSession } from '../hooks/usePartnershipSession'
import type { PartnershipSession } from '../session/openSession'
import { navigate, rememberPartnership } from '../router'
import { LazyScreens } from '../components/LazyScreens'
import { PartnershipContext, type DeletedActivity, type OpenPartnership as OpenPartnershipValue } from '../hooks/usePartnership'
import { pageDef, pageHref, parsePage, type PartnershipPage } from '../pages'
import '../partnership.css'

interface Props {
  readonly roomId: string
  /** What follows the room id in the address; the page is made from it with the page table. */
  readonly path: string
  readonly onJoinRefused: (code: string, reason: CloseReason) => void
}

/** The entry as stored; `null` while loading, `undefined` when not on this device. */
function useEntry(roomId: string): PartnershipEntry | undefined | null {
  return useLiveQuery(() => getPartnership(roomId), [roomId], null)
}

export function PartnershipScreen({ roomId, path, onJoinRefused }: Props) {
  const page = useMemo(() => parsePage(path), [path])
  const session = usePartnershipSession(roomId)
  const entry = useEntry(roomId)
  useEffect(() => {
    if (entry) rememberPartnership(roomId)
  }, [entry, roomId])
  if (session.phase === 'missing' || session.phase === 'broken') return <NotOnDevice />
  if (session.phase === 'opening' || entry === null) return <Opening />
  if (entry === undefined) return <NotOnDevice />
  return <OpenPartnership session={session.session} entry={entry} page={page} onJoinRefused={onJoinRefused} />
}

/** The frame while the document opens. */
function Opening() {
  const { t } = useTranslation()
  return (
    <BackPage back={t('nav.allPartnerships')}>
      <p className="muted">{t('partnership.opening')}</p>
    </BackPage>
  )
}

function NotOnDevice() {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  return (
    <BackPage back={t('nav.allPartnerships')}>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('partnership.missingTitle')}
      </h1>
      <p>{t('partnership.missing')}</p>
    </BackPage>
  )
}

/** How long to wait for the browser to delete a document before moving on without it. */
const DELETE_WAIT_MS = 3000

/**
 * Takes a partnership off this device: its entry and unsent changes, then its document. Deleting
 * the document waits while another tab still has the database open; after DELETE_WAIT_MS we move
 * on, and the browser finishes when that tab lets go.
 */
async function removeFromDevice(roomId: string): Promise<void> {
  await forgetPartnership(roomId)
  await Promise.race([
    deleteLocalDocument(roomId).catch(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, DELETE_WAIT_MS)),
  ])
}

function isSameOpenState(a: OpenState | undefined, b: OpenState): boolean {
  return a !== undefined && a.kind === b.kind && ('schemaVersion' in a ? a.schemaVersion : 0) === ('schemaVersion' in b ? b.schemaVersion : 0)
}

interface OpenProps {
  readonly session: PartnershipSession
  readonly entry: PartnershipEntry
  readonly page: PartnershipPage
  readonly onJoinRefused: (code: string, reason: CloseReason) => void
}

function OpenPartnership({ session, entry, page, onJoinRefused }: OpenProps) {
  const { t } = useTranslation()
  const { doc, conn, roomId } = session
  const version = useDocVersion(doc)
  const sync = useSyncExternalStore(conn.subscribe, conn.getState)
  // read on every render; `version` above makes this component render on every change
  const meta = readMeta(doc)
  const metaName = meta?.name
  const actor = useActor(entry)
  const currentPerson = useCurrentPerson()
  const [openState, setOpenState] = useState<OpenState | undefined>()
  const [lastDeleted, setLastDeleted] = useState<DeletedActivity | undefined>()
  const isLeaving = useRef(false)
  const delivery = useMemo(() => ({ conn, mySchoolId: entry.mySchoolId }), [conn, entry.mySchoolId])
  // this device's name, school and person in the document's `devices`, for the other phones' "Devices"
  useDeviceAnnouncement(doc, entry, openState?.kind === 'ready')
  const isRemoved = sync.kind === 'removed' || entry.removedAt !== undefined

  // Runs the migrations the document lacks (idempotent) — at open, and again when the partner's
  // copy arrives or a newer app on another device raises the schema version.
  useEffect(() => {
    const next = openDocument(doc)
    setOpenState((prev) => (isSameOpenState(prev, next) ? prev : next))
  }, [doc, version])

  // The list on the home screen shows the name before a document is opened.
  useEffect(() => {
    if (metaName && metaName !== entry.name) void renamePartnership(roomId, metaName)
  }, [metaName, entry.name, roomId])

  // A refused join, before anything arrived: take it off this device and explain on the join screen.
  useEffect(() => {
    if (sync.kind !== 'refused' || entry.origin !== 'joined' || readMeta(doc) || isLeaving.current) return
    isLeaving.current = true
    const { reason } = sync
    void (async () => {
      await session.close()
      await removeFromDevice(roomId)
      onJoinRefused(entry.inviteCode, reason)
    })()
  }, [sync, entry.origin, entry.inviteCode, doc, session, roomId, onJoinRefused])

  useEffect(() => {
    if (page.name !== 'plan') setLastDeleted(undefined)
  }, [page.name])

  const title = meta?.name || entry.name || t('home.unnamed')
  const isReadOnly = openState?.kind === 'too-new'

  let body: ReactNode
  if (openState === undefined) body = <p className="muted">{t('partnership.opening')}</p>
  else if (openState.kind === 'empty' || !meta) {
    body = <NotArrived entry={entry} session={session} />
  } else if (currentPerson.isLoading) {
    body = <p className="muted">{t('partnership.opening')}</p>
  } else if (needsWhoIsHere(entry, currentPerson.person !== undefined)) {
    // on a device that just joined (or that nobody uses yet): which school, and who, before any edit
    body = <WhoIsHere entry={entry} meta={meta} />
  } else if (!actor && !pageDef(page.name).withoutActor) {
    // this device's id in the partnership is being made (once)
    body = <p className="muted">{t('partnership.opening')}</p>
  } else {
    body = <PageScreen page={page} />
  }

  const isOpen = openState !== undefined && openState.kind !== 'empty' && meta !== undefined && !currentPerson.isLoading && !needsWhoIsHere(entry, currentPerson.person !== undefined)
  const partnership: OpenPartnershipValue | undefined = meta ? { session, doc, roomId, entry, meta, actor, isReadOnly, lastDeleted, setLastDeleted } : undefined
  return (
    <div className={isOpen ? 'page page-with-nav' : 'page'}>
      <header className="topbar topbar-partnership">
        <div className="topbar-inner">
          <a className="topbar-back" href="#/">
            <span className="visually-hidden">{t('nav.allPartnerships')}</span>
          </a>
          <div className="topbar-title">
            <h1 title={title} dir="auto">
              {title}
            </h1>
            <SyncIndicator conn={conn} />
          </div>
          <SwitchPersonButton />
        </div>
      </header>
      {isOpen ? <PartnershipNav roomId={roomId} page={page.name} /> : null}
      <main className="container">
        {meta && page.name === 'week' ? <p className="partnership-schools">{t('partnership.schools', { a: meta.schoolA.name, b: meta.schoolB.name })}</p> : null}
        {isRemoved ? <RemovedNotice session={session} entry={entry} /> : null}
        {isOpen && page.name !== 'changesFile' ? <SyncFileStrip conn={conn} href={pageHref(roomId, 'changesFile')} /> : null}
        {isReadOnly ? <ReadOnlyBanner doc={doc} roomId={roomId} page={page.name} /> : null}
        <PartnershipContext.Provider value={partnership}>
          <DeliveryContext.Provider value={delivery}>{body}</DeliveryContext.Provider>
        </PartnershipContext.Provider>
      </main>
    </div>
  )
}

/** The page's screen from the table, with its parameters; a new page starts afresh. */
function PageScreen({ page }: { readonly page: PartnershipPage }) {
  const { name, ...params } = page
  const Screen = pageDef(name).screen as ComponentType<Record<string, string>>
  const key = Object.values(params).join('/')
  return (
    <LazyScreens page={`${name}/${key}`}>
      <Screen key={key} {...params} />
    </LazyScreens>
  )
}

/** The document holds nothing yet: a join on its way, or a copy the browser removed. */
function NotArrived({ entry, session }: { readonly entry: PartnershipEntry; readonly session: PartnershipSession }) {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [isRemoving, setIsRemoving] = useState(false)
  // `lastSyncedAt` alone is no proof: the connection reports an empty document as fully synced
  // before it ever reached the relay. A joined partnership had arrived once the relay accepted it.
  const wasEvicted = entry.origin === 'created' || (entry.lastSyncedAt !== undefined && entry.isKnownToRelay)

  const remove = async (): Promise<void> => {
    setIsRemoving(true)
    await session.close()
    await removeFromDevice(entry.roomId)
    navigate('#/', { replace: true })
  }

  return (
    <section className="notice" aria-labelledby="not-arrived-heading">
      <h2 id="not-arrived-heading" ref={headingRef} tabIndex={-1}>
        {wasEvicted ? t('partnership.evictedTitle') : t('partnership.waitingTitle')}
      </h2>
      <p>{wasEvicted ? t('partnership.evicted') : t('partnership.waiting')}</p>
      <p className="hint">{wasEvicted ? t('partnership.evictedHint') : t('partnership.waitingHint')}</p>
      {!wasEvicted ? (
        <div className="actions">
          <button type="button" className="button-secondary" disabled={isRemoving} onClick={() => void remove()}>
            {t('partnership.cancelJoin')}
          </button>
        </div>
      ) : null}
    </section>
  )
}
