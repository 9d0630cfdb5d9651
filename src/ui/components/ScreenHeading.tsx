/**
 * A screen's heading (its h2), focused when the screen appears (`useFocusOnMount`), so a change of
 * screen is announced like a page load and a keyboard user starts at the top of the new screen.
 */
import type { ReactNode } from 'react'
import { useFocusOnMount } from '../hooks/useFocusOnMount'

export function ScreenHeading({ id, children }: { readonly id: string; readonly children: ReactNode }) {
  const ref = useFocusOnMount<HTMLHeadingElement>()
  return (
    <h2 id={id} ref={ref} tabIndex={-1}>
      {children}
    </h2>
  )
}
