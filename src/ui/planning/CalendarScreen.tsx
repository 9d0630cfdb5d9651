/**
 * The calendar of one school year: each month with the two schools in two lanes (their holidays,
 * closing days and exam periods) and the activities planned in it, warned about when they fall
 * on a period of either school.
 *
 * School years differ by country and hemisphere: the year starts in the month the partnership
 * chose (`readSchoolYearStartMonth`), never assumed to be September. Starting points: the Flemish
 * school holidays computed from the Flemish rules (to check), and a blank template for the partner
 * school whose rows left empty are skipped.
 *
 * Periods are data: their labels are stored as typed. The starting points' labels are translated
 * into the language on screen when they are loaded (the domain gives them in English).
 *
 * Its parts: the rows (CalendarItems.tsx), the period form (PeriodForm.tsx) and the starting
 * points (StartingPoints.tsx).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  findConflicts,
  listActivities,
  listPeriods,
  rangesOverlap,
  readSchoolYearStartMonth,
  schoolTimeZones,
  schoolYearRange,
  setSchoolYearStartMonth,
} from '../../domain'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { FormError } from '../components/FormActions'
import { SchoolYearPicker } from '../components/SchoolYearPicker'
import { ScreenSection } from '../components/ScreenSection'
import { SelectField } from '../components/SelectField'
import { useDomainForm } from '../hooks/useDomainForm'
import { formatMonth, localToday } from '../format'
import { firstYearOf, isActivityIn, monthsOf, schoolYearChoices, useSchoolYearChoice } from './schoolYear'
import { usePartnership } from '../hooks/usePartnership'
import { CalendarActivity, PeriodItem } from './CalendarItems'
import { EditPeriod, PeriodForm } from './PeriodForm'
import { FlemishLoader, PartnerTemplate } from './StartingPoints'
import './planning.css'
import './calendar.css'
import './print.css'

export function CalendarScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const [choice, setChoice] = useSchoolYearChoice(roomId)
  const [editing, setEditing] = useState<{ readonly id: string; readonly month: string } | undefined>()
  const [message, setMessage] = useState<string | undefined>()
  // read on every render: the parent renders again whenever the document changes
  const today = localToday()
  const startMonth = readSchoolYearStartMonth(doc)
  const year = choice === 'all' ? firstYearOf(today, startMonth) : choice
  const years = schoolYearChoices(doc, startMonth, today)
  const range = schoolYearRange(year, startMonth)
  const periods = listPeriods(doc)
  const zones = schoolTimeZones(doc)
  const activities = listActivities(doc).filter((a) => isActivityIn(a, range))
  const schools = [meta.schoolA, meta.schoolB]
  const monthNames = monthNamesIn(language)
  // a month outside 1–12 cannot be chosen; what is left to refuse (a read-only copy) is said at the choice
  const startMonthForm = useDomainForm()

  return (
    <ScreenSection headingId="calendar-heading" title={t('calendar.title')} className="wide">
      <p className="hint">{t('calendar.intro')}</p>
      <DoubleEditNotice doc={doc} records={periods.map((p) => ({ collection: 'calendar', record: p.id }))} actor={actor} isReadOnly={isReadOnly} isNamingRecords />

      <div className="filters filters-aligned">
        <SchoolYearPicker id="calendar-year" label={t('calendar.schoolYear')} years={years} year={year} startMonth={startMonth} onChange={setChoice} />
        <SelectField
          id="calendar-start-month"
          label={t('calendar.startMonth')}
          choices={monthNames.map((name, i) => ({ value: String(i + 1), label: name }))}
          value={String(startMonth)}
          disabled={isReadOnly}
          describedBy="calendar-start-month-hint"
          onChange={(v) => startMonthForm.run(() => setSchoolYearStartMonth(doc, Number(v)))}
        />
      </div>
      <p className="hint" id="calendar-start-month-hint">
        {t('calendar.startMonthHint')}
      </p>
      <FormError message={startMonthForm.formError} />

      <div aria-live="polite" className="live-region">
        {message ? (
          <div className="banner banner-info">
            <p>{message}</p>
          </div>
        ) : null}
      </div>

      {!isReadOnly ? (
        <div className="calendar-tools">
          <section className="card" aria-labelledby="add-period-heading">
            <h3 id="add-period-heading">{t('calendar.addTitle')}</h3>
            <PeriodForm doc={doc} meta={meta} actor={actor} idPrefix="period" onDone={(text) => setMessage(text)} />
          </section>
          <div className="starting-points">
            <FlemishLoader doc={doc} meta={meta} actor={actor} year={year} startMonth={startMonth} onDone={setMessage} />
            <PartnerTemplate doc={doc} meta={meta} actor={actor} year={year} startMonth={startMonth} onDone={setMessage} />
          </div>
        </div>
      ) : null}

      <div className="lanes-legend" aria-hidden="true">
        {schools.map((s, i) => (
          <span key={s.id} className={`lane-key lane-key-${i === 0 ? 'a' : 'b'}`}>
            {s.name}
          </span>
        ))}
      </div>

      {monthsOf(range).map((m) => {
        const monthActivities = activities.filter((a) => {
          const from = a.startDate || a.endDate
          // an activity is listed in the month it starts, or the year's first month if it started before
          return (from < range.from ? range.from : from).slice(0, 7) === m.month
        })
        const title = formatMonth(m.month, language) ?? m.month
        return (
          <section key={m.month} className="cal-month" aria-labelledby={`cal-${m.month}`}>
            <h3 id={`cal-${m.month}`}>{title}</h3>
            <div className="lanes">
              {schools.map((school, i) => {
                const inMonth = periods.filter((p) => p.schoolId === school.id && rangesOverlap(p.from, p.to, m.from, m.to))
                const laneId = `lane-${m.month}-${i}`
                return (
                  <div key={school.id} className={`lane lane-${i === 0 ? 'a' : 'b'}`} role="group" aria-labelledby={laneId}>
                    <h4 id={laneId} className="lane-title">
                      {school.name}
                    </h4>
                    {inMonth.length === 0 ? (
                      <p className="lane-empty">{t('calendar.nothing')}</p>
                    ) : (
                      <ul className="period-list">
                        {inMonth.map((p) => (
                          <PeriodItem
                            key={p.id}
                            period={p}
                            schoolName={school.name}
                            // editable where it starts (or in the year's first month, for one that started before)
                            isEditable={!isReadOnly && (p.from < range.from ? range.from : p.from).slice(0, 7) === m.month}
                            isEditing={editing?.id === p.id}
                            onEdit={() => setEditing({ id: p.id, month: m.month })}
                          />
                        ))}
                      </ul>
                    )}
                  </div>
                )
              })}
            </div>
            {editing && editing.month === m.month ? (
              <EditPeriod
                doc={doc}
                meta={meta}
                actor={actor}
                period={periods.find((p) => p.id === editing.id)}
                onClose={(text) => {
                  setEditing(undefined)
                  if (text) setMessage(text)
                }}
              />
            ) : null}
            {monthActivities.length > 0 ? (
              <div className="cal-activities">
                <h4 className="visually-hidden">{t('calendar.activitiesIn', { month: title })}</h4>
                <ul>
                  {monthActivities.map((a) => (
                    <CalendarActivity key={a.id} activity={a} roomId={roomId} meta={meta} conflicts={findConflicts(a, periods, zones)} />
                  ))}
                </ul>
              </div>
            ) : null}
          </section>
        )
      })}
    </ScreenSection>
  )
}

/** "January" … "December" in the language on screen, for the start-month choice. */
function monthNamesIn(language: string): string[] {
  const f = new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' })
  return Array.from({ length: 12 }, (_, i) => {
    const name = f.format(new Date(Date.UTC(2000, i, 1)))
    return name.charAt(0).toLocaleUpperCase(language) + name.slice(1)
  })
}
