/**
 * The calendar's period form (part of CalendarScreen): adding a period, and editing one period in
 * place (with its history).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  PERIOD_KINDS,
  addPeriod,
  deletePeriod,
  updatePeriod,
  type CalendarPeriod,
  type PartnershipMeta,
  type PeriodInput,
  type PeriodKind,
  type Actor,
} from '../../domain'
import { Field } from '../components/Field'
import { RecordHistory } from '../components/RecordHistory'
import { usePeriodLabel } from '../components/PlanningNotes'
import { FormError } from '../components/FormActions'
import { schoolChoices } from '../components/SchoolSelect'
import { SelectField } from '../components/SelectField'
import { useDomainForm } from '../hooks/useDomainForm'
import { useFocusOnMount } from '../hooks/useFocusOnMount'

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
  const schools = [meta.schoolA, meta.schoolB]
  const id = (field: string): string => `${idPrefix}-${field}`
  const form = useDomainForm({ controls: (place) => (place in EMPTY_FORM ? id(place) : undefined), checkFields: 'activity.checkFields' })
  const set = <K extends keyof FormState>(key: K, value: FormState[K]): void => setValues((v) => ({ ...v, [key]: value }))

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const input: PeriodInput = { ...values, to: values.to || values.from }
    if (!form.run(() => (period ? updatePeriod(doc, period.id, input, actor) : addPeriod(doc, input, actor)))) return
    const school = schools.find((s) => s.id === input.schoolId)?.name ?? ''
    if (!period) setValues((v) => ({ ...EMPTY_FORM, schoolId: v.schoolId, kind: v.kind }))
    onDone(t(period ? 'calendar.periodSaved' : 'calendar.periodAdded', { label: input.label.trim(), school }))
  }

  const remove = (): void => {
    if (!period || !form.run(() => deletePeriod(doc, period.id, actor))) return
    onDone(t('calendar.periodDeleted', { label: periodLabel(period) }))
  }

  return (
    <form className="form period-form" noValidate onSubmit={submit}>
      <div className="row">
        <SelectField
          id={id('schoolId')}
          label={t('calendar.school')}
          error={form.errorOf('schoolId')}
          choices={schoolChoices(schools, t('calendar.chooseSchool'))}
          value={values.schoolId}
          onChange={(v) => set('schoolId', v)}
        />
        <SelectField
          id={id('kind')}
          label={t('calendar.kind')}
          error={form.errorOf('kind')}
          choices={PERIOD_KINDS.map((k) => ({ value: k, label: t(`calendar.kinds.${k}`) }))}
          value={values.kind}
          onChange={(v) => set('kind', v)}
        />
      </div>
      <Field id={id('label')} label={t('calendar.label')} hint={t('calendar.labelHint')} error={form.errorOf('label')}>
        {(c) => <input {...c} type="text" value={values.label} onChange={(e) => set('label', e.target.value)} />}
      </Field>
      <div className="row">
        <Field id={id('from')} label={t('calendar.from')} error={form.errorOf('from')}>
          {(c) => <input {...c} type="date" value={values.from} onChange={(e) => set('from', e.target.value)} />}
        </Field>
        <Field id={id('to')} label={t('calendar.to')} hint={t('calendar.toHint')} error={form.errorOf('to')}>
          {(c) => <input {...c} type="date" value={values.to} min={values.from || undefined} onChange={(e) => set('to', e.target.value)} />}
        </Field>
      </div>
      <FormError message={form.formError} />
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
