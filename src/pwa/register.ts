/**
 * Service-worker registration and the update prompt's state.
 *
 * A new version never takes over on its own: an open tab that lazy-loads an old chunk would get a
 * 404 (workbox#3126). When a new worker is waiting we only tell the UI; on the person's Reload we
 * ask it to take over (`messageSkipWaiting`) and reload once it controls the page.
 *
 * Offline-ready: on a first visit the app does not work offline until the worker has stored (precached)
 * it — on a slow link that can take a minute. Until then `offline` is 'pending'; when the first
 * worker is installed it is 'just-ready' (the UI says once that the app now works without a
 * connection) until dismissed; a page the worker already controls is simply 'ready'.
 * Not registered in development (`vite` dev server), where there is no worker to register.
 */
import { Workbox } from 'workbox-window'

export type OfflineReadiness = 'unknown' | 'pending' | 'just-ready' | 'ready'

export interface UpdateState {
  /** A new version is installed and waits for the person to reload. */
  readonly isUpdateWaiting: boolean
  /** Whether the app works without a connection yet ('unknown': no service worker here). */
  readonly offline: OfflineReadiness
}

let state: UpdateState = { isUpdateWaiting: false, offline: 'unknown' }
const listeners = new Set<() => void>()
let workbox: Workbox | undefined
let isReloading = false
/** Another tab's Reload already switched this page to the new worker: only a reload is left. */
let isNewVersionControlling = false

function setState(next: UpdateState): void {
  state = next
  for (const l of listeners) l()
}

/** For `useSyncExternalStore`. */
export function subscribeToUpdates(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function getUpdateState(): UpdateState {
  return state
}

/** The person has read that the app now works offline (or closed the note while it was getting ready). */
export function dismissOfflineNote(): void {
  setState({ ...state, offline: 'ready' })
}

/** The person tapped Reload: let the waiting worker take over, then reload on `controlling`. */
export function applyUpdate(): void {
  if (!workbox || isReloading) return
  isReloading = true
  if (isNewVersionControlling) {
    window.location.reload()
    return
  }
  workbox.addEventListener('controlling', () => window.location.reload())
  workbox.messageSkipWaiting()
}

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  workbox = new Workbox('/sw.js')
  // no worker controls this page yet: a first visit, the app is being stored for offline use
  setState({ ...state, offline: navigator.serviceWorker.controller ? 'ready' : 'pending' })
  workbox.addEventListener('waiting', () => setState({ ...state, isUpdateWaiting: true }))
  workbox.addEventListener('installed', (event) => {
    // the first worker has precached the app (an update's install says nothing here)
    if (!event.isUpdate && state.offline === 'pending') setState({ ...state, offline: 'just-ready' })
  })
  workbox.addEventListener('controlling', (event) => {
    // the person tapped Reload in another tab; this tab keeps its page until they reload it here
    if (event.isUpdate) isNewVersionControlling = true
  })
  workbox.register().then(
    (registration) => {
      // a worker installed before (this page was loaded past it, e.g. a hard reload): ready, nothing to say
      if (state.offline === 'pending' && registration?.active && !registration.installing && !registration.waiting) setState({ ...state, offline: 'ready' })
    },
    () => {
      // no worker (private mode, an old browser): the app still works while online
      setState({ ...state, offline: 'unknown' })
    },
  )
}
