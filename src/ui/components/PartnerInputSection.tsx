/**
 * "Input from the partner" on an activity: what it needs from a school (answer letters, photos,
 * a questionnaire, something else), from which school, by when, and whether it arrived.
 *
 * Requests are records of their own (src/domain/partnerInput.ts), saved the moment they are added
 * or ticked, apart from the activity form's Save — so this section sits after that form, never
 * inside it. A new activity has no id yet: it says to save the activity first.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  INPUT_KINDS,
  addPartnerInput,
  deletePartnerInput,
  isOverdue,
  listPartnerInput,
  setPartnerInputReceived,
  type InputKind,
  type PartnershipMeta,
  type PartnerInputRequest,
  type Actor,
} from '../../domain'
import { Field } from './Field'
import { WarningNote, useOverdueText } from './PlanningNotes'
import { FormActions, FormError } from './FormActions'
import { RecordHistory } from './RecordHistory'
import { schoolChoices } from './SchoolSelect'
import { SelectField } from './SelectField'
import { schoolName } from '../hooks/useActor'
import { useDomainForm } from '../hooks/useDomainForm'
import { formatDate } from '../format'

interface Props {
  readonly doc: Y.Doc
  /** Undefined for an activity that is not saved yet. */
  readonly activityId: string | undefined
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly today: string
}

const FIELD_IDS: Readonly<Record<string, string>> = {
  kind: 'input-kind',
  description: 'input-description',
  fromSchoolId: 'input-from-school',
  dueDate: 'input-due-date',
}

export function PartnerInputSection({ doc, activityId, meta, actor, isReadOnly, today }: Props) {
  const { t } = useTranslation()
  const requests = activityId ? listPartnerInput(doc, { activityId }) : []
  return (
    <section className="partner-input" aria-labelledby="partner-input-heading">
      <h3 id="partner-input-heading">{t('activity.input.title')}</h3>
      <p className="hint">{t('activity.input.intro')}</p>
      {activityId === undefined ? (
        <p className="muted">{t('activity.input.saveFirst')}</p>
      ) : (
        <>
          {requests.length === 0 ? <p className="muted">{t('activity.input.none')}</p> : null}
          {requests.length > 0 ? (
            <ul className="request-list">
              {requests.map((r) => (
                <RequestItem key={r.id} doc={doc} request={r} meta={meta} actor={actor} isReadOnly={isReadOnly} today={today} />
              ))}
            </ul>
          ) : null}
          {!isReadOnly ? <AddRequestForm doc={doc} activityId={activityId} meta={meta} actor={actor} /> : null}
        </>
      )}
    </section>
  )
}

interface ItemProps {
  readonly doc: Y.Doc
  readonly request: PartnerInputRequest
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly today: string
}

function RequestItem({ doc, request: r, meta, actor, isReadOnly, today }: ItemProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const overdueText = useOverdueText(meta)
  const what = t(`activity.input.kinds.${r.kind}`)
  const from = schoolName(meta, r.fromSchoolId) ?? t('calendar.otherSchool')
  const summary = t('activity.input.summary', { what, school: from })
  const checkboxId = `input-received-${r.id}`
  return (
    <li className={isOverdue(r, today) ? 'request request-overdue' : 'request'}>
      <p className="request-what">{summary}</p>
      {r.description ? <p className="request-details" dir="auto">{r.description}</p> : null}
      {isOverdue(r, today) ? (
        <WarningNote text={overdueText(r)} className="warning-overdue" />
      ) : (
        <p className="muted">{r.dueDate ? t('activity.input.dueOn', { date: formatDate(r.dueDate, language) }) : t('activity.input.noDueDate')}</p>
      )}
      <div className="request-actions">
        <label className="checkbox" htmlFor={checkboxId}>
          <input
            id={checkboxId}
            type="checkbox"
            checked={r.isReceived}
            disabled={isReadOnly}
            aria-label={t('activity.input.receivedFor', { what: summary })}
            onChange={(e) => setPartnerInputReceived(doc, r.id, e.target.checked, actor)}
          />
          <span>{t('activity.input.received')}</span>
        </label>
        <button type="button" className="button-quiet button-compact" disabled={isReadOnly} aria-label={t('activity.input.removeFor', { what: summary })} onClick={() => deletePartnerInput(doc, r.id, actor)}>
          {t('activity.input.remove')}
        </button>
        <RecordHistory doc={doc} collection="partnerInput" record={r.id} actor={actor} isReadOnly={isReadOnly} about={summary} />
      </div>
    </li>
  )
}

interface AddProps {
  readonly doc: Y.Doc
  readonly activityId: string
  readonly meta: PartnershipMeta
  readonly actor: Actor
}

function AddRequestForm({ doc, activityId, meta, actor }: AddProps) {
  const { t } = useTranslation()
  const schools = [meta.schoolA, meta.schoolB]
  const [kind, setKind] = useState<InputKind>('answer-letters')
  const [description, setDescription] = useState('')
  const [fromSchoolId, setFromSchoolId] = useState('')
  const [dueDate, setDueDate] = useState('')
  const [added, setAdded] = useState<string | undefined>()
  const form = useDomainForm({ controls: FIELD_IDS, checkFields: 'activity.checkFields' })

  const add = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (!form.run(() => addPartnerInput(doc, { activityId, kind, description, fromSchoolId, dueDate }, actor))) {
      setAdded(undefined)
      return
    }
    setAdded(t('activity.input.added', { what: t(`activity.input.kinds.${kind}`), school: schoolName(meta, fromSchoolId) ?? '' }))
    setDescription('')
    setDueDate('')
  }

  return (
    <form className="form add-request" noValidate onSubmit={add} aria-labelledby="add-request-heading">
      <h4 id="add-request-heading">{t('activity.input.addTitle')}</h4>
      <div className="row">
        <SelectField
          id={FIELD_IDS.kind!}
          label={t('activity.input.kind')}
          error={form.errorOf('kind')}
          choices={INPUT_KINDS.map((k) => ({ value: k, label: t(`activity.input.kinds.${k}`) }))}
          value={kind}
          onChange={setKind}
        />
        <SelectField
          id={FIELD_IDS.fromSchoolId!}
          label={t('activity.input.fromSchool')}
          error={form.errorOf('fromSchoolId')}
          choices={schoolChoices(schools, t('activity.input.chooseSchool'))}
          value={fromSchoolId}
          onChange={setFromSchoolId}
        />
      </div>
      <Field id={FIELD_IDS.description!} label={t('activity.input.details')} hint={t('activity.input.detailsHint')} error={form.errorOf('description')}>
        {(c) => <input {...c} type="text" value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <Field id={FIELD_IDS.dueDate!} label={t('activity.input.neededBy')} error={form.errorOf('dueDate')}>
        {(c) => <input {...c} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />}
      </Field>
      <FormError message={form.formError} />
      <FormActions submit={t('activity.input.add')} isSecondary />
      <p role="status" className="status-message">
        {added ?? ''}
      </p>
    </form>
  )
}
