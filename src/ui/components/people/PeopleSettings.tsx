/**
 * Settings: the people on this device — rename, role, PIN, remove. Someone with a PIN can be
 * changed or removed only while they are the one using the device (so no colleague can take over
 * or delete them); a person with drafts is removed only if those drafts are discarded on purpose.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { countLetterDrafts, hasPin, removePerson, updatePerson, type PersonRow } from '../../../storage'
import { FormError } from '../FormActions'
import { PersonForm } from './PersonForm'
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
      const drafts = await countLetterDrafts(person.id)
      const question = drafts > 0 ? t('people.settings.confirmRemoveWithDrafts', { name: person.name }) : t('people.settings.confirmRemove', { name: person.name })
      if (!window.confirm(question)) return
      await removePerson(person.id, { discardDrafts: drafts > 0 })
    } catch {
      setFailed(true)
    }
  }

  return (
    <li className="people-settings-item">
      <p className="people-settings-name">
        <strong><bdi>{person.name}</bdi></strong>
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
  return (
    <PersonForm
      idPrefix={`settings-person-${person.id}`}
      initial={person}
      submit={t('people.settings.save')}
      write={(input) => updatePerson(person.id, input)}
      onDone={onDone}
      onCancel={onDone}
    />
  )
}
