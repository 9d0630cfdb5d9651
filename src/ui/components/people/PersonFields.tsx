/** A person's "Name" and "Role", as adding a person and changing one in Settings both ask them. */
import { useTranslation } from 'react-i18next'
import { NAME_MAX_LENGTH, PERSON_ROLES, isPersonRole, type PersonProblem, type PersonRole } from '../../../storage'
import { Field } from '../Field'

interface Props {
  /** Ids are `<idPrefix>-name` and `<idPrefix>-role`; the name's is where a problem takes the focus. */
  readonly idPrefix: string
  readonly name: string
  readonly onName: (name: string) => void
  readonly role: PersonRole
  readonly onRole: (role: PersonRole) => void
  readonly problem: PersonProblem | undefined
}

export function PersonFields({ idPrefix, name, onName, role, onRole, problem }: Props) {
  const { t } = useTranslation()
  return (
    <>
      <Field id={`${idPrefix}-name`} label={t('people.name')} error={problem ? t(`people.errors.${problem}`) : undefined}>
        {(c) => <input {...c} type="text" autoComplete="off" maxLength={NAME_MAX_LENGTH} value={name} onChange={(e) => onName(e.target.value)} />}
      </Field>
      <Field id={`${idPrefix}-role`} label={t('people.role')}>
        {(c) => (
          <select {...c} value={role} onChange={(e) => onRole(isPersonRole(e.target.value) ? e.target.value : 'other')}>
            {PERSON_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`people.roles.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  )
}
