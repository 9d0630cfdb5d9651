/**
 * Service-worker registration and the update prompt's state.
 *
 * A new version never takes over on its own: an open tab that lazy-loads an old chunk would get a
 * 404 (workbox#3126). When a new worker is waiting we only tell the UI; on the person's Reload we
 * ask it to take over (`messageSkipWaiting`) and reload once it controls the page.
 * Not registered in development (`vite` dev server), where there is no worker to register.
 */
import { Workbox } from 'workbox-window'

export interface UpdateState {
  /** A new version is installed and waits for the person to reload. */
  readonly isUpdateWaiting: boolean
}

let state: UpdateState = { isUpdateWaiting: false }
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
  workbox.addEventListener('waiting', () => setState({ isUpdateWaiting: true }))
  workbox.addEventListener('controlling', (event) => {
    // the person tapped Reload in another tab; this tab keeps its page until they reload it here
    if (event.isUpdate) isNewVersionControlling = true
  })
  workbox.register().catch(() => {
    // no worker (private mode, an old browser): the app still works while online
  })
}
