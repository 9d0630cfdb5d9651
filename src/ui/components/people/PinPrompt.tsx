/**
 * Asks for a person's PIN: before switching to a person who has one, and on the lock screen.
 * A wrong PIN says so plainly; after a few, the field waits (the storage counts, see
 * src/storage/people.ts `checkPin`) and shows how long.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { PIN_MAX_DIGITS, checkPersonPin, type PersonRow } from '../../../storage'
import { errorId } from '../Field'

type Problem = { readonly kind: 'wrong' } | { readonly kind: 'wait'; readonly until: number } | { readonly kind: 'failed' }

interface Props {
  readonly person: PersonRow
  /** Prefix for element ids (two prompts never share a page, but a dialog and a step might). */
  readonly idPrefix: string
  /** The button's text: "Continue" when switching, "Unlock" on the lock screen. */
  readonly submit: string
  readonly onRight: () => void | Promise<void>
  readonly onCancel?: (() => void) | undefined
  readonly cancel?: string | undefined
  /** Said above the field; default "<name> has a PIN. Enter it to go on."; null for none. */
  readonly hint?: string | null | undefined
}

export function PinPrompt({ person, idPrefix, submit, onRight, onCancel, cancel, hint }: Props) {
  const { t } = useTranslation()
  const id = `${idPrefix}-pin`
  const inputRef = useRef<HTMLInputElement>(null)
  const [pin, setPin] = useState('')
  const [problem, setProblem] = useState<Problem | undefined>(() =>
    person.pinWaitUntil && Date.parse(person.pinWaitUntil) > Date.now() ? { kind: 'wait', until: Date.parse(person.pinWaitUntil) } : undefined,
  )
  const [isBusy, setIsBusy] = useState(false)
  const [now, setNow] = useState(() => Date.now())
  const waitUntil = problem?.kind === 'wait' ? problem.until : undefined
  const isWaiting = waitUntil !== undefined && waitUntil > now

  useEffect(() => {
    inputRef.current?.focus()
  }, [])
  // the countdown while a wait lasts
  useEffect(() => {
    if (waitUntil === undefined) return
    const timer = setInterval(() => {
      const at = Date.now()
      setNow(at)
      if (at >= waitUntil) {
        clearInterval(timer)
        setProblem(undefined)
        inputRef.current?.focus()
      }
    }, 1000)
    return () => clearInterval(timer)
  }, [waitUntil])

  const submitPin = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (isBusy || isWaiting) return
    setIsBusy(true)
    try {
      const result = await checkPersonPin(person.id, pin)
      setPin('')
      if (result.ok) {
        setProblem(undefined)
        await onRight()
        return
      }
      setNow(Date.now())
      setProblem(result.reason === 'wait' ? { kind: 'wait', until: Date.parse(result.waitUntil) } : { kind: 'wrong' })
    } catch {
      setProblem({ kind: 'failed' })
    } finally {
      setIsBusy(false)
    }
    inputRef.current?.focus()
  }

  let message: string | undefined
  if (problem?.kind === 'wrong') message = t('people.pin.wrong')
  else if (problem?.kind === 'failed') message = t('people.pin.failed')
  else if (isWaiting) message = t('people.pin.wait', { seconds: Math.max(1, Math.ceil((waitUntil - now) / 1000)) })

  return (
    <form className="pin-prompt" noValidate onSubmit={(e) => void submitPin(e)}>
      <div className={message ? 'field field-invalid' : 'field'}>
        <label htmlFor={id}>{t('people.pin.label')}</label>
        {hint !== null ? (
          <p className="hint" id={`${id}-hint`}>
            {hint ?? t('people.pin.askFor', { name: person.name })}
          </p>
        ) : null}
        {message ? (
          <p role="alert" className="field-error" id={errorId(id)}>
            {message}
          </p>
        ) : null}
        <input
          ref={inputRef}
          id={id}
          className="pin-input"
          type="password"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          maxLength={PIN_MAX_DIGITS}
          value={pin}
          disabled={isWaiting}
          aria-invalid={message ? true : undefined}
          aria-describedby={[message ? errorId(id) : '', hint !== null ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined}
          onChange={(e) => setPin(e.target.value.replace(/[^0-9]/g, ''))}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button-primary" disabled={isBusy || isWaiting}>
          {submit}
        </button>
        {onCancel ? (
          <button type="button" className="button-quiet" onClick={onCancel}>
            {cancel ?? t('people.back')}
          </button>
        ) : null}
      </div>
    </form>
  )
}
