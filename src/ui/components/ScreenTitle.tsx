/**
 * A screen's title: its focused h2 (ScreenHeading.tsx) and, when the screen has one, its main
 * action beside it ("Write a letter", "Print") in a row that wraps on a phone. Label the screen's
 * section with the same `id`.
 */
import type { ReactNode } from 'react'
import { ScreenHeading } from './ScreenHeading'

interface Props {
  readonly id: string
  readonly children: ReactNode
  /** Shown beside the title. */
  readonly action?: ReactNode
}

export function ScreenTitle({ id, children, action }: Props) {
  const heading = <ScreenHeading id={id}>{children}</ScreenHeading>
  return action ? (
    <div className="section-head">
      {heading}
      {action}
    </div>
  ) : (
    heading
  )
}
