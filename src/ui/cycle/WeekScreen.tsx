/**
 * This week: the partnership's first screen. What both schools should look at now — activities
 * of the coming seven days, partner input that is late, the next contact day, feedback that is due
 * and the open next steps — computed on the device from the document alone (`computeThisWeek`),
 * so it works offline.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { computeThisWeek, daysBetween, listNextSteps, readActivity, startReflection, type Activity, type FeedbackMoment, type PartnerInputRequest } from '../../domain'
import { NextStepList } from '../components/NextSteps'
import { DoubleEditList } from '../components/DoubleEditList'
import { FormError } from '../components/FormActions'
import { attempt, unplacedProblem, type CycleScreenProps } from './cycle'
import { formatDate, formatDateRange, formatDayLong, localToday } from '../format'
import { schoolName } from '../hooks/useActor'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

export function WeekScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [problem, setProblem] = useState<string | undefined>()
  // steps ticked off here stay in sight (ticked) until the screen is left, so a slip can be undone
  const [tickedHere, setTickedHere] = useState<ReadonlySet<string>>(new Set())
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const week = computeThisWeek(doc, today)
  if (!week) return null

  const start = (input: { activityId?: string; momentId?: string; date: string }): void => {
    let id = ''
    const problems = attempt(() => {
      id = startReflection(doc, input, actor)
    })
    const code = unplacedProblem(problems, [])
    if (code) setProblem(t(`errors.${code}`))
    else navigate(pageHref(roomId, { name: 'reflection', reflectionId: id }))
  }

  const dueCount = week.feedbackMoments.length + week.reflectionsDue.length
  const openIds = new Set(week.openSteps.map((s) => s.id))
  const steps = listNextSteps(doc).filter((s) => openIds.has(s.id) || (s.isDone && tickedHere.has(s.id)))

  return (
    <section aria-labelledby="week-heading" className="cycle">
      <h2 id="week-heading" ref={headingRef} tabIndex={-1}>
        {t('week.title')}
      </h2>
      <p className="muted">{t('week.range', { range: formatDateRange(week.today, week.until, language) })}</p>

      <DoubleEditList doc={doc} roomId={roomId} />

      <section className="card week-contact" aria-labelledby="week-contact-heading">
        <h3 id="week-contact-heading">{t('week.nextContact')}</h3>
        {week.nextContactDay ? (
          <p className="week-big">
            {week.nextContactDay === today ? t('week.contactToday') : formatDayLong(week.nextContactDay, language)}
          </p>
        ) : (
          <>
            <p className="muted">{t('week.noRhythm')}</p>
            <p className="card-footer">
              <a href={pageHref(roomId, 'contacts')}>{t('week.agreeRhythm')}</a>
            </p>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="week-steps-heading">
        <h3 id="week-steps-heading">{t('week.steps')}</h3>
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
        <p className="card-footer">
          <a href={pageHref(roomId, 'contacts')}>{week.openSteps.length === 0 ? t('week.addStep') : t('week.allSteps')}</a>
        </p>
      </section>

      <section className="card" aria-labelledby="week-activities-heading">
        <h3 id="week-activities-heading">{t('week.activities')}</h3>
        {week.activities.length === 0 ? (
          <p className="muted">{t('week.activitiesEmpty')}</p>
        ) : (
          <ul className="activity-list">
            {week.activities.map((a) => (
              <li key={a.id}>
                <a className="activity-link" href={pageHref(roomId, { name: 'activity', activityId: a.id })}>
                  <span className="activity-title">{a.title}</span>
                  <span className="activity-meta">
                    <span className={`badge badge-${a.status}`}>{t(`activity.statuses.${a.status}`)}</span>
                    <span>{formatDateRange(a.startDate, a.endDate, language)}</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
        <p className="card-footer">
          <a href={pageHref(roomId, 'plan')}>{t('week.toPlan')}</a>
        </p>
      </section>

      <section className="card" aria-labelledby="week-feedback-heading">
        <h3 id="week-feedback-heading">{t('week.feedbackDue')}</h3>
        <FormError message={problem} />
        {dueCount === 0 ? <p className="muted">{t('week.feedbackEmpty')}</p> : null}
        <ul className="due-list">
          {week.feedbackMoments.map((m) => (
            <MomentDue key={m.id} moment={m} today={today} isReadOnly={isReadOnly} onStart={() => start({ momentId: m.id, date: m.date <= today ? m.date : today })} />
          ))}
          {week.reflectionsDue.map((a) => (
            <ActivityDue key={a.id} activity={a} isReadOnly={isReadOnly} onStart={() => start({ activityId: a.id, date: today })} />
          ))}
        </ul>
        <p className="card-footer">
          <a href={pageHref(roomId, 'feedback')}>{t('week.allFeedback')}</a>
        </p>
      </section>

      <section className="card" aria-labelledby="week-input-heading">
        <h3 id="week-input-heading">{t('week.overdueInput')}</h3>
        {week.overdueInput.length === 0 ? (
          <p className="muted">{t('week.overdueInputEmpty')}</p>
        ) : (
          <ul className="due-list">
            {week.overdueInput.map((r) => (
              <OverdueInput key={r.id} request={r} doc={doc} roomId={roomId} school={schoolName(meta, r.fromSchoolId) ?? ''} today={today} />
            ))}
          </ul>
        )}
      </section>
    </section>
  )
}

function MomentDue({ moment, today, isReadOnly, onStart }: { readonly moment: FeedbackMoment; readonly today: string; readonly isReadOnly: boolean; readonly onStart: () => void }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (
    <li className="due-item due-now">
      <p>
        <strong>{moment.title}</strong>
        <br />
        <span className="muted">
          {moment.date < today ? t('week.momentWas', { date: formatDate(moment.date, language) }) : t('week.momentOn', { date: formatDate(moment.date, language) })}
        </span>
      </p>
      <button type="button" className="button-secondary" disabled={isReadOnly} onClick={onStart}>
        {t('feedback.startFor', { title: moment.title })}
      </button>
    </li>
  )
}

function ActivityDue({ activity, isReadOnly, onStart }: { readonly activity: Activity; readonly isReadOnly: boolean; readonly onStart: () => void }) {
  const { t } = useTranslation()
  return (
    <li className="due-item due-now">
      <p>
        <strong>{activity.title}</strong>
        <br />
        <span className="muted">{t('week.activityDone')}</span>
      </p>
      <button type="button" className="button-secondary" disabled={isReadOnly} onClick={onStart}>
        {t('feedback.startFor', { title: activity.title })}
      </button>
    </li>
  )
}

function OverdueInput({
  request,
  doc,
  roomId,
  school,
  today,
}: {
  readonly request: PartnerInputRequest
  readonly doc: CycleScreenProps['doc']
  readonly roomId: string
  readonly school: string
  readonly today: string
}) {
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
