/**
 * The planning-cycle pages behind This week — feedback and one reflection, contacts, the working
 * group, partner organisations, growth over the years — loaded on first use (React.lazy) so the
 * first view stays small on prepaid data. The service worker precaches their chunks, so they open
 * offline too. This week itself is the first screen and is not lazy.
 */
import type { CycleScreenProps } from '../cycle'
import { LazyScreens, lazyScreen } from '../components/LazyScreens'

const FeedbackScreen = lazyScreen(() => import('./FeedbackScreen').then((m) => ({ default: m.FeedbackScreen })))
const ReflectionScreen = lazyScreen(() => import('./ReflectionScreen').then((m) => ({ default: m.ReflectionScreen })))
const ContactsScreen = lazyScreen(() => import('./ContactsScreen').then((m) => ({ default: m.ContactsScreen })))
const GroupScreen = lazyScreen(() => import('./GroupScreen').then((m) => ({ default: m.GroupScreen })))
const OrganisationsScreen = lazyScreen(() => import('./OrganisationsScreen').then((m) => ({ default: m.OrganisationsScreen })))
const GrowthScreen = lazyScreen(() => import('./GrowthScreen').then((m) => ({ default: m.GrowthScreen })))

export type CyclePageName = 'feedback' | 'reflection' | 'contacts' | 'group' | 'organisations' | 'growth'

export function isCyclePage(name: string): name is CyclePageName {
  return name === 'feedback' || name === 'reflection' || name === 'contacts' || name === 'group' || name === 'organisations' || name === 'growth'
}

export function CyclePage({ page, reflectionId = '', ...props }: CycleScreenProps & { readonly page: CyclePageName; readonly reflectionId?: string }) {
  return (
    <LazyScreens page={page}>
      {page === 'feedback' ? <FeedbackScreen {...props} /> : null}
      {page === 'reflection' ? <ReflectionScreen key={reflectionId} {...props} reflectionId={reflectionId} /> : null}
      {page === 'contacts' ? <ContactsScreen {...props} /> : null}
      {page === 'group' ? <GroupScreen {...props} /> : null}
      {page === 'organisations' ? <OrganisationsScreen {...props} /> : null}
      {page === 'growth' ? <GrowthScreen {...props} /> : null}
    </LazyScreens>
  )
}
