/**
 * The calendar's period form (part of CalendarScreen): adding a period, and editing one period in
 * place (with its history).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import type * as Y from 'yjs'
import {
  DomainError,
  PERIOD_KINDS,
  ValidationError,
  addPeriod,
  deletePeriod,
  updatePeriod,
  type CalendarPeriod,
  type DomainErrorCode,
  type PartnershipMeta,
  type PeriodInput,
  type PeriodKind,
  type Actor,
} from '../../domain'
import { Field } from '../components/Field'
import { RecordHistory } from '../components/RecordHistory'
import { usePeriodLabel } from '../components/PlanningNotes'
import { FormError } from '../components/FormActions'
import { SchoolSelect } from '../components/SchoolSelect'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { attempt, unplacedProblem } from '../cycle/cycle'

interface FormState {
  readonly schoolId: string
  readonly kind: PeriodKind
  readonly label: string
  readonly from: string
  readonly to: string
}

const EMPTY_FORM: FormState = { schoolId: '', kind: 'holiday', label: '', from: '', to: '' }

interface PeriodFormProps {
  readonly doc: Y.Doc
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly idPrefix: string
  /** Set when editing. */
  readonly period?: CalendarPeriod
  readonly onDone: (message: string | undefined) => void
}

export function PeriodForm({ doc, meta, actor, idPrefix, period, onDone }: PeriodFormProps) {
  const periodLabel = usePeriodLabel()
  const { t } = useTranslation()
  const [values, setValues] = useState<FormState>(
    period ? { schoolId: period.schoolId, kind: period.kind, label: periodLabel(period), from: period.from, to: period.to } : EMPTY_FORM,
  )
  const [problems, setProblems] = useState<ReadonlyMap<string, DomainErrorCode>>(new Map())
  const [formError, setFormError] = useState<TranslationKey | undefined>()
  const schools = [meta.schoolA, meta.schoolB]
  const id = (field: string): string => `${idPrefix}-${field}`
  const set = <K extends keyof FormState>(key: K, value: FormState[K]): void => setValues((v) => ({ ...v, [key]: value }))
  const problemText = (field: string): string | undefined => {
    const code = problems.get(field)
    return code ? t(`errors.${code}`) : undefined
  }

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const input: PeriodInput = { ...values, to: values.to || values.from }
    try {
      if (period) updatePeriod(doc, period.id, input, actor)
      else addPeriod(doc, input, actor)
    } catch (error) {
      if (error instanceof ValidationError) {
        const next = new Map<string, DomainErrorCode>()
        for (const issue of error.issues) if (issue.field && !next.has(issue.field)) next.set(issue.field, issue.code)
        setProblems(next)
        setFormError('activity.checkFields')
        const first = [...next.keys()][0]
        if (first) document.getElementById(id(first))?.focus()
      } else if (error instanceof DomainError) setFormError(`errors.${error.code}`)
      else throw error
      return
    }
    const school = schools.find((s) => s.id === input.schoolId)?.name ?? ''
    setProblems(new Map())
    setFormError(undefined)
    if (!period) setValues((v) => ({ ...EMPTY_FORM, schoolId: v.schoolId, kind: v.kind }))
    onDone(t(period ? 'calendar.periodSaved' : 'calendar.periodAdded', { label: input.label.trim(), school }))
  }

  const remove = (): void => {
    if (!period) return
    const code = unplacedProblem(attempt(() => deletePeriod(doc, period.id, actor)), [])
    if (code) {
      setFormError(`errors.${code}`)
      return
    }
    onDone(t('calendar.periodDeleted', { label: periodLabel(period) }))
  }

  return (
    <form className="form period-form" noValidate onSubmit={submit}>
      <div className="row">
        <Field id={id('schoolId')} label={t('calendar.school')} error={problemText('schoolId')}>
          {(c) => <SchoolSelect control={c} schools={schools} value={values.schoolId} onChange={(id) => set('schoolId', id)} emptyLabel={t('calendar.chooseSchool')} />}
        </Field>
        <Field id={id('kind')} label={t('calendar.kind')} error={problemText('kind')}>
          {(c) => (
            <select {...c} value={values.kind} onChange={(e) => set('kind', e.target.value as PeriodKind)}>
              {PERIOD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`calendar.kinds.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id={id('label')} label={t('calendar.label')} hint={t('calendar.labelHint')} error={problemText('label')}>
        {(c) => <input {...c} type="text" value={values.label} onChange={(e) => set('label', e.target.value)} />}
      </Field>
      <div className="row">
        <Field id={id('from')} label={t('calendar.from')} error={problemText('from')}>
          {(c) => <input {...c} type="date" value={values.from} onChange={(e) => set('from', e.target.value)} />}
        </Field>
        <Field id={id('to')} label={t('calendar.to')} hint={t('calendar.toHint')} error={problemText('to')}>
          {(c) => <input {...c} type="date" value={values.to} min={values.from || undefined} onChange={(e) => set('to', e.target.value)} />}
        </Field>
      </div>
      <FormError message={formError ? t(formError) : undefined} />
      <div className="actions">
        <button type="submit" className="button-primary">
          {period ? t('calendar.savePeriod') : t('calendar.addPeriod')}
        </button>
        {period ? (
          <>
            <button type="button" className="button-quiet" onClick={() => onDone(undefined)}>
              {t('calendar.cancel')}
            </button>
            <button type="button" className="button-danger" onClick={remove}>
              {t('calendar.deletePeriod')}
            </button>
          </>
        ) : null}
      </div>
    </form>
  )
}

export function EditPeriod({ doc, meta, actor, period, onClose }: { readonly doc: Y.Doc; readonly meta: PartnershipMeta; readonly actor: Actor; readonly period: CalendarPeriod | undefined; readonly onClose: (message: string | undefined) => void }) {
  const periodLabel = usePeriodLabel()
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  if (!period) return null
  return (
    <section className="card edit-period" aria-labelledby="edit-period-heading">
      <h4 id="edit-period-heading" ref={headingRef} tabIndex={-1}>
        {t('calendar.editTitle', { label: periodLabel(period) })}
      </h4>
      <div className="record-tools">
        {/* only a device that may edit opens a period here */}
        <RecordHistory doc={doc} collection="calendar" record={period.id} actor={actor} isReadOnly={false} />
      </div>
      <PeriodForm key={period.id} doc={doc} meta={meta} actor={actor} idPrefix="edit-period" period={period} onDone={onClose} />
    </section>
  )
}
