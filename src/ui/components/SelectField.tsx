/**
 * A choice from a list: `Select` is the bare <select> for use inside a `Field` (ids, error and hint
 * come from the Field); `SelectField` is the labelled field itself, for filters and choices that
 * have no domain problem to show. Each option is a value and its label; with `emptyLabel` the list
 * starts with an empty choice ("all", "choose a school").
 */
import { Field, type ControlProps } from './Field'

export interface Choice<V extends string = string> {
  readonly value: V
  readonly label: string
}

interface SelectProps<V extends string> {
  readonly control: ControlProps
  readonly choices: readonly Choice<V>[]
  readonly value: V | ''
  readonly onChange: (value: V) => void
  readonly disabled?: boolean | undefined
}

export function Select<V extends string>({ control, choices, value, onChange, disabled }: SelectProps<V>) {
  return (
    <select {...control} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as V)}>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  )
}

interface SelectFieldProps<V extends string> extends Omit<SelectProps<V>, 'control'> {
  readonly id: string
  readonly label: string
  readonly hint?: string | undefined
  readonly error?: string | undefined
  /** The id of a hint shown elsewhere on the screen that describes this choice too. */
  readonly describedBy?: string | undefined
}

export function SelectField<V extends string>({ id, label, hint, error, describedBy, ...select }: SelectFieldProps<V>) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(c) => <Select {...select} control={{ ...c, 'aria-describedby': [c['aria-describedby'], describedBy].filter(Boolean).join(' ') || undefined }} />}
    </Field>
  )
}

/** Choices with an empty one first (value ''), e.g. "all school years", "choose a school". */
export function withEmpty<V extends string>(emptyLabel: string | undefined, choices: readonly Choice<V>[]): readonly Choice<V | ''>[] {
  return emptyLabel === undefined ? choices : [{ value: '', label: emptyLabel }, ...choices]
}
