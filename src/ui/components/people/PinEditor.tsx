/**
 * Setting, changing or removing the PIN of the person using the device now, with what a PIN does
 * and does not do, said plainly.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { PIN_MAX_DIGITS, hasPin, isValidPin, removePersonPin, setPersonPin, type PersonRow } from '../../../storage'
import { Field } from '../Field'
import { FormActions, FormError, SaveStatus } from '../FormActions'
import { unlock } from './peopleState'

type Problem = 'pinFormat' | 'pinMismatch'

export function PinEditor({ person, idPrefix }: { readonly person: PersonRow; readonly idPrefix: string }) {
  const { t } = useTranslation()
  const [isEditing, setIsEditing] = useState(false)
  const [first, setFirst] = useState('')
  const [second, setSecond] = useState('')
  const [problem, setProblem] = useState<Problem | undefined>()
  const [failed, setFailed] = useState(false)
  const [status, setStatus] = useState<string | undefined>()
  const firstId = `${idPrefix}-new-pin`
  const secondId = `${idPrefix}-repeat-pin`
  const digits = (v: string): string => v.replace(/[^0-9]/g, '')

  const close = (): void => {
    setIsEditing(false)
    setFirst('')
    setSecond('')
    setProblem(undefined)
    setFailed(false)
  }

  const save = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (!isValidPin(first)) {
      setProblem('pinFormat')
      document.getElementById(firstId)?.focus()
      return
    }
    if (second !== first) {
      setProblem('pinMismatch')
      document.getElementById(secondId)?.focus()
      return
    }
    try {
      await setPersonPin(person.id, first)
      unlock()
      close()
      setStatus(t('people.pin.saved'))
    } catch {
      setFailed(true)
    }
  }

  const remove = async (): Promise<void> => {
    try {
      await removePersonPin(person.id)
      setStatus(t('people.pin.removed'))
    } catch {
      setFailed(true)
    }
  }

  const pinInput = (id: string, value: string, onChange: (v: string) => void, error: string | undefined, label: string, hint?: string) => (
    <Field id={id} label={label} hint={hint} error={error}>
      {(c) => (
        <input {...c} className="pin-input" type="password" inputMode="numeric" pattern="[0-9]*" autoComplete="new-password" maxLength={PIN_MAX_DIGITS} value={value} onChange={(e) => onChange(digits(e.target.value))} />
      )}
    </Field>
  )

  return (
    <div className="pin-editor">
      <p className="hint">{t('people.pin.explain')}</p>
      {isEditing ? (
        <form className="form" noValidate onSubmit={(e) => void save(e)}>
          {pinInput(firstId, first, setFirst, problem === 'pinFormat' ? t('people.pin.format') : undefined, t('people.pin.new'), t('people.pin.digits'))}
          {pinInput(secondId, second, setSecond, problem === 'pinMismatch' ? t('people.pin.mismatch') : undefined, t('people.pin.repeat'))}
          <FormError message={failed ? t('people.pin.notSaved') : undefined} />
          <FormActions submit={t('people.pin.save')} secondary={{ label: t('people.cancel'), onClick: close }} />
        </form>
      ) : (
        <div className="actions">
          {hasPin(person) ? (
            <>
              <button type="button" className="button-secondary" onClick={() => setIsEditing(true)}>
                {t('people.pin.change')}
              </button>
              <button type="button" className="button-quiet" onClick={() => void remove()}>
                {t('people.pin.remove')}
              </button>
            </>
          ) : (
            <button type="button" className="button-secondary" onClick={() => setIsEditing(true)}>
              {t('people.pin.set')}
            </button>
          )}
          {failed ? <FormError message={t('people.pin.notSaved')} /> : null}
        </div>
      )}
      <SaveStatus status={status} />
    </div>
  )
}
