/**
 * The action plan: activities grouped by the month they start in, undated ones last, filtered by
 * school year, status and kind. Each row warns when the activity falls on a holiday, closing day
 * or exam period of either school, or when input asked from a school is overdue.
 * A plan is a frame, not a contract: postponed and dropped activities stay visible with their status.
 * The months and their cards are PlanMonths.tsx (a long plan is drawn a page at a time there); the
 * document is read once per change, not on every render, and its activities only where they
 * changed (domain `activitiesOf`; the first time a slice at a time, `whenActivitiesRead`, while
 * what was shown before stays: the saved view at a cold start). What it shows is kept on the device
 * (keepPlanView.ts) for the saved view a cold start shows while the document loads (SavedPlan.tsx).
 */
import { use, useDeferredValue, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ACTIVITY_KINDS,
  ACTIVITY_STATUSES,
  activitiesOf,
  groupByMonth,
  isActivityKind,
  isActivityStatus,
  listPartnerInput,
  listPeriods,
  readSchoolYearStartMonth,
  schoolTimeZones,
  restoreActivity,
  schoolYearRange,
  whenActivitiesRead,
  type ActivityKind,
  type ActivityStatus,
} from '../../domain'
import { chooseMySchool, nextTask } from '../../storage'
import { DoubleEditList } from '../components/DoubleEditList'
import { IcsDownload } from '../components/IcsDownload'
import { FormError } from '../components/FormActions'
import { SchoolYearPicker } from '../components/SchoolYearPicker'
import { SelectField } from '../components/SelectField'
import { useDocVersion } from '../hooks/useDocVersion'
import { useDomainForm } from '../hooks/useDomainForm'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { usePartnership, type DeletedActivity } from '../hooks/usePartnership'
import { localToday } from '../format'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { PlanMonths } from './PlanMonths'
import { isActivityIn, schoolYearChoices, schoolYearLabel, useSchoolYearChoice } from './schoolYear'
import { useKeepPlanView } from './keepPlanView'
import { useSameValue } from './sameValue'
import './planning.css'
import './calendar.css'
import './print.css'

/** The records of the plan whose double edits it lists: activities, their requests, the calendar. */
const PLAN_COLLECTIONS: readonly string[] = ['activities', 'partnerInput', 'calendar']

export function PlanScreen() {
  const { doc, roomId, entry, meta: metaNow, actor, isReadOnly, lastDeleted, setLastDeleted } = usePartnership()
  // the first read of every activity, a slice at a time: until it is done, what was shown before
  // stays (the saved view), instead of a task of the whole list (~150 ms on a cheap phone)
  const reading = whenActivitiesRead(doc, nextTask)
  if (reading) use(reading)
  // the same object while nothing in it changed (read again on every change of the document), so
  // the months and cards are not drawn again for a change elsewhere
  const meta = useSameValue(metaNow)
  // Undo is a one-shot button: what the domain refuses (the copy became read-only) is said below it
  const undoForm = useDomainForm()
  const onUndo = (deleted: DeletedActivity): void => {
    undoForm.run(() => restoreActivity(doc, deleted.id, actor))
    setLastDeleted(undefined)
  }
  const onDismissUndo = (): void => setLastDeleted(undefined)
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [year, setYear] = useSchoolYearChoice(roomId)
  const [status, setStatus] = useState<ActivityStatus | 'all'>('all')
  const [kind, setKind] = useState<ActivityKind | 'all'>('all')
  // read once per change of the document (`version` grows with every update), not on every render,
  // and as a transition; the activities are read again only where they changed (domain `activitiesOf`)
  const version = useDeferredValue(useDocVersion(doc))
  const today = localToday()
  const read = useMemo(() => {
    const startMonth = readSchoolYearStartMonth(doc)
    const all = activitiesOf(doc)
    return { startMonth, years: schoolYearChoices(doc, startMonth, today, all), all, periods: listPeriods(doc), zones: schoolTimeZones(doc), requests: listPartnerInput(doc) }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, version, today])
  const { startMonth, all } = read
  const years = useSameValue(read.years)
  const periods = useSameValue(read.periods)
  const zones = useSameValue(read.zones)
  const requests = useSameValue(read.requests)
  const range = year === 'all' ? undefined : schoolYearRange(year, startMonth)
  const groups = useMemo(
    () =>
      groupByMonth(
        all.filter(
          (a) =>
            (!range || isActivityIn(a, range) || !(a.startDate || a.endDate)) &&
            (status === 'all' || a.status === status) &&
            (kind === 'all' || a.kind === kind),
        ),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [all, range?.from, range?.to, status, kind],
  )
  const isFiltered = year !== 'all' || status !== 'all' || kind !== 'all'
  // what this shows is kept for the next cold start (SavedPlan.tsx shows it while the document loads)
  useKeepPlanView(roomId, groups, meta, year === 'all' ? '' : schoolYearLabel(year, startMonth), today, status === 'all' && kind === 'all')
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
        <PlanMonths doc={doc} roomId={roomId} meta={meta} groups={groups} periods={periods} zones={zones} requests={requests} today={today} filterKey={`${year}|${status}|${kind}`} />
      )}
    </section>
  )
}
