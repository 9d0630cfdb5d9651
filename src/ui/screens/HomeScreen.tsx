/**
 * Home: the partnerships on this device, and the two ways to start — create one, or join the one
 * a partner school created. On first run only the two ways in are shown.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listPartnerships, type PartnershipEntry } from '../../storage'
import { LanguagePicker } from '../components/LanguagePicker'
import { SwitchPersonButton } from '../components/people/SwitchPersonButton'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { navigate, partnershipHref } from '../router'

function PartnershipLink({ entry }: { readonly entry: PartnershipEntry }) {
  const { t } = useTranslation()
  const isWaiting = entry.origin === 'joined' && !entry.name
  return (
    <a className="card-link" href={partnershipHref(entry.roomId)}>
      <span className="card-title">{entry.name || t('home.unnamed')}</span>
      <span className="card-meta">{isWaiting ? t('home.waiting') : entry.origin === 'created' ? t('home.createdHere') : t('home.joined')}</span>
    </a>
  )
}

/** The list read before the first render (`preloadPartnerships`), until the live query has answered once. */
let preloaded: PartnershipEntry[] | undefined

/**
 * Reads the device's partnerships before the app's first render (main.tsx), so that the home
 * screen is drawn whole in that render, not drawn again in one piece when its live query answers.
 */
export async function preloadPartnerships(): Promise<void> {
  preloaded = await listPartnerships().catch(() => undefined)
}

export function HomeScreen() {
  const { t } = useTranslation()
  const [initial] = useState(() => preloaded)
  const entries = useLiveQuery(
    () =>
      listPartnerships().then((list) => {
        preloaded = undefined // a later visit waits for its own answer: the list may have changed meanwhile
        return list
      }),
    [],
    initial,
  )
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const hasPartnerships = entries !== undefined && entries.length > 0
  return (
    <div className="page">
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">
            {/* the icon drawn inline: an <img> of an SVG costs the page a whole SVG document (≈ 50 ms on a slow phone, before the first paint) */}
            <svg viewBox="0 0 64 64" width="28" height="28" aria-hidden="true" focusable="false">
              <rect width="64" height="64" rx="14" fill="#1f6f5c" />
              <circle cx="23" cy="32" r="16.5" fill="#fff" fillOpacity=".92" />
              <circle cx="41" cy="32" r="16.5" fill="#f2c14e" fillOpacity=".88" />
            </svg>
            {t('app.name')}
          </span>
          <SwitchPersonButton />
        </div>
      </header>
      <main className="container">
        {hasPartnerships ? (
          <section aria-labelledby="home-list-heading">
            <h1 id="home-list-heading" ref={headingRef} tabIndex={-1}>
              {t('home.listHeading')}
            </h1>
            <ul className="card-list">
              {entries.map((entry) => (
                <li key={entry.roomId}>
                  <PartnershipLink entry={entry} />
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <>
            <h1 ref={headingRef} tabIndex={-1}>
              {t('home.welcome')}
            </h1>
            <p className="lead">{t('home.intro')}</p>
          </>
        )}
        {entries !== undefined ? (
          <section aria-labelledby="home-start-heading" className="start">
            <h2 id="home-start-heading" className={hasPartnerships ? undefined : 'visually-hidden'}>
              {t('home.startHeading')}
            </h2>
            <div className="choice">
              <div className="choice-item">
                <button type="button" className="button-primary" onClick={() => navigate('#/create')}>
                  {t('create.title')}
                </button>
                <p className="hint">{t('home.createHint')}</p>
              </div>
              <div className="choice-item">
                <button type="button" className="button-secondary" onClick={() => navigate('#/join')}>
                  {t('join.title')}
                </button>
                <p className="hint">{t('home.joinHint')}</p>
              </div>
            </div>
          </section>
        ) : null}
        {/* drawn with the section above, not before it: appearing below it, it would be pushed
            down once the list is known (a layout shift) */}
        {entries !== undefined ? (
          <footer className="home-footer">
            <LanguagePicker id="home-language" />
          </footer>
        ) : null}
      </main>
    </div>
  )
}
