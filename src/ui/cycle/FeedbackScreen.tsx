/**
 * Feedback: what is planned (feedback moments), what is due (moments and finished activities
 * nobody reflected on yet) and what was said (the reflections, each opened on its own page).
 * Called "feedback" and "reflection", never "evaluation": a less successful activity is something
 * both schools learn from.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { computeThisWeek, deleteFeedback, hasAnswered, listActivities, listFeedback, planFeedbackMoment } from '../../domain'
import { CardSection } from '../components/CardSection'
import { ChoiceForm } from '../components/ChoiceForm'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { ItemButton } from '../components/ItemButton'
import { RecordHistory } from '../components/RecordHistory'
import { FormActions, FormError } from '../components/FormActions'
import { ScreenHeading } from '../components/ScreenHeading'
import { reflectionSubject } from './cycle'
import { DueItem } from './DueItem'
import { useStartReflection } from './useStartReflection'
import { formatDate, localToday } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

export function FeedbackScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const { start, form } = useStartReflection()
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const { moments, reflections } = listFeedback(doc)
  const week = computeThisWeek(doc, today)
  const dueMoments = new Set(week?.feedbackMoments.map((m) => m.id))
  const reflectedMoments = new Set(reflections.map((r) => r.momentId).filter(Boolean))
  const reflectedActivities = new Set(reflections.map((r) => r.activityId).filter(Boolean))
  const planned = moments.filter((m) => !reflectedMoments.has(m.id))
  const finished = week?.reflectionsDue ?? []
  const finishedIds = new Set(finished.map((a) => a.id))
  const others = listActivities(doc).filter((a) => !finishedIds.has(a.id) && !reflectedActivities.has(a.id) && a.status !== 'dropped')
  const schools = [meta.schoolA, meta.schoolB]

  return (
    <section aria-labelledby="feedback-heading" className="cycle">
      <ScreenHeading id="feedback-heading">{t('feedback.title')}</ScreenHeading>
      <p>{t('feedback.intro')}</p>
      <DoubleEditNotice doc={doc} records={moments.map((m) => ({ collection: 'feedback', record: m.id }))} actor={actor} isReadOnly={isReadOnly} isNamingRecords />
      <FormError message={form.formError} />

      <CardSection id="feedback-planned" title={t('feedback.planned')}>
        {planned.length === 0 ? <p className="muted">{t('feedback.plannedEmpty')}</p> : null}
        <ul className="due-list">
          {planned.map((m) => (
            <li key={m.id} className={dueMoments.has(m.id) ? 'due-item due-now' : 'due-item'}>
              <p>
                <strong><bdi>{m.title}</bdi></strong>
                <br />
                <span className="muted">{formatDate(m.date, language)}</span>
                {dueMoments.has(m.id) ? <span className="badge badge-due">{t('feedback.due')}</span> : null}
              </p>
              <div className="due-actions">
                <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => start({ momentId: m.id, date: m.date <= today ? m.date : today })}>
                  {t('feedback.startFor', { title: m.title })}
                </button>
                <ItemButton
                  label={t('feedback.delete')}
                  name={t('feedback.deleteMomentLabel', { title: m.title })}
                  disabled={isReadOnly}
                  onClick={() => form.run(() => deleteFeedback(doc, m.id, actor))}
                />
                <RecordHistory doc={doc} collection="feedback" record={m.id} actor={actor} isReadOnly={isReadOnly} about={m.title} />
              </div>
            </li>
          ))}
        </ul>
        <MomentForm />
      </CardSection>

      <CardSection id="feedback-activities" title={t('feedback.afterActivity')}>
        {finished.length === 0 ? <p className="muted">{t('feedback.finishedEmpty')}</p> : <p>{t('feedback.finishedIntro')}</p>}
        <ul className="due-list">
          {finished.map((a) => (
            <DueItem key={a.id} title={a.title} isReadOnly={isReadOnly} onStart={() => start({ activityId: a.id, date: today })} />
          ))}
        </ul>
        {others.length > 0 ? (
          <ChoiceForm
            id="feedback-other-activity"
            label={t('feedback.otherActivity')}
            placeholder={t('feedback.chooseActivity')}
            button={t('feedback.start')}
            isReadOnly={isReadOnly}
            onChoose={(activityId) => start({ activityId, date: today })}
          >
            {others.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title}
              </option>
            ))}
          </ChoiceForm>
        ) : null}
      </CardSection>

      <CardSection id="feedback-said" title={t('feedback.said')}>
        {reflections.length === 0 ? <p className="muted">{t('feedback.saidEmpty')}</p> : null}
        <ul className="card-list">
          {[...reflections].reverse().map((r) => {
            const subject = reflectionSubject(doc, r)
            return (
              <li key={r.id}>
                <a className="card-link" href={pageHref(roomId, { name: 'reflection', reflectionId: r.id })}>
                  <span className="card-title">
                    {subject.kind === 'none' ? t('feedback.reflectionUntitled') : t('feedback.reflectionOn', { title: subject.title })}
                  </span>
                  <span className="card-meta">{formatDate(r.date, language)}</span>
                  <span className="card-meta">
                    {schools.map((s) => (hasAnswered(r.answers[s.id]) ? t('feedback.answered', { school: s.name }) : t('feedback.notAnswered', { school: s.name }))).join(' · ')}
                  </span>
                </a>
              </li>
            )
          })}
        </ul>
      </CardSection>
    </section>
  )
}

const MOMENT_CONTROLS = { title: 'moment-title', date: 'moment-date' }

function MomentForm() {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const [title, setTitle] = useState('')
  const [date, setDate] = useState('')
  const form = useDomainForm({ controls: MOMENT_CONTROLS })
  // the domain's titleRequired message speaks of an activity
  const errorOf = (f: string): string | undefined => (form.problems.get(f) === 'titleRequired' ? t('feedback.momentTitleRequired') : form.errorOf(f))

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    if (form.run(() => planFeedbackMoment(doc, { title, date }, actor))) {
      setTitle('')
      setDate('')
    }
  }

  return (
    <form className="form subform" noValidate onSubmit={submit} aria-labelledby="moment-form-heading">
      <h4 id="moment-form-heading">{t('feedback.planMoment')}</h4>
      <p className="hint">{t('feedback.planMomentHint')}</p>
      <fieldset className="plain" disabled={isReadOnly}>
        <div className="row">
          <Field id="moment-title" label={t('feedback.momentTitle')} error={errorOf('title')}>
            {(c) => <input {...c} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
          </Field>
          <Field id="moment-date" label={t('feedback.momentDate')} error={errorOf('date')}>
            {(c) => <input {...c} type="date" value={date} onChange={(e) => setDate(e.target.value)} />}
          </Field>
        </div>
      </fieldset>
      <FormError message={form.formError} />
      <FormActions submit={t('feedback.addMoment')} disabled={isReadOnly} />
    </form>
  )
}
