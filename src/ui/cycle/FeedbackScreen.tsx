/**
 * Feedback: what is planned (feedback moments), what is due (moments and finished activities
 * nobody reflected on yet) and what was said (the reflections, each opened on its own page).
 * Called "feedback" and "reflection", never "evaluation": a less successful activity is something
 * both schools learn from.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { computeThisWeek, deleteFeedback, hasAnswered, listActivities, listFeedback, planFeedbackMoment, startReflection, type Actor } from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { FormActions, FormError } from '../components/FormActions'
import { NO_PROBLEMS, attempt, reflectionSubject, unplacedProblem, type CycleScreenProps, type Problems } from './cycle'
import { formatDate, localToday } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

export function FeedbackScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [problem, setProblem] = useState<string | undefined>()
  const [activityId, setActivityId] = useState('')
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

  const run = (write: () => void): boolean => {
    const code = unplacedProblem(attempt(write), [])
    setProblem(code ? t(`errors.${code}`) : undefined)
    return code === undefined
  }
  const start = (input: { activityId?: string; momentId?: string; date: string }): void => {
    let id = ''
    if (run(() => (id = startReflection(doc, input, actor)))) navigate(pageHref(roomId, { name: 'reflection', reflectionId: id }))
  }

  return (
    <section aria-labelledby="feedback-heading" className="cycle">
      <h2 id="feedback-heading" ref={headingRef} tabIndex={-1}>
        {t('feedback.title')}
      </h2>
      <p>{t('feedback.intro')}</p>
      <DoubleEditNotice doc={doc} records={moments.map((m) => ({ collection: 'feedback', record: m.id }))} actor={actor} isReadOnly={isReadOnly} isNamingRecords />
      <FormError message={problem} />

      <section className="card" aria-labelledby="feedback-planned-heading">
        <h3 id="feedback-planned-heading">{t('feedback.planned')}</h3>
        {planned.length === 0 ? <p className="muted">{t('feedback.plannedEmpty')}</p> : null}
        <ul className="due-list">
          {planned.map((m) => (
            <li key={m.id} className={dueMoments.has(m.id) ? 'due-item due-now' : 'due-item'}>
              <p>
                <strong>{m.title}</strong>
                <br />
                <span className="muted">{formatDate(m.date, language)}</span>
                {dueMoments.has(m.id) ? <span className="badge badge-due">{t('feedback.due')}</span> : null}
              </p>
              <div className="due-actions">
                <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => start({ momentId: m.id, date: m.date <= today ? m.date : today })}>
                  {t('feedback.startFor', { title: m.title })}
                </button>
                <button
                  type="button"
                  className="button-quiet button-compact"
                  disabled={isReadOnly}
                  aria-label={t('feedback.deleteMomentLabel', { title: m.title })}
                  onClick={() => run(() => deleteFeedback(doc, m.id, actor))}
                >
                  {t('feedback.delete')}
                </button>
                <RecordHistory doc={doc} collection="feedback" record={m.id} actor={actor} isReadOnly={isReadOnly} about={m.title} />
              </div>
            </li>
          ))}
        </ul>
        <MomentForm doc={doc} actor={actor} isReadOnly={isReadOnly} />
      </section>

      <section className="card" aria-labelledby="feedback-activities-heading">
        <h3 id="feedback-activities-heading">{t('feedback.afterActivity')}</h3>
        {finished.length === 0 ? <p className="muted">{t('feedback.finishedEmpty')}</p> : <p>{t('feedback.finishedIntro')}</p>}
        <ul className="due-list">
          {finished.map((a) => (
            <li key={a.id} className="due-item due-now">
              <p>
                <strong>{a.title}</strong>
              </p>
              <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => start({ activityId: a.id, date: today })}>
                {t('feedback.startFor', { title: a.title })}
              </button>
            </li>
          ))}
        </ul>
        {others.length > 0 ? (
          <form
            className="form inline-form"
            onSubmit={(e) => {
              e.preventDefault()
              if (activityId) start({ activityId, date: today })
            }}
          >
            <Field id="feedback-other-activity" label={t('feedback.otherActivity')}>
              {(c) => (
                <select {...c} value={activityId} disabled={isReadOnly} onChange={(e) => setActivityId(e.target.value)}>
                  <option value="">{t('feedback.chooseActivity')}</option>
                  {others.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.title}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="submit" className="button-secondary" disabled={isReadOnly || !activityId}>
              {t('feedback.start')}
            </button>
          </form>
        ) : null}
      </section>

      <section className="card" aria-labelledby="feedback-said-heading">
        <h3 id="feedback-said-heading">{t('feedback.said')}</h3>
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
      </section>
    </section>
  )
}

const MOMENT_FIELDS = ['title', 'date'] as const

function MomentForm({ doc, actor, isReadOnly }: { readonly doc: CycleScreenProps['doc']; readonly actor: Actor; readonly isReadOnly: boolean }) {
  const { t } = useTranslation()
  const [title, setTitle] = useState('')
  const [date, setDate] = useState('')
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const errorOf = (f: string): string | undefined => {
    const code = problems.get(f)
    // the domain's titleRequired message speaks of an activity
    if (code === 'titleRequired') return t('feedback.momentTitleRequired')
    return code ? t(`errors.${code}`) : undefined
  }
  const formProblem = unplacedProblem(problems, MOMENT_FIELDS)

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    const found = attempt(() => planFeedbackMoment(doc, { title, date }, actor))
    setProblems(found)
    if (found.size === 0) {
      setTitle('')
      setDate('')
    } else {
      const first = MOMENT_FIELDS.find((f) => found.has(f))
      if (first) document.getElementById(`moment-${first}`)?.focus()
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
      <FormError message={formProblem ? t(`errors.${formProblem}`) : undefined} />
      <FormActions submit={t('feedback.addMoment')} disabled={isReadOnly} />
    </form>
  )
}
