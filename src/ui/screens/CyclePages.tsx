/**
 * The planning-cycle pages behind This week — feedback and one reflection, contacts, the working
 * group, partner organisations, growth over the years — loaded on first use (React.lazy) so the
 * first view stays small on prepaid data. The service worker precaches their chunks, so they open
 * offline too. This week itself is the first screen and is not lazy.
 */
import { Suspense, lazy } from 'react'
import { useTranslation } from 'react-i18next'
import type { CycleScreenProps } from '../cycle'

const FeedbackScreen = lazy(() => import('./FeedbackScreen').then((m) => ({ default: m.FeedbackScreen })))
const ReflectionScreen = lazy(() => import('./ReflectionScreen').then((m) => ({ default: m.ReflectionScreen })))
const ContactsScreen = lazy(() => import('./ContactsScreen').then((m) => ({ default: m.ContactsScreen })))
const GroupScreen = lazy(() => import('./GroupScreen').then((m) => ({ default: m.GroupScreen })))
const OrganisationsScreen = lazy(() => import('./OrganisationsScreen').then((m) => ({ default: m.OrganisationsScreen })))
const GrowthScreen = lazy(() => import('./GrowthScreen').then((m) => ({ default: m.GrowthScreen })))

export type CyclePageName = 'feedback' | 'reflection' | 'contacts' | 'group' | 'organisations' | 'growth'

export function isCyclePage(name: string): name is CyclePageName {
  return name === 'feedback' || name === 'reflection' || name === 'contacts' || name === 'group' || name === 'organisations' || name === 'growth'
}

export function CyclePage({ page, reflectionId = '', ...props }: CycleScreenProps & { readonly page: CyclePageName; readonly reflectionId?: string }) {
  const { t } = useTranslation()
  return (
    <Suspense fallback={<p className="muted">{t('partnership.opening')}</p>}>
      {page === 'feedback' ? <FeedbackScreen {...props} /> : null}
      {page === 'reflection' ? <ReflectionScreen key={reflectionId} {...props} reflectionId={reflectionId} /> : null}
      {page === 'contacts' ? <ContactsScreen {...props} /> : null}
      {page === 'group' ? <GroupScreen {...props} /> : null}
      {page === 'organisations' ? <OrganisationsScreen {...props} /> : null}
      {page === 'growth' ? <GrowthScreen {...props} /> : null}
    </Suspense>
  )
}
