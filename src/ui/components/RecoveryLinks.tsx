/** Settings' way to the pages for getting things back: Recently deleted, Restore the partnership. */
import { useTranslation } from 'react-i18next'
import { pageHref } from '../pages'
import '../restore.css'

export function RecoveryLinks({ roomId }: { readonly roomId: string }) {
  const { t } = useTranslation()
  return (
    <section className="card" aria-labelledby="settings-recovery-heading">
      <h3 id="settings-recovery-heading">{t('restore.settingsTitle')}</h3>
      <p className="hint">{t('restore.settingsHint')}</p>
      <div className="banner-actions">
        <a className="restore-action" href={pageHref(roomId, 'deleted')}>
          {t('deleted.title')}
        </a>
        <a className="restore-action" href={pageHref(roomId, 'restore')}>
          {t('restore.title')}
        </a>
      </div>
    </section>
  )
}
