/**
 * The sections of one partnership. On a phone they form one row that scrolls sideways — the
 * shadow at an edge shows there is more, and the current section is scrolled into view — so the
 * page keeps its height; on a wider screen every section is visible, wrapping if the words need it.
 */
import { useLayoutEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { KeysUnder } from '../../i18n/keys'
import { agreementHref, calendarHref, contactsHref, deletedHref, feedbackHref, groupHref, growthHref, lettersHref, organisationsHref, planHref, schoolsHref, settingsHref, weekHref, type PartnershipPage } from '../router'

interface Section {
  readonly key: KeysUnder<'nav'>
  readonly href: (roomId: string) => string
  /** The pages that belong to this section. */
  readonly pages: readonly PartnershipPage['name'][]
}

const SECTIONS: readonly Section[] = [
  { key: 'week', href: weekHref, pages: ['week'] },
  { key: 'plan', href: planHref, pages: ['plan', 'activity', 'print'] },
  { key: 'letters', href: lettersHref, pages: ['letters', 'letter', 'letterDraft'] },
  { key: 'calendar', href: calendarHref, pages: ['calendar'] },
  { key: 'feedback', href: feedbackHref, pages: ['feedback', 'reflection'] },
  { key: 'schools', href: schoolsHref, pages: ['schools'] },
  { key: 'contacts', href: contactsHref, pages: ['contacts'] },
  { key: 'group', href: groupHref, pages: ['group'] },
  { key: 'agreement', href: agreementHref, pages: ['agreement', 'agreementPrint'] },
  { key: 'organisations', href: organisationsHref, pages: ['organisations'] },
  { key: 'growth', href: growthHref, pages: ['growth'] },
  { key: 'deleted', href: deletedHref, pages: ['deleted', 'restore'] },
  { key: 'settings', href: settingsHref, pages: ['settings'] },
]

export function PartnershipNav({ roomId, page }: { readonly roomId: string; readonly page: PartnershipPage['name'] }) {
  const { t } = useTranslation()
  const listRef = useRef<HTMLUListElement>(null)

  // keep the current section in sight in the sideways-scrolling row (without moving the page)
  useLayoutEffect(() => {
    const list = listRef.current
    const current = list?.querySelector<HTMLElement>('[aria-current="page"]')?.parentElement
    if (!list || !current || list.scrollWidth <= list.clientWidth) return
    const left = current.offsetLeft - list.offsetLeft
    if (left < list.scrollLeft || left + current.offsetWidth > list.scrollLeft + list.clientWidth) {
      list.scrollLeft = left - (list.clientWidth - current.offsetWidth) / 2
    }
  }, [page])

  return (
    <nav aria-label={t('nav.label')} className="tabs">
      <ul ref={listRef}>
        {SECTIONS.map((s) => (
          <li key={s.key}>
            <a href={s.href(roomId)} aria-current={s.pages.includes(page) ? 'page' : undefined}>
              {t(`nav.${s.key}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
