/**
 * A page outside an open partnership (create, join, opening, not on this device): a top bar with
 * the way back to the list of partnerships and "Switch person", and the page's content.
 */
import type { ReactNode } from 'react'
import { SwitchPersonButton } from './people/SwitchPersonButton'

export function BackPage({ back, children }: { readonly back: string; readonly children: ReactNode }) {
  return (
    <div className="page">
      <header className="topbar">
        <div className="topbar-inner">
          <a className="topbar-back" href="#/">
            {back}
          </a>
          <SwitchPersonButton />
        </div>
      </header>
      <main className="container">{children}</main>
    </div>
  )
}
