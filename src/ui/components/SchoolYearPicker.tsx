/** The labelled choice of a school year, for the screens that show one year (calendar, print). */
import { schoolYearLabel } from '../planning/schoolYear'

interface SchoolYearPickerProps {
  readonly id: string
  readonly label: string
  /** First calendar years of the school years to offer. */
  readonly years: readonly number[]
  readonly year: number
  readonly startMonth: number
  readonly onChange: (year: number) => void
}

export function SchoolYearPicker({ id, label, years, year, startMonth, onChange }: SchoolYearPickerProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={String(year)} onChange={(e) => onChange(Number(e.target.value))}>
        {years.map((y) => (
          <option key={y} value={String(y)}>
            {schoolYearLabel(y, startMonth)}
          </option>
        ))}
      </select>
    </div>
  )
}
