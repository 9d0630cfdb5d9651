/**
 * A school profile's fields (part of SchoolsScreen), in sections a phone can take: the school,
 * its place and practicalities, its vision and motivation, its means and experience. The values
 * and their mapping to the domain are src/domain/schoolForm.ts; this file only shows them.
 * Control ids: `<prefix>-<field>`, the prefix telling the two profiles apart.
 */
import { useTranslation } from 'react-i18next'
import { COMMUNICATION_MEANS, type SchoolFormValues, type SchoolTextKey } from '../../domain'
import { Field } from '../components/Field'
import { FormSection } from '../components/FormSection'
import { SelectField, withEmpty } from '../components/SelectField'
import { CurrencyInput, CurrencyList } from './Currency'

/** When the browser cannot list its time zones: the zones of the countries schools link with. */
const FALLBACK_TIME_ZONES = [
  'Africa/Casablanca',
  'Africa/Johannesburg',
  'Africa/Kampala',
  'Africa/Kigali',
  'Africa/Kinshasa',
  'Africa/Lubumbashi',
  'Africa/Porto-Novo',
  'America/Guayaquil',
  'America/Lima',
  'America/Paramaribo',
  'Asia/Ho_Chi_Minh',
  'Asia/Phnom_Penh',
  'Europe/Brussels',
  'UTC',
]

function timeZones(): readonly string[] {
  try {
    const list = Intl.supportedValuesOf('timeZone')
    return list.length > 0 ? list : FALLBACK_TIME_ZONES
  } catch {
    return FALLBACK_TIME_ZONES
  }
}

interface SchoolProfileFieldsProps {
  readonly values: SchoolFormValues
  /** Makes the controls' ids unique on a page with two profiles. */
  readonly prefix: string
  readonly errorOf: (place: string) => string | undefined
  readonly set: (key: SchoolTextKey, value: string) => void
  readonly toggleMeans: (means: string, isOn: boolean) => void
}

export function SchoolProfileFields({ values, prefix, errorOf, set, toggleMeans }: SchoolProfileFieldsProps) {
  const { t } = useTranslation()
  const id = (field: string): string => `${prefix}-${field}`
  const text = (field: SchoolTextKey, opts: { hint?: string; inputMode?: 'numeric' } = {}) => (
    <Field id={id(field)} label={t(`schools.fields.${field}`)} hint={opts.hint} error={errorOf(field)}>
      {(c) => <input {...c} type="text" inputMode={opts.inputMode} value={values[field]} onChange={(e) => set(field, e.target.value)} />}
    </Field>
  )
  const area = (field: SchoolTextKey, hint?: string) => (
    <Field id={id(field)} label={t(`schools.fields.${field}`)} hint={hint} error={errorOf(field)}>
      {(c) => <textarea {...c} rows={3} value={values[field]} onChange={(e) => set(field, e.target.value)} />}
    </Field>
  )
  const zones = timeZones()
  // a zone stored by another program that this browser does not list is still shown
  const zoneChoices = withEmpty(t('schools.noTimeZone'), [...(values.timeZone && !zones.includes(values.timeZone) ? [values.timeZone] : []), ...zones].map((z) => ({ value: z, label: z })))

  return (
    <>
      <FormSection id={id('section-school')} title={t('schools.sections.school')} level={4}>
        {text('name')}
        {text('schoolType', { hint: t('schools.hints.schoolType') })}
        {area('educationOffered', t('schools.hints.educationOffered'))}
        <div className="row">
          {text('pupils', { inputMode: 'numeric' })}
          {text('teachers', { inputMode: 'numeric' })}
        </div>
      </FormSection>
      <FormSection id={id('section-place')} title={t('schools.sections.place')} level={4}>
        <div className="row">
          {text('town')}
          {text('country')}
        </div>
        <SelectField
          id={id('timeZone')}
          label={t('schools.fields.timeZone')}
          hint={t('schools.hints.timeZone')}
          error={errorOf('timeZone')}
          choices={zoneChoices}
          value={values.timeZone}
          onChange={(z) => set('timeZone', z)}
        />
        <div className="row">
          {text('languages', { hint: t('schools.hints.languages') })}
          <Field id={id('currency')} label={t('schools.fields.currency')} hint={t('schools.hints.currency')} error={errorOf('currency')}>
            {(c) => <CurrencyInput control={c} listId={id('currencies')} value={values.currency} onChange={(v) => set('currency', v)} />}
          </Field>
        </div>
        <CurrencyList id={id('currencies')} />
      </FormSection>
      <FormSection id={id('section-why')} title={t('schools.sections.why')} level={4}>
        {area('vision', t('schools.hints.vision'))}
        {area('motivation', t('schools.hints.motivation'))}
      </FormSection>
      <FormSection id={id('section-means')} title={t('schools.sections.means')} level={4}>
        {area('infrastructure', t('schools.hints.infrastructure'))}
        <fieldset className="checkbox-group">
          <legend>{t('schools.fields.communicationMeans')}</legend>
          {COMMUNICATION_MEANS.map((m) => (
            <label key={m} className="checkbox" htmlFor={id(`means-${m}`)}>
              <input id={id(`means-${m}`)} type="checkbox" checked={values.communicationMeans.includes(m)} onChange={(e) => toggleMeans(m, e.target.checked)} />
              <span>{t(`schools.means.${m}`)}</span>
            </label>
          ))}
        </fieldset>
        {area('internationalExperience', t('schools.hints.internationalExperience'))}
      </FormSection>
    </>
  )
}
