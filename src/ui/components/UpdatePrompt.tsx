/**
 * "A new version is ready" with a Reload button (the update never applies itself); and on a first
 * visit, whether the app works offline yet: a quiet note while it is being stored, then once
 * "works without a connection", both closable (see src/pwa/register.ts).
 *
 * The notes float over the foot of the screen; while one is shown, the page gets as much room
 * below its end (`--toast-space`, app.css) so that what is at the foot — the home screen's
 * language picker on a 360 px phone — can be scrolled up above it instead of sitting under it.
 */
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { applyUpdate, dismissOfflineNote, getUpdateState, subscribeToUpdates } from '../../pwa/register'

/** How long "works without a connection" stays when not closed. */
const OFFLINE_READY_SHOWN_MS = 12_000

export function UpdatePrompt() {
  const { t } = useTranslation()
  const { isUpdateWaiting, offline } = useSyncExternalStore(subscribeToUpdates, getUpdateState)
  const region = useRef<HTMLDivElement>(null)
  const isShowing = isUpdateWaiting || offline === 'pending' || offline === 'just-ready'
  useLayoutEffect(() => {
    const el = region.current
    const root = document.documentElement
    if (!el || !isShowing) {
      root.style.removeProperty('--toast-space')
      return undefined
    }
    const reserve = (): void => root.style.setProperty('--toast-space', `${el.offsetHeight}px`)
    reserve()
    // the note's height changes with the language, the text size and the screen's width
    const watcher = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(reserve)
    watcher?.observe(el)
    return () => {
      watcher?.disconnect()
      root.style.removeProperty('--toast-space')
    }
  }, [isShowing])
  // said once, briefly: the note goes by itself after a while
  useEffect(() => {
    if (offline !== 'just-ready') return undefined
    const timer = setTimeout(dismissOfflineNote, OFFLINE_READY_SHOWN_MS)
    return () => clearTimeout(timer)
  }, [offline])
  return (
    <div className="toast-region" aria-live="polite" ref={region}>
      {isUpdateWaiting ? (
        <div className="toast">
          <p>{t('update.ready')}</p>
          <button type="button" onClick={applyUpdate}>
            {t('update.reload')}
          </button>
        </div>
      ) : null}
      {!isUpdateWaiting && (offline === 'pending' || offline === 'just-ready') ? (
        <div className={offline === 'pending' ? 'toast toast-quiet' : 'toast'}>
          <p>{offline === 'pending' ? t('update.offlinePending') : t('update.offlineReady')}</p>
          <button type="button" onClick={dismissOfflineNote}>
            {t('update.dismiss')}
          </button>
        </div>
      ) : null}
    </div>
  )
}
