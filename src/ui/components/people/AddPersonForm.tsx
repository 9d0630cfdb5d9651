/** A new person on this device: name and role. */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { NAME_MAX_LENGTH, PERSON_ROLES, PersonError, addDevicePerson, isPersonRole, registry, type PersonProblem, type PersonRole, type PersonRow } from '../../../storage'
import { Field } from '../Field'
import { FormError } from '../FormActions'

interface Props {
  readonly idPrefix: string
  readonly onAdded: (person: PersonRow) => void | Promise<void>
  readonly onCancel?: (() => void) | undefined
}

export function AddPersonForm({ idPrefix, onAdded, onCancel }: Props) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [role, setRole] = useState<PersonRole>('teacher')
  const [problem, setProblem] = useState<PersonProblem | undefined>()
  const [failed, setFailed] = useState(false)
  const [isBusy, setIsBusy] = useState(false)
  const nameId = `${idPrefix}-name`

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (isBusy) return
    setIsBusy(true)
    setFailed(false)
    try {
      const person = await addDevicePerson(registry(), { name, role })
      setProblem(undefined)
      await onAdded(person)
    } catch (error) {
      if (error instanceof PersonError) {
        setProblem(error.code)
        document.getElementById(nameId)?.focus()
      } else setFailed(true)
    } finally {
      setIsBusy(false)
    }
  }

  return (
    <form className="form person-form" noValidate onSubmit={(e) => void submit(e)}>
      <Field id={nameId} label={t('people.name')} error={problem ? t(`people.errors.${problem}`) : undefined}>
        {(c) => <input {...c} type="text" autoComplete="off" maxLength={NAME_MAX_LENGTH} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id={`${idPrefix}-role`} label={t('people.role')}>
        {(c) => (
          <select {...c} value={role} onChange={(e) => setRole(isPersonRole(e.target.value) ? e.target.value : 'other')}>
            {PERSON_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`people.roles.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormError message={failed ? t('people.errors.notSaved') : undefined} />
      <div className="actions">
        <button type="submit" className="button-primary" disabled={isBusy}>
          {t('people.add')}
        </button>
        {onCancel ? (
          <button type="button" className="button-quiet" onClick={onCancel}>
            {t('people.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  )
}
