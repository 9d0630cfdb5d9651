/**
 * The activity form's mapping (src/domain/activityForm.ts), through the domain as the form uses it:
 * what a person typed comes back as they typed it, a save writes only what they changed, and what
 * the partner school changed meanwhile on another device (another field, the other school's
 * cost) is still there afterwards.
 */
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import {
  EMPTY_ACTIVITY,
  ValidationError,
  activityChangesSince,
  activityProblemPlace,
  activityToValues,
  createActivity,
  lastCurrencies,
  listActivities,
  readActivity,
  updateActivity,
  valuesToActivityInput,
  type ActivityFormValues,
  type AmountText,
} from '../../src/domain'
import { amani, an, fork, newPartnership, sync } from '../helpers/devices'
import { amountToText, parseAmount } from '../../src/ui/format'

const SCHOOLS = ['sa', 'sb']

/** Amounts as a Dutch-speaking teacher types them: "12,50". */
const DUTCH: AmountText = { parse: (t) => parseAmount(t, 'nl'), toText: (a) => amountToText(a, 'nl') }

/** The form as a teacher fills it in for a new activity. */
function typed(): ActivityFormValues {
  const empty = activityToValues(EMPTY_ACTIVITY, SCHOOLS, DUTCH)
  return {
    ...empty,
    title: 'Letter exchange',
    description: 'Pupils write about their family.',
    kind: 'with-partner',
    leadSchoolId: 'sb',
    startDate: '2026-10-05',
    endDate: '2026-11-20',
    status: 'planned',
    responsible: { sa: '  Ms Peeters ', sb: 'Mr Habimana' },
    amount: { sa: '12,50', sb: '' },
    currency: { sa: 'eur', sb: 'RWF' },
  }
}

/** Opens the stored activity in the form, changes it with `edit`, and saves as the form does. */
function saveEdit(doc: Y.Doc, id: string, opened: ActivityFormValues, edit: (v: ActivityFormValues) => ActivityFormValues): void {
  const initial = valuesToActivityInput(opened, SCHOOLS, DUTCH)
  const next = valuesToActivityInput(edit(opened), SCHOOLS, DUTCH)
  const patch = activityChangesSince(initial, next, readActivity(doc, id)!, SCHOOLS)
  if (Object.keys(patch).length > 0) updateActivity(doc, id, patch, an)
}

describe('activity form mapping', () => {
  it('gives back what was typed after saving and reading the activity: amounts in the language, responsible people trimmed, currency in capitals', () => {
    const doc = newPartnership()
    const id = createActivity(doc, valuesToActivityInput(typed(), SCHOOLS, DUTCH), an)
    const stored = readActivity(doc, id)!
    expect(stored.cost).toEqual({ sa: { amount: 12.5, currency: 'EUR' } })
    expect(stored.responsible).toEqual({ sa: 'Ms Peeters', sb: 'Mr Habimana' })

    const again = activityToValues(stored, SCHOOLS, DUTCH)
    expect(again).toEqual({
      ...typed(),
      responsible: { sa: 'Ms Peeters', sb: 'Mr Habimana' },
      amount: { sa: '12,5', sb: '' },
      currency: { sa: 'EUR', sb: '' },
    })
  })

  it('prefills a school without a cost with the currency it used last in the plan', () => {
    const doc = newPartnership()
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Old', cost: { sb: { amount: 5, currency: 'USD' } } }, an, new Date('2026-01-01T10:00:00Z'))
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'New', cost: { sb: { amount: 9000, currency: 'RWF' } } }, an, new Date('2026-02-01T10:00:00Z'))
    const fallback = lastCurrencies(listActivities(doc), SCHOOLS)
    expect(fallback).toEqual({ sb: 'RWF' })
    expect(activityToValues(EMPTY_ACTIVITY, SCHOOLS, DUTCH, fallback).currency).toEqual({ sa: '', sb: 'RWF' })
  })

  it('a save lists only what the person changed: nothing when nothing changed', () => {
    const doc = newPartnership()
    const id = createActivity(doc, valuesToActivityInput(typed(), SCHOOLS, DUTCH), an)
    const opened = activityToValues(readActivity(doc, id)!, SCHOOLS, DUTCH)
    const initial = valuesToActivityInput(opened, SCHOOLS, DUTCH)
    const stored = readActivity(doc, id)!
    expect(activityChangesSince(initial, valuesToActivityInput(opened, SCHOOLS, DUTCH), stored, SCHOOLS)).toEqual({})
    expect(activityChangesSince(initial, valuesToActivityInput({ ...opened, title: 'Letters' }, SCHOOLS, DUTCH), stored, SCHOOLS)).toEqual({ title: 'Letters' })
    // "12,5" retyped as "12,50" is the same cost: not a change
    expect(activityChangesSince(initial, valuesToActivityInput({ ...opened, amount: { ...opened.amount, sa: '12,50' } }, SCHOOLS, DUTCH), stored, SCHOOLS)).toEqual({})
    // nor are a currency retyped in small letters, or a name with spaces around it
    const retyped = { ...opened, currency: { ...opened.currency, sa: 'eur' }, responsible: { ...opened.responsible, sb: ' Mr Habimana  ' } }
    expect(activityChangesSince(initial, valuesToActivityInput(retyped, SCHOOLS, DUTCH), stored, SCHOOLS)).toEqual({})
  })

  it('keeps a field the partner changed meanwhile on another device', () => {
    const north = newPartnership()
    const id = createActivity(north, valuesToActivityInput(typed(), SCHOOLS, DUTCH), an)
    const south = fork(north)
    const opened = activityToValues(readActivity(north, id)!, SCHOOLS, DUTCH)
    // the partner changes the description while the form is open here
    updateActivity(south, id, { description: 'Pupils write about their village.' }, amani)
    sync(north, south)
    saveEdit(north, id, opened, (v) => ({ ...v, title: 'Letters, class 5' }))
    sync(north, south)
    for (const doc of [north, south]) {
      expect(readActivity(doc, id)).toMatchObject({ title: 'Letters, class 5', description: 'Pupils write about their village.' })
    }
  })

  it('merges responsible people and costs per school: the other school’s entry, changed meanwhile, stays', () => {
    const north = newPartnership()
    const id = createActivity(north, valuesToActivityInput(typed(), SCHOOLS, DUTCH), an)
    const south = fork(north)
    const opened = activityToValues(readActivity(north, id)!, SCHOOLS, DUTCH)
    updateActivity(south, id, { cost: { sa: { amount: 12.5, currency: 'EUR' }, sb: { amount: 20000, currency: 'RWF' } }, responsible: { sa: 'Ms Peeters', sb: 'Ms Uwase' } }, amani)
    sync(north, south)
    // here: Gent's cost goes up and Gent's responsible person is cleared
    saveEdit(north, id, opened, (v) => ({ ...v, amount: { ...v.amount, sa: '15' }, responsible: { ...v.responsible, sa: '' } }))
    const after = readActivity(north, id)!
    expect(after.cost).toEqual({ sa: { amount: 15, currency: 'EUR' }, sb: { amount: 20000, currency: 'RWF' } })
    expect(after.responsible).toEqual({ sb: 'Ms Uwase' })
  })

  it('lets an amount that is not a number reach the domain, which reports it at that school’s amount; a wrong currency at its currency', () => {
    const doc = newPartnership()
    const values: ActivityFormValues = { ...typed(), amount: { sa: 'twelve', sb: '3' }, currency: { sa: 'EUR', sb: 'RW' } }
    let error: unknown
    try {
      createActivity(doc, valuesToActivityInput(values, SCHOOLS, DUTCH), an)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map(activityProblemPlace).sort()).toEqual(['amount:sa', 'currency:sb'])
    expect(listActivities(doc)).toHaveLength(0)
  })
})
