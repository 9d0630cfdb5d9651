/**
 * Registering a partner organisation or changing its details: name, website, contact, themes and
 * age groups (typed as lists separated by commas).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { EMPTY_ORGANISATION, addOrganisation, updateOrganisation, type Organisation, type OrganisationInput } from '../../domain'
import { Field } from '../components/Field'
import { FormActions, FormError } from '../components/FormActions'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'

/** "water, children's rights" → ['water', "children's rights"] */
function splitList(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

interface FormValues {
  readonly name: string
  readonly website: string
  readonly contact: string
  readonly themes: string
  readonly ageGroups: string
}

interface OrganisationFormProps {
  /** Absent: a new organisation. */
  readonly organisation?: Organisation
  /** With the new organisation's id when one was added. */
  readonly onDone: (id?: string) => void
}

export function OrganisationForm({ organisation, onDone }: OrganisationFormProps) {
  const { doc, actor } = usePartnership()
  const { t } = useTranslation()
  const start = organisation ?? EMPTY_ORGANISATION
  const [v, setV] = useState<FormValues>({ name: start.name, website: start.website, contact: start.contact, themes: start.themes.join(', '), ageGroups: start.ageGroups.join(', ') })
  const idPrefix = organisation ? `org-edit-${organisation.id}` : 'org-new'
  const form = useDomainForm({ controls: { name: `${idPrefix}-name`, website: `${idPrefix}-website` } })
  const errorOf = (f: string): string | undefined => (f === 'website' && form.problems.has(f) ? t('organisations.invalidWebsite') : form.errorOf(f))
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const input: OrganisationInput = { name: v.name, website: v.website, contact: v.contact, themes: splitList(v.themes), ageGroups: splitList(v.ageGroups) }
    let id: string | undefined
    const saved = form.run(() => {
      if (organisation) updateOrganisation(doc, organisation.id, input, actor)
      else id = addOrganisation(doc, input, actor)
    })
    if (saved) onDone(id)
  }
  const set = (f: keyof FormValues) => (e: { target: { value: string } }) => setV((x) => ({ ...x, [f]: e.target.value }))
  return (
    <form className="form subform" noValidate onSubmit={submit} aria-labelledby={`${idPrefix}-heading`}>
      <h4 id={`${idPrefix}-heading`}>{organisation ? t('organisations.editTitle', { name: organisation.name }) : t('organisations.addTitle')}</h4>
      <Field id={`${idPrefix}-name`} label={t('organisations.name')} error={errorOf('name')}>
        {(c) => <input {...c} type="text" autoComplete="organization" value={v.name} onChange={set('name')} />}
      </Field>
      <div className="row">
        <Field id={`${idPrefix}-website`} label={t('organisations.website')} hint={t('organisations.websiteHint')} error={errorOf('website')}>
          {(c) => <input {...c} type="url" inputMode="url" autoComplete="off" value={v.website} onChange={set('website')} />}
        </Field>
        <Field id={`${idPrefix}-contact`} label={t('organisations.contact')} hint={t('organisations.contactHint')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={v.contact} onChange={set('contact')} />}
        </Field>
      </div>
      <div className="row">
        <Field id={`${idPrefix}-themes`} label={t('organisations.themes')} hint={t('organisations.listHint')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={v.themes} onChange={set('themes')} />}
        </Field>
        <Field id={`${idPrefix}-ages`} label={t('organisations.ageGroups')} hint={t('organisations.ageGroupsHint')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={v.ageGroups} onChange={set('ageGroups')} />}
        </Field>
      </div>
      <FormError message={form.formError} />
      <FormActions submit={organisation ? t('organisations.saveChanges') : t('organisations.saveNew')} secondary={{ label: t('organisations.cancel'), onClick: () => onDone() }} />
    </form>
  )
}
