/** "A new version is ready" with a Reload button; the update never applies itself. */
import { useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { applyUpdate, getUpdateState, subscribeToUpdates } from '../../pwa/register'

export function UpdatePrompt() {
  const { t } = useTranslation()
  const { isUpdateWaiting } = useSyncExternalStore(subscribeToUpdates, getUpdateState)
  return (
    <div className="toast-region" aria-live="polite">
      {isUpdateWaiting ? (
        <div className="toast">
          <p>{t('update.ready')}</p>
          <button type="button" onClick={applyUpdate}>
            {t('update.reload')}
          </button>
        </div>
      ) : null}
    </div>
  )
}
