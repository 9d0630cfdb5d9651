/**
 * `useSameValue(value)`: the value of the previous render when the new one holds the same data
 * (the same JSON), else the new one. The plan reads its data again on every change of the
 * document, as new objects; handing the previous object on when nothing in it changed lets the
 * months and cards (memoised, PlanMonths.tsx) skip drawing again for a change elsewhere.
 * For plain data only (what JSON keeps).
 */
import { useRef } from 'react'

export function useSameValue<T>(value: T): T {
  const kept = useRef<{ readonly value: T; readonly json: string } | undefined>(undefined)
  if (kept.current?.value === value) return value
  const json = JSON.stringify(value) ?? ''
  if (kept.current?.json === json) return kept.current.value
  kept.current = { value, json }
  return value
}
