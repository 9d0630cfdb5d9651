/**
 * Entry point: picks the language (saved setting, else the browser's), loads its locale file,
 * renders the app and registers the service worker (production builds only).
 */
import { StrictMode, startTransition } from 'react'
import { createRoot } from 'react-dom/client'
import { initI18n, pickInitialLanguage } from './i18n'
import { registerServiceWorker } from './pwa/register'
import { readSettings, registry } from './storage'
import { App } from './ui/App'
import { preloadPartnerships } from './ui/screens/HomeScreen'
import { parseRoute, partnershipHref, partnershipToResume, takeInviteFromLocation } from './ui/router'
import './ui/app.css'
import './ui/controls.css'
import './ui/cards.css'

async function savedLanguage(): Promise<string | undefined> {
  try {
    return (await readSettings(registry())).language
  } catch {
    // IndexedDB unavailable (some private modes): the browser's language still applies
    return undefined
  }
}

/** Opens the partnership used last when the app starts at `/`, if it is still on this device. */
async function resumeLastPartnership(): Promise<void> {
  const roomId = partnershipToResume()
  if (!roomId) return
  try {
    if (await registry().partnerships.get(roomId)) window.history.replaceState(null, '', partnershipHref(roomId))
  } catch {
    /* IndexedDB unavailable: start on the home screen */
  }
}

async function start(): Promise<void> {
  const language = pickInitialLanguage(await savedLanguage(), navigator.languages ?? [navigator.language])
  await initI18n(language)
  // an invite link (#join=<code>): prefill the join form, and take the code out of the address bar
  const invitedCode = takeInviteFromLocation()
  if (invitedCode === undefined) await resumeLastPartnership()
  // a changes file shared to the app ("Open with"; src/ui/syncfile/sharedFile.ts): open it on its partnership's page
  if (window.location.hash === '#/shared-changes-file') await import('./ui/syncfile/sharedLanding').then((m) => m.landSharedFile(), () => undefined)
  // starting on the home screen: its list, so that the first render draws it whole
  if (parseRoute(window.location.hash).name === 'home') await preloadPartnerships()
  const root = document.getElementById('root')
  if (!root) throw new Error('#root missing from index.html')
  // The first render as a transition: React draws it in slices of a few milliseconds, giving the
  // browser the main thread in between, instead of one task of ~50 ms (200 ms on a phone 4× slower:
  // Lighthouse's total blocking time). A screen that is still loading shows its fallback as before.
  const reactRoot = createRoot(root)
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <App invitedCode={invitedCode} />
      </StrictMode>,
    )
  })
  registerServiceWorker()
}

void start()
