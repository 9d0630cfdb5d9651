/**
 * Moves keyboard and screen-reader focus to a screen's heading when the screen appears, so a
 * change of screen is announced like a page load. Give the element `tabIndex={-1}`.
 */
import { useEffect, useRef } from 'react'

let isFirstScreen = true

export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null)
  useEffect(() => {
    // the very first screen after a load keeps the browser's own focus (top of the page)
    if (isFirstScreen) {
      isFirstScreen = false
      return
    }
    ref.current?.focus({ preventScroll: false })
  }, [])
  return ref
}
