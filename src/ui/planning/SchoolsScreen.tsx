/**
 * Both school profiles ("identikit"), side by side on a laptop and one after the other on a phone,
 * editable from either school's device.
 *
 * Each profile has its own Save. Saving writes only the fields changed in this form since it was
 * filled, so what the partner school changed meanwhile in other fields stays (the domain then
 * writes only values that differ). While a form has no changes of its own, it follows the stored
 * profile live. The people who lead the link are records of their own, added and removed at once.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import type * as Y from 'yjs'
import {
  COMMUNICATION_MEANS,
  DomainError,
  ValidationError,
  addSchoolLeader,
  readSchoolProfiles,
  removeSchoolLeader,
  updateSchoolProfile,
  type DomainErrorCode,
  type SchoolProfile,
  type SchoolProfileInput,
  type Actor,
} from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { FormActions, FormError } from '../components/FormActions'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { formatMoment } from '../format'
import { attempt, unplacedProblem } from '../cycle/cycle'
import { usePartnership } from '../hooks/usePartnership'
import './planning.css'

/** Offered while typing a currency (any ISO 4217 code is accepted). */
const COMMON_CURRENCIES = ['EUR', 'USD', 'RWF', 'CDF', 'XOF', 'UGX', 'MAD', 'PEN', 'KHR', 'VND', 'SRD', 'ZAR']

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

interface FormValues {
  readonly name: string
  readonly schoolType: string
  readonly educationOffered: string
  readonly pupils: string
  readonly teachers: string
  readonly town: string
  readonly country: string
  readonly timeZone: string
  readonly languages: string
  readonly currency: string
  readonly vision: string
  readonly motivation: string
  readonly infrastructure: string
  readonly communicationMeans: readonly string[]
  readonly internationalExperience: string
}

type TextKey = Exclude<keyof FormValues, 'communicationMeans'>

function toValues(p: SchoolProfile): FormValues {
  return {
    name: p.name,
    schoolType: p.schoolType,
    educationOffered: p.educationOffered,
    pupils: p.pupils === null ? '' : String(p.pupils),
    teachers: p.teachers === null ? '' : String(p.teachers),
    town: p.town,
    country: p.country,
    timeZone: p.timeZone,
    languages: p.languages.join(', '),
    currency: p.currency,
    vision: p.vision,
    motivation: p.motivation,
    infrastructure: p.infrastructure,
    communicationMeans: [...p.communicationMeans],
    internationalExperience: p.internationalExperience,
  }
}

/** A count as typed: '' is "not known"; anything else that is not a whole number reaches the domain as NaN. */
function parseCount(text: string): number | null {
  const t = text.trim()
  if (!t) return null
  return /^\d+$/.test(t) ? Number(t) : Number.NaN
}

function toInput(v: FormValues): SchoolProfileInput {
  return {
    name: v.name,
    schoolType: v.schoolType.trim(),
    educationOffered: v.educationOffered.trim(),
    pupils: parseCount(v.pupils),
    teachers: parseCount(v.teachers),
    town: v.town.trim(),
    country: v.country.trim(),
    timeZone: v.timeZone,
    languages: v.languages
      .split(/[,;\n]/)
      .map((l) => l.trim())
      .filter(Boolean),
    currency: v.currency,
    vision: v.vision,
    motivation: v.motivation,
    infrastructure: v.infrastructure.trim(),
    communicationMeans: COMMUNICATION_MEANS.filter((m) => v.communicationMeans.includes(m)),
    internationalExperience: v.internationalExperience.trim(),
  }
}

/**
 * Only the fields changed in the form since it was filled. Compared as typed (not as parsed: a
 * count typed wrongly parses to NaN, which must reach the domain and be reported, not vanish).
 */
function changesSince(initial: FormValues, next: FormValues): Partial<SchoolProfileInput> {
  const b = toInput(next)
  const patch: Record<string, unknown> = {}
  for (const key of Object.keys(b) as (keyof SchoolProfileInput & keyof FormValues)[]) {
    if (JSON.stringify(initial[key]) !== JSON.stringify(next[key])) patch[key] = b[key]
  }
  return patch as Partial<SchoolProfileInput>
}


export function SchoolsScreen() {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  // read on every render: the parent renders again whenever the document changes
  const profiles = readSchoolProfiles(doc)
  return (
    <section aria-labelledby="schools-heading" className="wide">
      <h2 id="schools-heading" ref={headingRef} tabIndex={-1}>
        {t('schools.title')}
      </h2>
      <p className="hint">{t('schools.intro')}</p>
      {profiles ? (
        <div className="profiles">
          {profiles.map((p, index) => (
            <SchoolProfileCard key={p.id} doc={doc} profile={p} prefix={index === 0 ? 'school-a' : 'school-b'} actor={actor} isReadOnly={isReadOnly} />
          ))}
        </div>
      ) : null}
    </section>
  )
}

interface CardProps {
  readonly doc: Y.Doc
  readonly profile: SchoolProfile
  /** Makes the controls' ids unique on a page with two profiles. */
  readonly prefix: string
  readonly actor: Actor
  readonly isReadOnly: boolean
}

function SchoolProfileCard({ doc, profile, prefix, actor, isReadOnly }: CardProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const stored = toValues(profile)
  const [initial, setInitial] = useState<FormValues>(stored)
  const [values, setValues] = useState<FormValues>(stored)
  const [problems, setProblems] = useState<ReadonlyMap<string, DomainErrorCode>>(new Map())
  const [formError, setFormError] = useState<TranslationKey | undefined>()
  const [savedMessage, setSavedMessage] = useState<string | undefined>()
  const isDirty = JSON.stringify(values) !== JSON.stringify(initial)
  // untouched form, changed profile (the partner saved, or our other form did): follow it
  if (!isDirty && JSON.stringify(stored) !== JSON.stringify(initial)) {
    setInitial(stored)
    setValues(stored)
  }

  const id = (field: string): string => `${prefix}-${field}`
  const headingId = id('heading')
  const set = (key: TextKey, value: string): void => {
    setValues((v) => ({ ...v, [key]: value }))
    setSavedMessage(undefined)
  }
  const toggleMeans = (means: string, isOn: boolean): void => {
    setValues((v) => ({ ...v, communicationMeans: isOn ? [...v.communicationMeans, means] : v.communicationMeans.filter((m) => m !== means) }))
    setSavedMessage(undefined)
  }
  const problemText = (field: string): string | undefined => {
    const code = problems.get(field)
    return code ? t(`errors.${code}`) : undefined
  }

  const save = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    const patch = changesSince(initial, values)
    try {
      if (Object.keys(patch).length > 0) updateSchoolProfile(doc, profile.id, patch, actor)
    } catch (error) {
      if (error instanceof ValidationError) {
        const next = new Map<string, DomainErrorCode>()
        for (const issue of error.issues) if (issue.field && !next.has(issue.field)) next.set(issue.field, issue.code)
        setProblems(next)
        setFormError('schools.checkFields')
        const first = [...next.keys()][0]
        if (first) document.getElementById(id(first))?.focus()
      } else if (error instanceof DomainError) {
        setProblems(new Map())
        setFormError(`errors.${error.code}`)
      } else throw error
      return
    }
    setProblems(new Map())
    setFormError(undefined)
    // the form now matches what is stored; it follows the profile again from here
    setInitial(values)
    setSavedMessage(t('schools.saved', { school: values.name.trim() || profile.name }))
  }

  const text = (field: TextKey, opts: { hint?: string; inputMode?: 'numeric' } = {}) => (
    <Field id={id(field)} label={t(`schools.fields.${field}`)} hint={opts.hint} error={problemText(field)}>
      {(c) => <input {...c} type="text" inputMode={opts.inputMode} value={values[field]} onChange={(e) => set(field, e.target.value)} />}
    </Field>
  )
  const area = (field: TextKey, hint?: string) => (
    <Field id={id(field)} label={t(`schools.fields.${field}`)} hint={hint} error={problemText(field)}>
      {(c) => <textarea {...c} rows={3} value={values[field]} onChange={(e) => set(field, e.target.value)} />}
    </Field>
  )
  const zones = timeZones()

  return (
    <article className="profile" aria-labelledby={headingId}>
      <h3 id={headingId}>{profile.name}</h3>
      {profile.updatedAt ? (
        <p className="muted">{t('schools.lastChanged', { name: profile.updatedBy || t('actor.someone'), when: formatMoment(profile.updatedAt, language) })}</p>
      ) : null}
      <div className="record-tools">
        <RecordHistory doc={doc} collection="schools" record={profile.id} actor={actor} isReadOnly={isReadOnly} about={profile.name} />
      </div>
      <DoubleEditNotice doc={doc} records={[{ collection: 'schools', record: profile.id }]} actor={actor} isReadOnly={isReadOnly} />
      <form className="form" noValidate onSubmit={save} aria-labelledby={headingId}>
        <fieldset className="plain" disabled={isReadOnly}>
          {text('name')}
          {text('schoolType', { hint: t('schools.hints.schoolType') })}
          {area('educationOffered', t('schools.hints.educationOffered'))}
          <div className="row">
            {text('pupils', { inputMode: 'numeric' })}
            {text('teachers', { inputMode: 'numeric' })}
          </div>
          <div className="row">
            {text('town')}
            {text('country')}
          </div>
          <Field id={id('timeZone')} label={t('schools.fields.timeZone')} hint={t('schools.hints.timeZone')} error={problemText('timeZone')}>
            {(c) => (
              <select {...c} value={values.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
                <option value="">{t('schools.noTimeZone')}</option>
                {values.timeZone && !zones.includes(values.timeZone) ? <option value={values.timeZone}>{values.timeZone}</option> : null}
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="row">
            {text('languages', { hint: t('schools.hints.languages') })}
            <Field id={id('currency')} label={t('schools.fields.currency')} hint={t('schools.hints.currency')} error={problemText('currency')}>
              {(c) => (
                <input
                  {...c}
                  type="text"
                  list={id('currencies')}
                  maxLength={3}
                  autoCapitalize="characters"
                  autoComplete="off"
                  spellCheck={false}
                  value={values.currency}
                  onChange={(e) => set('currency', e.target.value.toUpperCase())}
                />
              )}
            </Field>
          </div>
          <datalist id={id('currencies')}>
            {COMMON_CURRENCIES.map((code) => (
              <option key={code} value={code} />
            ))}
          </datalist>
          {area('vision', t('schools.hints.vision'))}
          {area('motivation', t('schools.hints.motivation'))}
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
        </fieldset>
        <FormError message={formError ? t(formError) : undefined} />
        <FormActions submit={t('schools.save', { school: profile.name })} disabled={isReadOnly}>
          {isDirty ? <span className="muted">{t('schools.unsaved')}</span> : null}
        </FormActions>
        <p role="status" className="status-message">
          {savedMessage ?? ''}
        </p>
      </form>
      <Leaders doc={doc} profile={profile} prefix={prefix} actor={actor} isReadOnly={isReadOnly} />
    </article>
  )
}

function Leaders({ doc, profile, prefix, actor, isReadOnly }: CardProps) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [role, setRole] = useState('')
  const [subjects, setSubjects] = useState('')
  const [error, setError] = useState<TranslationKey | undefined>()
  const id = (field: string): string => `${prefix}-leader-${field}`
  const headingId = id('heading')

  const add = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const code = unplacedProblem(attempt(() => addSchoolLeader(doc, profile.id, { name, role, subjects }, actor)), [])
    if (code) {
      setError(`errors.${code}`)
      document.getElementById(id('name'))?.focus()
      return
    }
    setError(undefined)
    setName('')
    setRole('')
    setSubjects('')
  }

  return (
    <section className="leaders" aria-labelledby={headingId}>
      <h4 id={headingId}>{t('schools.leaders.title', { school: profile.name })}</h4>
      <p className="hint">{t('schools.leaders.intro')}</p>
      {profile.leaders.length === 0 ? <p className="muted">{t('schools.leaders.none')}</p> : null}
      {profile.leaders.length > 0 ? (
        <ul className="leader-list">
          {profile.leaders.map((l) => (
            <li key={l.id}>
              <span className="leader-name">{l.name}</span>
              {l.role ? <span>{l.role}</span> : null}
              {l.subjects ? <span>{t('schools.leaders.teaches', { subjects: l.subjects })}</span> : null}
              <button
                type="button"
                className="button-quiet button-compact"
                disabled={isReadOnly}
                aria-label={t('schools.leaders.removeFor', { name: l.name, school: profile.name })}
                onClick={() => removeSchoolLeader(doc, profile.id, l.id, actor)}
              >
                {t('schools.leaders.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {!isReadOnly ? (
        <form className="form" noValidate onSubmit={add} aria-labelledby={headingId}>
          <Field id={id('name')} label={t('schools.leaders.name')} error={error ? t(error) : undefined}>
            {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <div className="row">
            <Field id={id('role')} label={t('schools.leaders.role')} hint={t('schools.leaders.roleHint')}>
              {(c) => <input {...c} type="text" value={role} onChange={(e) => setRole(e.target.value)} />}
            </Field>
            <Field id={id('subjects')} label={t('schools.leaders.subjects')}>
              {(c) => <input {...c} type="text" value={subjects} onChange={(e) => setSubjects(e.target.value)} />}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" className="button-secondary" aria-label={t('schools.leaders.addFor', { school: profile.name })}>
              {t('schools.leaders.add')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  )
}
