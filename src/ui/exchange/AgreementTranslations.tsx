/**
 * The agreement's translations, beside the text on the agreement screen: one per language, each
 * with its translator, so that each head can sign the text in the language they read. A
 * translation made before the text last changed says so (`OutOfDateNotice`, as a letter's), with
 * "Update translation" and "Still correct"; a head cannot sign it until then. The domain keeps the
 * translations (agreement.ts, on translations.ts, the code letters use too).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  AGREEMENT_SECTIONS,
  addAgreementTranslation,
  updateAgreementTranslation,
  type Actor,
  type AgreementDraft,
  type AgreementSection,
  type AgreementTranslation,
} from '../../domain'
import { Field } from '../components/Field'
import { FormActions, FormError } from '../components/FormActions'
import { OutOfDateNotice } from '../components/OutOfDateNotice'
import { TranslatorFields } from '../components/TranslatorFields'
import { formatMoment } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { languageChoices, languageLabel } from './letters'
import './agreementTranslations.css'

interface Props {
  readonly doc: Y.Doc
  readonly draft: AgreementDraft
  readonly actor: Actor
  readonly isReadOnly: boolean
}

/** `undefined`: none is being edited; 'new': a new translation; else the id of the one edited. */
type Editing = string | undefined

export function AgreementTranslations({ doc, draft, actor, isReadOnly }: Props) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const [editing, setEditing] = useState<Editing>()
  const confirming = useDomainForm()
  return (
    <section className="card" aria-labelledby="agreement-translations-heading">
      <h3 id="agreement-translations-heading">{t('agreement.translations')}</h3>
      <p className="hint">{t('agreement.translationsHint')}</p>
      {draft.translations.length === 0 ? <p className="empty">{t('agreement.noTranslations')}</p> : null}
      <FormError message={confirming.formError} />
      {draft.translations.map((tr) => {
        const name = languageLabel(tr.language, ui)
        const title = t('letters.translationIn', { language: name })
        return (
          <article key={tr.id} className={tr.isOutOfDate ? 'agreement-translation parallel-outdated' : 'agreement-translation'} aria-label={title}>
            <h4>
              {title}
              {tr.translator ? <span className="muted"> · {t('letters.translatedBy', { name: tr.translator })}</span> : null}
            </h4>
            {tr.isOutOfDate ? (
              <OutOfDateNotice
                canAct={!isReadOnly && editing === undefined}
                updateLabel={t('agreement.updateTranslationLabel', { language: name })}
                confirmLabel={t('agreement.stillCorrectLabel', { language: name })}
                onUpdate={() => setEditing(tr.id)}
                onConfirm={() => confirming.run(() => updateAgreementTranslation(doc, tr.id, {}, actor))}
              />
            ) : null}
            {editing === tr.id ? (
              <TranslationForm doc={doc} draft={draft} actor={actor} translation={tr} onDone={() => setEditing(undefined)} />
            ) : (
              <>
                <TranslatedText translation={tr} />
                <p className="muted">{t('letters.translationChanged', { when: formatMoment(tr.updatedAt, ui) })}</p>
                {!isReadOnly && !tr.isOutOfDate && editing === undefined ? (
                  <button type="button" className="button-quiet button-compact" aria-label={t('agreement.editTranslationLabel', { language: name })} onClick={() => setEditing(tr.id)}>
                    {t('letters.editTranslation')}
                  </button>
                ) : null}
              </>
            )}
          </article>
        )
      })}
      {isReadOnly ? null : editing === 'new' ? (
        <TranslationForm doc={doc} draft={draft} actor={actor} onDone={() => setEditing(undefined)} />
      ) : editing === undefined ? (
        <button type="button" className="button-secondary" onClick={() => setEditing('new')}>
          {t('agreement.addTranslation')}
        </button>
      ) : null}
    </section>
  )
}

/** A translation's (or the original's) name and sections, in its language. */
export function TranslatedText({ translation: tr }: { readonly translation: Pick<AgreementTranslation, 'language' | 'sections' | 'partnershipName'> }) {
  const { t } = useTranslation()
  return (
    <dl className="agreement-sections">
      {tr.partnershipName ? (
        <div>
          <dt>{t('agreement.partnershipName')}</dt>
          <dd lang={tr.language} dir="auto">
            {tr.partnershipName}
          </dd>
        </div>
      ) : null}
      {AGREEMENT_SECTIONS.filter((s) => tr.sections[s].trim()).map((s) => (
        <div key={s}>
          <dt>{t(`agreement.sections.${s}`)}</dt>
          <dd lang={tr.language} dir="auto">
            {tr.sections[s]}
          </dd>
        </div>
      ))}
    </dl>
  )
}

interface FormProps {
  readonly doc: Y.Doc
  readonly draft: AgreementDraft
  readonly actor: Actor
  /** Absent: a new translation. */
  readonly translation?: AgreementTranslation
  readonly onDone: () => void
}

function TranslationForm({ doc, draft, actor, translation, onDone }: FormProps) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  // languages not taken yet: not the original's, nor one that has a translation already
  const free = languageChoices(ui).filter((l) => l.code !== draft.language && !draft.translations.some((x) => x.language === l.code))
  const [language, setLanguage] = useState(translation?.language ?? free.find((l) => l.code === ui)?.code ?? free[0]?.code ?? '')
  const [translator, setTranslator] = useState(translation?.translator ?? '')
  const [partnershipName, setPartnershipName] = useState(translation?.partnershipName ?? '')
  const [sections, setSections] = useState<Record<AgreementSection, string>>(translation?.sections ?? { goals: '', principles: '', expectations: '', priorities: '', communication: '' })
  const idBase = `agreement-translation-${translation?.id ?? 'new'}`
  const form = useDomainForm({ controls: { ...(translation ? {} : { language: `${idBase}-language` }), goals: `${idBase}-goals` } })
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const isSaved = form.run(() => {
      if (translation) updateAgreementTranslation(doc, translation.id, { translator, partnershipName, sections }, actor)
      else addAgreementTranslation(doc, { language, translator, partnershipName, sections }, actor)
    })
    if (isSaved) onDone()
  }
  const errorOf = (f: string): string | undefined => (f === 'goals' && form.problems.get(f) === 'required' ? t('agreement.translationRequired') : form.errorOf(f))
  return (
    <form className="form subform translation-form" noValidate onSubmit={submit}>
      <h4>{translation ? t('letters.updateTranslationTitle', { language: languageLabel(translation.language, ui) }) : t('agreement.addTranslationTitle')}</h4>
      <details className="answering" open={Boolean(translation)}>
        <summary>{t('letters.originalNow')}</summary>
        <TranslatedText translation={{ language: draft.language, sections: draft.sections, partnershipName: draft.partnershipName }} />
      </details>
      <TranslatorFields
        idBase={idBase}
        choices={translation ? undefined : free}
        language={language}
        onLanguage={setLanguage}
        languageError={errorOf('language')}
        translator={translator}
        onTranslator={setTranslator}
      />
      <Field id={`${idBase}-name`} label={t('agreement.fieldIn', { field: t('agreement.partnershipName'), language: languageLabel(language, ui) })}>
        {(c) => <input {...c} type="text" autoComplete="off" lang={language} dir="auto" value={partnershipName} onChange={(e) => setPartnershipName(e.target.value)} />}
      </Field>
      {AGREEMENT_SECTIONS.map((s) => (
        <Field key={s} id={`${idBase}-${s}`} label={t('agreement.fieldIn', { field: t(`agreement.sections.${s}`), language: languageLabel(language, ui) })} error={s === 'goals' ? errorOf('goals') : undefined}>
          {(c) => <textarea {...c} rows={4} lang={language} dir="auto" value={sections[s]} onChange={(e) => setSections((x) => ({ ...x, [s]: e.target.value }))} />}
        </Field>
      ))}
      <FormError message={form.formError} />
      <FormActions submit={t('letters.saveTranslation')} secondary={{ label: t('letters.cancel'), onClick: onDone }} />
    </form>
  )
}
