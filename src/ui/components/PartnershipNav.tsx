/**
 * The sections of one partnership, made from the page table (pages.tsx). On a phone (narrower
 * than 700 px) a bar fixed at the bottom holds the destinations a teacher uses every week and
 * More, which lists the rest by group (screens/MoreScreen.tsx); on a wider screen one bar under
 * the header holds every section, and More is not needed. The entries hidden on a phone are
 * `display: none` there, so they are out of the accessibility tree too.
 */
import { useTranslation } from 'react-i18next'
import { PAGES, PageIcon, navEntryOf, pageHref, type PageName, type SimplePageName } from '../pages'

export function PartnershipNav({ roomId, page }: { readonly roomId: string; readonly page: PageName }) {
  const { t } = useTranslation()
  const current = navEntryOf(page)
  const entries = PAGES.filter((p) => p.nav !== undefined)
  // on a phone, a page listed under More keeps More lit
  const isUnderMore = PAGES.some((p) => p.name === current && p.nav === 'more')
  return (
    <nav aria-label={t('nav.label')} className="sections">
      <ul>
        {entries.map((p) => (
          <li key={p.name} className={`sections-${p.nav ?? ''}${p.name === 'more' ? ' sections-more-entry' : ''}`}>
            <a
              href={pageHref(roomId, p.name as SimplePageName)}
              aria-current={p.name === current ? 'page' : undefined}
              data-lit={p.name === current || (p.name === 'more' && isUnderMore) ? 'true' : undefined}
            >
              <PageIcon name={p.name} />
              <span className="sections-label">{t(p.label)}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
