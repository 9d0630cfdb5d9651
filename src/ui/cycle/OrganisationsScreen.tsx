/**
 * Partner organisations (externe-partners seed): a register of the external organisations a school
 * works with, the six-step check before working with one — each step ticked with notes —, the
 * decision taken with the head and colleagues, and feedback afterwards: what made the cooperation
 * smooth or difficult. The reminder that no individual pupil data goes to an external organisation
 * is always on screen.
 *
 * One organisation's check is open at a time, so every control's accessible name is unique on the
 * page. Notes are saved when a field is left and with the Save button, as small text edits.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  EMPTY_ORGANISATION,
  ORGANISATION_DECISIONS,
  ORGANISATION_STEPS,
  addOrganisation,
  decideOrganisation,
  deleteOrganisation,
  listOrganisations,
  organisationStepsDone,
  setOrganisationFeedback,
  setOrganisationStepDone,
  setOrganisationStepNotes,
  updateOrganisation,
  websiteHref,
  type Organisation,
  type OrganisationDecision,
  type OrganisationInput,
  type OrganisationStep,
  type Actor,
} from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { FormActions, FormError, SaveStatus } from '../components/FormActions'
import { NO_PROBLEMS, attempt, unplacedProblem, type CycleScreenProps, type Problems } from './cycle'
import { formatDate, formatMoment, localToday } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'
import './organisations.css'

type Open = { readonly kind: 'add' } | { readonly kind: 'edit'; readonly id: string } | undefined

export function OrganisationsScreen() {
  const props = usePartnership()
  const { doc, actor, isReadOnly } = props
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [form, setForm] = useState<Open>()
  const [openId, setOpenId] = useState<string | undefined>()
  const [problem, setProblem] = useState<string | undefined>()
  // read on every render: the parent renders again whenever the document changes
  const organisations = listOrganisations(doc)

  const remove = (o: Organisation): void => {
    if (!window.confirm(t('organisations.confirmDelete', { name: o.name }))) return
    const code = unplacedProblem(attempt(() => deleteOrganisation(doc, o.id, actor)), [])
    setProblem(code ? t(`errors.${code}`) : undefined)
  }

  return (
    <section aria-labelledby="organisations-heading" className="cycle">
      <h2 id="organisations-heading" ref={headingRef} tabIndex={-1}>
        {t('organisations.title')}
      </h2>
      <DoubleEditNotice doc={doc} records={organisations.map((o) => ({ collection: 'organisations', record: o.id }))} actor={actor} isReadOnly={isReadOnly} isNamingRecords />
      <p>{t('organisations.intro')}</p>
      <div className="banner banner-privacy" role="note" aria-labelledby="organisations-privacy">
        <p id="organisations-privacy">
          <strong>{t('organisations.privacyTitle')}</strong> {t('organisations.privacy')}
        </p>
      </div>
      <FormError message={problem} />

      <section className="card" aria-labelledby="organisations-register-heading">
        <h3 id="organisations-register-heading">{t('organisations.register')}</h3>
        {organisations.length === 0 ? <p className="muted">{t('organisations.none')}</p> : null}
        <ul className="org-list">
          {organisations.map((o) => {
            const isOpen = openId === o.id
            return (
              <li key={o.id} className="org">
                {form?.kind === 'edit' && form.id === o.id ? (
                  <OrganisationForm doc={doc} actor={actor} organisation={o} onDone={() => setForm(undefined)} />
                ) : (
                  <>
                    <h4 className="org-name">{o.name}</h4>
                    <p className="org-summary">
                      <span className={`badge badge-decision-${o.decision}`}>{t(`organisations.decisions.${o.decision}`)}</span>{' '}
                      <span>{t('organisations.stepsDone', { done: organisationStepsDone(o), total: ORGANISATION_STEPS.length })}</span>
                    </p>
                    <OrganisationFacts organisation={o} />
                    <div className="org-actions">
                      <button
                        type="button"
                        className="button-secondary"
                        aria-expanded={isOpen}
                        aria-controls={`org-check-${o.id}`}
                        aria-label={isOpen ? t('organisations.closeCheckLabel', { name: o.name }) : t('organisations.openCheckLabel', { name: o.name })}
                        onClick={() => setOpenId(isOpen ? undefined : o.id)}
                      >
                        {isOpen ? t('organisations.closeCheck') : t('organisations.openCheck')}
                      </button>
                      <button type="button" className="button-quiet button-compact" disabled={isReadOnly} aria-label={t('organisations.editLabel', { name: o.name })} onClick={() => setForm({ kind: 'edit', id: o.id })}>
                        {t('organisations.edit')}
                      </button>
                      <button type="button" className="button-quiet button-compact" disabled={isReadOnly} aria-label={t('organisations.deleteLabel', { name: o.name })} onClick={() => remove(o)}>
                        {t('organisations.delete')}
                      </button>
                      <RecordHistory doc={doc} collection="organisations" record={o.id} actor={actor} isReadOnly={isReadOnly} about={o.name} />
                    </div>
                  </>
                )}
                {isOpen ? <OrganisationCheck {...props} organisation={o} /> : null}
              </li>
            )
          })}
        </ul>
        {form?.kind === 'add' ? (
          <OrganisationForm
            doc={doc}
            actor={actor}
            onDone={(id) => {
              setForm(undefined)
              if (id) setOpenId(id)
            }}
          />
        ) : (
          <button type="button" className="button-primary" disabled={isReadOnly} onClick={() => setForm({ kind: 'add' })}>
            {t('organisations.add')}
          </button>
        )}
      </section>
    </section>
  )
}

function OrganisationFacts({ organisation: o }: { readonly organisation: Organisation }) {
  const { t } = useTranslation()
  const href = websiteHref(o.website)
  const rows: [string, ReactNode][] = []
  if (o.website) rows.push([t('organisations.website'), href ? <a href={href} target="_blank" rel="noopener noreferrer">{o.website}</a> : o.website])
  if (o.contact) rows.push([t('organisations.contact'), o.contact])
  if (o.themes.length > 0) rows.push([t('organisations.themes'), o.themes.join(', ')])
  if (o.ageGroups.length > 0) rows.push([t('organisations.ageGroups'), o.ageGroups.join(', ')])
  if (rows.length === 0) return null
  return (
    <dl className="org-facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** "water, children's rights" → ['water', "children's rights"] */
function splitList(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

interface FormValues {
  readonly name: string
  readonly website: string
  readonly contact: string
  readonly themes: string
  readonly ageGroups: string
}

function OrganisationForm({ doc, actor, organisation, onDone }: { readonly doc: Y.Doc; readonly actor: Actor; readonly organisation?: Organisation; readonly onDone: (id?: string) => void }) {
  const { t } = useTranslation()
  const start = organisation ?? EMPTY_ORGANISATION
  const [v, setV] = useState<FormValues>({ name: start.name, website: start.website, contact: start.contact, themes: start.themes.join(', '), ageGroups: start.ageGroups.join(', ') })
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const errorOf = (f: string): string | undefined => {
    const code = problems.get(f)
    if (code && f === 'website') return t('organisations.invalidWebsite')
    return code ? t(`errors.${code}`) : undefined
  }
  const formProblem = unplacedProblem(problems, ['name', 'website'])
  const idPrefix = organisation ? `org-edit-${organisation.id}` : 'org-new'
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const input: OrganisationInput = { name: v.name, website: v.website, contact: v.contact, themes: splitList(v.themes), ageGroups: splitList(v.ageGroups) }
    let id: string | undefined
    const found = attempt(() => {
      if (organisation) updateOrganisation(doc, organisation.id, input, actor)
      else id = addOrganisation(doc, input, actor)
    })
    setProblems(found)
    if (found.size === 0) onDone(id)
    else document.getElementById(`${idPrefix}-${found.has('name') ? 'name' : 'website'}`)?.focus()
  }
  const set = (f: keyof FormValues) => (e: { target: { value: string } }) => setV((x) => ({ ...x, [f]: e.target.value }))
  return (
    <form className="form subform" noValidate onSubmit={submit} aria-labelledby={`${idPrefix}-heading`}>
      <h4 id={`${idPrefix}-heading`}>{organisation ? t('organisations.editTitle', { name: organisation.name }) : t('organisations.addTitle')}</h4>
      <Field id={`${idPrefix}-name`} label={t('organisations.name')} error={errorOf('name')}>
        {(c) => <input {...c} type="text" autoComplete="organization" value={v.name} onChange={set('name')} />}
      </Field>
      <div className="row">
        <Field id={`${idPrefix}-website`} label={t('organisations.website')} hint={t('organisations.websiteHint')} error={errorOf('website')}>
          {(c) => <input {...c} type="url" inputMode="url" autoComplete="off" value={v.website} onChange={set('website')} />}
        </Field>
        <Field id={`${idPrefix}-contact`} label={t('organisations.contact')} hint={t('organisations.contactHint')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={v.contact} onChange={set('contact')} />}
        </Field>
      </div>
      <div className="row">
        <Field id={`${idPrefix}-themes`} label={t('organisations.themes')} hint={t('organisations.listHint')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={v.themes} onChange={set('themes')} />}
        </Field>
        <Field id={`${idPrefix}-ages`} label={t('organisations.ageGroups')} hint={t('organisations.ageGroupsHint')}>
          {(c) => <input {...c} type="text" autoComplete="off" value={v.ageGroups} onChange={set('ageGroups')} />}
        </Field>
      </div>
      <FormError message={formProblem ? t(`errors.${formProblem}`) : undefined} />
      <FormActions submit={organisation ? t('organisations.saveChanges') : t('organisations.saveNew')} secondary={{ label: t('organisations.cancel'), onClick: () => onDone() }} />
    </form>
  )
}

type Drafts = Partial<Record<OrganisationStep, string>>

/** The six-step check, the decision and the feedback afterwards, for one organisation. */
function OrganisationCheck({ doc, actor, isReadOnly, organisation: o }: CycleScreenProps & { readonly organisation: Organisation }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const [drafts, setDrafts] = useState<Drafts>({})
  const [status, setStatus] = useState<string | undefined>()

  const saveNotes = (which: Drafts): void => {
    let failed: string | undefined
    for (const [step, text] of Object.entries(which) as [OrganisationStep, string | undefined][]) {
      if (text === undefined || text === o.steps[step].notes) continue
      const code = unplacedProblem(attempt(() => setOrganisationStepNotes(doc, o.id, step, text, actor)), [])
      if (code) failed = t(`errors.${code}`)
    }
    if (failed) {
      setStatus(failed)
      return
    }
    setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([s]) => !(s in which))))
    setStatus(t('organisations.saved'))
  }

  return (
    <div className="org-check" id={`org-check-${o.id}`}>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          saveNotes(drafts)
        }}
        aria-labelledby={`org-steps-${o.id}`}
      >
        <h4 id={`org-steps-${o.id}`}>{t('organisations.checkTitle', { name: o.name })}</h4>
        <p className="hint">{t('organisations.checkHint')}</p>
        <fieldset className="plain" disabled={isReadOnly}>
          <ol className="org-steps">
            {ORGANISATION_STEPS.map((step, i) => {
              const s = o.steps[step]
              return (
                <li key={step} className={s.isDone ? 'org-step org-step-done' : 'org-step'}>
                  <label className="check">
                    <input type="checkbox" checked={s.isDone} onChange={(e) => attempt(() => setOrganisationStepDone(doc, o.id, step, e.target.checked, actor))} />
                    <span className="org-step-title">{t('organisations.stepTitle', { n: i + 1, title: t(`organisations.steps.${step}.title`) })}</span>
                  </label>
                  <p className="hint">{t(`organisations.steps.${step}.hint`)}</p>
                  {s.isDone && s.doneAt ? <p className="muted org-done-by">{t('organisations.doneBy', { name: s.doneBy || t('actor.someone'), when: formatMoment(s.doneAt, language) })}</p> : null}
                  <Field id={`org-${o.id}-notes-${step}`} label={t('organisations.notesLabel', { n: i + 1 })}>
                    {(c) => (
                      <textarea
                        {...c}
                        rows={2}
                        value={drafts[step] ?? s.notes}
                        onChange={(e) => {
                          const value = e.target.value
                          setDrafts((d) => ({ ...d, [step]: value }))
                          setStatus(undefined)
                        }}
                        onBlur={() => {
                          if (drafts[step] !== undefined) saveNotes({ [step]: drafts[step] })
                        }}
                      />
                    )}
                  </Field>
                </li>
              )
            })}
          </ol>
        </fieldset>
        <FormActions submit={t('organisations.saveNotes')} disabled={isReadOnly}>
          <SaveStatus status={status} />
        </FormActions>
      </form>
      <DecisionForm key={`${o.decision}|${o.decidedBy}|${o.decidedOn}`} doc={doc} actor={actor} isReadOnly={isReadOnly} organisation={o} />
      <FeedbackForm doc={doc} actor={actor} isReadOnly={isReadOnly} organisation={o} />
    </div>
  )
}

interface PartProps {
  readonly doc: Y.Doc
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly organisation: Organisation
}

function DecisionForm({ doc, actor, isReadOnly, organisation: o }: PartProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const [decision, setDecision] = useState<OrganisationDecision>(o.decision)
  const [decidedBy, setDecidedBy] = useState(o.decidedBy)
  const [decidedOn, setDecidedOn] = useState(o.decidedOn || localToday())
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const [status, setStatus] = useState<string | undefined>()
  const errorOf = (f: string): string | undefined => {
    const code = problems.get(f)
    return code ? t(`errors.${code}`) : undefined
  }
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const found = attempt(() => decideOrganisation(doc, o.id, { decision, decidedBy, decidedOn: decision === 'pending' ? '' : decidedOn }, actor))
    setProblems(found)
    setStatus(found.size === 0 ? t('organisations.saved') : undefined)
    if (found.has('decidedBy')) document.getElementById(`org-${o.id}-decided-by`)?.focus()
  }
  return (
    <form className="form subform" noValidate onSubmit={submit} aria-labelledby={`org-decision-${o.id}`}>
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
            <Field id={`org-${o.id}-decided-by`} label={t('organisations.decidedBy')} hint={t('organisations.decidedByHint')} error={errorOf('decidedBy')}>
              {(c) => <input {...c} type="text" autoComplete="off" value={decidedBy} onChange={(e) => setDecidedBy(e.target.value)} />}
            </Field>
            <Field id={`org-${o.id}-decided-on`} label={t('organisations.decidedOn')} error={errorOf('decidedOn')}>
              {(c) => <input {...c} type="date" value={decidedOn} onChange={(e) => setDecidedOn(e.target.value)} />}
            </Field>
          </div>
        </fieldset>
      ) : null}
      <FormActions submit={t('organisations.saveDecision')} disabled={isReadOnly}>
        <SaveStatus status={status} />
      </FormActions>
    </form>
  )
}

function FeedbackForm({ doc, actor, isReadOnly, organisation: o }: PartProps) {
  const { t } = useTranslation()
  const [drafts, setDrafts] = useState<{ smooth?: string; difficult?: string }>({})
  const [status, setStatus] = useState<string | undefined>()
  const save = (which: { smooth?: string; difficult?: string }): void => {
    const changed = Object.fromEntries(Object.entries(which).filter(([k, v]) => v !== undefined && v !== o[k as 'smooth' | 'difficult']))
    if (Object.keys(changed).length > 0) {
      const code = unplacedProblem(attempt(() => setOrganisationFeedback(doc, o.id, changed, actor)), [])
      if (code) {
        setStatus(t(`errors.${code}`))
        return
      }
      setStatus(t('organisations.saved'))
    }
    setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !(k in which))))
  }
  return (
    <form
      className="form subform"
      noValidate
      aria-labelledby={`org-feedback-${o.id}`}
      onSubmit={(e) => {
        e.preventDefault()
        save(drafts)
      }}
    >
      <h4 id={`org-feedback-${o.id}`}>{t('organisations.feedbackTitle')}</h4>
      <p className="hint">{t('organisations.feedbackHint')}</p>
      <fieldset className="plain" disabled={isReadOnly}>
        {(['smooth', 'difficult'] as const).map((f) => (
          <Field key={f} id={`org-${o.id}-${f}`} label={t(`organisations.${f}`)}>
            {(c) => (
              <textarea
                {...c}
                rows={3}
                value={drafts[f] ?? o[f]}
                onChange={(e) => {
                  const value = e.target.value
                  setDrafts((d) => ({ ...d, [f]: value }))
                  setStatus(undefined)
                }}
                onBlur={() => {
                  if (drafts[f] !== undefined) save({ [f]: drafts[f] })
                }}
              />
            )}
          </Field>
        ))}
      </fieldset>
      <FormActions submit={t('organisations.saveFeedback')} disabled={isReadOnly}>
        <SaveStatus status={status} />
      </FormActions>
    </form>
  )
}
