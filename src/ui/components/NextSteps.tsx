/**
 * Next steps — who writes what, to whom, by when — as a list to tick off and a form to add one.
 * Used on This week, Contacts and under each working-group meeting, so the same step can be
 * ticked off wherever it is seen.
 */
import { useId, useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { addNextStep, deleteNextStep, setNextStepDone, type NextStep, type Actor } from '../../domain'
import { formatDate } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { Field } from './Field'
import { FormActions, FormError } from './FormActions'
import { RecordHistory } from './RecordHistory'

interface ListProps {
  readonly doc: Y.Doc
  readonly steps: readonly NextStep[]
  readonly today: string
  readonly actor: Actor
  readonly isReadOnly: boolean
  /** Shows a Delete button on each step. */
  readonly canDelete?: boolean
  /** Where a step was agreed, in words (e.g. "Meeting of 3 Mar 2026"), by source id. */
  readonly sourceLabels?: ReadonlyMap<string, string>
  /** Told after a step was ticked or unticked here. */
  readonly onToggled?: (id: string, isDone: boolean) => void
}

export function NextStepList({ doc, steps, today, actor, isReadOnly, canDelete = false, sourceLabels, onToggled }: ListProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const { run, formError } = useDomainForm()
  return (
    <>
      <FormError message={formError} />
      <ul className="steps">
        {steps.map((s) => {
          const isOverdue = !s.isDone && s.dueDate !== '' && s.dueDate < today
          const source = s.sourceId ? sourceLabels?.get(s.sourceId) : undefined
          const metaId = `step-${s.id}-meta`
          return (
            <li key={s.id} className={`step${s.isDone ? ' step-done' : ''}${isOverdue ? ' step-overdue' : ''}`}>
              <label className="step-main">
                <input
                  type="checkbox"
                  checked={s.isDone}
                  disabled={isReadOnly}
                  aria-label={t('contacts.steps.doneLabel', { what: s.what })}
                  aria-describedby={metaId}
                  onChange={(e) => {
                    const isDone = e.target.checked
                    if (run(() => setNextStepDone(doc, s.id, isDone, actor))) onToggled?.(s.id, isDone)
                  }}
                />
                <bdi className="step-what">{s.what}</bdi>
              </label>
              <p className="step-meta" id={metaId}>
                <span>{s.toWhom ? t('contacts.steps.fromTo', { who: s.who, toWhom: s.toWhom }) : t('contacts.steps.by', { who: s.who })}</span>
                {s.dueDate ? <span>{t('contacts.steps.due', { date: formatDate(s.dueDate, language) })}</span> : null}
                {isOverdue ? <span className="badge badge-overdue">{t('contacts.steps.overdue')}</span> : null}
                {s.isDone ? <span>{t('contacts.steps.doneBy', { name: s.doneBy || t('actor.someone') })}</span> : null}
                {source ? <span>{source}</span> : null}
              </p>
              {canDelete ? (
                <button
                  type="button"
                  className="button-quiet button-compact step-delete"
                  disabled={isReadOnly}
                  aria-label={t('contacts.steps.deleteLabel', { what: s.what })}
                  onClick={() => run(() => deleteNextStep(doc, s.id, actor))}
                >
                  {t('contacts.steps.delete')}
                </button>
              ) : null}
              <RecordHistory doc={doc} collection="nextSteps" record={s.id} actor={actor} isReadOnly={isReadOnly} about={s.what} />
            </li>
          )
        })}
      </ul>
    </>
  )
}

interface FormProps {
  readonly doc: Y.Doc
  readonly actor: Actor
  readonly isReadOnly: boolean
  /** The meeting (or other record) it was agreed at; '' when added by hand. */
  readonly sourceId?: string
  /** Names offered while typing who and to whom. */
  readonly names?: readonly string[]
  readonly onAdded?: () => void
  readonly onCancel?: () => void
}

const EMPTY = { who: '', what: '', toWhom: '', dueDate: '' }
const FIELDS = ['who', 'what', 'toWhom', 'dueDate'] as const

export function NextStepForm({ doc, actor, isReadOnly, sourceId = '', names = [], onAdded, onCancel }: FormProps) {
  const { t } = useTranslation()
  const uid = useId()
  const [values, setValues] = useState(EMPTY)
  const idOf = (f: string): string => `${uid}-${f}`
  const controls = useMemo(() => Object.fromEntries(FIELDS.map((f) => [f, `${uid}-${f}`])), [uid])
  const form = useDomainForm({ controls })
  const errorOf = (f: string): string | undefined => {
    const code = form.problems.get(f)
    // the domain reports an empty who or what as nameRequired ("Fill in a name"), which misleads for "what"
    if (code === 'nameRequired' && f === 'what') return t('contacts.steps.whatRequired')
    if (code === 'nameRequired' && f === 'who') return t('contacts.steps.whoRequired')
    return form.errorOf(f)
  }

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    if (!form.run(() => addNextStep(doc, { ...values, sourceId }, actor))) return
    setValues(EMPTY)
    onAdded?.()
    document.getElementById(idOf('who'))?.focus()
  }

  const set = (f: (typeof FIELDS)[number], v: string): void => setValues((prev) => ({ ...prev, [f]: v }))

  return (
    <form className="form step-form" noValidate onSubmit={submit}>
      <fieldset className="plain" disabled={isReadOnly}>
        <div className="row">
          <Field id={idOf('who')} label={t('contacts.steps.who')} hint={t('contacts.steps.whoHint')} error={errorOf('who')}>
            {(c) => <input {...c} type="text" list={`${uid}-names`} autoComplete="off" value={values.who} onChange={(e) => set('who', e.target.value)} />}
          </Field>
          <Field id={idOf('toWhom')} label={t('contacts.steps.toWhom')} error={errorOf('toWhom')}>
            {(c) => <input {...c} type="text" list={`${uid}-names`} autoComplete="off" value={values.toWhom} onChange={(e) => set('toWhom', e.target.value)} />}
          </Field>
        </div>
        <Field id={idOf('what')} label={t('contacts.steps.what')} hint={t('contacts.steps.whatHint')} error={errorOf('what')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={values.what} onChange={(e) => set('what', e.target.value)} />}
        </Field>
        <Field id={idOf('dueDate')} label={t('contacts.steps.dueDate')} error={errorOf('dueDate')}>
          {(c) => <input {...c} type="date" value={values.dueDate} onChange={(e) => set('dueDate', e.target.value)} />}
        </Field>
        <datalist id={`${uid}-names`}>
          {[...new Set(names)].map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </fieldset>
      <FormError message={form.formError} />
      <FormActions submit={t('contacts.steps.add')} disabled={isReadOnly} secondary={onCancel ? { label: t('contacts.steps.cancel'), onClick: onCancel } : undefined} />
    </form>
  )
}
