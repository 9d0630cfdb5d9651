/**
 * The labelled choice of a school year, for the screens that show one year (calendar, print) and
 * the plan's filter, which with `allLabel` also offers every school year.
 */
import { schoolYearLabel, type SchoolYearChoice } from '../planning/schoolYear'
import { SelectField, type Choice } from './SelectField'

interface SchoolYearPickerProps {
  readonly id: string
  readonly label: string
  /** First calendar years of the school years to offer. */
  readonly years: readonly number[]
  readonly year: SchoolYearChoice
  readonly startMonth: number
  /** Offers "every school year" first, with this label. */
  readonly allLabel?: string
  readonly onChange: (year: SchoolYearChoice) => void
}

export function SchoolYearPicker({ id, label, years, year, startMonth, allLabel, onChange }: SchoolYearPickerProps) {
  const choices: Choice[] = years.map((y) => ({ value: String(y), label: schoolYearLabel(y, startMonth) }))
  if (allLabel !== undefined) choices.unshift({ value: 'all', label: allLabel })
  return <SelectField id={id} label={label} choices={choices} value={String(year)} onChange={(v) => onChange(v === 'all' ? 'all' : Number(v))} />
}
