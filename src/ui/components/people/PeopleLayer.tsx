/**
 * The one people dialog of the app, over every screen: "Switch person" (opened from the header)
 * and the lock screen (a person with a PIN who has not used the app for a while). It is a modal
 * <dialog>: what is underneath stays mounted — a half-written form keeps its text — but cannot be
 * used until the dialog is done. The lock cannot be closed; only the PIN or another person ends it.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { hasPin, type PersonRow } from '../../../storage'
import { useCurrentPerson } from '../../hooks/usePeople'
import { PeoplePicker } from './PeoplePicker'
import { PinEditor } from './PinEditor'
import { PinPrompt } from './PinPrompt'
import { IDLE_LOCK_MS, closeSwitcher, getPeopleUi, idleFor, lockPerson, noteUse, subscribePeopleUi, unlock } from './peopleState'
import './people.css'

/** How often the idle time is looked at while the app is open. */
const CHECK_EVERY_MS = 15_000

/** Counts taps and keys as use, and locks a person with a PIN after IDLE_LOCK_MS without. */
function useIdleLock(person: PersonRow | undefined): void {
  useEffect(() => {
    const onUse = (): void => {
      if (document.visibilityState === 'visible' && getPeopleUi().lockedPersonId === undefined) noteUse()
    }
    window.addEventListener('pointerdown', onUse, true)
    window.addEventListener('keydown', onUse, true)
    return () => {
      window.removeEventListener('pointerdown', onUse, true)
      window.removeEventListener('keydown', onUse, true)
    }
  }, [])
  const personId = person?.id
  const withPin = hasPin(person)
  useEffect(() => {
    if (!personId || !withPin) return
    const check = (): void => {
      if (idleFor() >= IDLE_LOCK_MS) lockPerson(personId)
    }
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') check()
    }
    check()
    const timer = setInterval(check, CHECK_EVERY_MS)
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      clearInterval(timer)
      document.removeEventListener('visibilitychange', onVisibility)
    }
  }, [personId, withPin])
}

export function PeopleLayer() {
  const ui = useSyncExternalStore(subscribePeopleUi, getPeopleUi)
  const { person } = useCurrentPerson()
  useIdleLock(person)
  const isLocked = person !== undefined && hasPin(person) && ui.lockedPersonId === person.id
  const isOpen = isLocked || ui.isSwitcherOpen
  const ref = useRef<HTMLDialogElement>(null)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (isOpen && !dialog.open) dialog.showModal()
    if (!isOpen && dialog.open) dialog.close()
  }, [isOpen])

  return (
    <dialog
      ref={ref}
      className="people-dialog"
      aria-labelledby="people-dialog-heading"
      onCancel={(e) => {
        // Escape: closes the switcher, never the lock
        e.preventDefault()
        if (!isLocked) closeSwitcher()
      }}
    >
      {isOpen && person && isLocked ? <LockScreen person={person} /> : null}
      {isOpen && !isLocked ? <Switcher current={person} /> : null}
    </dialog>
  )
}

function Switcher({ current }: { readonly current: PersonRow | undefined }) {
  const { t } = useTranslation()
  return (
    <div className="people-dialog-body">
      <div className="people-dialog-head">
        <h2 id="people-dialog-heading">{t('people.whoTitle')}</h2>
        <button type="button" className="button-quiet people-close" onClick={closeSwitcher}>
          {t('people.close')}
        </button>
      </div>
      <p className="hint">{t('people.whoHint')}</p>
      <PeoplePicker
        idPrefix="switcher"
        onDone={closeSwitcher}
        footer={
          current ? (
            <section className="people-own-pin" aria-labelledby="switcher-pin-heading">
              <h3 id="switcher-pin-heading">{t('people.pin.heading', { name: current.name })}</h3>
              <PinEditor person={current} idPrefix="switcher" />
            </section>
          ) : null
        }
      />
    </div>
  )
}

function LockScreen({ person }: { readonly person: PersonRow }) {
  const { t } = useTranslation()
  const [isSwitching, setIsSwitching] = useState(false)
  return (
    <div className="people-dialog-body">
      <h2 id="people-dialog-heading">{isSwitching ? t('people.whoTitle') : t('people.lock.title', { name: person.name })}</h2>
      {isSwitching ? (
        <>
          <PeoplePicker idPrefix="lock" isLocked onDone={() => setIsSwitching(false)} />
          <div className="actions">
            <button type="button" className="button-quiet" onClick={() => setIsSwitching(false)}>
              {t('people.back')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>{t('people.lock.intro', { minutes: IDLE_LOCK_MS / 60_000 })}</p>
          <p className="hint">{t('people.lock.kept')}</p>
          <PinPrompt person={person} idPrefix="lock" submit={t('people.lock.unlock')} onRight={unlock} hint={null} />
          <div className="actions people-lock-switch">
            <button type="button" className="button-secondary" onClick={() => setIsSwitching(true)}>
              {t('people.switch')}
            </button>
          </div>
        </>
      )}
    </div>
  )
}
