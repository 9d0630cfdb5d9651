/**
 * This week: the partnership's first screen. What both schools should look at now — activities
 * of the coming seven days, partner input that is late, the next contact day, feedback that is due
 * and the open next steps — computed on the device from the document alone (`computeThisWeek`),
 * so it works offline.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { computeThisWeek, daysBetween, listNextSteps, readActivity, type PartnerInputRequest } from '../../domain'
import { CardSection } from '../components/CardSection'
import { NextStepList } from '../components/NextSteps'
import { DoubleEditList } from '../components/DoubleEditList'
import { FormError } from '../components/FormActions'
import { ScreenHeading } from '../components/ScreenHeading'
import { DueItem } from './DueItem'
import { useStartReflection } from './useStartReflection'
import { formatDate, formatDateRange, formatDayLong, localToday } from '../format'
import { schoolName } from '../hooks/useActor'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

export function WeekScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const { start, form } = useStartReflection()
  // steps ticked off here stay in sight (ticked) until the screen is left, so a slip can be undone
  const [tickedHere, setTickedHere] = useState<ReadonlySet<string>>(new Set())
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const week = computeThisWeek(doc, today)
  if (!week) return null

  const dueCount = week.feedbackMoments.length + week.reflectionsDue.length
  const openIds = new Set(week.openSteps.map((s) => s.id))
  const steps = listNextSteps(doc).filter((s) => openIds.has(s.id) || (s.isDone && tickedHere.has(s.id)))

  return (
    <section aria-labelledby="week-heading" className="cycle">
      <ScreenHeading id="week-heading">{t('week.title')}</ScreenHeading>
      <p className="muted">{t('week.range', { range: formatDateRange(week.today, week.until, language) })}</p>

      <DoubleEditList doc={doc} roomId={roomId} />

      <CardSection
        id="week-contact"
        className="week-contact"
        title={t('week.nextContact')}
        footer={week.nextContactDay ? null : <a href={pageHref(roomId, 'contacts')}>{t('week.agreeRhythm')}</a>}
      >
        {week.nextContactDay ? (
          <p className="week-big">{week.nextContactDay === today ? t('week.contactToday') : formatDayLong(week.nextContactDay, language)}</p>
        ) : (
          <p className="muted">{t('week.noRhythm')}</p>
        )}
      </CardSection>

      <CardSection id="week-steps" title={t('week.steps')} footer={<a href={pageHref(roomId, 'contacts')}>{week.openSteps.length === 0 ? t('week.addStep') : t('week.allSteps')}</a>}>
        {steps.length === 0 ? (
          <p className="muted">{t('week.stepsEmpty')}</p>
        ) : (
          <NextStepList
            doc={doc}
            steps={steps}
            today={today}
            actor={actor}
            isReadOnly={isReadOnly}
            onToggled={(id, isDone) => {
              if (isDone) setTickedHere((prev) => new Set(prev).add(id))
            }}
          />
        )}
      </CardSection>

      <CardSection id="week-activities" title={t('week.activities')} footer={<a href={pageHref(roomId, 'plan')}>{t('week.toPlan')}</a>}>
        {week.activities.length === 0 ? (
          <p className="muted">{t('week.activitiesEmpty')}</p>
        ) : (
          <ul className="activity-list">
            {week.activities.map((a) => (
              <li key={a.id}>
                <a className="activity-link" href={pageHref(roomId, { name: 'activity', activityId: a.id })}>
                  <bdi className="activity-title">{a.title}</bdi>
                  <span className="activity-meta">
                    <span className={`badge badge-${a.status}`}>{t(`activity.statuses.${a.status}`)}</span>
                    <span>{formatDateRange(a.startDate, a.endDate, language)}</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </CardSection>

      <CardSection id="week-feedback" title={t('week.feedbackDue')} footer={<a href={pageHref(roomId, 'feedback')}>{t('week.allFeedback')}</a>}>
        <FormError message={form.formError} />
        {dueCount === 0 ? <p className="muted">{t('week.feedbackEmpty')}</p> : null}
        <ul className="due-list">
          {week.feedbackMoments.map((m) => (
            <DueItem
              key={m.id}
              title={m.title}
              when={m.date < today ? t('week.momentWas', { date: formatDate(m.date, language) }) : t('week.momentOn', { date: formatDate(m.date, language) })}
              isReadOnly={isReadOnly}
              onStart={() => start({ momentId: m.id, date: m.date <= today ? m.date : today })}
            />
          ))}
          {week.reflectionsDue.map((a) => (
            <DueItem key={a.id} title={a.title} when={t('week.activityDone')} isReadOnly={isReadOnly} onStart={() => start({ activityId: a.id, date: today })} />
          ))}
        </ul>
      </CardSection>

      <CardSection id="week-input" title={t('week.overdueInput')}>
        {week.overdueInput.length === 0 ? (
          <p className="muted">{t('week.overdueInputEmpty')}</p>
        ) : (
          <ul className="due-list">
            {week.overdueInput.map((r) => (
              <OverdueInput key={r.id} request={r} school={schoolName(meta, r.fromSchoolId) ?? ''} today={today} />
            ))}
          </ul>
        )}
      </CardSection>
    </section>
  )
}

function OverdueInput({ request, school, today }: { readonly request: PartnerInputRequest; readonly school: string; readonly today: string }) {
  const { doc, roomId } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const activity = readActivity(doc, request.activityId)
  const what = request.description || t(`week.inputKinds.${request.kind}`)
  const days = daysBetween(request.dueDate, today)
  return (
    <li className="due-item due-late">
      <p>
        <strong>{t('week.owes', { school, what })}</strong>
        <br />
        <span>{t('week.lateSince', { date: formatDate(request.dueDate, language), count: days })}</span>
        {activity ? (
          <>
            <br />
            <a href={pageHref(roomId, { name: 'activity', activityId: activity.id })}>{t('week.forActivity', { title: activity.title })}</a>
          </>
        ) : null}
      </p>
    </li>
  )
}
