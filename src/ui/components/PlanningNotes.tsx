/**
 * Warnings the planning screens show beside an activity: it falls on a holiday, closing day or
 * exam period of one of the schools (the domain's `findConflicts`), or input asked from a school
 * has not arrived by its date (`isOverdue`). Each names the school and what is concerned, so a
 * teacher knows whom to ask without opening anything.
 */
import { useTranslation } from 'react-i18next'
import type { Conflict, PartnershipMeta, PartnerInputRequest, StartingPointKey } from '../../domain'
import { schoolName } from '../hooks/useActor'
import { formatDate, formatDateRange } from '../format'
import '../planning/planning.css'
import '../planning/calendar.css'
import '../planning/print.css'

/** A period's label in the reader's language when it came from a starting point. */
export function usePeriodLabel(): (p: { readonly label: string; readonly labelKey?: StartingPointKey | '' }) => string {
  const { t } = useTranslation()
  return (p) => (p.labelKey ? t(`calendar.labels.${p.labelKey}`) : p.label)
}

export function useConflictText(meta: PartnershipMeta): (c: Conflict) => string {
  const { t, i18n } = useTranslation()
  const periodLabel = usePeriodLabel()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (c) =>
    t(`calendar.conflict.${c.period.kind}`, {
      school: schoolName(meta, c.schoolId) ?? t('calendar.otherSchool'),
      label: periodLabel(c.period),
      dates: formatDateRange(c.period.from, c.period.to, language),
    })
}

export function useOverdueText(meta: PartnershipMeta): (r: PartnerInputRequest) => string {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (r) =>
    t('activity.input.overdue', {
      what: r.kind === 'other' && r.description ? r.description : t(`activity.input.kinds.${r.kind}`),
      school: schoolName(meta, r.fromSchoolId) ?? t('calendar.otherSchool'),
      date: formatDate(r.dueDate, language),
    })
}

/** One warning line: an icon the eye catches and text a screen reader reads as a note. */
export function WarningNote({ text, className }: { readonly text: string; readonly className?: string }) {
  return (
    <p role="note" className={className ? `warning-note ${className}` : 'warning-note'}>
      <span className="warning-icon" aria-hidden="true" />
      <span>{text}</span>
    </p>
  )
}

interface NotesProps {
  readonly meta: PartnershipMeta
  readonly conflicts?: readonly Conflict[]
  readonly overdue?: readonly PartnerInputRequest[]
}

/** All warnings of one activity; nothing at all when there are none. */
export function PlanningNotes({ meta, conflicts = [], overdue = [] }: NotesProps) {
  const conflictText = useConflictText(meta)
  const overdueText = useOverdueText(meta)
  if (conflicts.length === 0 && overdue.length === 0) return null
  return (
    <div className="warning-notes">
      {conflicts.map((c) => (
        <WarningNote key={`c-${c.period.id}`} text={conflictText(c)} />
      ))}
      {overdue.map((r) => (
        <WarningNote key={`o-${r.id}`} text={overdueText(r)} className="warning-overdue" />
      ))}
    </div>
  )
}
