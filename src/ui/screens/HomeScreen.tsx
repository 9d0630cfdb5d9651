/**
 * Home: the partnerships on this device, and the two ways to start — create one, or join the one
 * a partner school created. On first run only the two ways in are shown.
 */
import { useLiveQuery } from 'dexie-react-hooks'
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

export function HomeScreen() {
  const { t } = useTranslation()
  const entries = useLiveQuery(listPartnerships, [])
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const hasPartnerships = entries !== undefined && entries.length > 0
  return (
    <div className="page">
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">
            <img src="/favicon.svg" alt="" width="28" height="28" />
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
