/**
 * The calendar's starting points (part of CalendarScreen): the Flemish school holidays computed
 * from the Flemish rules (to check), and a blank template for the partner school whose rows left
 * empty are skipped. Their labels are translated into the language on screen when they are loaded
 * (the domain gives them in English); loading one twice adds nothing twice.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  PARTNER_TEMPLATE,
  addPeriods,
  flemishSchoolYear,
  listPeriods,
  rangesOverlap,
  schoolYearRange,
  validatePeriod,
  type CalendarPeriod,
  type DomainErrorCode,
  type PartnershipMeta,
  type PeriodInput,
  type StartingPointKey,
  type Actor,
} from '../../domain'
import { FormActions, FormError } from '../components/FormActions'
import { schoolChoices } from '../components/SchoolSelect'
import { SelectField } from '../components/SelectField'
import { schoolName } from '../hooks/useActor'
import { useDomainForm } from '../hooks/useDomainForm'
import { schoolYearLabel } from './schoolYear'

/** The translated label of a starting point's period (the domain's `label` is English). */
function useStartingPointLabel(): (key: StartingPointKey) => string {
  const { t } = useTranslation()
  return (key) => t(`calendar.labels.${key}`)
}


interface StartingPointProps {
  readonly doc: Y.Doc
  readonly meta: PartnershipMeta
  readonly actor: Actor
  /** The first calendar year of the school year on screen. */
  readonly year: number
  readonly startMonth: number
  readonly onDone: (message: string) => void
}

/** The same period is there already, whatever language its label was loaded in. */
function isAlreadyThere(p: PeriodInput, existing: readonly CalendarPeriod[]): boolean {
  return existing.some((e) => e.schoolId === p.schoolId && e.kind === p.kind && e.from === p.from && e.to === p.to)
}

export function FlemishLoader({ doc, meta, actor, year, startMonth, onDone }: StartingPointProps) {
  const { t } = useTranslation()
  const translate = useStartingPointLabel()
  const [schoolId, setSchoolId] = useState(meta.schoolA.id)
  const form = useDomainForm()
  const range = schoolYearRange(year, startMonth)
  const label = schoolYearLabel(year, startMonth)

  const load = (): void => {
    const existing = listPeriods(doc)
    // Flemish school years run September–August; the partnership's may start in another month,
    // so take what falls in it from the two Flemish years it can touch
    const inputs = [...flemishSchoolYear(year - 1, schoolId), ...flemishSchoolYear(year, schoolId)]
      .filter((p) => rangesOverlap(p.from, p.to, range.from, range.to))
      .map(({ key, ...p }) => ({ ...p, label: translate(key), labelKey: key }))
      .filter((p) => !isAlreadyThere(p, existing))
    const school = schoolName(meta, schoolId) ?? ''
    if (inputs.length === 0) {
      onDone(t('calendar.flemish.nothingNew', { school }))
      return
    }
    if (!form.run(() => addPeriods(doc, inputs, actor))) return
    onDone(t('calendar.flemish.loaded', { count: inputs.length, school, year: label }))
  }

  return (
    <details className="card starting-point">
      <summary>{t('calendar.flemish.title')}</summary>
      <p className="hint">{t('calendar.flemish.intro', { year: label })}</p>
      <SelectField id="flemish-school" label={t('calendar.flemish.school')} choices={schoolChoices([meta.schoolA, meta.schoolB])} value={schoolId} onChange={setSchoolId} />
      <FormError message={form.formError} />
      <div className="actions">
        <button type="button" className="button-secondary" onClick={load}>
          {t('calendar.flemish.load')}
        </button>
      </div>
    </details>
  )
}

export function PartnerTemplate({ doc, meta, actor, onDone }: StartingPointProps) {
  const { t } = useTranslation()
  const translate = useStartingPointLabel()
  const [schoolId, setSchoolId] = useState(meta.schoolB.id)
  const [dates, setDates] = useState<readonly { from: string; to: string }[]>(() => PARTNER_TEMPLATE.map(() => ({ from: '', to: '' })))
  const [rowErrors, setRowErrors] = useState<ReadonlyMap<number, DomainErrorCode>>(new Map())
  // the rows are checked here, before the write; the form's message says what is left to fix
  const form = useDomainForm()

  const setDate = (index: number, key: 'from' | 'to', value: string): void =>
    setDates((rows) => rows.map((r, i) => (i === index ? { ...r, [key]: value } : r)))

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const ids = [meta.schoolA.id, meta.schoolB.id]
    const inputs: PeriodInput[] = []
    const errors = new Map<number, DomainErrorCode>()
    PARTNER_TEMPLATE.forEach((row, i) => {
      const d = dates[i] ?? { from: '', to: '' }
      if (!d.from && !d.to) return // left empty: skipped
      const input: PeriodInput = { schoolId, kind: row.kind, label: translate(row.key), labelKey: row.key, from: d.from || d.to, to: d.to || d.from }
      const issue = validatePeriod(input, ids)[0]
      if (issue) errors.set(i, issue.code)
      else inputs.push(input)
    })
    setRowErrors(errors)
    if (errors.size > 0) return form.fail('calendar.template.checkRows')
    if (inputs.length === 0) return form.fail('calendar.template.empty')
    if (!form.run(() => addPeriods(doc, inputs, actor))) return
    setDates(PARTNER_TEMPLATE.map(() => ({ from: '', to: '' })))
    const school = schoolName(meta, schoolId) ?? ''
    onDone(t('calendar.template.added', { count: inputs.length, school }))
  }

  return (
    <details className="card starting-point">
      <summary>{t('calendar.template.title')}</summary>
      <p className="hint">{t('calendar.template.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        <SelectField id="template-school" label={t('calendar.template.school')} choices={schoolChoices([meta.schoolA, meta.schoolB])} value={schoolId} onChange={setSchoolId} />
        <ul className="template-rows">
          {PARTNER_TEMPLATE.map((row, i) => {
            const label = translate(row.key)
            const errorId = `template-${i}-error`
            const error = rowErrors.get(i)
            return (
              <li key={row.label} className={error ? 'template-row field-invalid' : 'template-row'}>
                <p className="template-label">
                  {label} <span className="muted">{t(`calendar.kinds.${row.kind}`)}</span>
                </p>
                {error ? (
                  <p className="field-error" id={errorId}>
                    {t(`errors.${error}`)}
                  </p>
                ) : null}
                <div className="template-dates">
                  <label>
                    <span>{t('calendar.from')}</span>
                    <input
                      type="date"
                      value={dates[i]?.from ?? ''}
                      aria-label={t('calendar.template.fromFor', { label })}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                      onChange={(e) => setDate(i, 'from', e.target.value)}
                    />
                  </label>
                  <label>
                    <span>{t('calendar.to')}</span>
                    <input
                      type="date"
                      min={dates[i]?.from || undefined}
                      value={dates[i]?.to ?? ''}
                      aria-label={t('calendar.template.toFor', { label })}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                      onChange={(e) => setDate(i, 'to', e.target.value)}
                    />
                  </label>
                </div>
              </li>
            )
          })}
        </ul>
        <FormError message={form.formError} />
        <FormActions submit={t('calendar.template.add')} isSecondary />
      </form>
    </details>
  )
}
