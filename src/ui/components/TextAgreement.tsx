/**
 * One agreement in words (who communicates with whom, the working group's rhythm), saved with its
 * button. Shows the stored text, live, until someone here starts typing.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useDomainForm } from '../hooks/useDomainForm'
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
  const form = useDomainForm()
  const [isSaved, setIsSaved] = useState(false)
  const edit = (value: string): void => {
    setDraft(value)
    setIsSaved(false)
    form.clear()
  }
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (draft === undefined) return
    const isDone = form.run(() => save(draft))
    setIsSaved(isDone)
    if (isDone) setDraft(undefined)
  }
  // the domain's refusal, or "Saved.", in the same polite place after the button
  const status = form.formError ?? (isSaved ? t('contacts.saved') : undefined)
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
