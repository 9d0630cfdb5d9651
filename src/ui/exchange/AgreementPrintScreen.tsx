/**
 * The partnership agreement on A4: a signed version (by its fingerprint), or the current text
 * with the signatures that still count. "Print" opens the browser's print dialog, whose "Save as
 * PDF" is the PDF. The print stylesheet (exchange.css, `@media print`) hides the app's bars.
 */
import { useTranslation } from 'react-i18next'
import { AGREEMENT_SECTIONS, listSignedAgreements, readAgreementDraft, type AgreementText, type Signature } from '../../domain'
import { formatDate, formatMoment, localToday } from '../format'
import { schoolName } from '../hooks/useActor'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './exchange.css'

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

  return (
    <article className="print-view agreement-print wide" aria-labelledby="agreement-print-heading">
      <div className="print-controls no-print">
        <a className="back-link" href={pageHref(roomId, 'agreement')}>{t('agreement.back')}</a>
        <div className="actions">
          <button type="button" className="button-primary" onClick={() => window.print()}>
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
      {AGREEMENT_SECTIONS.map((s) => (
        <section key={s} className="agreement-print-section" aria-labelledby={`agreement-print-${s}`}>
          <h3 id={`agreement-print-${s}`}>{t(`agreement.sections.${s}`)}</h3>
          <p className="letter-body">{text.sections[s] || t('agreement.sectionEmpty')}</p>
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
                <p>{sig ? t('agreement.signedBy', { name: sig.name, date: formatDate(sig.date, ui) }) : t('agreement.notSigned')}</p>
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
