/**
 * The activity as its form holds it, and back: pure mapping between the form's values (texts as
 * typed, a cost as amount text and currency per school) and `ActivityInput`, plus the patch a
 * save writes. No React, no document: ActivityScreen (src/ui/planning) is its only user, and
 * tests/unit/activityForm.test.ts checks it.
 *
 * Saving an existing activity writes only what the person changed since the form opened
 * (`activityChangesSince`), merged per school onto the stored activity, so a field or a school's
 * cost the partner changed meanwhile on another device keeps their change.
 *
 * Amounts are read and written in the language on screen; that is the UI's (src/ui/format.ts), so
 * it comes in as an `AmountText`.
 */
import type { DomainError } from './errors'
import type { Money } from './fields'
import { ACTIVITY, type Activity, type ActivityInput } from './activity'

/** How amounts are typed in the language on screen: '' → undefined, not a number → NaN. */
export interface AmountText {
  readonly parse: (text: string) => number | undefined
  readonly toText: (amount: number | undefined) => string
}

/** The activity as the form holds it: the cost as typed, amount and currency per school id. */
export interface ActivityFormValues extends Omit<ActivityInput, 'cost'> {
  readonly amount: Readonly<Record<string, string>>
  readonly currency: Readonly<Record<string, string>>
}

/** The form's maps kept per school: who is responsible, and the cost as typed. */
export type ActivityPerSchoolKey = 'responsible' | 'amount' | 'currency'

/** The activity's fields that are one value each (every field but the per-school maps). */
export const ACTIVITY_SCALAR_FIELDS: readonly (keyof ActivityInput)[] = /* @__PURE__ */ (Object.keys(ACTIVITY.fields) as (keyof ActivityInput)[]).filter(
  (f) => ACTIVITY.fields[f].kind !== 'map',
)

/** The activity's own fields: a stored activity also carries its id and stamps. */
function fieldsOf(a: ActivityInput): ActivityInput {
  return Object.fromEntries(Object.keys(ACTIVITY.fields).map((f) => [f, a[f as keyof ActivityInput]])) as ActivityInput
}

/** The currency each school used last in these activities (the most recently changed), to prefill the next cost. */
export function lastCurrencies(activities: readonly Activity[], schoolIds: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const id of schoolIds) {
    let best: { at: string; currency: string } | undefined
    for (const a of activities) {
      const c = a.cost[id]
      if (c && (!best || a.updatedAt > best.at)) best = { at: a.updatedAt, currency: c.currency }
    }
    if (best) out[id] = best.currency
  }
  return out
}

/**
 * The form's values for an activity (or EMPTY_ACTIVITY): a school without a cost gets the
 * currency in `currencyFallback` (e.g. `lastCurrencies`).
 */
export function activityToValues(
  a: ActivityInput,
  schoolIds: readonly string[],
  amounts: AmountText,
  currencyFallback: Readonly<Record<string, string>> = {},
): ActivityFormValues {
  const { cost: _cost, ...fields } = fieldsOf(a)
  const responsible: Record<string, string> = {}
  const amount: Record<string, string> = {}
  const currency: Record<string, string> = {}
  for (const id of schoolIds) {
    responsible[id] = a.responsible[id] ?? ''
    const cost = a.cost[id]
    amount[id] = amounts.toText(cost?.amount)
    currency[id] = cost?.currency ?? currencyFallback[id] ?? ''
  }
  return { ...fields, responsible, amount, currency }
}

/** A school's cost as typed: undefined when no amount is typed; an amount that is not a number stays NaN for the domain to report. */
export function activityCostOf(v: ActivityFormValues, schoolId: string, amounts: AmountText): Money | undefined {
  const amount = amounts.parse(v.amount[schoolId] ?? '')
  if (amount === undefined) return undefined
  return { amount, currency: (v.currency[schoolId] ?? '').trim().toUpperCase() }
}

/** The input the domain checks and writes: responsible people trimmed, empty ones and costs left out. */
export function valuesToActivityInput(v: ActivityFormValues, schoolIds: readonly string[], amounts: AmountText): ActivityInput {
  const { amount: _amount, currency: _currency, ...fields } = v
  const responsible: Record<string, string> = {}
  const cost: Record<string, Money> = {}
  for (const id of schoolIds) {
    const r = (v.responsible[id] ?? '').trim()
    if (r) responsible[id] = r
    const c = activityCostOf(v, id, amounts)
    if (c) cost[id] = c
  }
  return { ...fields, responsible, cost }
}

function sameMoney(a: Money | undefined, b: Money | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && Object.is(a.amount, b.amount) && a.currency === b.currency)
}

/**
 * Only what the person changed since the form opened (`initial` → `next`), the per-school maps
 * merged onto the `stored` activity as it is now: the other school's responsible people and cost,
 * and every field not touched here, keep what the partner wrote meanwhile.
 */
export function activityChangesSince(
  initial: ActivityInput,
  next: ActivityInput,
  stored: ActivityInput,
  schoolIds: readonly string[],
): Partial<ActivityInput> {
  const patch: { -readonly [K in keyof ActivityInput]?: ActivityInput[K] } = {}
  for (const f of ACTIVITY_SCALAR_FIELDS) {
    if (initial[f] !== next[f]) Object.assign(patch, { [f]: next[f] })
  }
  const responsible: Record<string, string> = { ...stored.responsible }
  const cost: Record<string, Money> = { ...stored.cost }
  let isResponsibleChanged = false
  let isCostChanged = false
  for (const id of schoolIds) {
    if ((initial.responsible[id] ?? '') !== (next.responsible[id] ?? '')) {
      isResponsibleChanged = true
      const r = next.responsible[id]
      if (r) responsible[id] = r
      else delete responsible[id]
    }
    if (!sameMoney(initial.cost[id], next.cost[id])) {
      isCostChanged = true
      const c = next.cost[id]
      if (c) cost[id] = c
      else delete cost[id]
    }
  }
  if (isResponsibleChanged) patch.responsible = responsible
  if (isCostChanged) patch.cost = cost
  return patch
}

/**
 * Where the form shows a problem the domain reported: a field's name, or
 * `<ActivityPerSchoolKey>:<schoolId>` for a school's responsible people, amount or currency.
 */
export function activityProblemPlace(issue: DomainError): string {
  const field = issue.field ?? ''
  if (field.startsWith('cost.')) {
    const schoolId = field.slice('cost.'.length)
    return issue.code === 'invalidCurrency' ? `currency:${schoolId}` : `amount:${schoolId}`
  }
  if (field.startsWith('responsible.')) return `responsible:${field.slice('responsible.'.length)}`
  return field
}
