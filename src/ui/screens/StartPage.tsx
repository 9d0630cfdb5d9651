/**
 * A page on the way into a partnership (create, join): the way back, and the page's heading, which
 * takes the focus when the page appears, above its content.
 */
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { BackPage } from '../components/BackPage'
import { useFocusOnMount } from '../hooks/useFocusOnMount'

export function StartPage({ title, children }: { readonly title: string; readonly children?: ReactNode }) {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  return (
    <BackPage back={t('nav.back')}>
      <h1 ref={headingRef} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </BackPage>
  )
}
