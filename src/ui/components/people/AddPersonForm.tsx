/** A new person on this device: name and role. */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { PersonError, addDevicePerson, registry, type PersonProblem, type PersonRole, type PersonRow } from '../../../storage'
import { FormError } from '../FormActions'
import { PersonFields } from './PersonFields'

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
      <PersonFields idPrefix={idPrefix} name={name} onName={setName} role={role} onRole={setRole} problem={problem} />
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
