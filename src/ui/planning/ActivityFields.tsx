/**
 * The activity form's fields (part of ActivityScreen), in sections a phone can take: what it is,
 * when and who leads it, each school's responsible people and cost, and how far it is. The values
 * and their mapping to the domain are src/domain/activityForm.ts; this file only shows them.
 *
 * Control ids: `activity-<field in kebab case>` for the activity's own fields, and
 * `activity-<responsible|amount|currency>-<a|b>` per school (`activityControlOf`).
 */
import { useTranslation } from 'react-i18next'
import {
  ACTIVITY_KINDS,
  ACTIVITY_SCALAR_FIELDS,
  ACTIVITY_STATUSES,
  activityCostOf,
  type ActivityFormValues,
  type ActivityPerSchoolKey,
  type AmountText,
  type Conflict,
  type PartnershipMeta,
  type School,
} from '../../domain'
import { Field } from '../components/Field'
import { FormSection } from '../components/FormSection'
import { PlanningNotes } from '../components/PlanningNotes'
import { schoolChoices } from '../components/SchoolSelect'
import { SelectField } from '../components/SelectField'
import { amountToText, formatMoney, parseAmount } from '../format'
import { CurrencyInput, CurrencyList } from './Currency'

/** The control of each of the activity's own fields: `activity-<field in kebab case>`. */
const CONTROL_IDS: Readonly<Record<string, string>> = Object.fromEntries(
  ACTIVITY_SCALAR_FIELDS.map((f) => [f, `activity-${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`]),
)

function perSchoolId(key: ActivityPerSchoolKey, index: number): string {
  return `activity-${key}-${index === 0 ? 'a' : 'b'}`
}

/** The id of the control that shows a place of activityProblemPlace (a field, or `<key>:<schoolId>`). */
export function activityControlOf(schools: readonly School[]): (place: string) => string | undefined {
  return (place) => {
    const [key, schoolId] = place.split(':') as [string, string | undefined]
    if (schoolId === undefined) return CONTROL_IDS[key]
    const index = schools.findIndex((s) => s.id === schoolId)
    return index >= 0 ? perSchoolId(key as ActivityPerSchoolKey, index) : undefined
  }
}

/** Amounts as they are typed in `language`. */
export function amountTextIn(language: string): AmountText {
  return { parse: (text) => parseAmount(text, language), toText: (amount) => amountToText(amount, language) }
}

/** The fields one control sets as they are (texts, dates, choices): every field but the per-school maps. */
export type ActivityTextKey = { [K in keyof ActivityFormValues]: ActivityFormValues[K] extends string ? K : never }[keyof ActivityFormValues]

interface ActivityFieldsProps {
  readonly values: ActivityFormValues
  readonly meta: PartnershipMeta
  readonly language: string
  /** The calendars' periods the dates fall on, live while they are typed. */
  readonly conflicts: readonly Conflict[]
  readonly errorOf: (place: string) => string | undefined
  readonly set: <K extends ActivityTextKey>(key: K, value: ActivityFormValues[K]) => void
  readonly setPerSchool: (key: ActivityPerSchoolKey, schoolId: string, value: string) => void
}

export function ActivityFields({ values, meta, language, conflicts, errorOf, set, setPerSchool }: ActivityFieldsProps) {
  const { t } = useTranslation()
  const schools = [meta.schoolA, meta.schoolB]
  return (
    <>
      <FormSection id="activity-what-heading" title={t('activity.sections.what')}>
        <Field id={CONTROL_IDS.title!} label={t('activity.title')} error={errorOf('title')}>
          {(c) => <input {...c} type="text" required maxLength={200} value={values.title} onChange={(e) => set('title', e.target.value)} />}
        </Field>
        <Field id={CONTROL_IDS.description!} label={t('activity.description')} hint={t('activity.descriptionHint')} error={errorOf('description')}>
          {(c) => <textarea {...c} rows={4} value={values.description} onChange={(e) => set('description', e.target.value)} />}
        </Field>
        <Field id={CONTROL_IDS.expectedResults!} label={t('activity.expectedResults')} hint={t('activity.expectedResultsHint')} error={errorOf('expectedResults')}>
          {(c) => <textarea {...c} rows={3} value={values.expectedResults} onChange={(e) => set('expectedResults', e.target.value)} />}
        </Field>
        <Field id={CONTROL_IDS.targetGroup!} label={t('activity.targetGroup')} hint={t('activity.targetGroupHint')} error={errorOf('targetGroup')}>
          {(c) => <input {...c} type="text" value={values.targetGroup} onChange={(e) => set('targetGroup', e.target.value)} />}
        </Field>
        <SelectField
          id={CONTROL_IDS.kind!}
          label={t('activity.kind')}
          error={errorOf('kind')}
          choices={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`activity.kinds.${k}`) }))}
          value={values.kind}
          onChange={(k) => set('kind', k)}
        />
      </FormSection>

      <FormSection id="activity-when-heading" title={t('activity.sections.whenWho')}>
        <SelectField
          id={CONTROL_IDS.leadSchoolId!}
          label={t('activity.leadSchool')}
          error={errorOf('leadSchoolId')}
          choices={schoolChoices(schools, t('activity.leadUndecided'))}
          value={values.leadSchoolId}
          onChange={(id) => set('leadSchoolId', id)}
        />
        <div className="row">
          <Field id={CONTROL_IDS.startDate!} label={t('activity.startDate')} error={errorOf('startDate')}>
            {(c) => <input {...c} type="date" value={values.startDate} onChange={(e) => set('startDate', e.target.value)} />}
          </Field>
          <Field id={CONTROL_IDS.endDate!} label={t('activity.endDate')} error={errorOf('endDate')}>
            {(c) => <input {...c} type="date" value={values.endDate} min={values.startDate || undefined} onChange={(e) => set('endDate', e.target.value)} />}
          </Field>
        </div>
        <div aria-live="polite" className="live-region">
          <PlanningNotes meta={meta} conflicts={conflicts} />
        </div>
      </FormSection>

      <FormSection id="activity-per-school-heading" title={t('activity.sections.perSchool')}>
        {schools.map((school, index) => (
          <SchoolPart key={school.id} school={school} index={index} values={values} language={language} errorOf={errorOf} setPerSchool={setPerSchool} />
        ))}
        <CurrencyList id="activity-currencies" />
      </FormSection>

      <FormSection id="activity-progress-heading" title={t('activity.sections.progress')}>
        <SelectField
          id={CONTROL_IDS.status!}
          label={t('activity.status')}
          error={errorOf('status')}
          choices={ACTIVITY_STATUSES.map((s) => ({ value: s, label: t(`activity.statuses.${s}`) }))}
          value={values.status}
          onChange={(s) => set('status', s)}
        />
      </FormSection>
    </>
  )
}

interface SchoolPartProps extends Pick<ActivityFieldsProps, 'values' | 'language' | 'errorOf' | 'setPerSchool'> {
  readonly school: School
  readonly index: number
}

/** One school's responsible people and cost, with the cost as it will read. */
function SchoolPart({ school, index, values, language, errorOf, setPerSchool }: SchoolPartProps) {
  const { t } = useTranslation()
  const cost = activityCostOf(values, school.id, amountTextIn(language))
  const preview = cost && Number.isFinite(cost.amount) && /^[A-Z]{3}$/.test(cost.currency) ? formatMoney(cost, language) : undefined
  return (
    <fieldset className="school-fieldset">
      <legend>{school.name}</legend>
      <Field id={perSchoolId('responsible', index)} label={t('activity.responsibleAt', { school: school.name })} hint={t('activity.responsibleHint')} error={errorOf(`responsible:${school.id}`)}>
        {(c) => <input {...c} type="text" value={values.responsible[school.id] ?? ''} onChange={(e) => setPerSchool('responsible', school.id, e.target.value)} />}
      </Field>
      <div className="row row-cost">
        <Field id={perSchoolId('amount', index)} label={t('activity.costFor', { school: school.name })} error={errorOf(`amount:${school.id}`)}>
          {(c) => <input {...c} type="text" inputMode="decimal" autoComplete="off" value={values.amount[school.id] ?? ''} onChange={(e) => setPerSchool('amount', school.id, e.target.value)} />}
        </Field>
        <Field id={perSchoolId('currency', index)} label={t('activity.currencyFor', { school: school.name })} error={errorOf(`currency:${school.id}`)}>
          {(c) => <CurrencyInput control={c} listId="activity-currencies" value={values.currency[school.id] ?? ''} onChange={(v) => setPerSchool('currency', school.id, v)} />}
        </Field>
      </div>
      {preview ? <p className="hint">{t('activity.costPreview', { amount: preview })}</p> : null}
    </fieldset>
  )
}
