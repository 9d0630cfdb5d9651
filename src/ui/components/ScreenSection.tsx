/**
 * A screen's outer section named by its heading (ScreenHeading.tsx: the focused h2).
 *
 *   <ScreenSection headingId="schools-heading" title={t('schools.title')} className="wide">…
 */
import type { ReactNode } from 'react'
import { ScreenHeading } from './ScreenHeading'

interface ScreenSectionProps {
  readonly headingId: string
  readonly title: string
  readonly className?: string | undefined
  readonly children: ReactNode
}

export function ScreenSection({ headingId, title, className, children }: ScreenSectionProps) {
  return (
    <section aria-labelledby={headingId} className={className}>
      <ScreenHeading id={headingId}>{title}</ScreenHeading>
      {children}
    </section>
  )
}
