/**
 * The calendar's rows (part of CalendarScreen): one period of a school in its lane (a button that
 * opens it for editing on a device that may edit), and one activity planned in the month.
 */
import { useTranslation } from 'react-i18next'
import type { Activity, CalendarPeriod, PartnershipMeta, PeriodKind, findConflicts } from '../../domain'
import { PlanningNotes, usePeriodLabel } from '../components/PlanningNotes'
import { formatDateRange } from '../format'
import { pageHref } from '../pages'

function kindClass(kind: PeriodKind): string {
  return `period period-${kind}`
}

interface PeriodItemProps {
  readonly period: CalendarPeriod
  readonly schoolName: string
  readonly isEditable: boolean
  readonly isEditing: boolean
  readonly onEdit: () => void
}

export function PeriodItem({ period: p, schoolName, isEditable, isEditing, onEdit }: PeriodItemProps) {
  const periodLabel = usePeriodLabel()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const dates = formatDateRange(p.from, p.to, language)
  const body = (
    <>
      <span className="period-kind">{t(`calendar.kinds.${p.kind}`)}</span>
      <span className="period-label">{periodLabel(p)}</span>
      <span className="period-dates">{dates}</span>
    </>
  )
  return (
    <li className={kindClass(p.kind)}>
      {isEditable ? (
        <button
          type="button"
          className="period-button"
          aria-expanded={isEditing}
          aria-label={t('calendar.editPeriod', { label: periodLabel(p), dates, school: schoolName })}
          onClick={onEdit}
        >
          {body}
        </button>
      ) : (
        <span className="period-body">{body}</span>
      )}
    </li>
  )
}

export function CalendarActivity({ activity: a, roomId, meta, conflicts }: { readonly activity: Activity; readonly roomId: string; readonly meta: PartnershipMeta; readonly conflicts: ReturnType<typeof findConflicts> }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (
    <li className="cal-activity">
      <a href={pageHref(roomId, { name: 'activity', activityId: a.id })} dir="auto">{a.title}</a>
      <span className="activity-meta">
        <span>{formatDateRange(a.startDate, a.endDate, language)}</span>
        <span className={`badge badge-${a.status}`}>{t(`activity.statuses.${a.status}`)}</span>
      </span>
      <PlanningNotes meta={meta} conflicts={conflicts} />
    </li>
  )
}
