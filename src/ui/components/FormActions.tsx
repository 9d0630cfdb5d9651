/**
 * The end of a form, the same on every screen: the form's problem (read out at once), the submit
 * button with an optional quiet second button (cancel, delete), and what follows them in the row
 * (a save status, a note).
 */
import type { ReactNode } from 'react'

/** The form's problem, announced as an alert; nothing when there is none. */
export function FormError({ message }: { readonly message: string | undefined }) {
  return message ? (
    <p role="alert" className="form-error">
      {message}
    </p>
  ) : null
}

/** "Saved." after a save, read out politely; present (empty) before, so the announcement is heard. */
export function SaveStatus({ status }: { readonly status: string | undefined }) {
  return (
    <p className="save-status" aria-live="polite">
      {status ?? ''}
    </p>
  )
}

interface FormActionsProps {
  /** The submit button's text. */
  readonly submit: string
  readonly disabled?: boolean | undefined
  /** The submit button in the secondary style, for a small form beside a screen's main one. */
  readonly isSecondary?: boolean | undefined
  /** A quiet second button (cancel, delete). */
  readonly secondary?: { readonly label: string; readonly onClick: () => void } | undefined
  readonly children?: ReactNode
}

export function FormActions({ submit, disabled, isSecondary, secondary, children }: FormActionsProps) {
  return (
    <div className="actions">
      <button type="submit" className={isSecondary ? 'button-secondary' : 'button-primary'} disabled={disabled}>
        {submit}
      </button>
      {secondary ? (
        <button type="button" className="button-quiet" onClick={secondary.onClick}>
          {secondary.label}
        </button>
      ) : null}
      {children}
    </div>
  )
}
