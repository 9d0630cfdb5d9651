/**
 * Settings: the people on this device — rename, role, PIN, remove. Someone with a PIN can be
 * changed or removed only while they are the one using the device (so no colleague can take over
 * or delete them); a person with drafts is removed only if those drafts are discarded on purpose.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import {
  PersonError,
  hasPin,
  registry,
  removeDevicePerson,
  updateDevicePerson,
  type PersonProblem,
  type PersonRole,
  type PersonRow,
} from '../../../storage'
import { countDrafts } from '../../../storage'
import { FormError } from '../FormActions'
import { PersonFields } from './PersonFields'
import { useCurrentPerson, usePeople } from '../../hooks/usePeople'
import { PinEditor } from './PinEditor'
import './people.css'

export function PeopleSettings() {
  const { t } = useTranslation()
  const people = usePeople()
  const { person: current } = useCurrentPerson()
  return (
    <section className="card" aria-labelledby="settings-people-heading">
      <h3 id="settings-people-heading">{t('people.settings.title')}</h3>
      <p className="hint">{t('people.settings.intro')}</p>
      {people && people.length === 0 ? <p className="muted">{t('people.nobodyYet')}</p> : null}
      <ul className="people-settings-list">
        {(people ?? []).map((p) => (
          <PersonItem key={p.id} person={p} isCurrent={p.id === current?.id} />
        ))}
      </ul>
    </section>
  )
}

function PersonItem({ person, isCurrent }: { readonly person: PersonRow; readonly isCurrent: boolean }) {
  const { t } = useTranslation()
  const [isEditing, setIsEditing] = useState(false)
  const [failed, setFailed] = useState(false)
  const canChange = isCurrent || !hasPin(person)

  const remove = async (): Promise<void> => {
    setFailed(false)
    try {
      const drafts = await countDrafts(registry(), person.id)
      const question = drafts > 0 ? t('people.settings.confirmRemoveWithDrafts', { name: person.name }) : t('people.settings.confirmRemove', { name: person.name })
      if (!window.confirm(question)) return
      await removeDevicePerson(registry(), person.id, { discardDrafts: drafts > 0 })
    } catch {
      setFailed(true)
    }
  }

  return (
    <li className="people-settings-item">
      <p className="people-settings-name">
        <strong>{person.name}</strong>
        <span className="muted">
          {' '}
          · {t(`people.roles.${person.role}`)}
          {isCurrent ? ` · ${t('people.usingNow')}` : ''}
          {hasPin(person) ? ` · ${t('people.hasPin')}` : ''}
        </span>
      </p>
      {isEditing ? (
        <EditPerson person={person} onDone={() => setIsEditing(false)} />
      ) : canChange ? (
        <div className="actions">
          <button type="button" className="button-secondary" aria-label={t('people.settings.editLabel', { name: person.name })} onClick={() => setIsEditing(true)}>
            {t('people.settings.edit')}
          </button>
          <button type="button" className="button-quiet" aria-label={t('people.settings.removeLabel', { name: person.name })} onClick={() => void remove()}>
            {t('people.settings.remove')}
          </button>
        </div>
      ) : (
        <p className="hint">{t('people.settings.onlyThemselves', { name: person.name })}</p>
      )}
      <FormError message={failed ? t('people.errors.notSaved') : undefined} />
      {isCurrent ? <PinEditor person={person} idPrefix={`settings-${person.id}`} /> : null}
    </li>
  )
}

function EditPerson({ person, onDone }: { readonly person: PersonRow; readonly onDone: () => void }) {
  const { t } = useTranslation()
  const [name, setName] = useState(person.name)
  const [role, setRole] = useState<PersonRole>(person.role)
  const [problem, setProblem] = useState<PersonProblem | undefined>()
  const [failed, setFailed] = useState(false)
  const nameId = `settings-person-${person.id}-name`

  const save = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    setFailed(false)
    try {
      await updateDevicePerson(registry(), person.id, { name, role })
      onDone()
    } catch (error) {
      if (error instanceof PersonError) {
        setProblem(error.code)
        document.getElementById(nameId)?.focus()
      } else setFailed(true)
    }
  }

  return (
    <form className="form person-form" noValidate onSubmit={(e) => void save(e)}>
      <PersonFields idPrefix={`settings-person-${person.id}`} name={name} onName={setName} role={role} onRole={setRole} problem={problem} />
      <FormError message={failed ? t('people.errors.notSaved') : undefined} />
      <div className="actions">
        <button type="submit" className="button-primary">
          {t('people.settings.save')}
        </button>
        <button type="button" className="button-quiet" onClick={onDone}>
          {t('people.cancel')}
        </button>
      </div>
    </form>
  )
}
