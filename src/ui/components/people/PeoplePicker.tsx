/**
 * "Who is using this phone?": the people on this device, each a button with their name (the one
 * using it now marked), and "Add person". Choosing a person with a PIN asks for it first. Used by
 * the Switch person dialog, the lock screen and a partnership's first step.
 */
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { choosePerson, hasPin, type PersonRow } from '../../../storage'
import { useCurrentPerson, usePeople } from '../../hooks/usePeople'
import { AddPersonForm } from './AddPersonForm'
import { PinPrompt } from './PinPrompt'
import { unlock } from './peopleState'

type View = { readonly kind: 'list' } | { readonly kind: 'add' } | { readonly kind: 'pin'; readonly person: PersonRow }

interface Props {
  readonly idPrefix: string
  /** Called once a person is the current one (chosen, PIN given, or added). */
  readonly onDone: (person: PersonRow) => void
  /** On the lock screen the current person, too, gives the PIN. */
  readonly isLocked?: boolean
  /** Shown under the list, not while a PIN is asked or a person added (the current person's PIN). */
  readonly footer?: ReactNode
}

export function PeoplePicker({ idPrefix, onDone, isLocked = false, footer }: Props) {
  const { t } = useTranslation()
  const people = usePeople()
  const { person: current } = useCurrentPerson()
  const [view, setView] = useState<View>({ kind: 'list' })

  const take = async (person: PersonRow): Promise<void> => {
    await choosePerson(person.id)
    unlock()
    setView({ kind: 'list' })
    onDone(person)
  }
  const choose = (person: PersonRow): void => {
    const isUnlockedCurrent = person.id === current?.id && !isLocked
    if (hasPin(person) && !isUnlockedCurrent) setView({ kind: 'pin', person })
    else void take(person)
  }

  if (people === undefined) return null
  if (view.kind === 'pin') {
    return (
      <div className="people-pin">
        <p className="people-pin-who">{view.person.name}</p>
        <PinPrompt
          person={view.person}
          idPrefix={`${idPrefix}-switch`}
          submit={t('people.pin.continue')}
          onRight={() => take(view.person)}
          onCancel={() => setView({ kind: 'list' })}
        />
      </div>
    )
  }
  const isAdding = view.kind === 'add' || people.length === 0
  return (
    <div className="people-picker">
      {people.length > 0 ? (
        <ul className="people-list">
          {people.map((p) => {
            const isCurrent = p.id === current?.id
            return (
              <li key={p.id} className={isCurrent ? 'people-item people-item-current' : 'people-item'}>
                <button type="button" className="person-button" aria-current={isCurrent ? 'true' : undefined} aria-describedby={`${idPrefix}-${p.id}-about`} onClick={() => choose(p)}>
                  {p.name}
                </button>
                <span className="person-about" id={`${idPrefix}-${p.id}-about`}>
                  {t(`people.roles.${p.role}`)}
                  {isCurrent ? ` · ${t('people.usingNow')}` : ''}
                  {hasPin(p) ? ` · ${t('people.hasPin')}` : ''}
                </span>
              </li>
            )
          })}
        </ul>
      ) : (
        <p className="hint">{t('people.nobodyYet')}</p>
      )}
      {isAdding ? (
        <section className="people-add" aria-labelledby={`${idPrefix}-add-heading`}>
          <h3 id={`${idPrefix}-add-heading`}>{t('people.addHeading')}</h3>
          <AddPersonForm idPrefix={`${idPrefix}-add`} onAdded={take} onCancel={people.length > 0 ? () => setView({ kind: 'list' }) : undefined} />
        </section>
      ) : (
        <>
          <div className="actions">
            <button type="button" className="button-secondary" onClick={() => setView({ kind: 'add' })}>
              {t('people.add')}
            </button>
          </div>
          {footer}
        </>
      )}
    </div>
  )
}
