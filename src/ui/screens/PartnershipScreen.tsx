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
 *
 * While the document is loading (seconds for a partnership of several years on a cheap phone), the
 * action plan shows its saved view (planning/SavedPlan.tsx): the plan as it was last shown on this
 * device, marked and read-only, in the same frame, until the live plan takes its place.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { startTransition, useDeferredValue, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ComponentType, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { openDocument, readMeta, type OpenState } from '../../domain'
import { deleteLocalDocument, forgetPartnership, getPartnership, readPlanView, renamePartnership, type PartnershipEntry, type SavedPlanView } from '../../storage'
import type { CloseReason, SyncState } from '../../sync'
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
import { SavedPlan, SavedPlanNotice, hasSavedCards } from '../planning/SavedPlan'
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

/** How long the opening of the document waits at most for the saved view to be drawn. */
const SAVED_VIEW_FIRST_MS = 1000

interface SavedPlanState {
  /** The saved view worth showing, once read. */
  readonly view: SavedPlanView | undefined
  /** Resolves once the saved view is drawn (or there is none, or after SAVED_VIEW_FIRST_MS): the document's opening waits for it. */
  readonly drawn: Promise<void>
}

/**
 * The plan's saved view on this device, read once when the partnership is opened. Opening on the
 * plan also fetches the plan's screen at once, so it is there when the document is, and lets the
 * saved view be drawn before the document is read (both are work for the same thread).
 */
function useSavedPlan(roomId: string, isPlan: boolean): SavedPlanState {
  const [view, setView] = useState<{ readonly roomId: string; readonly view: SavedPlanView } | undefined>()
  const [gate] = useState(() => {
    let open = (): void => undefined
    const drawn = new Promise<void>((resolve) => (open = resolve))
    if (!isPlan) open()
    return { drawn, open }
  })
  const opensOnPlan = useRef(isPlan)
  useEffect(() => {
    let isCancelled = false
    const timer = setTimeout(gate.open, SAVED_VIEW_FIRST_MS)
    void readPlanView(roomId).then((v) => {
      if (isCancelled) return
      // drawn as a transition: in slices, card by card, not one long task
      if (hasSavedCards(v)) startTransition(() => setView({ roomId, view: v }))
      else gate.open()
    })
    if (opensOnPlan.current) void import('../planning/PlanScreen').catch(() => undefined)
    return () => {
      isCancelled = true
      clearTimeout(timer)
    }
  }, [roomId, gate])
  const shown = view?.roomId === roomId ? view.view : undefined
  // drawn: once the next frame is painted
  useEffect(() => {
    if (!shown) return
    const frame = requestAnimationFrame(() => setTimeout(gate.open, 0))
    return () => cancelAnimationFrame(frame)
  }, [shown, gate])
  return { view: shown, drawn: gate.drawn }
}

export function PartnershipScreen({ roomId, path, onJoinRefused }: Props) {
  const page = useMemo(() => parsePage(path), [path])
  const saved = useSavedPlan(roomId, page.name === 'plan')
  const session = usePartnershipSession(roomId, saved.drawn)
  const entry = useEntry(roomId)
  const savedPlan = page.name === 'plan' ? saved.view : undefined
  useEffect(() => {
    if (entry) rememberPartnership(roomId)
  }, [entry, roomId])
  if (session.phase === 'missing' || session.phase === 'broken') return <NotOnDevice />
  if (session.phase === 'opening' || entry === null) return savedPlan ? <SavedPlanPage roomId={roomId} view={savedPlan} /> : <Opening />
  if (entry === undefined) return <NotOnDevice />
  return <OpenPartnership session={session.session} entry={entry} page={page} savedPlan={savedPlan} onJoinRefused={onJoinRefused} />
}

/** The partnership's header: the way back, its name, a status line under it, "Switch person". */
function PartnershipHeader({ title, status }: { readonly title: string; readonly status: ReactNode }) {
  const { t } = useTranslation()
  return (
    <header className="topbar topbar-partnership">
      <div className="topbar-inner">
        <a className="topbar-back" href="#/">
          <span className="visually-hidden">{t('nav.allPartnerships')}</span>
        </a>
        <div className="topbar-title">
          <h1 title={title} dir="auto">
            {title}
          </h1>
          {status}
        </div>
        <SwitchPersonButton />
      </div>
    </header>
  )
}

/** The plan's saved view in the partnership's frame, while the session opens. */
function SavedPlanPage({ roomId, view }: { readonly roomId: string; readonly view: SavedPlanView }) {
  const { t } = useTranslation()
  return (
    <div className="page page-with-nav">
      <PartnershipHeader title={view.name || t('home.unnamed')} status={<div className="sync-status">{t('partnership.opening')}</div>} />
      <PartnershipNav roomId={roomId} page="plan" />
      <main className="container">
        <SavedPlanNotice view={view} />
        <SavedPlan view={view} />
      </main>
    </div>
  )
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
  /** The plan's saved view, shown on the plan until this device can show the live one. */
  readonly savedPlan: SavedPlanView | undefined
  readonly onJoinRefused: (code: string, reason: CloseReason) => void
}

function OpenPartnership({ session, entry, page, savedPlan: savedAtStart, onJoinRefused }: OpenProps) {
  const { t } = useTranslation()
  const { doc, conn, roomId } = session
  const version = useDocVersion(doc)
  // only what this screen acts on: a change of "Synced", "Offline", … redraws the indicator, not the whole page
  const ending = useSyncExternalStore(conn.subscribe, () => endingOf(conn.getState()))
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
  const isRemoved = ending === 'removed' || entry.removedAt !== undefined

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
    if (ending === undefined || ending === 'removed' || entry.origin !== 'joined' || readMeta(doc) || isLeaving.current) return
    isLeaving.current = true
    const { reason } = ending
    void (async () => {
      await session.close()
      await removeFromDevice(roomId)
      onJoinRefused(entry.inviteCode, reason)
    })()
  }, [ending, entry.origin, entry.inviteCode, doc, session, roomId, onJoinRefused])

  useEffect(() => {
    if (page.name !== 'plan') setLastDeleted(undefined)
  }, [page.name])

  const title = meta?.name || entry.name || t('home.unnamed')
  const isReadOnly = openState?.kind === 'too-new'

  const isPageReady =
    openState !== undefined &&
    openState.kind !== 'empty' &&
    meta !== undefined &&
    !currentPerson.isLoading &&
    !needsWhoIsHere(entry, currentPerson.person !== undefined) &&
    (actor !== undefined || pageDef(page.name).withoutActor === true)
  // the page's first render is a transition: React draws it in slices (no long task on a cheap
  // phone), and what was shown before (the plan's saved view) stays until it is done
  const mayShowPage = useDeferredValue(isPageReady, false)
  // the saved view only until a live page was shown: later it would be older than what was seen
  const [hasShownPage, setHasShownPage] = useState(false)
  useEffect(() => {
    if (mayShowPage) setHasShownPage(true)
  }, [mayShowPage])
  const savedPlan = hasShownPage ? undefined : savedAtStart
  // still opening: the plan's saved view where there is one, else "Opening…"
  const opening = savedPlan ? <SavedPlan view={savedPlan} /> : <p className="muted">{t('partnership.opening')}</p>
  let body: ReactNode
  if (openState === undefined) body = opening
  else if (openState.kind === 'empty' || !meta) {
    body = <NotArrived entry={entry} session={session} />
  } else if (currentPerson.isLoading) {
    body = opening
  } else if (needsWhoIsHere(entry, currentPerson.person !== undefined)) {
    // on a device that just joined (or that nobody uses yet): which school, and who, before any edit
    body = <WhoIsHere entry={entry} meta={meta} />
  } else if (!actor && !pageDef(page.name).withoutActor) {
    // this device's id in the partnership is being made (once)
    body = opening
  } else if (!mayShowPage) {
    body = opening
  } else {
    // while the plan's code loads (it was asked for at the start: seldom), still the saved view
    const fallback = savedAtStart ? (
      <>
        <SavedPlanNotice view={savedAtStart} />
        <SavedPlan view={savedAtStart} />
      </>
    ) : undefined
    body = <PageScreen page={page} fallback={fallback} />
  }
  const isShowingSaved = savedPlan !== undefined && body === opening

  const isOpen = openState !== undefined && openState.kind !== 'empty' && meta !== undefined && !currentPerson.isLoading && !needsWhoIsHere(entry, currentPerson.person !== undefined)
  const partnership: OpenPartnershipValue | undefined = meta ? { session, doc, roomId, entry, meta, actor, isReadOnly, lastDeleted, setLastDeleted } : undefined
  return (
    <div className={isOpen || isShowingSaved ? 'page page-with-nav' : 'page'}>
      <PartnershipHeader title={title} status={<SyncIndicator conn={conn} />} />
      {isOpen || isShowingSaved ? <PartnershipNav roomId={roomId} page={page.name} /> : null}
      <main className="container">
        {meta && page.name === 'week' ? <p className="partnership-schools">{t('partnership.schools', { a: meta.schoolA.name, b: meta.schoolB.name })}</p> : null}
        {isRemoved ? <RemovedNotice session={session} entry={entry} /> : null}
        {isShowingSaved && savedPlan ? <SavedPlanNotice view={savedPlan} /> : null}
        {(isOpen || isShowingSaved) && page.name !== 'changesFile' ? <SyncFileStrip conn={conn} href={pageHref(roomId, 'changesFile')} /> : null}
        {isReadOnly ? <ReadOnlyBanner doc={doc} roomId={roomId} page={page.name} /> : null}
        <PartnershipContext.Provider value={partnership}>
          <DeliveryContext.Provider value={delivery}>{body}</DeliveryContext.Provider>
        </PartnershipContext.Provider>
      </main>
    </div>
  )
}

/** The connection's final states, the same object for the same reason (a stable `useSyncExternalStore` snapshot). */
const REFUSED = new Map<CloseReason, { readonly reason: CloseReason }>()
function endingOf(state: SyncState): 'removed' | { readonly reason: CloseReason } | undefined {
  if (state.kind === 'removed') return 'removed'
  if (state.kind !== 'refused') return undefined
  let refused = REFUSED.get(state.reason)
  if (!refused) REFUSED.set(state.reason, (refused = { reason: state.reason }))
  return refused
}

/** The page's screen from the table, with its parameters; a new page starts afresh. `fallback`: shown while its code loads. */
function PageScreen({ page, fallback }: { readonly page: PartnershipPage; readonly fallback?: ReactNode }) {
  const { name, ...params } = page
  const Screen = pageDef(name).screen as ComponentType<Record<string, string>>
  const key = Object.values(params).join('/')
  return (
    <LazyScreens page={`${name}/${key}`} fallback={fallback}>
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
