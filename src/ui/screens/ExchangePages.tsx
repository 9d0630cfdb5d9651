/**
 * The exchange between the schools — letters (threads, one thread, writing a letter) and the
 * partnership agreement (and its printable form) — loaded on first use (React.lazy) so the first
 * view stays small on prepaid data. The service worker precaches their chunks, so they open
 * offline too.
 */
import type { CycleScreenProps } from '../cycle'
import type { PartnershipPage } from '../router'
import { LazyScreens, lazyScreen } from '../components/LazyScreens'

const LettersScreen = lazyScreen(() => import('./LettersScreen').then((m) => ({ default: m.LettersScreen })))
const LetterScreen = lazyScreen(() => import('./LetterScreen').then((m) => ({ default: m.LetterScreen })))
const LetterDraftScreen = lazyScreen(() => import('./LetterDraftScreen').then((m) => ({ default: m.LetterDraftScreen })))
const AgreementScreen = lazyScreen(() => import('./AgreementScreen').then((m) => ({ default: m.AgreementScreen })))
const AgreementPrintScreen = lazyScreen(() => import('./AgreementPrintScreen').then((m) => ({ default: m.AgreementPrintScreen })))

export type ExchangePage = Extract<PartnershipPage, { readonly name: 'letters' | 'letter' | 'letterDraft' | 'agreement' | 'agreementPrint' }>

export function isExchangePage(page: PartnershipPage): page is ExchangePage {
  return page.name === 'letters' || page.name === 'letter' || page.name === 'letterDraft' || page.name === 'agreement' || page.name === 'agreementPrint'
}

export function ExchangePage({ page, ...props }: CycleScreenProps & { readonly page: ExchangePage }) {
  return (
    <LazyScreens page={page.name}>
      {page.name === 'letters' ? <LettersScreen {...props} /> : null}
      {page.name === 'letter' ? <LetterScreen key={page.letterId} {...props} letterId={page.letterId} /> : null}
      {page.name === 'letterDraft' ? <LetterDraftScreen key={page.draftId} {...props} draftId={page.draftId} /> : null}
      {page.name === 'agreement' ? <AgreementScreen {...props} /> : null}
      {page.name === 'agreementPrint' ? <AgreementPrintScreen key={page.version} {...props} version={page.version} /> : null}
    </LazyScreens>
  )
}
