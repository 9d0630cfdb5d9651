/**
 * A page outside an open partnership (create, join, opening, not on this device): a top bar with
 * only the way back to the list of partnerships, and the page's content.
 */
import type { ReactNode } from 'react'

export function BackPage({ back, children }: { readonly back: string; readonly children: ReactNode }) {
  return (
    <div className="page">
      <header className="topbar">
        <div className="topbar-inner">
          <a className="topbar-back" href="#/">
            {back}
          </a>
        </div>
      </header>
      <main className="container">{children}</main>
    </div>
  )
}
