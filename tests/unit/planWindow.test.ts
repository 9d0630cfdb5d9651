/**
 * A long action plan is drawn a page at a time (src/ui/planning/planWindow.ts, PlanMonths.tsx):
 * five school years hold a thousand activities, and drawing every card at once cost a cold start
 * seconds on a cheap phone (issue 12). A short plan is drawn whole, as before. And a page is drawn
 * CARDS_PER_TASK cards at a time when the plan opens: the first render (here, markup without
 * effects) holds the window's first cards only; the next tasks add the rest (`cutToCards`).
 */
import { describe, expect, it, vi } from 'vitest'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, groupByMonth, listActivities, readMeta } from '../../src/domain'
import { PlanMonths } from '../../src/ui/planning/PlanMonths'
import { CARDS_PER_TASK, PLAN_PAGE, cardsIn, cutToCards, firstWindow, monthsOfWindow, showEarlier, showLater, windowOfMonths } from '../../src/ui/planning/planWindow'
import { an, newPartnership } from '../helpers/devices'

// where each card is on its way needs the open connection (and a browser to subscribe); not what is counted here
vi.mock('../../src/ui/components/DeliveryStatus', () => ({ DeliveryStatus: () => null }))

/** `count` activities, `perMonth` in each month from September 2022 on (the 3rd, 5th, …). */
function planOf(count: number, perMonth: number): Y.Doc {
  const doc = newPartnership()
  for (let i = 0; i < count; i++) {
    const month = Math.floor(i / perMonth)
    const date = new Date(Date.UTC(2022, 8 + month, 3 + (i % perMonth)))
    createActivity(doc, { ...EMPTY_ACTIVITY, title: `Activity ${String(i).padStart(4, '0')}`, startDate: date.toISOString().slice(0, 10) }, an)
  }
  return doc
}

function drawn(doc: Y.Doc, today: string): string {
  const meta = readMeta(doc)!
  return renderToStaticMarkup(
    createElement(PlanMonths, {
      doc,
      roomId: 'room',
      meta,
      groups: groupByMonth(listActivities(doc)),
      periods: [],
      zones: {},
      requests: [],
      today,
      filterKey: 'all|all|all',
    }),
  )
}

const cards = (html: string): number => html.split('class="activity-card"').length - 1

describe('the action plan drawn a page at a time', () => {
  it('draws at most a page of cards (in whole months) of a 300-activity plan, from the current month on', () => {
    const doc = planOf(300, 10) // September 2022 … February 2025
    const groups = groupByMonth(listActivities(doc))
    // every card drawn before; now a page in whole months of 10
    const w = firstWindow(groups, '2024-01')
    expect(cardsIn(groups, w.from, w.to)).toBe(PLAN_PAGE)
    const html = drawn(doc, '2024-01-15')
    // the first task draws the page's first cards: January 2024 is the first month drawn; what is
    // not drawn is said, with its count
    expect(cards(html)).toBe(CARDS_PER_TASK)
    expect(html.indexOf('Activity 0160')).toBeGreaterThan(-1)
    expect(html).not.toContain('Activity 0159')
    expect(html).not.toContain(`Activity ${String(160 + CARDS_PER_TASK).padStart(4, '0')}`)
    expect(html).toContain('plan.showEarlier')
    expect(html).toContain('plan.showLater')
  })

  it('draws a plan of up to a page whole, without "Show" buttons', () => {
    const doc = planOf(PLAN_PAGE, 4)
    const groups = groupByMonth(listActivities(doc))
    expect(firstWindow(groups, '2030-01')).toEqual({ from: 0, to: groups.length })
    const html = drawn(doc, '2030-01-01')
    expect(cards(html)).toBe(Math.min(PLAN_PAGE, CARDS_PER_TASK))
    expect(html).not.toContain('plan.show')
  })

  it('draws the page a few cards at a time, in order, the month they run out in cut short, until the page is drawn', () => {
    const groups = groupByMonth(listActivities(planOf(300, 7)))
    const w = firstWindow(groups, '2024-01')
    const page = groups.slice(w.from, w.to).flatMap((g) => g.activities.map((a) => `${g.month} ${a.title}`))
    expect(page.length).toBeGreaterThanOrEqual(PLAN_PAGE)
    for (let n = 1; n <= page.length + CARDS_PER_TASK; n++) {
      const shown = cutToCards(groups, w, n).flatMap(({ group, shown }) => group.activities.slice(0, shown).map((a) => `${group.month} ${a.title}`))
      expect(shown).toEqual(page.slice(0, n))
      // no month without a card
      for (const part of cutToCards(groups, w, n)) expect(part.shown).toBeGreaterThan(0)
    }
  })

  it('near the end of the plan, fills the page with earlier months', () => {
    const doc = planOf(300, 10)
    const groups = groupByMonth(listActivities(doc))
    const w = firstWindow(groups, '2025-02')
    expect(w.to).toBe(groups.length)
    expect(cardsIn(groups, w.from, w.to)).toBe(PLAN_PAGE)
    // after every activity: the last page
    expect(firstWindow(groups, '2031-01')).toEqual(w)
  })

  it('"Show earlier" and "Show more" add whole months until every activity is drawn', () => {
    const groups = groupByMonth(listActivities(planOf(300, 10)))
    let w = firstWindow(groups, '2024-01')
    for (let i = 0; i < 100 && w.from > 0; i++) w = showEarlier(groups, w)
    for (let i = 0; i < 100 && w.to < groups.length; i++) w = showLater(groups, w)
    expect(w).toEqual({ from: 0, to: groups.length })
    expect(cardsIn(groups, w.from, w.to)).toBe(300)
  })

  it('keeps the months drawn by name when a month arrives before them', () => {
    const doc = planOf(300, 10)
    const before = groupByMonth(listActivities(doc))
    const months = monthsOfWindow(before, firstWindow(before, '2024-01'))!
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Earlier', startDate: '2020-05-01' }, an)
    const after = groupByMonth(listActivities(doc))
    const w = windowOfMonths(after, months)
    expect(after[w.from]!.month).toBe('2024-01')
    expect(after[w.to - 1]!.month).toBe(months.last)
  })
})
