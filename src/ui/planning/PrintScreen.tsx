/**
 * The plan of one school year on A4: both schools, every activity of the year in date order with
 * its dates, kind, status, lead school, responsible people, costs per school and the input asked
 * from the partner, then what is not dated yet. "Print" opens the browser's print dialog, whose
 * "Save as PDF" is the PDF. The print stylesheet (planning.css, `@media print`) hides the app's
 * bars and buttons.
 */
import { useTranslation } from 'react-i18next'
import {
  findConflicts,
  isOverdue,
  listActivities,
  listPartnerInput,
  listPeriods,
  readSchoolProfiles,
  readSchoolYearStartMonth,
  schoolTimeZones,
  schoolYearRange,
  type Activity,
  type Money,
  type PartnershipMeta,
  type PartnerInputRequest,
} from '../../domain'
import { IcsDownload } from '../components/IcsDownload'
import { PlanningNotes } from '../components/PlanningNotes'
import { SchoolYearPicker } from '../components/SchoolYearPicker'
import { schoolName } from '../hooks/useActor'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { formatDate, formatDateRange, formatMoney, localToday } from '../format'
import { pageHref } from '../pages'
import { firstYearOf, isActivityIn, schoolYearChoices, schoolYearLabel, useSchoolYearChoice } from './schoolYear'
import { usePartnership } from '../hooks/usePartnership'
import './planning.css'
import './calendar.css'
import './print.css'

/** Sums per currency (amounts in different currencies are never added up). */
function totals(list: readonly Activity[], schoolId: string): Money[] {
  const byCurrency = new Map<string, number>()
  for (const a of list) {
    const c = a.cost[schoolId]
    if (c) byCurrency.set(c.currency, (byCurrency.get(c.currency) ?? 0) + c.amount)
  }
  return [...byCurrency].map(([currency, amount]) => ({ currency, amount }))
}

export function PrintScreen() {
  const { doc, roomId, meta } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [choice, setChoice] = useSchoolYearChoice(roomId)
  const today = localToday()
  const startMonth = readSchoolYearStartMonth(doc)
  const year = choice === 'all' ? firstYearOf(today, startMonth) : choice
  const years = schoolYearChoices(doc, startMonth, today)
  const range = schoolYearRange(year, startMonth)
  const yearLabel = schoolYearLabel(year, startMonth)
  const all = listActivities(doc)
  const dated = all.filter((a) => isActivityIn(a, range))
  const undated = all.filter((a) => !(a.startDate || a.endDate))
  const periods = listPeriods(doc)
  const zones = schoolTimeZones(doc)
  const requests = listPartnerInput(doc)
  const profiles = readSchoolProfiles(doc)
  const schools = [meta.schoolA, meta.schoolB]
  const place = (schoolId: string): string => {
    const p = profiles?.find((x) => x.id === schoolId)
    return p ? [p.town, p.country].filter(Boolean).join(', ') : ''
  }

  return (
    <article className="print-view wide" aria-labelledby="print-heading">
      <div className="print-controls no-print">
        <a className="back-link" href={pageHref(roomId, 'plan')}>{t('print.back')}</a>
        <SchoolYearPicker id="print-year" label={t('print.schoolYear')} years={years} year={year} startMonth={startMonth} onChange={setChoice} />
        <div className="actions">
          <button type="button" className="button-primary" onClick={() => window.print()}>
            {t('print.print')}
          </button>
          <IcsDownload doc={doc} partnershipName={meta.name} range={range} />
        </div>
        <p className="hint">{t('print.pdfHint')}</p>
      </div>

      <header className="print-header">
        <h2 id="print-heading" ref={headingRef} tabIndex={-1}>
          {t('print.title', { year: yearLabel })}
        </h2>
        <p className="print-partnership">{meta.name}</p>
        <ul className="print-schools" aria-label={t('print.schools')}>
          {schools.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong>
              {place(s.id) ? <span className="muted">{place(s.id)}</span> : null}
            </li>
          ))}
        </ul>
      </header>

      {dated.length === 0 ? <p className="empty">{t('print.empty', { year: yearLabel })}</p> : null}
      {dated.length > 0 ? (
        <ol className="print-list">
          {dated.map((a) => (
            <PrintedActivity key={a.id} activity={a} meta={meta} conflicts={findConflicts(a, periods, zones)} requests={requests.filter((r) => r.activityId === a.id)} today={today} />
          ))}
        </ol>
      ) : null}

      {undated.length > 0 ? (
        <section aria-labelledby="print-undated">
          <h3 id="print-undated">{t('plan.undated')}</h3>
          <ol className="print-list">
            {undated.map((a) => (
              <PrintedActivity key={a.id} activity={a} meta={meta} conflicts={[]} requests={requests.filter((r) => r.activityId === a.id)} today={today} />
            ))}
          </ol>
        </section>
      ) : null}

      <section className="print-totals" aria-labelledby="print-totals">
        <h3 id="print-totals">{t('print.totals', { year: yearLabel })}</h3>
        <dl>
          {schools.map((s) => {
            const sums = totals(dated, s.id)
            return (
              <div key={s.id}>
                <dt>{s.name}</dt>
                <dd>{sums.length > 0 ? sums.map((m) => formatMoney(m, language)).join(' + ') : t('print.noCosts')}</dd>
              </div>
            )
          })}
        </dl>
      </section>
      <p className="print-footer muted">{t('print.printedOn', { date: formatDate(today, language) })}</p>
    </article>
  )
}

interface PrintedProps {
  readonly activity: Activity
  readonly meta: PartnershipMeta
  readonly conflicts: ReturnType<typeof findConflicts>
  readonly requests: readonly PartnerInputRequest[]
  readonly today: string
}

function PrintedActivity({ activity: a, meta, conflicts, requests, today }: PrintedProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const lead = schoolName(meta, a.leadSchoolId)
  const schools = [meta.schoolA, meta.schoolB]
  return (
    <li className="print-activity">
      <h3 className="print-activity-title" dir="auto">{a.title}</h3>
      <p className="print-when">
        <strong>{formatDateRange(a.startDate, a.endDate, language) || t('plan.undated')}</strong>
        <span>{t(`activity.kinds.${a.kind}`)}</span>
        <span>{t(`activity.statuses.${a.status}`)}</span>
        <span>{lead ? t('plan.ledBy', { school: lead }) : t('print.noLead')}</span>
      </p>
      {a.description ? <p className="print-description" dir="auto">{a.description}</p> : null}
      <dl className="print-per-school">
        {schools.map((s) => {
          const cost = a.cost[s.id]
          return (
            <div key={s.id}>
              <dt>{s.name}</dt>
              <dd>
                {t('print.perSchool', {
                  names: a.responsible[s.id] || t('print.nobodyYet'),
                  amount: cost ? formatMoney(cost, language) : t('print.noCost'),
                })}
              </dd>
            </div>
          )
        })}
      </dl>
      {requests.length > 0 ? (
        <ul className="print-input" aria-label={t('activity.input.title')}>
          {requests.map((r) => (
            <li key={r.id}>
              {t(r.dueDate ? 'print.input' : 'print.inputNoDate', {
                what: r.description ? `${t(`activity.input.kinds.${r.kind}`)}: ${r.description}` : t(`activity.input.kinds.${r.kind}`),
                school: schoolName(meta, r.fromSchoolId) ?? '',
                due: formatDate(r.dueDate, language),
                state: r.isReceived ? t('print.received') : isOverdue(r, today) ? t('print.overdue') : t('print.notYet'),
              })}
            </li>
          ))}
        </ul>
      ) : null}
      <PlanningNotes meta={meta} conflicts={conflicts} />
    </li>
  )
}
