/**
 * Adding or editing one person of a school on Contacts: name, role, how to reach them, and whether
 * they are the contact person, follow along, or sit in the working group. An edit writes only what
 * changed here, so a partner's edit of another field stays.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { addPerson, updatePerson, type Person, type PersonInput } from '../../domain'
import { Field } from '../components/Field'
import { FormActions, FormError } from '../components/FormActions'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'

const PERSON_TEXT = ['name', 'role', 'phone', 'email'] as const
const PERSON_FLAGS = ['isContactPerson', 'isFollowing', 'isWorkingGroupMember'] as const
const PERSON_CONTROLS = { name: 'person-name', role: 'person-role', phone: 'person-phone', email: 'person-email' }

interface PersonFormProps {
  readonly schoolId: string
  /** Absent: a new person. */
  readonly person?: Person
  readonly onDone: () => void
}

export function PersonForm({ schoolId, person, onDone }: PersonFormProps) {
  const { doc, actor } = usePartnership()
  const { t } = useTranslation()
  const [values, setValues] = useState<PersonInput>(
    () =>
      person ?? {
        schoolId,
        name: '',
        role: '',
        phone: '',
        email: '',
        isContactPerson: false,
        isFollowing: true,
        isWorkingGroupMember: false,
      },
  )
  const form = useDomainForm({ controls: PERSON_CONTROLS })
  const errorOf = (f: string): string | undefined => (f === 'email' && form.problems.get(f) === 'invalidChoice' ? t('contacts.invalidEmail') : form.errorOf(f))
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const saved = form.run(() => {
      if (person) {
        const patch: Partial<Record<keyof PersonInput, unknown>> = {}
        for (const f of [...PERSON_TEXT, ...PERSON_FLAGS]) if (values[f] !== person[f]) patch[f] = values[f]
        if (Object.keys(patch).length > 0) updatePerson(doc, person.id, patch as Partial<PersonInput>, actor)
      } else addPerson(doc, values, actor)
    })
    if (saved) onDone()
  }
  const text = (f: (typeof PERSON_TEXT)[number]) => ({ value: values[f], onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [f]: e.target.value })) })
  return (
    <form className="form subform person-form" noValidate onSubmit={submit}>
      <Field id="person-name" label={t('contacts.name')} error={errorOf('name')}>
        {(c) => <input {...c} type="text" autoComplete="off" {...text('name')} />}
      </Field>
      <Field id="person-role" label={t('contacts.role')} hint={t('contacts.roleHint')} error={errorOf('role')}>
        {(c) => <input {...c} type="text" autoComplete="off" {...text('role')} />}
      </Field>
      <div className="row">
        <Field id="person-phone" label={t('contacts.phone')} hint={t('contacts.phoneHint')} error={errorOf('phone')}>
          {(c) => <input {...c} type="tel" autoComplete="off" {...text('phone')} />}
        </Field>
        <Field id="person-email" label={t('contacts.email')} error={errorOf('email')}>
          {(c) => <input {...c} type="email" autoComplete="off" {...text('email')} />}
        </Field>
      </div>
      <fieldset className="plain checks">
        {PERSON_FLAGS.map((f) => (
          <label key={f} className="check">
            <input type="checkbox" checked={values[f]} onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.checked }))} />
            <span>{t(`contacts.${f}`)}</span>
          </label>
        ))}
      </fieldset>
      <FormError message={form.formError} />
      <FormActions submit={t('contacts.savePerson')} secondary={{ label: t('contacts.cancel'), onClick: onDone }} />
    </form>
  )
}
