/**
 * The partnership agreement on A4: a signed version (by its fingerprint), or the current text
 * with the signatures that still count. "Print" opens the browser's print dialog, whose "Save as
 * PDF" is the PDF. The print stylesheet (exchange.css, `@media print`) hides the app's bars.
 *
 * With translations the languages stand side by side, a column each, section by section, so the
 * same paragraph is read across the page (agreementTranslations.css: on paper always, on screen
 * when it is wide enough): a signed version shows the translations that were signed; the current
 * text its translations, an out-of-date one marked so. Each column has its section headings in its
 * own language, with its `lang` and `dir`, so each head reads her column's headings too
 * (useColumnHeadings: a language the app has no locale for gets the interface's headings).
 */
import { useEffect, useState } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { isSupportedLanguage } from '../../i18n'
import { directionOf } from '../../i18n/pick'
import { AGREEMENT_SECTIONS, listSignedAgreements, readAgreementDraft, type AgreementSection, type AgreementText, type Signature } from '../../domain'
import { formatDate, formatMoment, localToday } from '../format'
import { schoolName } from '../hooks/useActor'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import { languageLabel } from './letters'
import './exchange.css'
import './agreementTranslations.css'

/** One language's column: its heading, its language and its texts. */
interface Column {
  readonly key: string
  readonly label: string
  readonly language: string
  readonly sections: Readonly<Record<AgreementSection, string>>
  readonly partnershipName: string
}

/** A column's headings: the language they are in, and a translation function for that language. */
interface Headings {
  readonly lang: string
  readonly t: TFunction
}

/**
 * Headings in each column's language. The app loads only the interface's locale file, so the
 * others the columns need are loaded here first; until they are, `isReady` is false (Print waits)
 * and the interface's headings stand. A language without a locale file keeps the interface's.
 */
function useColumnHeadings(languages: readonly string[]): { readonly isReady: boolean; readonly headingsIn: (language: string) => Headings } {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const wanted = [...new Set(languages.filter((l) => l !== ui && isSupportedLanguage(l)))].sort().join(' ')
  const [loaded, setLoaded] = useState('')
  useEffect(() => {
    let isCurrent = true
    const done = (): void => {
      if (isCurrent) setLoaded(wanted)
    }
    // a file that fails to load (offline before its first visit) leaves the interface's headings
    i18n.loadLanguages(wanted ? wanted.split(' ') : []).then(done, done)
    return () => {
      isCurrent = false
    }
  }, [i18n, wanted])
  const headingsIn = (language: string): Headings => {
    if (language && language !== ui && isSupportedLanguage(language) && i18n.hasResourceBundle(language, 'translation')) {
      return { lang: language, t: i18n.getFixedT(language) }
    }
    return { lang: ui, t }
  }
  return { isReady: loaded === wanted, headingsIn }
}

export function AgreementPrintScreen({ version }: { readonly version: string }) {
  const { doc, roomId, meta } = usePartnership()
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const versions = listSignedAgreements(doc)
  const draft = readAgreementDraft(doc)
  const frozen = versions.find((v) => v.fingerprint === (version || draft.fingerprint))
  const text: AgreementText = frozen ?? draft
  const signatures: readonly Signature[] = frozen ? frozen.signatures : Object.values(draft.signatures)
  const state = frozen ? t('agreement.printSigned', { date: formatDate(frozen.frozenAt.slice(0, 10), ui) }) : t('agreement.printDraft')
  const language = frozen ? frozen.language : draft.language
  const columns: Column[] = [
    { key: 'original', label: language ? t('agreement.originalIn', { language: languageLabel(language, ui) }) : t('agreement.originalText'), language, sections: text.sections, partnershipName: text.partnershipName },
    ...(frozen ? frozen.translations.map((tr) => ({ ...tr, isOutOfDate: false, id: tr.language })) : draft.translations).map((tr) => {
      const name = t('letters.translationIn', { language: languageLabel(tr.language, ui) })
      const by = tr.translator ? ` · ${t('letters.translatedBy', { name: tr.translator })}` : ''
      return { key: tr.id, label: `${name}${by}${tr.isOutOfDate ? ` · ${t('letters.hasOutdated')}` : ''}`, language: tr.language, sections: tr.sections, partnershipName: tr.partnershipName }
    }),
  ]
  const isParallel = columns.length > 1
  const { isReady, headingsIn } = useColumnHeadings(columns.map((c) => c.language))

  return (
    <article className="print-view agreement-print wide" aria-labelledby="agreement-print-heading">
      <div className="print-controls no-print">
        <a className="back-link" href={pageHref(roomId, 'agreement')}>{t('agreement.back')}</a>
        <div className="actions">
          <button type="button" className="button-primary" disabled={!isReady} onClick={() => window.print()}>
            {t('agreement.printButton')}
          </button>
        </div>
        <p className="hint">{t('print.pdfHint')}</p>
      </div>
      <header className="print-header">
        <h2 id="agreement-print-heading" ref={headingRef} tabIndex={-1}>
          {text.partnershipName || t('agreement.title')}
        </h2>
        <p className="print-partnership">{t('agreement.printBetween', { a: meta.schoolA.name, b: meta.schoolB.name })}</p>
        <p className="muted">{state}</p>
      </header>
      {isParallel ? (
        <div className="agreement-row agreement-column-labels">
          {columns.map((c) => (
            <p key={c.key} className="agreement-column-label">
              {c.label}
            </p>
          ))}
        </div>
      ) : null}
      {isParallel && columns.some((c) => c.partnershipName) ? (
        <div className="agreement-row">
          {columns.map((c) => (
            <p key={c.key} lang={c.language || undefined} dir="auto">
              {c.partnershipName}
            </p>
          ))}
        </div>
      ) : null}
      {AGREEMENT_SECTIONS.map((s) => (
        <section key={s} className="agreement-print-section" aria-labelledby={`agreement-print-${s}-0`}>
          <div className="agreement-row">
            {columns.map((c, i) => {
              const headings = headingsIn(c.language)
              return (
                <div key={c.key} className="agreement-cell" lang={c.language || undefined} dir={c.language ? directionOf(c.language) : undefined}>
                  <h3 id={`agreement-print-${s}-${i}`} lang={headings.lang} dir={directionOf(headings.lang)}>
                    {headings.t(`agreement.sections.${s}`)}
                  </h3>
                  <p className="letter-body" lang={c.sections[s] ? c.language || undefined : headings.lang} dir="auto">
                    {c.sections[s] || headings.t('agreement.sectionEmpty')}
                  </p>
                </div>
              )
            })}
          </div>
        </section>
      ))}
      <p>
        {text.reviewEveryMonths > 0 ? t('agreement.reviewedEvery', { count: text.reviewEveryMonths }) : t('agreement.noReviewAgreed')}
        {frozen?.nextReview ? ` ${t('agreement.nextReview', { date: formatDate(frozen.nextReview, ui) })}` : ''}
      </p>
      <section className="agreement-print-signatures" aria-labelledby="agreement-print-signatures">
        <h3 id="agreement-print-signatures">{t('agreement.signatures')}</h3>
        <div className="signature-boxes">
          {[meta.schoolA, meta.schoolB].map((school) => {
            const sig = signatures.find((x) => x.schoolId === school.id)
            return (
              <div key={school.id} className="signature-box">
                <p>
                  <strong>{schoolName(meta, school.id)}</strong>
                </p>
                <p>
                  {!sig
                    ? t('agreement.notSigned')
                    : sig.language || language
                      ? t('agreement.signedByIn', { name: sig.name, date: formatDate(sig.date, ui), language: languageLabel(sig.language || language, ui) })
                      : t('agreement.signedBy', { name: sig.name, date: formatDate(sig.date, ui) })}
                </p>
                {sig ? <p className="muted">{t('agreement.signedInApp', { when: formatMoment(sig.signedAt, ui) })}</p> : null}
              </div>
            )
          })}
        </div>
      </section>
      <p className="print-footer muted">{t('print.printedOn', { date: formatDate(localToday(), ui) })}</p>
    </article>
  )
}
