/**
 * The calendar of one school year: each month with the two schools in two lanes (their holidays,
 * closing days and exam periods) and the activities planned in it, warned about when they fall
 * on a period of either school.
 *
 * School years differ by country and hemisphere: the year starts in the month the partnership
 * chose (`readSchoolYearStartMonth`), never assumed to be September. Starting points: the Flemish
 * school holidays computed from the Flemish rules (to check), and a blank template for the partner
 * school whose rows left empty are skipped.
 *
 * Periods are data: their labels are stored as typed. The starting points' labels are translated
 * into the language on screen when they are loaded (the domain gives them in English).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import type * as Y from 'yjs'
import {
  DomainError,
  PARTNER_TEMPLATE,
  PERIOD_KINDS,
  ValidationError,
  addPeriod,
  addPeriods,
  deletePeriod,
  findConflicts,
  flemishSchoolYear,
  listActivities,
  listPeriods,
  rangesOverlap,
  readSchoolYearStartMonth,
  schoolTimeZones,
  schoolYearRange,
  setSchoolYearStartMonth,
  updatePeriod,
  validatePeriod,
  type Activity,
  type CalendarPeriod,
  type DomainErrorCode,
  type PartnershipMeta,
  type PeriodInput,
  type PeriodKind,
  type StartingPointKey,
  type Actor,
} from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { PlanningNotes, usePeriodLabel } from '../components/PlanningNotes'
import { FormError } from '../components/FormActions'
import { SchoolSelect } from '../components/SchoolSelect'
import { SchoolYearPicker } from '../components/SchoolYearPicker'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { formatDateRange, formatMonth } from '../format'
import { attempt, unplacedProblem } from '../cycle'
import { schoolName } from '../hooks/useActor'
import { pageHref } from '../pages'
import { firstYearOf, isActivityIn, localToday, monthsOf, schoolYearChoices, schoolYearLabel, useSchoolYearChoice } from '../schoolYear'
import { usePartnership } from '../hooks/usePartnership'
import '../planning.css'

/** The translated label of a starting point's period (the domain's `label` is English). */
function useStartingPointLabel(): (key: StartingPointKey) => string {
  const { t } = useTranslation()
  return (key) => t(`calendar.labels.${key}`)
}


export function CalendarScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [choice, setChoice] = useSchoolYearChoice(roomId)
  const [editing, setEditing] = useState<{ readonly id: string; readonly month: string } | undefined>()
  const [message, setMessage] = useState<string | undefined>()
  // read on every render: the parent renders again whenever the document changes
  const today = localToday()
  const startMonth = readSchoolYearStartMonth(doc)
  const year = choice === 'all' ? firstYearOf(today, startMonth) : choice
  const years = schoolYearChoices(doc, startMonth, today)
  const range = schoolYearRange(year, startMonth)
  const periods = listPeriods(doc)
  const zones = schoolTimeZones(doc)
  const activities = listActivities(doc).filter((a) => isActivityIn(a, range))
  const schools = [meta.schoolA, meta.schoolB]
  const monthNames = monthNamesIn(language)

  const changeStartMonth = (month: number): void => {
    const code = unplacedProblem(attempt(() => setSchoolYearStartMonth(doc, month)), [])
    if (code) setMessage(t(`errors.${code}`))
  }

  return (
    <section aria-labelledby="calendar-heading" className="wide">
      <h2 id="calendar-heading" ref={headingRef} tabIndex={-1}>
        {t('calendar.title')}
      </h2>
      <p className="hint">{t('calendar.intro')}</p>
      <DoubleEditNotice doc={doc} records={periods.map((p) => ({ collection: 'calendar', record: p.id }))} actor={actor} isReadOnly={isReadOnly} isNamingRecords />

      <div className="filters filters-aligned">
        <SchoolYearPicker id="calendar-year" label={t('calendar.schoolYear')} years={years} year={year} startMonth={startMonth} onChange={setChoice} />
        <div className="field">
          <label htmlFor="calendar-start-month">{t('calendar.startMonth')}</label>
          <select id="calendar-start-month" value={String(startMonth)} disabled={isReadOnly} aria-describedby="calendar-start-month-hint" onChange={(e) => changeStartMonth(Number(e.target.value))}>
            {monthNames.map((name, i) => (
              <option key={name} value={String(i + 1)}>
                {name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="hint" id="calendar-start-month-hint">
        {t('calendar.startMonthHint')}
      </p>

      <div aria-live="polite" className="live-region">
        {message ? (
          <div className="banner banner-info">
            <p>{message}</p>
          </div>
        ) : null}
      </div>

      {!isReadOnly ? (
        <div className="calendar-tools">
          <section className="card" aria-labelledby="add-period-heading">
            <h3 id="add-period-heading">{t('calendar.addTitle')}</h3>
            <PeriodForm doc={doc} meta={meta} actor={actor} idPrefix="period" onDone={(text) => setMessage(text)} />
          </section>
          <div className="starting-points">
            <FlemishLoader doc={doc} meta={meta} actor={actor} year={year} startMonth={startMonth} onDone={setMessage} />
            <PartnerTemplate doc={doc} meta={meta} actor={actor} year={year} startMonth={startMonth} onDone={setMessage} />
          </div>
        </div>
      ) : null}

      <div className="lanes-legend" aria-hidden="true">
        {schools.map((s, i) => (
          <span key={s.id} className={`lane-key lane-key-${i === 0 ? 'a' : 'b'}`}>
            {s.name}
          </span>
        ))}
      </div>

      {monthsOf(range).map((m) => {
        const monthActivities = activities.filter((a) => {
          const from = a.startDate || a.endDate
          // an activity is listed in the month it starts, or the year's first month if it started before
          return (from < range.from ? range.from : from).slice(0, 7) === m.month
        })
        const title = formatMonth(m.month, language) ?? m.month
        return (
          <section key={m.month} className="cal-month" aria-labelledby={`cal-${m.month}`}>
            <h3 id={`cal-${m.month}`}>{title}</h3>
            <div className="lanes">
              {schools.map((school, i) => {
                const inMonth = periods.filter((p) => p.schoolId === school.id && rangesOverlap(p.from, p.to, m.from, m.to))
                const laneId = `lane-${m.month}-${i}`
                return (
                  <div key={school.id} className={`lane lane-${i === 0 ? 'a' : 'b'}`} role="group" aria-labelledby={laneId}>
                    <h4 id={laneId} className="lane-title">
                      {school.name}
                    </h4>
                    {inMonth.length === 0 ? (
                      <p className="lane-empty">{t('calendar.nothing')}</p>
                    ) : (
                      <ul className="period-list">
                        {inMonth.map((p) => (
                          <PeriodItem
                            key={p.id}
                            period={p}
                            schoolName={school.name}
                            // editable where it starts (or in the year's first month, for one that started before)
                            isEditable={!isReadOnly && (p.from < range.from ? range.from : p.from).slice(0, 7) === m.month}
                            isEditing={editing?.id === p.id}
                            onEdit={() => setEditing({ id: p.id, month: m.month })}
                          />
                        ))}
                      </ul>
                    )}
                  </div>
                )
              })}
            </div>
            {editing && editing.month === m.month ? (
              <EditPeriod
                doc={doc}
                meta={meta}
                actor={actor}
                period={periods.find((p) => p.id === editing.id)}
                onClose={(text) => {
                  setEditing(undefined)
                  if (text) setMessage(text)
                }}
              />
            ) : null}
            {monthActivities.length > 0 ? (
              <div className="cal-activities">
                <h4 className="visually-hidden">{t('calendar.activitiesIn', { month: title })}</h4>
                <ul>
                  {monthActivities.map((a) => (
                    <CalendarActivity key={a.id} activity={a} roomId={roomId} meta={meta} conflicts={findConflicts(a, periods, zones)} />
                  ))}
                </ul>
              </div>
            ) : null}
          </section>
        )
      })}
    </section>
  )
}

/** "January" … "December" in the language on screen, for the start-month choice. */
function monthNamesIn(language: string): string[] {
  const f = new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' })
  return Array.from({ length: 12 }, (_, i) => {
    const name = f.format(new Date(Date.UTC(2000, i, 1)))
    return name.charAt(0).toLocaleUpperCase(language) + name.slice(1)
  })
}

function kindClass(kind: PeriodKind): string {
  return `period period-${kind}`
}

interface PeriodItemProps {
  readonly period: CalendarPeriod
  readonly schoolName: string
  readonly isEditable: boolean
  readonly isEditing: boolean
  readonly onEdit: () => void
}

function PeriodItem({ period: p, schoolName, isEditable, isEditing, onEdit }: PeriodItemProps) {
  const periodLabel = usePeriodLabel()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const dates = formatDateRange(p.from, p.to, language)
  const body = (
    <>
      <span className="period-kind">{t(`calendar.kinds.${p.kind}`)}</span>
      <span className="period-label">{periodLabel(p)}</span>
      <span className="period-dates">{dates}</span>
    </>
  )
  return (
    <li className={kindClass(p.kind)}>
      {isEditable ? (
        <button
          type="button"
          className="period-button"
          aria-expanded={isEditing}
          aria-label={t('calendar.editPeriod', { label: periodLabel(p), dates, school: schoolName })}
          onClick={onEdit}
        >
          {body}
        </button>
      ) : (
        <span className="period-body">{body}</span>
      )}
    </li>
  )
}

function CalendarActivity({ activity: a, roomId, meta, conflicts }: { readonly activity: Activity; readonly roomId: string; readonly meta: PartnershipMeta; readonly conflicts: ReturnType<typeof findConflicts> }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (
    <li className="cal-activity">
      <a href={pageHref(roomId, { name: 'activity', activityId: a.id })}>{a.title}</a>
      <span className="activity-meta">
        <span>{formatDateRange(a.startDate, a.endDate, language)}</span>
        <span className={`badge badge-${a.status}`}>{t(`activity.statuses.${a.status}`)}</span>
      </span>
      <PlanningNotes meta={meta} conflicts={conflicts} />
    </li>
  )
}

// ---- the period form: adding, and editing one period in place ---------------------------------

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

function PeriodForm({ doc, meta, actor, idPrefix, period, onDone }: PeriodFormProps) {
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

function EditPeriod({ doc, meta, actor, period, onClose }: { readonly doc: Y.Doc; readonly meta: PartnershipMeta; readonly actor: Actor; readonly period: CalendarPeriod | undefined; readonly onClose: (message: string | undefined) => void }) {
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

// ---- starting points ----------------------------------------------------------------------------

interface StartingPointProps {
  readonly doc: Y.Doc
  readonly meta: PartnershipMeta
  readonly actor: Actor
  /** The first calendar year of the school year on screen. */
  readonly year: number
  readonly startMonth: number
  readonly onDone: (message: string) => void
}

/** Same school, kind, label and dates: loading a starting point twice adds nothing twice. */
/** The same period is there already, whatever language its label was loaded in. */
function isAlreadyThere(p: PeriodInput, existing: readonly CalendarPeriod[]): boolean {
  return existing.some((e) => e.schoolId === p.schoolId && e.kind === p.kind && e.from === p.from && e.to === p.to)
}

function FlemishLoader({ doc, meta, actor, year, startMonth, onDone }: StartingPointProps) {
  const { t } = useTranslation()
  const translate = useStartingPointLabel()
  const [schoolId, setSchoolId] = useState(meta.schoolA.id)
  const [error, setError] = useState<TranslationKey | undefined>()
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
    const code = unplacedProblem(attempt(() => addPeriods(doc, inputs, actor)), [])
    if (code) {
      setError(`errors.${code}`)
      return
    }
    setError(undefined)
    onDone(t('calendar.flemish.loaded', { count: inputs.length, school, year: label }))
  }

  return (
    <details className="card starting-point">
      <summary>{t('calendar.flemish.title')}</summary>
      <p className="hint">{t('calendar.flemish.intro', { year: label })}</p>
      <div className="field">
        <label htmlFor="flemish-school">{t('calendar.flemish.school')}</label>
        <select id="flemish-school" value={schoolId} onChange={(e) => setSchoolId(e.target.value)}>
          {[meta.schoolA, meta.schoolB].map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <FormError message={error ? t(error) : undefined} />
      <div className="actions">
        <button type="button" className="button-secondary" onClick={load}>
          {t('calendar.flemish.load')}
        </button>
      </div>
    </details>
  )
}

function PartnerTemplate({ doc, meta, actor, onDone }: StartingPointProps) {
  const { t } = useTranslation()
  const translate = useStartingPointLabel()
  const [schoolId, setSchoolId] = useState(meta.schoolB.id)
  const [dates, setDates] = useState<readonly { from: string; to: string }[]>(() => PARTNER_TEMPLATE.map(() => ({ from: '', to: '' })))
  const [rowErrors, setRowErrors] = useState<ReadonlyMap<number, DomainErrorCode>>(new Map())
  const [formError, setFormError] = useState<TranslationKey | undefined>()

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
    if (errors.size > 0) {
      setFormError('calendar.template.checkRows')
      return
    }
    if (inputs.length === 0) {
      setFormError('calendar.template.empty')
      return
    }
    const code = unplacedProblem(attempt(() => addPeriods(doc, inputs, actor)), [])
    if (code) {
      setFormError(`errors.${code}`)
      return
    }
    setFormError(undefined)
    setDates(PARTNER_TEMPLATE.map(() => ({ from: '', to: '' })))
    const school = schoolName(meta, schoolId) ?? ''
    onDone(t('calendar.template.added', { count: inputs.length, school }))
  }

  return (
    <details className="card starting-point">
      <summary>{t('calendar.template.title')}</summary>
      <p className="hint">{t('calendar.template.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        <div className="field">
          <label htmlFor="template-school">{t('calendar.template.school')}</label>
          <select id="template-school" value={schoolId} onChange={(e) => setSchoolId(e.target.value)}>
            {[meta.schoolA, meta.schoolB].map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
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
        <FormError message={formError ? t(formError) : undefined} />
        <div className="actions">
          <button type="submit" className="button-secondary">
            {t('calendar.template.add')}
          </button>
        </div>
      </form>
    </details>
  )
}
