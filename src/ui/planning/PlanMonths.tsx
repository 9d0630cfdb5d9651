/**
 * The action plan's months and their activity cards (PlanScreen.tsx has the heading, filters and
 * tools). A long plan is not drawn whole (see planWindow.ts): it opens at the current month with
 * about a page of cards, and "Show earlier activities" / "Show more activities" add whole months,
 * after which the first month added takes the focus (a keyboard or screen-reader user goes on
 * reading there). What the filters show and in which order is unchanged; a plan of up to
 * PLAN_PAGE activities is drawn whole, as before. When the plan opens, its cards are drawn
 * CARDS_PER_TASK at a time, one task after the other (`cutToCards`), so no task draws a page of
 * them; the cards and months are memoised, so a change elsewhere in the document draws nothing again.
 */
import { memo, startTransition, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  collection,
  findConflicts,
  isOverdue,
  type Activity,
  type CalendarPeriod,
  type PartnershipMeta,
  type PartnerInputRequest,
} from '../../domain'
import { DeliveryStatus } from '../components/DeliveryStatus'
import { PlanningNotes } from '../components/PlanningNotes'
import { schoolName } from '../hooks/useActor'
import { formatDateRange, formatMoney, formatMonth } from '../format'
import { pageHref } from '../pages'
import { CARDS_PER_TASK, cardsIn, cutToCards, firstWindow, monthsOfWindow, showEarlier, showLater, windowOfMonths, type DrawnMonths, type PlanWindow } from './planWindow'

interface ItemProps {
  readonly doc: Y.Doc
  readonly activity: Activity
  readonly roomId: string
  readonly meta: PartnershipMeta
  readonly periods: readonly CalendarPeriod[]
  readonly zones: Parameters<typeof findConflicts>[2]
  readonly overdue: readonly PartnerInputRequest[]
}

/** No overdue request (one array for every card, so an unchanged card is not drawn again). */
const NONE: readonly PartnerInputRequest[] = []

/**
 * One row of the plan: what happens when, who does it (lead school, responsible people) and what
 * it costs each school, then its warnings. The title is the link; the whole card is its target.
 * Drawn again only when one of its props changed (the activity is the same object until it
 * changes, domain `activitiesOf`); its delivery line follows the document on its own.
 */
const ActivityItem = memo(function ActivityItem({ doc, activity, roomId, meta, periods, zones, overdue }: ItemProps) {
  const { t, i18n } = useTranslation()
  const conflicts = useMemo(() => findConflicts(activity, periods, zones), [activity, periods, zones])
  const language = i18n.resolvedLanguage ?? i18n.language
  const when = formatDateRange(activity.startDate, activity.endDate, language)
  const lead = schoolName(meta, activity.leadSchoolId)
  const perSchool = [meta.schoolA, meta.schoolB].flatMap((school) => {
    const who = activity.responsible[school.id] ?? ''
    const cost = activity.cost[school.id]
    if (!who && !cost) return []
    return [{ school, who, cost: cost ? formatMoney(cost, language) : '' }]
  })
  return (
    <div className="activity-card">
      <a className="activity-card-link" href={pageHref(roomId, { name: 'activity', activityId: activity.id })} dir="auto">
        {activity.title}
      </a>
      <span className="activity-meta">
        <span className={`badge badge-${activity.status}`}>{t(`activity.statuses.${activity.status}`)}</span>
        <span>{when || t('plan.undated')}</span>
        <span>{t(`activity.kinds.${activity.kind}`)}</span>
        {lead ? <span>{t('plan.ledBy', { school: lead })}</span> : null}
      </span>
      {perSchool.length > 0 ? (
        <ul className="per-school">
          {perSchool.map(({ school, who, cost }) => (
            <li key={school.id}>
              <bdi className="per-school-name">{school.name}</bdi>
              {who ? <span>{who}</span> : null}
              {cost ? <span>{t('plan.costs', { amount: cost })}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <PlanningNotes meta={meta} conflicts={conflicts} overdue={overdue} />
      <DeliveryStatus doc={doc} record={collection(doc, 'activities').get(activity.id)} about={activity.title} onlyOwnChange />
    </div>
  )
})

export interface PlanMonthsProps {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly meta: PartnershipMeta
  /** The shown activities by month (domain `groupByMonth`), undated last. */
  readonly groups: readonly { readonly month: string; readonly activities: readonly Activity[] }[]
  readonly periods: readonly CalendarPeriod[]
  readonly zones: Parameters<typeof findConflicts>[2]
  readonly requests: readonly PartnerInputRequest[]
  /** YYYY-MM-DD on this device. */
  readonly today: string
  /** Changes when the filters do: the plan then opens at the current month again. */
  readonly filterKey: string
}

const headingId = (month: string): string => `month-${month || 'undated'}`

/** Drawn again only when one of its props changed (PlanScreen hands on the same objects while their data is the same). */
export const PlanMonths = memo(function PlanMonths({ doc, roomId, meta, groups, periods, zones, requests, today, filterKey }: PlanMonthsProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  // the months drawn after a "Show …", for these filters; before that, the first window
  const [drawn, setDrawn] = useState<{ readonly key: string; readonly months: DrawnMonths } | undefined>()
  const [focusMonth, setFocusMonth] = useState<string | undefined>()
  const drawnNow = drawn?.key === filterKey ? windowOfMonths(groups, drawn.months) : firstWindow(groups, today.slice(0, 7))
  const earlier = cardsIn(groups, 0, drawnNow.from)
  const later = cardsIn(groups, drawnNow.to, groups.length)
  // drawn CARDS_PER_TASK cards at a time when the plan opens (no long task on a cheap phone); a
  // "Show …" draws what it adds at once (its first new month takes the focus)
  const [cardsDrawn, setCardsDrawn] = useState(CARDS_PER_TASK)
  const windowCards = cardsIn(groups, drawnNow.from, drawnNow.to)
  useEffect(() => {
    if (cardsDrawn >= windowCards) return
    const timer = setTimeout(() => startTransition(() => setCardsDrawn((n) => n + CARDS_PER_TASK)), 0)
    return () => clearTimeout(timer)
  }, [cardsDrawn, windowCards])
  const overdueBy = useMemo(() => {
    const by = new Map<string, PartnerInputRequest[]>()
    for (const r of requests) {
      if (!isOverdue(r, today)) continue
      const list = by.get(r.activityId)
      if (list) list.push(r)
      else by.set(r.activityId, [r])
    }
    return by
  }, [requests, today])

  useEffect(() => {
    if (focusMonth === undefined) return
    document.getElementById(headingId(focusMonth))?.focus()
    setFocusMonth(undefined)
  }, [focusMonth])

  /** Draws `next` from now on, and puts the focus on the first month it adds. */
  const reveal = (next: PlanWindow, firstNew: number): void => {
    const months = monthsOfWindow(groups, next)
    if (!months) return
    setDrawn({ key: filterKey, months })
    setCardsDrawn(Number.MAX_SAFE_INTEGER)
    setFocusMonth(groups[firstNew]?.month)
  }
  const onShowEarlier = (): void => {
    const next = showEarlier(groups, drawnNow)
    reveal(next, next.from)
  }
  const onShowLater = (): void => reveal(showLater(groups, drawnNow), drawnNow.to)

  return (
    <>
      {earlier > 0 ? (
        <div className="plan-more">
          <button type="button" className="button-secondary" onClick={onShowEarlier}>
            {t('plan.showEarlier', { count: earlier })}
          </button>
        </div>
      ) : null}
      {cutToCards(groups, drawnNow, cardsDrawn).map(({ group, shown }) => (
        <section key={group.month || 'undated'} className="month" aria-labelledby={headingId(group.month)}>
          <h3 id={headingId(group.month)} tabIndex={-1}>
            {formatMonth(group.month, language) ?? t('plan.undated')}
          </h3>
          <ul className="activity-list">
            {group.activities.slice(0, shown).map((a) => (
              <li key={a.id}>
                <ActivityItem doc={doc} activity={a} roomId={roomId} meta={meta} periods={periods} zones={zones} overdue={overdueBy.get(a.id) ?? NONE} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      {later > 0 ? (
        <div className="plan-more">
          <button type="button" className="button-secondary" onClick={onShowLater}>
            {t('plan.showLater', { count: later })}
          </button>
        </div>
      ) : null}
    </>
  )
})
