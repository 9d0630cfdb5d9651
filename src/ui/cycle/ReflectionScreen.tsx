/**
 * One reflection: the four prompts answered by each school, side by side (two columns on a wide
 * screen, one after the other with the school's name on a phone). This device writes only the
 * column of the school it speaks for (`mySchoolId`); the partner's answers arrive with the next
 * connection. Answers are saved when a field is left and with Save, as small text edits, so two
 * people of the same school typing at once both keep what they wrote.
 */
import type { FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { EMPTY_ANSWERS, PROMPTS, answerReflection, collection, hasAnswered, listFeedback, type Answers, type Reflection, type School } from '../../domain'
import { DeliveryStatus } from '../components/DeliveryStatus'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { Field } from '../components/Field'
import { WhichSchool } from '../components/WhichSchool'
import { FormActions, SaveStatus } from '../components/FormActions'
import { ScreenHeading } from '../components/ScreenHeading'
import { reflectionSubject } from './cycle'
import { useDraftTexts } from './useDraftTexts'
import { formatDate, formatMoment } from '../format'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import { useMarkRead } from '../hooks/useMarkRead'
import './cycle.css'

export function ReflectionScreen({ reflectionId }: { readonly reflectionId: string }) {
  const { doc, roomId, entry, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  // read on every render: the parent renders again whenever the document changes
  const reflection = listFeedback(doc).reflections.find((r) => r.id === reflectionId)
  // opened by a person of this school: "Read by partner school" on the partner's devices
  useMarkRead(reflection ? collection(doc, 'feedback').get(reflection.id) : undefined)
  if (!reflection) {
    return (
      <section aria-labelledby="reflection-heading" className="cycle">
        <ScreenHeading id="reflection-heading">{t('feedback.notFoundTitle')}</ScreenHeading>
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
      <ScreenHeading id="reflection-heading">
        {subject.kind === 'none' ? t('feedback.reflectionUntitled') : t('feedback.reflectionOn', { title: subject.title })}
      </ScreenHeading>
      <p className="muted">{formatDate(reflection.date, language)}</p>
      <DeliveryStatus doc={doc} record={collection(doc, 'feedback').get(reflection.id)} onlyOwnChange />
      <div className="record-tools">
        <RecordHistory doc={doc} collection="feedback" record={reflection.id} actor={actor} isReadOnly={isReadOnly} />
      </div>
      <DoubleEditNotice doc={doc} records={[{ collection: 'feedback', record: reflection.id }]} actor={actor} isReadOnly={isReadOnly} />
      {!isKnown && !isReadOnly ? <WhichSchool entry={entry} meta={meta} reason={t('feedback.whichSchool')} /> : null}
      <p className="hint">{t('feedback.answerHint')}</p>
      <div className="reflection-columns">
        {schools.map((school) => (
          <section key={school.id} className="reflection-column" aria-labelledby={`reflection-school-${school.id}`}>
            <h3 id={`reflection-school-${school.id}`}>{school.name}</h3>
            {school.id === entry.mySchoolId && !isReadOnly ? (
              <AnswerForm reflection={reflection} school={school} />
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
          <dd dir="auto">{answers?.[p] ? answers[p] : <span className="muted">{t('feedback.empty')}</span>}</dd>
        </div>
      ))}
    </dl>
  )
}

function AnswerForm({ reflection, school }: { readonly reflection: Reflection; readonly school: School }) {
  const { doc, actor } = usePartnership()
  const { t } = useTranslation()
  const answers = useDraftTexts(reflection.answers[school.id] ?? EMPTY_ANSWERS, (changed) => answerReflection(doc, reflection.id, school.id, changed, actor), t('feedback.saved'))
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    answers.saveAll()
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
          {(c) => <textarea {...c} rows={3} {...answers.bind(p)} />}
        </Field>
      ))}
      <FormActions submit={t('feedback.saveAnswers', { school: school.name })}>
        <SaveStatus status={answers.status} />
      </FormActions>
    </form>
  )
}
