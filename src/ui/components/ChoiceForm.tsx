/**
 * A small inline form: choose one item from a list and act on it with one button ("Add to the
 * working group", "Start reflection"). The button waits until something is chosen; the choice is
 * cleared after acting. The options (`<option>`, `<optgroup>`) are the children, after a first,
 * empty "choose…" option.
 */
import { useState, type ReactNode } from 'react'
import { Field } from './Field'

interface ChoiceFormProps {
  readonly id: string
  readonly label: string
  /** The text of the empty first option, e.g. "Choose a person". */
  readonly placeholder: string
  readonly button: string
  readonly isReadOnly: boolean
  readonly onChoose: (value: string) => void
  readonly children: ReactNode
}

export function ChoiceForm({ id, label, placeholder, button, isReadOnly, onChoose, children }: ChoiceFormProps) {
  const [value, setValue] = useState('')
  return (
    <form
      className="form inline-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (!value) return
        onChoose(value)
        setValue('')
      }}
    >
      <Field id={id} label={label}>
        {(c) => (
          <select {...c} value={value} disabled={isReadOnly} onChange={(e) => setValue(e.target.value)}>
            <option value="">{placeholder}</option>
            {children}
          </select>
        )}
      </Field>
      <button type="submit" className="button-secondary" disabled={isReadOnly || !value}>
        {button}
      </button>
    </form>
  )
}
