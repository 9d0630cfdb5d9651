/**
 * One organisation's check, opened from the register: the six steps before working with it — each
 * ticked, with notes —, the decision taken with the head and colleagues, and the feedback
 * afterwards (what made the cooperation smooth or difficult). Notes and feedback are saved when a
 * field is left and with the Save button, as small text edits (useDraftTexts).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ORGANISATION_DECISIONS,
  ORGANISATION_STEPS,
  decideOrganisation,
  setOrganisationFeedback,
  setOrganisationStepDone,
  setOrganisationStepNotes,
  type Organisation,
  type OrganisationDecision,
  type OrganisationStep,
} from '../../domain'
import { Field } from '../components/Field'
import { FormActions, FormError, SaveStatus } from '../components/FormActions'
import { formatDate, formatMoment, localToday } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'
import { useDraftTexts } from './useDraftTexts'

type Part = { readonly organisation: Organisation }

/** Submitting a form saves through `save` instead of loading a page. */
function onSubmit(save: () => void) {
  return (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    save()
  }
}

export function OrganisationCheck({ organisation: o }: Part) {
  return (
    <div className="org-check" id={`org-check-${o.id}`}>
      <StepsForm organisation={o} />
      <DecisionForm key={`${o.decision}|${o.decidedBy}|${o.decidedOn}`} organisation={o} />
      <FeedbackForm organisation={o} />
    </div>
  )
}

function StepsForm({ organisation: o }: Part) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const stored = Object.fromEntries(ORGANISATION_STEPS.map((step) => [step, o.steps[step].notes])) as Record<OrganisationStep, string>
  const notes = useDraftTexts(
    stored,
    (changed) => {
      for (const [step, text] of Object.entries(changed) as [OrganisationStep, string][]) setOrganisationStepNotes(doc, o.id, step, text, actor)
    },
    t('organisations.saved'),
  )
  return (
    <form className="form" noValidate onSubmit={onSubmit(notes.saveAll)} aria-labelledby={`org-steps-${o.id}`}>
      <h4 id={`org-steps-${o.id}`}>{t('organisations.checkTitle', { name: o.name })}</h4>
      <p className="hint">{t('organisations.checkHint')}</p>
      <fieldset className="plain" disabled={isReadOnly}>
        <ol className="org-steps">
          {ORGANISATION_STEPS.map((step, i) => {
            const s = o.steps[step]
            return (
              <li key={step} className={s.isDone ? 'org-step org-step-done' : 'org-step'}>
                <label className="check">
                  <input type="checkbox" checked={s.isDone} onChange={(e) => notes.run(() => setOrganisationStepDone(doc, o.id, step, e.target.checked, actor))} />
                  <span className="org-step-title">{t('organisations.stepTitle', { n: i + 1, title: t(`organisations.steps.${step}.title`) })}</span>
                </label>
                <p className="hint">{t(`organisations.steps.${step}.hint`)}</p>
                {s.isDone && s.doneAt ? <p className="muted org-done-by">{t('organisations.doneBy', { name: s.doneBy || t('actor.someone'), when: formatMoment(s.doneAt, language) })}</p> : null}
                <Field id={`org-${o.id}-notes-${step}`} label={t('organisations.notesLabel', { n: i + 1 })}>
                  {(c) => <textarea {...c} rows={2} {...notes.bind(step)} />}
                </Field>
              </li>
            )
          })}
        </ol>
      </fieldset>
      <FormActions submit={t('organisations.saveNotes')} disabled={isReadOnly}>
        <SaveStatus status={notes.status} />
      </FormActions>
    </form>
  )
}

function DecisionForm({ organisation: o }: Part) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const [decision, setDecision] = useState<OrganisationDecision>(o.decision)
  const [decidedBy, setDecidedBy] = useState(o.decidedBy)
  const [decidedOn, setDecidedOn] = useState(o.decidedOn || localToday())
  const form = useDomainForm({ controls: { decidedBy: `org-${o.id}-decided-by`, decidedOn: `org-${o.id}-decided-on` } })
  const [status, setStatus] = useState<string | undefined>()
  const save = (): void => {
    const saved = form.run(() => decideOrganisation(doc, o.id, { decision, decidedBy, decidedOn: decision === 'pending' ? '' : decidedOn }, actor))
    setStatus(saved ? t('organisations.saved') : undefined)
  }
  return (
    <form className="form subform" noValidate onSubmit={onSubmit(save)} aria-labelledby={`org-decision-${o.id}`}>
      <h4 id={`org-decision-${o.id}`}>{t('organisations.decisionTitle')}</h4>
      <p className="hint">{t('organisations.decisionHint')}</p>
      {o.decision !== 'pending' ? (
        <p className="org-decided">
          {t('organisations.decidedSummary', { decision: t(`organisations.decisions.${o.decision}`), who: o.decidedBy, date: formatDate(o.decidedOn, language) })}
        </p>
      ) : null}
      <fieldset className="plain checks" disabled={isReadOnly}>
        <legend className="visually-hidden">{t('organisations.decisionLegend', { name: o.name })}</legend>
        {ORGANISATION_DECISIONS.map((d) => (
          <label key={d} className="check">
            <input type="radio" name={`org-${o.id}-decision`} value={d} checked={decision === d} onChange={() => setDecision(d)} />
            <span>{t(`organisations.decisions.${d}`)}</span>
          </label>
        ))}
      </fieldset>
      {decision !== 'pending' ? (
        <fieldset className="plain" disabled={isReadOnly}>
          <div className="row">
            <Field id={`org-${o.id}-decided-by`} label={t('organisations.decidedBy')} hint={t('organisations.decidedByHint')} error={form.errorOf('decidedBy')}>
              {(c) => <input {...c} type="text" autoComplete="off" value={decidedBy} onChange={(e) => setDecidedBy(e.target.value)} />}
            </Field>
            <Field id={`org-${o.id}-decided-on`} label={t('organisations.decidedOn')} error={form.errorOf('decidedOn')}>
              {(c) => <input {...c} type="date" value={decidedOn} onChange={(e) => setDecidedOn(e.target.value)} />}
            </Field>
          </div>
        </fieldset>
      ) : null}
      <FormError message={form.formError} />
      <FormActions submit={t('organisations.saveDecision')} disabled={isReadOnly}>
        <SaveStatus status={status} />
      </FormActions>
    </form>
  )
}

function FeedbackForm({ organisation: o }: Part) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const feedback = useDraftTexts({ smooth: o.smooth, difficult: o.difficult }, (changed) => setOrganisationFeedback(doc, o.id, changed, actor), t('organisations.saved'))
  return (
    <form className="form subform" noValidate aria-labelledby={`org-feedback-${o.id}`} onSubmit={onSubmit(feedback.saveAll)}>
      <h4 id={`org-feedback-${o.id}`}>{t('organisations.feedbackTitle')}</h4>
      <p className="hint">{t('organisations.feedbackHint')}</p>
      <fieldset className="plain" disabled={isReadOnly}>
        {(['smooth', 'difficult'] as const).map((f) => (
          <Field key={f} id={`org-${o.id}-${f}`} label={t(`organisations.${f}`)}>
            {(c) => <textarea {...c} rows={3} {...feedback.bind(f)} />}
          </Field>
        ))}
      </fieldset>
      <FormActions submit={t('organisations.saveFeedback')} disabled={isReadOnly}>
        <SaveStatus status={feedback.status} />
      </FormActions>
    </form>
  )
}
