/**
 * An activity address that leads nowhere on this device (part of ActivityScreen): not here (yet),
 * or removed outright by another program, with the way back to the plan and to "Recently deleted".
 */
import { useTranslation } from 'react-i18next'
import { ScreenSection } from '../components/ScreenSection'
import { pageHref } from '../pages'

export function ActivityNotFound({ roomId, isRemoved }: { readonly roomId: string; readonly isRemoved: boolean }) {
  const { t } = useTranslation()
  return (
    <ScreenSection headingId="activity-heading" title={t('activity.notFoundTitle')}>
      {isRemoved ? (
        <p>
          {t('activity.removed')} <a href={pageHref(roomId, 'restore')}>{t('restore.title')}</a>
        </p>
      ) : (
        <p>{t('activity.notFound')}</p>
      )}
      <p>
        <a className="back-link" href={pageHref(roomId, 'plan')}>{t('activity.backToPlan')}</a>
      </p>
    </ScreenSection>
  )
}
