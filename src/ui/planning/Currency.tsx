/**
 * A currency as it is typed in the activity's costs and a school's profile: three letters, upper
 * case as they are typed, with the currencies schools use most offered while typing (any ISO 4217
 * code is accepted; the domain checks it).
 */
import type { ControlProps } from '../components/Field'

/** Offered while typing a currency. */
const COMMON_CURRENCIES = ['EUR', 'USD', 'RWF', 'CDF', 'XOF', 'UGX', 'MAD', 'PEN', 'KHR', 'VND', 'SRD', 'ZAR']

/** The list a `CurrencyInput` offers; once per form. */
export function CurrencyList({ id }: { readonly id: string }) {
  return (
    <datalist id={id}>
      {COMMON_CURRENCIES.map((code) => (
        <option key={code} value={code} />
      ))}
    </datalist>
  )
}

interface CurrencyInputProps {
  readonly control: ControlProps
  /** The id of the form's `CurrencyList`. */
  readonly listId: string
  readonly value: string
  readonly onChange: (currency: string) => void
}

export function CurrencyInput({ control, listId, value, onChange }: CurrencyInputProps) {
  return (
    <input
      {...control}
      type="text"
      list={listId}
      maxLength={3}
      autoCapitalize="characters"
      autoComplete="off"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.target.value.toUpperCase())}
    />
  )
}
