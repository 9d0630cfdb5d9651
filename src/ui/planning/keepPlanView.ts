/**
 * The live plan keeps a picture of what it shows (src/storage/planView.ts, the "saved view"), so
 * the next cold start can show it at once while the document loads (SavedPlan.tsx). Only the plan
 * as a cold start opens it is kept: no status or kind filter, where the first page starts
 * (planWindow.ts `firstWindow`), the first SAVED_CARDS cards: about a screenful and a half on a
 * phone (drawing more would cost the cold start what the saved view is there to save). Written soon after the plan
 * first shows data (a teacher may close the app a moment later), then when the browser is idle a
 * few seconds after the plan last changed, and only when it differs from what was written.
 */
import { useEffect } from 'react'
import type { Activity, PartnershipMeta } from '../../domain'
import { PLAN_VIEW_MAX_CARDS, PLAN_VIEW_VERSION, savePlanView, type SavedPlanCard, type SavedPlanMonth, type SavedPlanView } from '../../storage'
import { schoolName } from '../hooks/useActor'
import { whenIdle } from '../session/whenIdle'
import { cardsIn, firstWindow } from './planWindow'

/** Cards kept: a phone shows two or three under the plan's heading and filters. */
export const SAVED_CARDS = 8
/** How long the plan stays unchanged before its picture is written. */
const SAVE_AFTER_MS = 2000
/** The first time in this page: soon, without waiting for the browser to be idle. */
const FIRST_SAVE_AFTER_MS = 300
/** Longest text kept per value (the saved view's reader refuses longer). */
const TEXT_MAX = 300

type Groups = readonly { readonly month: string; readonly activities: readonly Activity[] }[]

const cut = (text: string): string => (text.length > TEXT_MAX ? text.slice(0, TEXT_MAX) : text)

function cardOf(a: Activity, meta: PartnershipMeta): SavedPlanCard {
  const perSchool = [meta.schoolA, meta.schoolB].flatMap((school) => {
    const who = a.responsible[school.id] ?? ''
    const cost = a.cost[school.id] ?? null
    return who || cost ? [{ school: cut(school.name), who: cut(who), cost: cost ? { amount: cost.amount, currency: cost.currency } : null }] : []
  })
  return {
    id: a.id,
    title: cut(a.title),
    status: a.status,
    kind: a.kind,
    startDate: a.startDate,
    endDate: a.endDate,
    lead: cut(schoolName(meta, a.leadSchoolId) ?? ''),
    perSchool,
  }
}

/** The saved view of the plan showing `groups` (unfiltered by status and kind) on `today` (YYYY-MM-DD). */
export function planViewOf(groups: Groups, meta: PartnershipMeta, yearLabel: string, today: string, savedAt: number): SavedPlanView {
  const window = firstWindow(groups, today.slice(0, 7))
  const months: SavedPlanMonth[] = []
  let kept = 0
  const most = Math.min(SAVED_CARDS, PLAN_VIEW_MAX_CARDS)
  for (let i = window.from; i < window.to && kept < most; i++) {
    const group = groups[i]!
    const cards = group.activities.slice(0, most - kept).map((a) => cardOf(a, meta))
    kept += cards.length
    months.push({ month: group.month, cards })
  }
  const earlier = cardsIn(groups, 0, window.from)
  return {
    version: PLAN_VIEW_VERSION,
    savedAt,
    name: cut(meta.name),
    yearLabel: cut(yearLabel).slice(0, 100),
    earlier,
    later: cardsIn(groups, 0, groups.length) - earlier - kept,
    months,
  }
}

/** What was last written per partnership (without its time), so an unchanged plan is not written again. */
const lastWritten = new Map<string, string>()

/**
 * Keeps the saved view of the plan up to date while `groups` is what a cold start would show
 * (`isAsOpened`: no status or kind filter).
 */
export function useKeepPlanView(roomId: string, groups: Groups, meta: PartnershipMeta, yearLabel: string, today: string, isAsOpened: boolean): void {
  useEffect(() => {
    if (!isAsOpened) return
    let cancelIdle: (() => void) | undefined
    const save = (): void => {
      const view = planViewOf(groups, meta, yearLabel, today, Date.now())
      const key = JSON.stringify({ ...view, savedAt: 0 })
      if (lastWritten.get(roomId) === key) return
      lastWritten.set(roomId, key)
      void savePlanView(roomId, view).then((ok) => {
        if (!ok) lastWritten.delete(roomId)
      })
    }
    const isFirst = !lastWritten.has(roomId)
    const timer = setTimeout(
      () => {
        if (isFirst) save()
        else cancelIdle = whenIdle(save)
      },
      isFirst ? FIRST_SAVE_AFTER_MS : SAVE_AFTER_MS,
    )
    return () => {
      clearTimeout(timer)
      cancelIdle?.()
    }
  }, [roomId, groups, meta, yearLabel, today, isAsOpened])
}
