/**
 * The action plan: activities grouped by the month they start in, undated ones last, filtered by
 * school year, status and kind. Each row warns when the activity falls on a holiday, closing day
 * or exam period of either school, or when input asked from a school is overdue.
 * A plan is a frame, not a contract: postponed and dropped activities stay visible with their status.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  ACTIVITY_KINDS,
  ACTIVITY_STATUSES,
  collection,
  findConflicts,
  groupByMonth,
  isActivityKind,
  isActivityStatus,
  isOverdue,
  listActivities,
  listPartnerInput,
  listPeriods,
  readSchoolYearStartMonth,
  schoolTimeZones,
  restoreActivity,
  schoolYearRange,
  type Activity,
  type ActivityKind,
  type ActivityStatus,
  type Conflict,
  type PartnershipMeta,
  type PartnerInputRequest,
} from '../../domain'
import { chooseMySchool } from '../../storage'
import { DeliveryStatus } from '../components/DeliveryStatus'
import { DoubleEditList } from '../components/DoubleEditList'
import { IcsDownload } from '../components/IcsDownload'
import { FormError } from '../components/FormActions'
import { PlanningNotes } from '../components/PlanningNotes'
import { SchoolYearPicker } from '../components/SchoolYearPicker'
import { SelectField } from '../components/SelectField'
import { schoolName } from '../hooks/useActor'
import { useDomainForm } from '../hooks/useDomainForm'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { usePartnership, type DeletedActivity } from '../hooks/usePartnership'
import { formatDateRange, formatMoney, formatMonth, localToday } from '../format'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { isActivityIn, schoolYearChoices, useSchoolYearChoice } from './schoolYear'
import './planning.css'

/** The records of the plan whose double edits it lists: activities, their requests, the calendar. */
const PLAN_COLLECTIONS: readonly string[] = ['activities', 'partnerInput', 'calendar']

interface ItemProps {
  readonly doc: Y.Doc
  readonly activity: Activity
  readonly roomId: string
  readonly meta: PartnershipMeta
  readonly conflicts: readonly Conflict[]
  readonly overdue: readonly PartnerInputRequest[]
}

/**
 * One row of the plan: what happens when, who does it (lead school, responsible people) and what
 * it costs each school, then its warnings. The title is the link; the whole card is its target.
 */
function ActivityItem({ doc, activity, roomId, meta, conflicts, overdue }: ItemProps) {
  const { t, i18n } = useTranslation()
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
      <a className="activity-card-link" href={pageHref(roomId, { name: 'activity', activityId: activity.id })}>
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
              <span className="per-school-name">{school.name}</span>
              {who ? <span>{who}</span> : null}
              {cost ? <span>{t('plan.costs', { amount: cost })}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <PlanningNotes meta={meta} conflicts={conflicts} overdue={overdue} />
      <DeliveryStatus doc={doc} record={collection(doc, 'activities').get(activity.id)} about={activity.title} />
    </div>
  )
}

export function PlanScreen() {
  const { doc, roomId, entry, meta, actor, isReadOnly, lastDeleted, setLastDeleted } = usePartnership()
  // Undo is a one-shot button: what the domain refuses (the copy became read-only) is said below it
  const undoForm = useDomainForm()
  const onUndo = (deleted: DeletedActivity): void => {
    undoForm.run(() => restoreActivity(doc, deleted.id, actor))
    setLastDeleted(undefined)
  }
  const onDismissUndo = (): void => setLastDeleted(undefined)
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [year, setYear] = useSchoolYearChoice(roomId)
  const [status, setStatus] = useState<ActivityStatus | 'all'>('all')
  const [kind, setKind] = useState<ActivityKind | 'all'>('all')
  // read on every render: the parent renders again whenever the document changes
  const today = localToday()
  const startMonth = readSchoolYearStartMonth(doc)
  const years = schoolYearChoices(doc, startMonth, today)
  const range = year === 'all' ? undefined : schoolYearRange(year, startMonth)
  const all = listActivities(doc)
  const shown = all.filter(
    (a) =>
      (!range || isActivityIn(a, range) || !(a.startDate || a.endDate)) &&
      (status === 'all' || a.status === status) &&
      (kind === 'all' || a.kind === kind),
  )
  const groups = groupByMonth(shown)
  const periods = listPeriods(doc)
  const zones = schoolTimeZones(doc)
  const requests = listPartnerInput(doc)
  const isFiltered = year !== 'all' || status !== 'all' || kind !== 'all'
  const icsRange = range ?? (years.length > 0 ? { from: schoolYearRange(years[0]!, startMonth).from, to: schoolYearRange(years[years.length - 1]!, startMonth).to } : undefined)

  const chooseSchool = (schoolId: string): void => {
    void chooseMySchool(roomId, schoolId)
  }

  return (
    <section aria-labelledby="plan-heading">
      <div className="section-head">
        <h2 id="plan-heading" ref={headingRef} tabIndex={-1}>
          {t('plan.title')}
        </h2>
        <button
          type="button"
          className="button-primary"
          disabled={isReadOnly}
          onClick={() => navigate(pageHref(roomId, { name: 'activity', activityId: 'new' }))}
        >
          {t('plan.new')}
        </button>
      </div>

      <div aria-live="polite" className="live-region">
        {lastDeleted ? (
          <div className="banner banner-info undo">
            <p>{t('plan.deleted', { title: lastDeleted.title })}</p>
            <div className="banner-actions">
              <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => onUndo(lastDeleted)}>
                {t('plan.undo')}
              </button>
              <button type="button" className="button-quiet" onClick={onDismissUndo}>
                {t('plan.dismiss')}
              </button>
            </div>
          </div>
        ) : null}
      </div>
      <FormError message={undoForm.formError} />

      <DoubleEditList doc={doc} roomId={roomId} collections={PLAN_COLLECTIONS} />

      {!entry.mySchoolId && !isReadOnly ? (
        <div className="banner banner-info">
          <p>{t('plan.whichSchool')}</p>
          <div className="banner-actions">
            {[meta.schoolA, meta.schoolB].map((school) => (
              <button key={school.id} type="button" className="button-secondary" onClick={() => chooseSchool(school.id)}>
                {t('plan.weAre', { school: school.name })}
              </button>
            ))}
          </div>
        </div>
      ) : null}

      <div className="filters plan-filters" role="group" aria-label={t('plan.filters')}>
        <SchoolYearPicker id="plan-filter-year" label={t('plan.schoolYear')} years={years} year={year} startMonth={startMonth} allLabel={t('plan.allSchoolYears')} onChange={setYear} />
        <SelectField
          id="plan-filter-status"
          label={t('plan.status')}
          choices={[{ value: 'all', label: t('plan.allStatuses') }, ...ACTIVITY_STATUSES.map((s) => ({ value: s, label: t(`activity.statuses.${s}`) }))]}
          value={status}
          onChange={(v) => setStatus(isActivityStatus(v) ? v : 'all')}
        />
        <SelectField
          id="plan-filter-kind"
          label={t('plan.kind')}
          choices={[{ value: 'all', label: t('plan.allKinds') }, ...ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`activity.kinds.${k}`) }))]}
          value={kind}
          onChange={(v) => setKind(isActivityKind(v) ? v : 'all')}
        />
      </div>

      <div className="plan-tools">
        <a className="button-link" href={pageHref(roomId, 'print')}>
          {t('plan.print')}
        </a>
        {icsRange ? <IcsDownload doc={doc} partnershipName={meta.name} range={icsRange} className="button-quiet" /> : null}
      </div>

      {groups.length === 0 ? (
        <div className="empty">
          <p>{all.length > 0 && isFiltered ? t('plan.noneFiltered') : t('plan.empty')}</p>
        </div>
      ) : (
        groups.map((group) => (
          <section key={group.month || 'undated'} className="month" aria-labelledby={`month-${group.month || 'undated'}`}>
            <h3 id={`month-${group.month || 'undated'}`}>{formatMonth(group.month, language) ?? t('plan.undated')}</h3>
            <ul className="activity-list">
              {group.activities.map((a) => (
                <li key={a.id}>
                  <ActivityItem
                    doc={doc}
                    activity={a}
                    roomId={roomId}
                    meta={meta}
                    conflicts={findConflicts(a, periods, zones)}
                    overdue={requests.filter((r) => r.activityId === a.id && isOverdue(r, today))}
                  />
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  )
}
