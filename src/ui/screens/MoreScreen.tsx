/**
 * More: on a phone, every section the bottom bar has no room for, by group, each one tap away.
 * Made from the page table (pages.tsx), like the bars. More is a menu, not a place: a section
 * chosen here takes its place in the history, so Back returns to where More was opened from.
 */
import type { MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { usePartnershipOrNone } from '../hooks/usePartnership'
import { PAGES, PAGE_GROUPS, PageIcon, pageHref, type SimplePageName } from '../pages'
import { navigate } from '../router'

function replaceMore(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  event.preventDefault()
  navigate(event.currentTarget.getAttribute('href') ?? '#/', { replace: true })
}

export function MoreScreen() {
  const { t } = useTranslation()
  const { roomId } = usePartnershipOrNone()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  return (
    <section aria-labelledby="more-heading" className="more">
      <h2 id="more-heading" ref={headingRef} tabIndex={-1}>
        {t('nav.more')}
      </h2>
      <nav aria-labelledby="more-heading">
        {PAGE_GROUPS.map((group) => {
          const pages = PAGES.filter((p) => p.group === group && p.nav === 'more')
          if (pages.length === 0) return null
          return (
            <div key={group} className="more-group">
              <h3 id={`more-${group}`}>{t(`nav.groups.${group}`)}</h3>
              <ul aria-labelledby={`more-${group}`}>
                {pages.map((p) => (
                  <li key={p.name}>
                    <a href={pageHref(roomId, p.name as SimplePageName)} className="more-link" onClick={replaceMore}>
                      <PageIcon name={p.name} />
                      <span>{t(p.label)}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          )
        })}
      </nav>
    </section>
  )
}
