/**
 * What the live plan keeps for the next cold start (src/ui/planning/keepPlanView.ts `planViewOf`):
 * the first cards of the plan as a cold start opens it, the counts before and after them, and
 * always something the saved view's reader accepts — also when the document holds values longer
 * than the app would write (a hostile or buggy device).
 */
import { describe, expect, it } from 'vitest'
import { groupByMonth, listActivities, readMeta } from '../../src/domain'
import { parsePlanView, serializePlanView } from '../../src/storage'
import { SAVED_CARDS, planViewOf } from '../../src/ui/planning/keepPlanView'
import { cardsIn, firstWindow } from '../../src/ui/planning/planWindow'
import { buildFiveYearPartnership } from '../bench/fixture'

const { doc } = buildFiveYearPartnership({ seed: 5, scale: 0.05 })
const meta = readMeta(doc)!
const groups = groupByMonth(listActivities(doc))
const total = groups.reduce((n, g) => n + g.activities.length, 0)

describe('the saved view the plan keeps', () => {
  it('holds the first cards of the plan as it opens (its first page), in the plan’s order, and counts the rest', () => {
    const today = `${groups[Math.floor(groups.length / 2)]!.month}-15`
    const view = planViewOf(groups, meta, '', today, Date.UTC(2026, 11, 2))
    const cards = view.months.flatMap((m) => m.cards)
    expect(cards.length).toBe(SAVED_CARDS)
    const opened = firstWindow(groups, today.slice(0, 7))
    expect(view.months[0]!.month).toBe(groups[opened.from]!.month)
    const inOrder = groups.flatMap((g) => g.activities.map((a) => a.id))
    const at = inOrder.indexOf(cards[0]!.id)
    expect(at).toBe(cardsIn(groups, 0, opened.from))
    expect(cards.map((c) => c.id)).toEqual(inOrder.slice(at, at + SAVED_CARDS))
    expect(view.earlier).toBe(at)
    expect(view.earlier + cards.length + view.later).toBe(total)
    expect(parsePlanView(serializePlanView(view))).toEqual(view)
  })

  it('cuts values longer than the reader takes, so the view is still kept', () => {
    const long = groups.map((g) => ({ ...g, activities: g.activities.map((a) => ({ ...a, title: 'x'.repeat(5000) })) }))
    const view = planViewOf(long, { ...meta, name: 'n'.repeat(5000) }, '', '2000-01-01', Date.UTC(2026, 11, 2))
    expect(serializePlanView(view)).toBeDefined()
    expect(view.months[0]!.cards[0]!.title.length).toBeLessThanOrEqual(300)
  })
})
