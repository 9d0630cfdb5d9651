/**
 * The action plan as it was last shown on this device (src/storage/planView.ts), while a cold
 * start is still loading the document: the same heading, filters, months and cards as the live
 * plan (PlanScreen.tsx, PlanMonths.tsx), so the live plan takes its place without moving it, but
 * read-only — no link, no button, no field that works — and marked: a line over the page says when
 * it was saved and that the plan is loading (`plan.savedNotice`), the cards are faded, and the
 * section is `aria-busy` (also what tests/bench/coldStart.ts waits to see go). Every value is
 * rendered as text.
 */
import { useTranslation } from 'react-i18next'
import type { SavedPlanCard, SavedPlanView } from '../../storage'
import { SelectField } from '../components/SelectField'
import { dateFormat, formatDateRange, formatMoney, formatMonth, localToday } from '../format'
import './planning.css'
import './savedPlan.css'

const ignore = (): void => undefined

/** "14:32" on the day it was saved, else date and time. */
function savedAtText(savedAt: number, language: string): string {
  const at = new Date(savedAt)
  const isToday = localToday(at) === localToday()
  return dateFormat(language, isToday ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }).format(at)
}

function SavedCard({ card, language }: { readonly card: SavedPlanCard; readonly language: string }) {
  const { t } = useTranslation()
  const when = formatDateRange(card.startDate, card.endDate, language)
  return (
    <div className="activity-card">
      <span className="activity-card-link" dir="auto">
        {card.title}
      </span>
      <span className="activity-meta">
        <span className={`badge badge-${card.status}`}>{t(`activity.statuses.${card.status}`)}</span>
        <span>{when || t('plan.undated')}</span>
        <span>{t(`activity.kinds.${card.kind}`)}</span>
        {card.lead ? <span>{t('plan.ledBy', { school: card.lead })}</span> : null}
      </span>
      {card.perSchool.length > 0 ? (
        <ul className="per-school">
          {card.perSchool.map((part, i) => (
            <li key={i}>
              <bdi className="per-school-name">{part.school}</bdi>
              {part.who ? <span>{part.who}</span> : null}
              {part.cost ? <span>{t('plan.costs', { amount: formatMoney(part.cost, language) })}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** "Show earlier/more activities", as the live plan has it, disabled. */
function ShowMore({ label }: { readonly label: string }) {
  return (
    <div className="plan-more">
      <button type="button" className="button-secondary" disabled>
        {label}
      </button>
    </div>
  )
}

/**
 * The line that marks the saved view: first in reading order, shown over the page above the
 * sections bar (savedPlan.css), so the plan does not move when it goes.
 */
export function SavedPlanNotice({ view }: { readonly view: SavedPlanView }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (
    <p className="saved-plan-notice" role="status">
      {t('plan.savedNotice', { time: savedAtText(view.savedAt, language) })}
    </p>
  )
}

/** The saved view of the plan, read-only (see the module header). */
export function SavedPlan({ view }: { readonly view: SavedPlanView }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (
    <section aria-labelledby="plan-heading" aria-busy="true" className="saved-plan" data-saved-view="">
      <div className="section-head">
        <h2 id="plan-heading">{t('plan.title')}</h2>
        <button type="button" className="button-primary" disabled>
          {t('plan.new')}
        </button>
      </div>
      <div className="live-region" />
      <div className="filters plan-filters" role="group" aria-label={t('plan.filters')}>
        <SelectField id="plan-filter-year" label={t('plan.schoolYear')} choices={[{ value: 'shown', label: view.yearLabel || t('plan.allSchoolYears') }]} value="shown" disabled onChange={ignore} />
        <SelectField id="plan-filter-status" label={t('plan.status')} choices={[{ value: 'all', label: t('plan.allStatuses') }]} value="all" disabled onChange={ignore} />
        <SelectField id="plan-filter-kind" label={t('plan.kind')} choices={[{ value: 'all', label: t('plan.allKinds') }]} value="all" disabled onChange={ignore} />
      </div>
      <div className="plan-tools">
        <span className="button-link" role="link" aria-disabled="true">
          {t('plan.print')}
        </span>
        <button type="button" className="button-quiet" disabled>
          {t('ics.download')}
        </button>
      </div>
      {view.earlier > 0 ? <ShowMore label={t('plan.showEarlier', { count: view.earlier })} /> : null}
      {view.months.map((month) => (
        <section key={month.month || 'undated'} className="month">
          <h3>{formatMonth(month.month, language) ?? t('plan.undated')}</h3>
          <ul className="activity-list">
            {month.cards.map((card) => (
              <li key={card.id}>
                <SavedCard card={card} language={language} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      {view.later > 0 ? <ShowMore label={t('plan.showLater', { count: view.later })} /> : null}
    </section>
  )
}

/** True when `view` has something worth showing instead of "Opening…". */
export function hasSavedCards(view: SavedPlanView | undefined): view is SavedPlanView {
  return view !== undefined && view.months.some((m) => m.cards.length > 0)
}
