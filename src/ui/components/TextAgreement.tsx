/**
 * One agreement in words (who communicates with whom, the working group's rhythm), saved with its
 * button. Shows the stored text, live, until someone here starts typing.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt, unplacedProblem } from '../cycle/cycle'
import { Field } from './Field'
import { FormActions, SaveStatus } from './FormActions'

interface TextAgreementProps {
  readonly isReadOnly: boolean
  readonly id: string
  readonly label: string
  readonly hint: string
  readonly stored: string
  readonly save: (value: string) => void
  readonly button: string
  readonly multiline?: boolean
}

export function TextAgreement({ isReadOnly, id, label, hint, stored, save, button, multiline = false }: TextAgreementProps) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<string | undefined>()
  const [status, setStatus] = useState<string | undefined>()
  const edit = (value: string): void => {
    setDraft(value)
    setStatus(undefined)
  }
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (draft === undefined) return
    const code = unplacedProblem(attempt(() => save(draft)), [])
    setStatus(code ? t(`errors.${code}`) : t('contacts.saved'))
    if (!code) setDraft(undefined)
  }
  return (
    <form className="form" noValidate onSubmit={submit}>
      <fieldset className="plain" disabled={isReadOnly}>
        <Field id={id} label={label} hint={hint}>
          {(c) =>
            multiline ? (
              <textarea {...c} rows={3} value={draft ?? stored} onChange={(e) => edit(e.target.value)} />
            ) : (
              <input {...c} type="text" value={draft ?? stored} onChange={(e) => edit(e.target.value)} />
            )
          }
        </Field>
      </fieldset>
      <FormActions submit={button} disabled={isReadOnly}>
        <SaveStatus status={status} />
      </FormActions>
    </form>
  )
}
