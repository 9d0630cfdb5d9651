/**
 * Both school profiles ("identikit"), side by side on a laptop and one after the other on a phone,
 * editable from either school's device.
 *
 * Each profile has its own Save, in sight at the bottom while its long form is on screen. Saving
 * writes only the fields changed in this form since it was filled (src/domain/schoolForm.ts), so
 * what the partner school changed meanwhile in other fields stays (the domain then writes only
 * values that differ). While a form has no changes of its own, it follows the stored profile live.
 * The people who lead the link are records of their own, added and removed at once.
 *
 * Its parts: the fields in their sections (SchoolProfileFields.tsx), the leaders (SchoolLeaders.tsx).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import {
  readSchoolProfiles,
  sameSchoolValues,
  schoolChangesSince,
  schoolToValues,
  updateSchoolProfile,
  type SchoolFormValues,
  type SchoolTextKey,
} from '../../domain'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { FormActions, FormError } from '../components/FormActions'
import { ScreenSection } from '../components/ScreenSection'
import { useDomainForm } from '../hooks/useDomainForm'
import { formatMoment } from '../format'
import { usePartnership } from '../hooks/usePartnership'
import { SchoolLeaders, type SchoolPartProps } from './SchoolLeaders'
import { SchoolProfileFields } from './SchoolProfileFields'
import './planning.css'
import './calendar.css'
import './print.css'

export function SchoolsScreen() {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  // read on every render: the parent renders again whenever the document changes
  const profiles = readSchoolProfiles(doc)
  return (
    <ScreenSection headingId="schools-heading" title={t('schools.title')} className="wide">
      <p className="hint">{t('schools.intro')}</p>
      {profiles ? (
        <div className="profiles">
          {profiles.map((p, index) => (
            <SchoolProfileCard key={p.id} doc={doc} profile={p} prefix={index === 0 ? 'school-a' : 'school-b'} actor={actor} isReadOnly={isReadOnly} />
          ))}
        </div>
      ) : null}
    </ScreenSection>
  )
}

function SchoolProfileCard({ doc, profile, prefix, actor, isReadOnly }: SchoolPartProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const stored = schoolToValues(profile)
  const [initial, setInitial] = useState<SchoolFormValues>(stored)
  const [values, setValues] = useState<SchoolFormValues>(stored)
  const [savedMessage, setSavedMessage] = useState<string | undefined>()
  const id = (field: string): string => `${prefix}-${field}`
  const form = useDomainForm({ controls: (place) => (place in stored ? id(place) : undefined), checkFields: 'schools.checkFields' })
  const isDirty = !sameSchoolValues(values, initial)
  // untouched form, changed profile (the partner saved, or our other form did): follow it
  if (!isDirty && !sameSchoolValues(stored, initial)) {
    setInitial(stored)
    setValues(stored)
  }

  const headingId = id('heading')
  const set = (key: SchoolTextKey, value: string): void => {
    setValues((v) => ({ ...v, [key]: value }))
    setSavedMessage(undefined)
  }
  const toggleMeans = (means: string, isOn: boolean): void => {
    setValues((v) => ({ ...v, communicationMeans: isOn ? [...v.communicationMeans, means] : v.communicationMeans.filter((m) => m !== means) }))
    setSavedMessage(undefined)
  }

  const save = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    const patch = schoolChangesSince(initial, values)
    const isSaved = form.run(() => {
      if (Object.keys(patch).length > 0) updateSchoolProfile(doc, profile.id, patch, actor)
    })
    if (!isSaved) return
    // the form now matches what is stored; it follows the profile again from here
    setInitial(values)
    setSavedMessage(t('schools.saved', { school: values.name.trim() || profile.name }))
  }

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
      <form className="form form-long" noValidate onSubmit={save} aria-labelledby={headingId}>
        <fieldset className="plain" disabled={isReadOnly}>
          <SchoolProfileFields values={values} prefix={prefix} errorOf={form.errorOf} set={set} toggleMeans={toggleMeans} />
        </fieldset>
        <FormError message={form.formError} />
        <FormActions submit={t('schools.save', { school: profile.name })} disabled={isReadOnly}>
          {isDirty ? <span className="muted">{t('schools.unsaved')}</span> : null}
        </FormActions>
        <p role="status" className="status-message">
          {savedMessage ?? ''}
        </p>
      </form>
      <SchoolLeaders doc={doc} profile={profile} prefix={prefix} actor={actor} isReadOnly={isReadOnly} />
    </article>
  )
}
