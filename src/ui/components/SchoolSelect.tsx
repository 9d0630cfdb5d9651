/**
 * The partnership's two schools as choices (`schoolChoices`), and their select for use inside a
 * `Field` (`SchoolSelect`). With `emptyLabel` it starts with an empty choice ("choose a school",
 * "not decided yet").
 */
import type { School } from '../../domain'
import type { ControlProps } from './Field'
import { Select, withEmpty, type Choice } from './SelectField'

/** The schools as choices of a select: their ids, shown by name. */
export function schoolChoices(schools: readonly School[], emptyLabel?: string): readonly Choice[] {
  return withEmpty(emptyLabel, schools.map((s) => ({ value: s.id, label: s.name })))
}

interface SchoolSelectProps {
  readonly control: ControlProps
  readonly schools: readonly School[]
  readonly value: string
  readonly onChange: (schoolId: string) => void
  readonly emptyLabel?: string
}

export function SchoolSelect({ control, schools, value, onChange, emptyLabel }: SchoolSelectProps) {
  return <Select control={control} choices={schoolChoices(schools, emptyLabel)} value={value} onChange={onChange} />
}
