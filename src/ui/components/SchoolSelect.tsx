/**
 * A select of the partnership's two schools, for use inside a `Field`. With `emptyLabel` it starts
 * with an empty choice ("choose a school", "not decided yet").
 */
import type { School } from '../../domain'
import type { ControlProps } from './Field'

interface SchoolSelectProps {
  readonly control: ControlProps
  readonly schools: readonly School[]
  readonly value: string
  readonly onChange: (schoolId: string) => void
  readonly emptyLabel?: string
}

export function SchoolSelect({ control, schools, value, onChange, emptyLabel }: SchoolSelectProps) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
      {schools.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </select>
  )
}
