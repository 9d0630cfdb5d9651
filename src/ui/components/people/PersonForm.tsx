/**
 * A person's "Name" and "Role", as adding a person and changing one in Settings both ask them:
 * the fields, the save through this device's storage (`write`), and what went wrong — a problem
 * with the name at the name (focused), anything else as "could not be saved" at the form.
 * The storage's own PersonError, not a domain error: people live on this device only.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { NAME_MAX_LENGTH, PERSON_ROLES, PersonError, isPersonRole, type PersonProblem, type PersonRole } from '../../../storage'
import { useDomainForm } from '../../hooks/useDomainForm'
import { Field } from '../Field'
import { FormActions, FormError } from '../FormActions'

export interface PersonInput {
  readonly name: string
  readonly role: PersonRole
}

interface Props<T> {
  /** Ids are `<idPrefix>-name` and `<idPrefix>-role`; the name's is where a problem takes the focus. */
  readonly idPrefix: string
  readonly initial?: PersonInput
  /** The submit button's text. */
  readonly submit: string
  /** Saves on this device; a PersonError is shown at the name. */
  readonly write: (input: PersonInput) => Promise<T>
  /** After the save; its failure, too, reads "could not be saved". */
  readonly onDone: (saved: T) => void | Promise<void>
  readonly onCancel?: (() => void) | undefined
}

export function PersonForm<T>({ idPrefix, initial, submit, write, onDone, onCancel }: Props<T>) {
  const { t } = useTranslation()
  const [name, setName] = useState(initial?.name ?? '')
  const [role, setRole] = useState<PersonRole>(initial?.role ?? 'teacher')
  const [problem, setProblem] = useState<PersonProblem | undefined>()
  const [isBusy, setIsBusy] = useState(false)
  const form = useDomainForm()
  const nameId = `${idPrefix}-name`

  const save = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (isBusy) return
    setIsBusy(true)
    form.clear()
    try {
      const saved = await write({ name, role })
      setProblem(undefined)
      await onDone(saved)
    } catch (error) {
      if (error instanceof PersonError) {
        setProblem(error.code)
        document.getElementById(nameId)?.focus()
      } else form.fail('people.errors.notSaved')
    } finally {
      setIsBusy(false)
    }
  }

  return (
    <form className="form person-form" noValidate onSubmit={(e) => void save(e)}>
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
      <FormError message={form.formError} />
      <FormActions submit={submit} disabled={isBusy} secondary={onCancel ? { label: t('people.cancel'), onClick: onCancel } : undefined} />
    </form>
  )
}
