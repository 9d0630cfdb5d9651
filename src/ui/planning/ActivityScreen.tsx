/**
 * One activity of the action plan: new, or open for editing.
 *
 * Saving an existing activity writes only what the person changed in this form, so a field the
 * partner school changed meanwhile on another device keeps their change (the domain then writes
 * only fields that differ). Responsible people and costs are merged per school for the same reason.
 * Problems the domain finds (`ValidationError.issues`) are shown at their fields, translated.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import type * as Y from 'yjs'
import {
  ACTIVITY,
  ACTIVITY_KINDS,
  ACTIVITY_STATUSES,
  DomainError,
  EMPTY_ACTIVITY,
  ValidationError,
  createActivity,
  deleteActivity,
  findConflicts,
  isOverdue,
  listActivities,
  listPartnerInput,
  listPeriods,
  readActivity,
  restoreActivity,
  schoolTimeZones,
  updateActivity,
  type Activity,
  type ActivityInput,
  type ActivityKind,
  type ActivityStatus,
  type DomainErrorCode,
  type Money,
  type PartnershipMeta,
  type School,
  type Actor,
  entriesOf,
} from '../../domain'
import { Field } from '../components/Field'
import { PartnerInputSection } from '../components/PartnerInputSection'
import { PlanningNotes } from '../components/PlanningNotes'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { amountToText, formatMoment, formatMoney, localToday, parseAmount } from '../format'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { usePartnership, type DeletedActivity } from '../hooks/usePartnership'
import { FormError } from '../components/FormActions'
import { SchoolSelect } from '../components/SchoolSelect'
import { attempt, unplacedProblem } from '../cycle/cycle'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'

/** Currencies offered while typing (any ISO 4217 code is accepted). */
const COMMON_CURRENCIES = ['EUR', 'USD', 'RWF', 'CDF', 'XOF', 'UGX', 'MAD', 'PEN', 'KHR', 'VND', 'SRD', 'ZAR']

/** The activity as the form holds it: the cost as typed, amount and currency per school id. */
interface FormValues extends Omit<ActivityInput, 'cost'> {
  readonly amount: Readonly<Record<string, string>>
  readonly currency: Readonly<Record<string, string>>
}

/** The fields one control sets as they are (texts, dates, choices): every field but the per-school maps. */
type TextKey = { [K in keyof FormValues]: FormValues[K] extends string ? K : never }[keyof FormValues]
type PerSchoolKey = 'responsible' | 'amount' | 'currency'

/** Where a problem is shown: a field name, or `<perSchoolKey>:<schoolId>`. */
type ProblemKey = string

/** The activity's fields that are one value each (the table's fields but the per-school maps). */
const SCALAR_FIELDS = (Object.keys(ACTIVITY.fields) as (keyof ActivityInput)[]).filter((f) => ACTIVITY.fields[f].kind !== 'map')

/** The control of each of those fields: `activity-<field in kebab case>`. */
const CONTROL_IDS: Record<string, string> = Object.fromEntries(SCALAR_FIELDS.map((f) => [f, `activity-${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`]))

function perSchoolId(key: PerSchoolKey, index: number): string {
  return `activity-${key}-${index === 0 ? 'a' : 'b'}`
}

/** The currency a school used last in this plan, to prefill the next cost. */
function lastCurrency(doc: Y.Doc, schoolId: string): string {
  let best: { at: string; currency: string } | undefined
  for (const a of listActivities(doc)) {
    const c = a.cost[schoolId]
    if (c && (!best || a.updatedAt > best.at)) best = { at: a.updatedAt, currency: c.currency }
  }
  return best?.currency ?? ''
}

/** The activity's own fields: a stored activity also carries its id and stamps. */
function fieldsOf(a: ActivityInput): ActivityInput {
  return Object.fromEntries(Object.keys(ACTIVITY.fields).map((f) => [f, a[f as keyof ActivityInput]])) as ActivityInput
}

function toValues(a: ActivityInput, schools: readonly School[], doc: Y.Doc, language: string): FormValues {
  const { cost: _cost, ...fields } = fieldsOf(a)
  const responsible: Record<string, string> = {}
  const amount: Record<string, string> = {}
  const currency: Record<string, string> = {}
  for (const s of schools) {
    responsible[s.id] = a.responsible[s.id] ?? ''
    const cost = a.cost[s.id]
    amount[s.id] = amountToText(cost?.amount, language)
    currency[s.id] = cost?.currency ?? lastCurrency(doc, s.id)
  }
  return { ...fields, responsible, amount, currency }
}

function costOf(v: FormValues, schoolId: string, language: string): Money | undefined {
  const amount = parseAmount(v.amount[schoolId] ?? '', language)
  if (amount === undefined) return undefined
  return { amount, currency: (v.currency[schoolId] ?? '').trim().toUpperCase() }
}

function toInput(v: FormValues, schools: readonly School[], language: string): ActivityInput {
  const { amount: _amount, currency: _currency, ...fields } = v
  const responsible: Record<string, string> = {}
  const cost: Record<string, Money> = {}
  for (const s of schools) {
    const r = (v.responsible[s.id] ?? '').trim()
    if (r) responsible[s.id] = r
    const c = costOf(v, s.id, language)
    if (c) cost[s.id] = c
  }
  return { ...fields, responsible, cost }
}

function sameMoney(a: Money | undefined, b: Money | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && Object.is(a.amount, b.amount) && a.currency === b.currency)
}

/** Only what the person changed since the form opened, merged onto the stored activity. */
function changesSince(initial: ActivityInput, next: ActivityInput, stored: Activity, schools: readonly School[]): Partial<ActivityInput> {
  const patch: { -readonly [K in keyof ActivityInput]?: ActivityInput[K] } = {}
  for (const f of SCALAR_FIELDS) {
    if (initial[f] !== next[f]) Object.assign(patch, { [f]: next[f] })
  }
  const responsible: Record<string, string> = { ...stored.responsible }
  const cost: Record<string, Money> = { ...stored.cost }
  let isResponsibleChanged = false
  let isCostChanged = false
  for (const s of schools) {
    if ((initial.responsible[s.id] ?? '') !== (next.responsible[s.id] ?? '')) {
      isResponsibleChanged = true
      const r = next.responsible[s.id]
      if (r) responsible[s.id] = r
      else delete responsible[s.id]
    }
    if (!sameMoney(initial.cost[s.id], next.cost[s.id])) {
      isCostChanged = true
      const c = next.cost[s.id]
      if (c) cost[s.id] = c
      else delete cost[s.id]
    }
  }
  if (isResponsibleChanged) patch.responsible = responsible
  if (isCostChanged) patch.cost = cost
  return patch
}

/** Which control shows a problem the domain reported. */
function problemKey(issue: DomainError): ProblemKey {
  const field = issue.field ?? ''
  if (field.startsWith('cost.')) {
    const schoolId = field.slice('cost.'.length)
    return issue.code === 'invalidCurrency' ? `currency:${schoolId}` : `amount:${schoolId}`
  }
  if (field.startsWith('responsible.')) return `responsible:${field.slice('responsible.'.length)}`
  return field
}

interface Props {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly activityId: string | 'new'
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly onDeleted: (deleted: DeletedActivity) => void
}

export function ActivityScreen({ activityId }: { readonly activityId: string | 'new' }) {
  const { doc, roomId, meta, actor, isReadOnly, setLastDeleted } = usePartnership()
  const onDeleted = (deleted: DeletedActivity): void => {
    setLastDeleted(deleted)
    navigate(pageHref(roomId, 'plan'))
  }
  const props: Props = { doc, roomId, activityId, meta, actor, isReadOnly, onDeleted }
  const stored = activityId === 'new' ? undefined : readActivity(doc, activityId)
  // known to this device's history but gone from the document: removed outright by another program
  const isRemoved = activityId !== 'new' && !stored && entriesOf(doc, 'activities', activityId).length > 0
  if (activityId !== 'new' && !stored) return <ActivityNotFound roomId={props.roomId} isRemoved={isRemoved} />
  return <ActivityForm {...props} stored={stored} />
}

function ActivityNotFound({ roomId, isRemoved }: { readonly roomId: string; readonly isRemoved: boolean }) {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading" ref={headingRef} tabIndex={-1}>
        {t('activity.notFoundTitle')}
      </h2>
      {isRemoved ? (
        <p>
          {t('activity.removed')} <a href={pageHref(roomId, 'restore')}>{t('restore.title')}</a>
        </p>
      ) : (
        <p>{t('activity.notFound')}</p>
      )}
      <p>
        <a className="back-link" href={pageHref(roomId, 'plan')}>{t('activity.backToPlan')}</a>
      </p>
    </section>
  )
}

function ActivityForm({ doc, roomId, activityId, meta, actor, isReadOnly, onDeleted, stored }: Props & { readonly stored: Activity | undefined }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const schools = [meta.schoolA, meta.schoolB]
  const isNew = activityId === 'new'
  const [initial, setInitial] = useState(() => ({
    values: toValues(stored ?? EMPTY_ACTIVITY, schools, doc, language),
    language,
    updatedAt: stored?.updatedAt,
  }))
  const [values, setValues] = useState<FormValues>(initial.values)
  const [problems, setProblems] = useState<ReadonlyMap<ProblemKey, DomainErrorCode>>(new Map())
  const [formError, setFormError] = useState<TranslationKey | undefined>()

  const set = <K extends TextKey | 'kind' | 'status'>(key: K, value: FormValues[K]): void =>
    setValues((v) => ({ ...v, [key]: value }))
  const setPerSchool = (key: PerSchoolKey, schoolId: string, value: string): void =>
    setValues((v) => ({ ...v, [key]: { ...v[key], [schoolId]: value } }))

  const problemText = (key: ProblemKey): string | undefined => {
    const code = problems.get(key)
    return code ? t(`errors.${code}`) : undefined
  }

  const controlIdOf = (key: ProblemKey): string | undefined => {
    const [perSchool, schoolId] = key.split(':') as [string, string | undefined]
    if (schoolId !== undefined) {
      const index = schools.findIndex((s) => s.id === schoolId)
      return index >= 0 ? perSchoolId(perSchool as PerSchoolKey, index) : undefined
    }
    return CONTROL_IDS[key]
  }

  const showProblems = (issues: readonly DomainError[]): void => {
    const next = new Map<ProblemKey, DomainErrorCode>()
    let unplaced: DomainErrorCode | undefined
    for (const issue of issues) {
      const key = problemKey(issue)
      if (controlIdOf(key)) {
        if (!next.has(key)) next.set(key, issue.code)
      } else unplaced ??= issue.code
    }
    setProblems(next)
    setFormError(unplaced ? `errors.${unplaced}` : 'activity.checkFields')
    const firstKey = [...next.keys()][0]
    const firstId = firstKey ? controlIdOf(firstKey) : undefined
    if (firstId) document.getElementById(firstId)?.focus()
  }

  const save = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    const next = toInput(values, schools, language)
    try {
      if (isNew) {
        createActivity(doc, next, actor)
      } else {
        const current = readActivity(doc, activityId)
        if (!current) throw new DomainError('notFound', 'id')
        const patch = changesSince(toInput(initial.values, schools, initial.language), next, current, schools)
        if (Object.keys(patch).length > 0) updateActivity(doc, activityId, patch, actor)
      }
    } catch (error) {
      if (error instanceof ValidationError) showProblems(error.issues)
      else if (error instanceof DomainError) {
        setProblems(new Map())
        setFormError(`errors.${error.code}`)
      } else throw error
      return
    }
    navigate(pageHref(roomId, 'plan'))
  }

  const remove = (): void => {
    if (isNew || isReadOnly || !stored) return
    const code = unplacedProblem(attempt(() => deleteActivity(doc, activityId, actor)), [])
    if (code) {
      setFormError(`errors.${code}`)
      return
    }
    onDeleted({ id: activityId, title: stored.title })
  }

  const restore = (): void => {
    const code = unplacedProblem(attempt(() => restoreActivity(doc, activityId, actor)), [])
    if (code) {
      setFormError(`errors.${code}`)
      return
    }
    // our own change: not one to warn about
    setInitial((i) => ({ ...i, updatedAt: readActivity(doc, activityId)?.updatedAt }))
  }

  // The activity changed while the form is open (here: a value kept, a version restored; or on
  // another device). An untouched form simply shows the new values; a form with changes of its own
  // keeps them and says the activity changed meanwhile (saving then writes only what was touched).
  const isUntouched = JSON.stringify(values) === JSON.stringify(initial.values)
  if (!isNew && stored !== undefined && stored.updatedAt !== initial.updatedAt && isUntouched) {
    const fresh = toValues(stored, schools, doc, language)
    setInitial({ values: fresh, language, updatedAt: stored.updatedAt })
    setValues(fresh)
  }

  const isChangedElsewhere = !isNew && stored !== undefined && stored.updatedAt !== initial.updatedAt
  // live while the dates are edited, before saving: the calendars as this device has them now
  const conflicts = findConflicts({ startDate: values.startDate, endDate: values.endDate }, listPeriods(doc), schoolTimeZones(doc))
  const today = localToday()
  const overdue = isNew ? [] : listPartnerInput(doc, { activityId }).filter((r) => isOverdue(r, today))

  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading" ref={headingRef} tabIndex={-1}>
        {isNew ? t('activity.newTitle') : t('activity.editTitle')}
      </h2>
      {stored ? (
        <div className="record-tools">
          <p className="muted">
            {t('activity.lastChanged', { name: stored.updatedBy || t('actor.someone'), when: formatMoment(stored.updatedAt, language) })}
          </p>
          <RecordHistory doc={doc} collection="activities" record={activityId} actor={actor} isReadOnly={isReadOnly} />
        </div>
      ) : null}
      {stored ? (
        <DoubleEditNotice
          doc={doc}
          records={[{ collection: 'activities', record: activityId }, ...listPartnerInput(doc, { activityId }).map((r) => ({ collection: 'partnerInput', record: r.id }))]}
          actor={actor}
          isReadOnly={isReadOnly}
         
        />
      ) : null}
      {stored?.deletedAt ? (
        <div className="banner banner-warning">
          <p>{t('activity.deletedElsewhere', { name: stored.deletedBy || t('actor.someone') })}</p>
          <div className="banner-actions">
            <button type="button" className="button-secondary" disabled={isReadOnly} onClick={restore}>
              {t('activity.restore')}
            </button>
          </div>
        </div>
      ) : null}
      {isChangedElsewhere && !stored.deletedAt ? (
        <div className="banner banner-info">
          <p>{t('activity.changedElsewhere', { name: stored.updatedBy || t('actor.someone') })}</p>
        </div>
      ) : null}

      {overdue.length > 0 ? <PlanningNotes meta={meta} overdue={overdue} /> : null}

      <form className="form form-long" noValidate onSubmit={save}>
        <fieldset className="plain" disabled={isReadOnly}>
          <Field id={CONTROL_IDS.title!} label={t('activity.title')} error={problemText('title')}>
            {(c) => <input {...c} type="text" required maxLength={200} value={values.title} onChange={(e) => set('title', e.target.value)} />}
          </Field>
          <Field id={CONTROL_IDS.description!} label={t('activity.description')} hint={t('activity.descriptionHint')} error={problemText('description')}>
            {(c) => <textarea {...c} rows={4} value={values.description} onChange={(e) => set('description', e.target.value)} />}
          </Field>
          <Field id={CONTROL_IDS.expectedResults!} label={t('activity.expectedResults')} hint={t('activity.expectedResultsHint')} error={problemText('expectedResults')}>
            {(c) => <textarea {...c} rows={3} value={values.expectedResults} onChange={(e) => set('expectedResults', e.target.value)} />}
          </Field>
          <Field id={CONTROL_IDS.targetGroup!} label={t('activity.targetGroup')} hint={t('activity.targetGroupHint')} error={problemText('targetGroup')}>
            {(c) => <input {...c} type="text" value={values.targetGroup} onChange={(e) => set('targetGroup', e.target.value)} />}
          </Field>
          <Field id={CONTROL_IDS.kind!} label={t('activity.kind')} error={problemText('kind')}>
            {(c) => (
              <select {...c} value={values.kind} onChange={(e) => set('kind', e.target.value as ActivityKind)}>
                {ACTIVITY_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`activity.kinds.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={CONTROL_IDS.leadSchoolId!} label={t('activity.leadSchool')} error={problemText('leadSchoolId')}>
            {(c) => <SchoolSelect control={c} schools={schools} value={values.leadSchoolId} onChange={(id) => set('leadSchoolId', id)} emptyLabel={t('activity.leadUndecided')} />}
          </Field>
          <div className="row">
            <Field id={CONTROL_IDS.startDate!} label={t('activity.startDate')} error={problemText('startDate')}>
              {(c) => <input {...c} type="date" value={values.startDate} onChange={(e) => set('startDate', e.target.value)} />}
            </Field>
            <Field id={CONTROL_IDS.endDate!} label={t('activity.endDate')} error={problemText('endDate')}>
              {(c) => <input {...c} type="date" value={values.endDate} min={values.startDate || undefined} onChange={(e) => set('endDate', e.target.value)} />}
            </Field>
          </div>
          <div aria-live="polite" className="live-region">
            <PlanningNotes meta={meta} conflicts={conflicts} />
          </div>
          <Field id={CONTROL_IDS.status!} label={t('activity.status')} error={problemText('status')}>
            {(c) => (
              <select {...c} value={values.status} onChange={(e) => set('status', e.target.value as ActivityStatus)}>
                {ACTIVITY_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`activity.statuses.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>

          {schools.map((school, index) => {
            const cost = costOf(values, school.id, language)
            const preview = cost && Number.isFinite(cost.amount) && /^[A-Z]{3}$/.test(cost.currency) ? formatMoney(cost, language) : undefined
            return (
              <fieldset key={school.id} className="school-fieldset">
                <legend>{school.name}</legend>
                <Field id={perSchoolId('responsible', index)} label={t('activity.responsibleAt', { school: school.name })} hint={t('activity.responsibleHint')} error={problemText(`responsible:${school.id}`)}>
                  {(c) => <input {...c} type="text" value={values.responsible[school.id] ?? ''} onChange={(e) => setPerSchool('responsible', school.id, e.target.value)} />}
                </Field>
                <div className="row row-cost">
                  <Field id={perSchoolId('amount', index)} label={t('activity.costFor', { school: school.name })} error={problemText(`amount:${school.id}`)}>
                    {(c) => (
                      <input {...c} type="text" inputMode="decimal" autoComplete="off" value={values.amount[school.id] ?? ''} onChange={(e) => setPerSchool('amount', school.id, e.target.value)} />
                    )}
                  </Field>
                  <Field id={perSchoolId('currency', index)} label={t('activity.currencyFor', { school: school.name })} error={problemText(`currency:${school.id}`)}>
                    {(c) => (
                      <input
                        {...c}
                        type="text"
                        list="activity-currencies"
                        maxLength={3}
                        autoCapitalize="characters"
                        autoComplete="off"
                        spellCheck={false}
                        value={values.currency[school.id] ?? ''}
                        onChange={(e) => setPerSchool('currency', school.id, e.target.value.toUpperCase())}
                      />
                    )}
                  </Field>
                </div>
                {preview ? <p className="hint">{t('activity.costPreview', { amount: preview })}</p> : null}
              </fieldset>
            )
          })}
          <datalist id="activity-currencies">
            {COMMON_CURRENCIES.map((code) => (
              <option key={code} value={code} />
            ))}
          </datalist>
        </fieldset>

        <FormError message={formError ? t(formError) : undefined} />

        <div className="actions">
          <button type="submit" className="button-primary" disabled={isReadOnly}>
            {t('activity.save')}
          </button>
          <a className="button-link" href={pageHref(roomId, 'plan')}>
            {t('activity.cancel')}
          </a>
          {!isNew && !stored?.deletedAt ? (
            <button type="button" className="button-danger" disabled={isReadOnly} onClick={remove}>
              {t('activity.delete')}
            </button>
          ) : null}
        </div>
      </form>

      <PartnerInputSection doc={doc} activityId={isNew ? undefined : activityId} meta={meta} actor={actor} isReadOnly={isReadOnly || Boolean(stored?.deletedAt)} today={today} />
    </section>
  )
}
