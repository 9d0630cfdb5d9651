/**
 * One reflection: the four prompts answered by each school, side by side (two columns on a wide
 * screen, one after the other with the school's name on a phone). This device writes only the
 * column of the school it speaks for (`mySchoolId`); the partner's answers arrive with the next
 * connection. Answers are saved when a field is left and with Save, as small text edits, so two
 * people of the same school typing at once both keep what they wrote.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { EMPTY_ANSWERS, PROMPTS, answerReflection, collection, hasAnswered, listFeedback, type Answers, type Prompt, type Reflection, type School } from '../../domain'
import { DeliveryStatus } from '../components/DeliveryStatus'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { Field } from '../components/Field'
import { WhichSchool } from '../components/WhichSchool'
import { FormActions, SaveStatus } from '../components/FormActions'
import { attempt, reflectionSubject, unplacedProblem, type CycleScreenProps } from './cycle'
import { formatDate, formatMoment } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

export function ReflectionScreen({ reflectionId }: { readonly reflectionId: string }) {
  const props = { ...usePartnership(), reflectionId }
  const { doc, roomId, entry, meta } = props
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  // read on every render: the parent renders again whenever the document changes
  const reflection = listFeedback(doc).reflections.find((r) => r.id === reflectionId)
  if (!reflection) {
    return (
      <section aria-labelledby="reflection-heading" className="cycle">
        <h2 id="reflection-heading" ref={headingRef} tabIndex={-1}>
          {t('feedback.notFoundTitle')}
        </h2>
        <p>{t('feedback.notFound')}</p>
        <p>
          <a className="back-link" href={pageHref(roomId, 'feedback')}>{t('feedback.back')}</a>
        </p>
      </section>
    )
  }
  const subject = reflectionSubject(doc, reflection)
  const isKnown = [meta.schoolA, meta.schoolB].some((s) => s.id === entry.mySchoolId)
  // our own answers first (on a phone: no scrolling past the partner's to write ours)
  const schools = meta.schoolB.id === entry.mySchoolId ? [meta.schoolB, meta.schoolA] : [meta.schoolA, meta.schoolB]

  return (
    <section aria-labelledby="reflection-heading" className="cycle">
      <p className="breadcrumb">
        <a className="back-link" href={pageHref(roomId, 'feedback')}>{t('feedback.back')}</a>
      </p>
      <h2 id="reflection-heading" ref={headingRef} tabIndex={-1}>
        {subject.kind === 'none' ? t('feedback.reflectionUntitled') : t('feedback.reflectionOn', { title: subject.title })}
      </h2>
      <p className="muted">{formatDate(reflection.date, language)}</p>
      <DeliveryStatus doc={doc} record={collection(doc, 'feedback').get(reflection.id)} />
      <div className="record-tools">
        <RecordHistory doc={doc} collection="feedback" record={reflection.id} actor={props.actor} isReadOnly={props.isReadOnly} />
      </div>
      <DoubleEditNotice doc={doc} records={[{ collection: 'feedback', record: reflection.id }]} actor={props.actor} isReadOnly={props.isReadOnly} />
      {!isKnown && !props.isReadOnly ? <WhichSchool entry={entry} meta={meta} reason={t('feedback.whichSchool')} /> : null}
      <p className="hint">{t('feedback.answerHint')}</p>
      <div className="reflection-columns">
        {schools.map((school) => (
          <section key={school.id} className="reflection-column" aria-labelledby={`reflection-school-${school.id}`}>
            <h3 id={`reflection-school-${school.id}`}>{school.name}</h3>
            {school.id === entry.mySchoolId && !props.isReadOnly ? (
              <AnswerForm {...props} reflection={reflection} school={school} />
            ) : (
              <AnswersView answers={reflection.answers[school.id]} school={school} />
            )}
          </section>
        ))}
      </div>
      {reflection.updatedAt ? (
        <p className="muted">{t('feedback.lastChanged', { name: reflection.updatedBy || t('actor.someone'), when: formatMoment(reflection.updatedAt, language) })}</p>
      ) : null}
    </section>
  )
}

function AnswersView({ answers, school }: { readonly answers: Answers | undefined; readonly school: School }) {
  const { t } = useTranslation()
  if (!hasAnswered(answers)) return <p className="muted">{t('feedback.noAnswersYet', { school: school.name })}</p>
  return (
    <dl className="answers">
      {PROMPTS.map((p) => (
        <div key={p} className="answer">
          <dt>{t('feedback.promptFor', { prompt: t(`feedback.prompts.${p}`), school: school.name })}</dt>
          <dd>{answers?.[p] ? answers[p] : <span className="muted">{t('feedback.empty')}</span>}</dd>
        </div>
      ))}
    </dl>
  )
}

type Drafts = Partial<Record<Prompt, string>>

function AnswerForm({ doc, actor, reflection, school }: CycleScreenProps & { readonly reflection: Reflection; readonly school: School }) {
  const { t } = useTranslation()
  const stored = reflection.answers[school.id] ?? EMPTY_ANSWERS
  // what is typed here and not yet saved; everything else shows the stored text, live
  const [drafts, setDrafts] = useState<Drafts>({})
  const [status, setStatus] = useState<string | undefined>()

  const save = (which: Drafts): void => {
    const changed = Object.fromEntries(Object.entries(which).filter(([p, v]) => v !== undefined && v !== stored[p as Prompt])) as Drafts
    if (Object.keys(changed).length === 0) {
      setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([p]) => !(p in which))))
      return
    }
    const code = unplacedProblem(
      attempt(() => answerReflection(doc, reflection.id, school.id, changed, actor)),
      [],
    )
    if (code) {
      setStatus(t(`errors.${code}`))
      return
    }
    setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([p]) => !(p in which))))
    setStatus(t('feedback.saved'))
  }

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    save(drafts)
  }

  return (
    <form className="answers-form" noValidate onSubmit={submit}>
      {PROMPTS.map((p) => (
        <Field
          key={p}
          id={`answer-${reflection.id}-${p}`}
          label={t('feedback.promptFor', { prompt: t(`feedback.prompts.${p}`), school: school.name })}
          hint={t(`feedback.promptHints.${p}`)}
        >
          {(c) => (
            <textarea
              {...c}
              rows={3}
              value={drafts[p] ?? stored[p]}
              onChange={(e) => {
                const v = e.target.value
                setDrafts((d) => ({ ...d, [p]: v }))
                setStatus(undefined)
              }}
              onBlur={() => {
                if (drafts[p] !== undefined) save({ [p]: drafts[p] })
              }}
            />
          )}
        </Field>
      ))}
      <FormActions submit={t('feedback.saveAnswers', { school: school.name })}>
        <SaveStatus status={status} />
      </FormActions>
    </form>
  )
}
