/**
 * The exchange between the schools — letters (threads, one thread, writing a letter) and the
 * partnership agreement (and its printable form) — loaded on first use (React.lazy) so the first
 * view stays small on prepaid data. The service worker precaches their chunks, so they open
 * offline too.
 */
import { Suspense, lazy } from 'react'
import { useTranslation } from 'react-i18next'
import type { CycleScreenProps } from '../cycle'
import type { PartnershipPage } from '../router'

const LettersScreen = lazy(() => import('./LettersScreen').then((m) => ({ default: m.LettersScreen })))
const LetterScreen = lazy(() => import('./LetterScreen').then((m) => ({ default: m.LetterScreen })))
const LetterDraftScreen = lazy(() => import('./LetterDraftScreen').then((m) => ({ default: m.LetterDraftScreen })))
const AgreementScreen = lazy(() => import('./AgreementScreen').then((m) => ({ default: m.AgreementScreen })))
const AgreementPrintScreen = lazy(() => import('./AgreementPrintScreen').then((m) => ({ default: m.AgreementPrintScreen })))

export type ExchangePage = Extract<PartnershipPage, { readonly name: 'letters' | 'letter' | 'letterDraft' | 'agreement' | 'agreementPrint' }>

export function isExchangePage(page: PartnershipPage): page is ExchangePage {
  return page.name === 'letters' || page.name === 'letter' || page.name === 'letterDraft' || page.name === 'agreement' || page.name === 'agreementPrint'
}

export function ExchangePage({ page, ...props }: CycleScreenProps & { readonly page: ExchangePage }) {
  const { t } = useTranslation()
  return (
    <Suspense fallback={<p className="muted">{t('partnership.opening')}</p>}>
      {page.name === 'letters' ? <LettersScreen {...props} /> : null}
      {page.name === 'letter' ? <LetterScreen key={page.letterId} {...props} letterId={page.letterId} /> : null}
      {page.name === 'letterDraft' ? <LetterDraftScreen key={page.draftId} {...props} draftId={page.draftId} /> : null}
      {page.name === 'agreement' ? <AgreementScreen {...props} /> : null}
      {page.name === 'agreementPrint' ? <AgreementPrintScreen key={page.version} {...props} version={page.version} /> : null}
    </Suspense>
  )
}
