/**
 * Which months of the action plan are drawn (PlanMonths.tsx): a plan of a few dozen activities is
 * drawn whole; a longer one (five school years hold a thousand) opens at the current month with
 * enough whole months after it — and, near the end of the plan, before it — for about one page of
 * cards, and grows a page at a time with "Show earlier activities" and "Show more activities".
 * Months are never cut: a month is drawn with all of its activities or not at all (except for the
 * few tasks the plan takes to be drawn when it opens, `cutToCards`).
 *
 * Pure: groups in, group indices out (`from` included, `to` not), so the rule is unit-tested.
 */

/** Cards drawn at first, and added by each "Show …" (in whole months, so a little more). */
export const PLAN_PAGE = 40

/**
 * Cards drawn in one go when the plan opens: the window's first cards (more than a phone's
 * screen), then as many more in each following task until the window is drawn (`cutToCards`).
 * Drawing a whole page of cards at once took one task of 250–350 ms at 4× CPU.
 */
export const CARDS_PER_TASK = 10

export interface PlanWindow {
  /** The first month group drawn. */
  readonly from: number
  /** The month group after the last one drawn. */
  readonly to: number
}

interface Group {
  /** YYYY-MM; '' for the undated activities (always last). */
  readonly month: string
  readonly activities: readonly unknown[]
}

export function cardsIn(groups: readonly Group[], from: number, to: number): number {
  let n = 0
  for (let i = Math.max(0, from); i < Math.min(to, groups.length); i++) n += groups[i]!.activities.length
  return n
}

/** Adds whole months after `to` until `page` more cards are drawn or the plan ends. */
function growLater(groups: readonly Group[], to: number, page: number): number {
  let added = 0
  let next = to
  while (next < groups.length && added < page) added += groups[next++]!.activities.length
  return next
}

/** Adds whole months before `from` until `page` more cards are drawn or the plan starts. */
function growEarlier(groups: readonly Group[], from: number, page: number): number {
  let added = 0
  let next = from
  while (next > 0 && added < page) added += groups[--next]!.activities.length
  return next
}

/**
 * The months drawn when the plan opens (or its filters change): everything when it holds at most
 * `page` cards; else from the current month (`YYYY-MM`; undated activities count as later than
 * every month) on for a page, filled up with earlier months when the plan ends sooner.
 */
export function firstWindow(groups: readonly Group[], currentMonth: string, page: number = PLAN_PAGE): PlanWindow {
  if (cardsIn(groups, 0, groups.length) <= page) return { from: 0, to: groups.length }
  let from = groups.findIndex((g) => g.month === '' || g.month >= currentMonth)
  if (from < 0) from = groups.length
  const to = growLater(groups, from, page)
  const drawn = cardsIn(groups, from, to)
  return { from: drawn < page ? growEarlier(groups, from, page - drawn) : from, to }
}

export function showEarlier(groups: readonly Group[], window: PlanWindow, page: number = PLAN_PAGE): PlanWindow {
  return { from: growEarlier(groups, window.from, page), to: window.to }
}

export function showLater(groups: readonly Group[], window: PlanWindow, page: number = PLAN_PAGE): PlanWindow {
  return { from: window.from, to: growLater(groups, window.to, page) }
}

/**
 * The drawn months by name, which stay right when activities come or go (indices would shift:
 * a month added before the window would move it). `last` '' is the undated group.
 */
export interface DrawnMonths {
  readonly first: string
  readonly last: string
}

/** Undated ('') sorts after every month, as in the plan. */
const order = (month: string): string => (month === '' ? '\uffff' : month)

export function monthsOfWindow(groups: readonly Group[], window: PlanWindow): DrawnMonths | undefined {
  const first = groups[window.from]
  const last = groups[window.to - 1]
  return first && last && window.from < window.to ? { first: first.month, last: last.month } : undefined
}

/** The groups from the month `first` to the month `last`, both included, in the groups as they are now. */
export function windowOfMonths(groups: readonly Group[], months: DrawnMonths): PlanWindow {
  let from = groups.findIndex((g) => order(g.month) >= order(months.first))
  if (from < 0) from = groups.length
  let to = from
  while (to < groups.length && order(groups[to]!.month) <= order(months.last)) to++
  return { from, to }
}

/**
 * The months of `window` as drawn while the plan is still being drawn: at most `cards` cards in
 * all, in order, the month they run out in cut short and the months after it left out (drawn in
 * the next task). Everything in the window once `cards` covers it.
 */
export function cutToCards<G extends Group>(groups: readonly G[], window: PlanWindow, cards: number): { readonly group: G; readonly shown: number }[] {
  const out: { group: G; shown: number }[] = []
  let left = cards
  for (let i = Math.max(0, window.from); i < Math.min(window.to, groups.length) && left > 0; i++) {
    const group = groups[i]!
    const shown = Math.min(group.activities.length, left)
    out.push({ group, shown })
    left -= shown
  }
  return out
}
