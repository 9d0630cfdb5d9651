/**
 * A letter as parallel texts: the original and its translations. On a wide screen (48rem and
 * more) they stand side by side; on a phone one at a time, with a switch of language buttons.
 * A translation made before the original last changed says so, with "Update translation" (edit
 * it) and "Still correct" (confirm it as it is).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { addTranslation, editLetter, updateTranslation, type Letter, type Translation, type Actor } from '../../domain'
import { formatMoment } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { languageChoices, languageLabel } from '../exchange/letters'
import { Field } from './Field'
import { FormActions, FormError } from './FormActions'
import { OutOfDateNotice } from './OutOfDateNotice'
import { TranslatorFields } from './TranslatorFields'

interface Props {
  readonly doc: Y.Doc
  readonly letter: Letter
  readonly actor: Actor
  readonly isReadOnly: boolean
  /** The writer may change the original. */
  readonly canEditOriginal: boolean
}

type Editing = { readonly kind: 'original' } | { readonly kind: 'translation'; readonly id: string } | { readonly kind: 'new' } | undefined

export function ParallelTexts({ doc, letter, actor, isReadOnly, canEditOriginal }: Props) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  // on a phone: which text is shown ('' = the original)
  const [shown, setShown] = useState('')
  const [editing, setEditing] = useState<Editing>()
  const confirming = useDomainForm()
  const current = letter.translations.some((x) => x.id === shown) ? shown : ''
  const original = languageLabel(letter.language, ui)

  const confirm = (tr: Translation): void => {
    confirming.run(() => updateTranslation(doc, letter.id, tr.id, {}, actor))
  }

  return (
    <div className="parallel">
      {letter.translations.length > 0 ? (
        <div className="parallel-switch" role="group" aria-label={t('letters.switchLabel', { subject: letter.subject })}>
          <button type="button" className="button-secondary button-compact" aria-pressed={current === ''} onClick={() => setShown('')}>
            {t('letters.originalIn', { language: original })}
          </button>
          {letter.translations.map((tr) => (
            <button key={tr.id} type="button" className="button-secondary button-compact" aria-pressed={current === tr.id} onClick={() => setShown(tr.id)}>
              {languageLabel(tr.language, ui)}
              {/* on a phone the marker itself is out of sight until this text is shown */}
              {tr.isOutOfDate ? <span className="badge badge-outdated">{t('letters.hasOutdated')}</span> : null}
            </button>
          ))}
        </div>
      ) : null}
      <FormError message={confirming.formError} />
      <div className={`parallel-texts parallel-count-${Math.min(letter.translations.length + 1, 3)}`}>
        <section className={current === '' ? 'parallel-text' : 'parallel-text parallel-hidden-narrow'} lang={letter.language} aria-label={t('letters.originalIn', { language: original })}>
          <p className="parallel-label" lang={ui}>
            {t('letters.originalIn', { language: original })}
          </p>
          {editing?.kind === 'original' ? (
            <OriginalForm doc={doc} letter={letter} actor={actor} onDone={() => setEditing(undefined)} />
          ) : (
            <>
              <p className="letter-subject" dir="auto">{letter.subject}</p>
              <p className="letter-body" dir="auto">{letter.body}</p>
              {canEditOriginal && !isReadOnly ? (
                <button type="button" className="button-quiet button-compact" lang={ui} aria-label={t('letters.editOriginalLabel', { subject: letter.subject })} onClick={() => setEditing({ kind: 'original' })}>
                  {t('letters.editOriginal')}
                </button>
              ) : null}
            </>
          )}
        </section>
        {letter.translations.map((tr) => {
          const name = languageLabel(tr.language, ui)
          return (
            <section
              key={tr.id}
              className={`${current === tr.id ? 'parallel-text' : 'parallel-text parallel-hidden-narrow'}${tr.isOutOfDate ? ' parallel-outdated' : ''}`}
              lang={tr.language}
              aria-label={t('letters.translationIn', { language: name })}
            >
              <p className="parallel-label" lang={ui}>
                {t('letters.translationIn', { language: name })}
                {tr.translator ? <span className="muted"> · {t('letters.translatedBy', { name: tr.translator })}</span> : null}
              </p>
              {tr.isOutOfDate ? (
                <OutOfDateNotice
                  canAct={!isReadOnly && editing?.kind !== 'translation'}
                  updateLabel={t('letters.updateTranslationLabel', { language: name, subject: letter.subject })}
                  confirmLabel={t('letters.stillCorrectLabel', { language: name, subject: letter.subject })}
                  onUpdate={() => setEditing({ kind: 'translation', id: tr.id })}
                  onConfirm={() => confirm(tr)}
                />
              ) : null}
              {editing?.kind === 'translation' && editing.id === tr.id ? (
                <TranslationForm doc={doc} letter={letter} actor={actor} translation={tr} onDone={() => setEditing(undefined)} />
              ) : (
                <>
                  <p className="letter-subject" dir="auto">{tr.subject || letter.subject}</p>
                  <p className="letter-body" dir="auto">{tr.body}</p>
                  <p className="muted parallel-when" lang={ui}>
                    {t('letters.translationChanged', { when: formatMoment(tr.updatedAt, ui) })}
                  </p>
                  {!isReadOnly && !tr.isOutOfDate ? (
                    <button type="button" className="button-quiet button-compact" lang={ui} aria-label={t('letters.editTranslationLabel', { language: name, subject: letter.subject })} onClick={() => setEditing({ kind: 'translation', id: tr.id })}>
                      {t('letters.editTranslation')}
                    </button>
                  ) : null}
                </>
              )}
            </section>
          )
        })}
      </div>
      {!isReadOnly ? (
        editing?.kind === 'new' ? (
          <TranslationForm doc={doc} letter={letter} actor={actor} onDone={() => setEditing(undefined)} />
        ) : (
          <button type="button" className="button-secondary" aria-label={t('letters.addTranslationLabel', { subject: letter.subject })} onClick={() => setEditing({ kind: 'new' })}>
            {t('letters.addTranslation')}
          </button>
        )
      ) : null}
    </div>
  )
}

function OriginalForm({ doc, letter, actor, onDone }: { readonly doc: Y.Doc; readonly letter: Letter; readonly actor: Actor; readonly onDone: () => void }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const [subject, setSubject] = useState(letter.subject)
  const [body, setBody] = useState(letter.body)
  const idBase = `original-${letter.id}`
  const form = useDomainForm({ controls: { subject: `${idBase}-subject` } })
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (form.run(() => editLetter(doc, letter.id, { subject, body }, actor))) onDone()
  }
  return (
    <form className="form subform" noValidate onSubmit={submit} lang={ui}>
      <p className="hint">{t('letters.editOriginalHint')}</p>
      <Field id={`${idBase}-subject`} label={t('letters.subject')} error={form.errorOf('subject')}>
        {(c) => <input {...c} type="text" lang={letter.language} value={subject} onChange={(e) => setSubject(e.target.value)} />}
      </Field>
      <Field id={`${idBase}-body`} label={t('letters.body')}>
        {(c) => <textarea {...c} rows={8} lang={letter.language} value={body} onChange={(e) => setBody(e.target.value)} />}
      </Field>
      <FormError message={form.formError} />
      <FormActions submit={t('letters.saveOriginal')} secondary={{ label: t('letters.cancel'), onClick: onDone }} />
    </form>
  )
}

interface TranslationFormProps {
  readonly doc: Y.Doc
  readonly letter: Letter
  readonly actor: Actor
  /** Absent: a new translation. */
  readonly translation?: Translation
  readonly onDone: () => void
}

function TranslationForm({ doc, letter, actor, translation, onDone }: TranslationFormProps) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const firstOther = languageChoices(ui).find((l) => l.code !== letter.language && l.code === ui)?.code ?? (letter.language === 'fr' ? 'nl' : 'fr')
  const [language, setLanguage] = useState(translation?.language ?? firstOther)
  const [translator, setTranslator] = useState(translation?.translator ?? '')
  const [subject, setSubject] = useState(translation?.subject ?? '')
  const [body, setBody] = useState(translation?.body ?? '')
  const idBase = `translation-${letter.id}-${translation?.id ?? 'new'}`
  // a translation being updated has no language control: a problem with it is told at the form
  const form = useDomainForm({ controls: { ...(translation ? {} : { language: `${idBase}-language` }), body: `${idBase}-body` } })
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const isSaved = form.run(() => {
      if (translation) updateTranslation(doc, letter.id, translation.id, { translator, subject, body }, actor)
      else addTranslation(doc, letter.id, { language, translator, subject, body }, actor)
    })
    if (isSaved) onDone()
  }
  const errorOf = (f: string): string | undefined => {
    if (f === 'body' && form.problems.get(f) === 'required') return t('letters.translationRequired')
    return form.errorOf(f)
  }
  return (
    <form className="form subform translation-form" noValidate onSubmit={submit} lang={ui}>
      <h4>{translation ? t('letters.updateTranslationTitle', { language: languageLabel(translation.language, ui) }) : t('letters.addTranslationTitle')}</h4>
      {translation ? (
        <details className="answering" open>
          <summary>{t('letters.originalNow')}</summary>
          <p className="letter-subject" lang={letter.language} dir="auto">
            {letter.subject}
          </p>
          <p className="letter-body" lang={letter.language} dir="auto">
            {letter.body}
          </p>
        </details>
      ) : null}
      <TranslatorFields
        idBase={idBase}
        choices={translation ? undefined : languageChoices(ui, language)}
        language={language}
        onLanguage={setLanguage}
        languageError={errorOf('language')}
        translator={translator}
        onTranslator={setTranslator}
      />
      <Field id={`${idBase}-subject`} label={t('letters.translationSubject')}>
        {(c) => <input {...c} type="text" lang={language} value={subject} onChange={(e) => setSubject(e.target.value)} />}
      </Field>
      <Field id={`${idBase}-body`} label={t('letters.translationBody')} error={errorOf('body')}>
        {(c) => <textarea {...c} rows={8} lang={language} value={body} onChange={(e) => setBody(e.target.value)} />}
      </Field>
      <FormError message={form.formError} />
      <FormActions submit={t('letters.saveTranslation')} secondary={{ label: t('letters.cancel'), onClick: onDone }} />
    </form>
  )
}
