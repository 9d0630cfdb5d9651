/** A new person on this device: name and role. */
import { useTranslation } from 'react-i18next'
import { addPerson, type PersonRow } from '../../../storage'
import { PersonForm } from './PersonForm'

interface Props {
  readonly idPrefix: string
  readonly onAdded: (person: PersonRow) => void | Promise<void>
  readonly onCancel?: (() => void) | undefined
}

export function AddPersonForm({ idPrefix, onAdded, onCancel }: Props) {
  const { t } = useTranslation()
  return <PersonForm idPrefix={idPrefix} submit={t('people.add')} write={addPerson} onDone={onAdded} onCancel={onCancel} />
}
