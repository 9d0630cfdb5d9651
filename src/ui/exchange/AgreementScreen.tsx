/**
 * The partnership agreement (draaiboek 4): goals, principles and vision, what the schools expect
 * of each other, priorities for the coming years, how they communicate and decide, a name for the
 * partnership and how often it is reviewed. Both heads sign, each on their own school's device.
 * A signature counts only for the text signed; once both heads signed the same text it is frozen
 * (`freezeIfSigned`, run here whenever both signatures are seen, e.g. after a sync). Signed
 * versions stay readable, newest first, with the next review date.
 *
 * The text is saved when a field is left and with Save, as small text edits, so both schools can
 * work on it at once. It says which language it is written in; translations stand beside it
 * (AgreementTranslations), and each head signs the text in the language they read: a signature on
 * a translation that is out of date, or on an earlier text, says so and does not count.
 */
import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import {
  AGREEMENT_SECTIONS,
  freezeIfSigned,
  listSignedAgreements,
  readAgreementDraft,
  signAgreement,
  updateAgreementDraft,
  type AgreementDraft,
  type AgreementSection,
  type FrozenAgreement,
  type PartnershipMeta,
  type Actor,
  type Signature,
} from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { WhichSchool } from '../components/WhichSchool'
import { FormActions, FormError, SaveStatus } from '../components/FormActions'
import { ScreenTitle } from '../components/ScreenTitle'
import type { CycleScreenProps } from '../cycle/cycle'
import { formatDate, formatMoment, localToday } from '../format'
import { schoolName } from '../hooks/useActor'
import { useDomainForm } from '../hooks/useDomainForm'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import { AgreementTranslations, TranslatedText } from './AgreementTranslations'
import { languageChoices, languageLabel } from './letters'
import './exchange.css'

interface Edits {
  readonly sections?: Partial<Record<AgreementSection, string>>
  readonly partnershipName?: string
  readonly reviewEveryMonths?: string
}

export function AgreementScreen() {
  const { doc, roomId, entry, meta, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const freezing = useDomainForm()
  // read on every render: the parent renders again whenever the document changes
  const draft = readAgreementDraft(doc)
  const versions = listSignedAgreements(doc)
  const mySchool = [meta.schoolA, meta.schoolB].find((s) => s.id === entry.mySchoolId)
  const bothSigned = Boolean(draft.signatures[meta.schoolA.id] && draft.signatures[meta.schoolB.id])
  const isFrozen = versions.some((v) => v.fingerprint === draft.fingerprint)

  // the second signature may arrive from the partner's device: freeze the version then
  const freeze = freezing.run
  useEffect(() => {
    if (bothSigned && !isFrozen && !isReadOnly) freeze(() => void freezeIfSigned(doc))
  }, [bothSigned, isFrozen, isReadOnly, doc, freeze])

  return (
    <section aria-labelledby="agreement-heading" className="cycle agreement">
      <ScreenTitle
        id="agreement-heading"
        action={
          <a className="button-link" href={pageHref(roomId, { name: 'agreementPrint', version: '' })}>
            {t('agreement.print')}
          </a>
        }
      >
        {t('agreement.title')}
      </ScreenTitle>
      <p>{t('agreement.intro')}</p>
      <div className="record-tools">
        <RecordHistory doc={doc} collection="agreement" record="draft" actor={actor} isReadOnly={isReadOnly} />
      </div>
      <DoubleEditNotice doc={doc} records={[{ collection: 'agreement', record: 'draft' }]} actor={actor} isReadOnly={isReadOnly} />
      {!mySchool && !isReadOnly ? <WhichSchool entry={entry} meta={meta} reason={t('agreement.whichSchool')} /> : null}

      <Signatures draft={draft} meta={meta} isFrozen={isFrozen} />
      <FormError message={freezing.formError} />

      <section className="card" aria-labelledby="agreement-text-heading">
        <h3 id="agreement-text-heading">{t('agreement.textTitle')}</h3>
        <p className="hint">{t('agreement.textHint')}</p>
        <AgreementForm doc={doc} draft={draft} actor={actor} isReadOnly={isReadOnly} />
      </section>

      <AgreementTranslations doc={doc} draft={draft} actor={actor} isReadOnly={isReadOnly} />

      {mySchool && !isReadOnly ? <SignForm doc={doc} draft={draft} schoolId={mySchool.id} schoolName={mySchool.name} /> : null}

      <section aria-labelledby="agreement-versions-heading">
        <h3 id="agreement-versions-heading">{t('agreement.versions')}</h3>
        {versions.length === 0 ? <p className="empty">{t('agreement.noVersions')}</p> : null}
        {versions.map((v, i) => (
          <SignedVersion key={v.fingerprint} version={v} meta={meta} roomId={roomId} isNewest={i === 0} />
        ))}
      </section>
    </section>
  )
}

function Signatures({ draft, meta, isFrozen }: { readonly draft: AgreementDraft; readonly meta: PartnershipMeta; readonly isFrozen: boolean }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  return (
    <section className="card" aria-labelledby="agreement-signatures-heading">
      <h3 id="agreement-signatures-heading">{t('agreement.signatures')}</h3>
      {isFrozen ? <p className="agreement-frozen">{t('agreement.signedByBoth')}</p> : null}
      <ul className="signature-list">
        {[meta.schoolA, meta.schoolB].map((s) => {
          const sig = draft.signatures[s.id]
          const old = draft.outdatedSignatures.find((o) => o.schoolId === s.id)
          // the language of the text signed: a signature that names none was made on the original
          const signedIn = (x: Signature): string => (x.language || draft.language ? languageLabel(x.language || draft.language, ui) : '')
          return (
            <li key={s.id} className={sig ? 'signature signature-ok' : old ? 'signature signature-outdated' : 'signature'}>
              <strong><bdi>{s.name}</bdi></strong>
              <span>
                {sig
                  ? signedIn(sig)
                    ? t('agreement.signedByIn', { name: sig.name, date: formatDate(sig.date, ui), language: signedIn(sig) })
                    : t('agreement.signedBy', { name: sig.name, date: formatDate(sig.date, ui) })
                  : old
                    ? signedIn(old)
                      ? t('agreement.signedTextChanged', { name: old.name, date: formatDate(old.date, ui), language: signedIn(old) })
                      : t('agreement.signedEarlier', { name: old.name, date: formatDate(old.date, ui) })
                    : t('agreement.notSigned')}
              </span>
            </li>
          )
        })}
      </ul>
      {draft.updatedAt ? <p className="muted">{t('agreement.lastChanged', { name: draft.updatedBy || t('actor.someone'), when: formatMoment(draft.updatedAt, ui) })}</p> : null}
    </section>
  )
}

function AgreementForm({ doc, draft, actor, isReadOnly }: { readonly doc: CycleScreenProps['doc']; readonly draft: AgreementDraft; readonly actor: Actor; readonly isReadOnly: boolean }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  // what is typed here and not yet saved; everything else shows the stored text, live
  const [edits, setEdits] = useState<Edits>({})
  const form = useDomainForm({ controls: { reviewEveryMonths: 'agreement-reviewEveryMonths', language: 'agreement-language' } })
  const [status, setStatus] = useState<string | undefined>()

  /** Saves what was typed in `which`; false when the domain refused it. */
  const save = (which: Edits, isOnLeave = false): boolean => {
    const patch: Parameters<typeof updateAgreementDraft>[1] = {}
    const sections = Object.fromEntries(Object.entries(which.sections ?? {}).filter(([s, v]) => v !== undefined && v !== draft.sections[s as AgreementSection]))
    if (Object.keys(sections).length > 0) patch.sections = sections
    if (which.partnershipName !== undefined && which.partnershipName.trim() !== draft.partnershipName) patch.partnershipName = which.partnershipName
    if (which.reviewEveryMonths !== undefined) {
      const text = which.reviewEveryMonths.trim()
      const months = text === '' ? 0 : /^\d+$/.test(text) ? Number(text) : NaN
      if (months !== draft.reviewEveryMonths) patch.reviewEveryMonths = months
    }
    const forget = (): void =>
      setEdits((e) => ({
        sections: Object.fromEntries(Object.entries(e.sections ?? {}).filter(([s]) => !(s in (which.sections ?? {})))),
        ...(which.partnershipName === undefined && e.partnershipName !== undefined ? { partnershipName: e.partnershipName } : {}),
        ...(which.reviewEveryMonths === undefined && e.reviewEveryMonths !== undefined ? { reviewEveryMonths: e.reviewEveryMonths } : {}),
      }))
    if (Object.keys(patch).length === 0) {
      // back to what is stored: nothing to save, and no problem left to show
      forget()
      form.clear()
      return true
    }
    if (!form.run(() => updateAgreementDraft(doc, patch, actor), { focus: !isOnLeave })) return false
    forget()
    setStatus(t('agreement.saved'))
    return true
  }
  /** A text control's handlers: typing keeps the text here (`patchOf`), leaving the control saves it. */
  const typing = (typed: string | undefined, patchOf: (value: string) => Edits) => ({
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>): void => {
      const patch = patchOf(e.target.value)
      setEdits((x) => ({ ...x, ...patch, sections: { ...x.sections, ...patch.sections } }))
      setStatus(undefined)
    },
    onBlur: (): void => {
      // a refused save shows its problem at the field, but leaving a field does not pull the focus back to it
      if (typed !== undefined) save(patchOf(typed), true)
    },
  })
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    save(edits)
  }

  return (
    <form className="form agreement-form" noValidate onSubmit={submit}>
      <fieldset className="plain" disabled={isReadOnly}>
        <Field id="agreement-language" label={t('agreement.language')} hint={t('agreement.languageHint')} error={form.errorOf('language')}>
          {(c) => (
            <select {...c} value={draft.language} onChange={(e) => void form.run(() => updateAgreementDraft(doc, { language: e.target.value }, actor))}>
              {draft.language ? null : <option value="">{t('agreement.languageNotSaid')}</option>}
              {languageChoices(ui, draft.language).map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="agreement-partnershipName" label={t('agreement.partnershipName')} hint={t('agreement.partnershipNameHint')}>
          {(c) => (
            <input
              {...c}
              type="text"
              autoComplete="off"
              value={edits.partnershipName ?? draft.partnershipName}
              {...typing(edits.partnershipName, (v) => ({ partnershipName: v }))}
            />
          )}
        </Field>
        {AGREEMENT_SECTIONS.map((s) => (
          <Field key={s} id={`agreement-${s}`} label={t(`agreement.sections.${s}`)} hint={t(`agreement.sectionHints.${s}`)}>
            {(c) => (
              <textarea
                {...c}
                rows={4}
                value={edits.sections?.[s] ?? draft.sections[s]}
                {...typing(edits.sections?.[s], (v) => ({ sections: { [s]: v } }))}
              />
            )}
          </Field>
        ))}
        <Field
          id="agreement-reviewEveryMonths"
          label={t('agreement.reviewEveryMonths')}
          hint={t('agreement.reviewHint')}
          error={form.problems.has('reviewEveryMonths') ? t('agreement.reviewInvalid') : undefined}
        >
          {(c) => (
            <input
              {...c}
              type="text"
              inputMode="numeric"
              className="input-short"
              value={edits.reviewEveryMonths ?? (draft.reviewEveryMonths ? String(draft.reviewEveryMonths) : '')}
              {...typing(edits.reviewEveryMonths, (v) => ({ reviewEveryMonths: v }))}
            />
          )}
        </Field>
      </fieldset>
      <FormError message={form.formError} />
      <FormActions submit={t('agreement.save')} disabled={isReadOnly}>
        <SaveStatus status={status} />
      </FormActions>
    </form>
  )
}

function SignForm({ doc, draft, schoolId, schoolName: name }: { readonly doc: CycleScreenProps['doc']; readonly draft: AgreementDraft; readonly schoolId: string; readonly schoolName: string }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const [signer, setSigner] = useState('')
  const [date, setDate] = useState(localToday())
  // which text the head signs: '' the original, else the language of an up-to-date translation
  const [language, setLanguage] = useState('')
  const signable = draft.translations.filter((x) => !x.isOutOfDate)
  const chosen = signable.some((x) => x.language === language) ? language : ''
  const original = draft.language ? t('agreement.originalIn', { language: languageLabel(draft.language, ui) }) : t('agreement.originalText')
  // an empty text is shown, and fixed, at Goals in the agreement form above
  const form = useDomainForm({ controls: { name: 'agreement-signer', date: 'agreement-sign-date', goals: 'agreement-goals', language: 'agreement-sign-language' } })
  const [status, setStatus] = useState<string | undefined>()
  const current = draft.signatures[schoolId]
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const isSigned = form.run(() => signAgreement(doc, schoolId, { name: signer, date, ...(chosen ? { language: chosen } : {}) }))
    setStatus(isSigned ? t('agreement.signedNow') : undefined)
  }
  return (
    <section className="card" aria-labelledby="agreement-sign-heading">
      <h3 id="agreement-sign-heading">{t('agreement.signTitle', { school: name })}</h3>
      <p className="hint">{current ? t('agreement.alreadySigned', { name: current.name }) : t('agreement.signHint')}</p>
      <form className="form" noValidate onSubmit={submit}>
        <div className="row">
          <Field id="agreement-signer" label={t('agreement.signerName')} error={form.errorOf('name')}>
            {(c) => <input {...c} type="text" autoComplete="name" value={signer} onChange={(e) => setSigner(e.target.value)} />}
          </Field>
          <Field id="agreement-sign-date" label={t('agreement.signDate')} error={form.errorOf('date')}>
            {(c) => <input {...c} type="date" value={date} onChange={(e) => setDate(e.target.value)} />}
          </Field>
        </div>
        {signable.length > 0 ? (
          <Field id="agreement-sign-language" label={t('agreement.signText')} hint={t('agreement.signTextHint')} error={form.errorOf('language')}>
            {(c) => (
              <select {...c} value={chosen} onChange={(e) => setLanguage(e.target.value)}>
                <option value="">{original}</option>
                {signable.map((x) => (
                  <option key={x.id} value={x.language}>
                    {t('letters.translationIn', { language: languageLabel(x.language, ui) })}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <FormError message={form.problems.has('goals') ? t('agreement.emptyText') : form.formError} />
        <FormActions submit={t('agreement.sign', { school: name })}>
          <SaveStatus status={status} />
        </FormActions>
      </form>
    </section>
  )
}

function SignedVersion({ version: v, meta, roomId, isNewest }: { readonly version: FrozenAgreement; readonly meta: PartnershipMeta; readonly roomId: string; readonly isNewest: boolean }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const signed = formatDate(v.frozenAt.slice(0, 10), ui)
  return (
    <details className="card signed-version" open={isNewest}>
      <summary>
        {t('agreement.versionOf', { date: signed })}
        {isNewest ? <span className="badge badge-contact">{t('agreement.current')}</span> : null}
      </summary>
      <p>{v.signatures.map((s) => t('agreement.signedFor', { name: s.name, school: schoolName(meta, s.schoolId) ?? '', date: formatDate(s.date, ui) })).join(' · ')}</p>
      <p>{v.nextReview ? t('agreement.nextReview', { date: formatDate(v.nextReview, ui) }) : t('agreement.noReview')}</p>
      {v.partnershipName ? (
        <p>
          <strong>{t('agreement.partnershipName')}:</strong> <bdi>{v.partnershipName}</bdi>
        </p>
      ) : null}
      <dl className="agreement-sections" lang={v.language || undefined}>
        {AGREEMENT_SECTIONS.filter((s) => v.sections[s].trim()).map((s) => (
          <div key={s}>
            <dt lang={ui}>{t(`agreement.sections.${s}`)}</dt>
            <dd dir="auto">{v.sections[s]}</dd>
          </div>
        ))}
      </dl>
      {v.translations.map((tr) => (
        <section key={tr.language} className="agreement-translation" aria-label={t('letters.translationIn', { language: languageLabel(tr.language, ui) })}>
          <h4>
            {t('letters.translationIn', { language: languageLabel(tr.language, ui) })}
            {tr.translator ? <span className="muted"> · {t('letters.translatedBy', { name: tr.translator })}</span> : null}
          </h4>
          <TranslatedText translation={tr} />
        </section>
      ))}
      <p>
        <a href={pageHref(roomId, { name: 'agreementPrint', version: v.fingerprint })} aria-label={t('agreement.printVersionLabel', { date: signed })}>
          {t('agreement.printVersion')}
        </a>
      </p>
    </details>
  )
}
