/**
 * The working group: a few teachers from both schools, a fixed meeting rhythm, short minutes of
 * each meeting (date, notes, decisions) and the next steps agreed there. Members are the people
 * of Contacts marked as working-group members; next steps agreed at a meeting point back to it
 * and also show in the general list on Contacts and This week.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { addMeeting, listMeetings, listNextSteps, listPeople, updateMeeting, updatePerson, type Meeting, type MeetingInput } from '../../domain'
import { CardSection } from '../components/CardSection'
import { ChoiceForm } from '../components/ChoiceForm'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { ItemButton } from '../components/ItemButton'
import { RecordHistory } from '../components/RecordHistory'
import { NextStepForm, NextStepList } from '../components/NextSteps'
import { FormActions, FormError } from '../components/FormActions'
import { ScreenHeading } from '../components/ScreenHeading'
import { AgreementCard } from './AgreementCard'
import { SchoolColumns } from './SchoolColumns'
import { formatDate, localToday } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'
import './contacts.css'

/** Which form is open: one at a time, so labels stay unique on the page. */
type OpenForm = { readonly kind: 'new-meeting' } | { readonly kind: 'edit'; readonly meetingId: string } | { readonly kind: 'step'; readonly meetingId: string } | undefined

export function GroupScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const [open, setOpen] = useState<OpenForm>()
  const form = useDomainForm()
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const people = listPeople(doc)
  const meetings = listMeetings(doc)
  const schools = [meta.schoolA, meta.schoolB]
  const names = [...people.map((p) => p.name), meta.schoolA.name, meta.schoolB.name]

  const setMember = (personId: string, isWorkingGroupMember: boolean): void => {
    form.run(() => updatePerson(doc, personId, { isWorkingGroupMember }, actor))
  }

  return (
    <section aria-labelledby="group-heading" className="cycle">
      <ScreenHeading id="group-heading">{t('group.title')}</ScreenHeading>
      <p>{t('group.intro')}</p>
      <DoubleEditNotice
        doc={doc}
        records={[...meetings.map((m) => ({ collection: 'meetings', record: m.id })), { collection: 'communication', record: 'communication' }]}
        actor={actor}
        isReadOnly={isReadOnly}
        isNamingRecords
      />
      <FormError message={form.formError} />

      <CardSection id="group-members" title={t('group.members')}>
        <SchoolColumns idPrefix="members">
          {(school) => {
            const members = people.filter((p) => p.schoolId === school.id && p.isWorkingGroupMember)
            return (
              <>
                {members.length === 0 ? <p className="muted">{t('group.noMembers')}</p> : null}
                <ul className="members">
                  {members.map((p) => (
                    <li key={p.id} className="member">
                      <span>
                        <strong><bdi>{p.name}</bdi></strong>
                        {p.role ? <span className="muted">{t('group.roleSuffix', { role: p.role })}</span> : null}
                      </span>
                      <ItemButton label={t('group.remove')} name={t('group.removeLabel', { name: p.name })} disabled={isReadOnly} onClick={() => setMember(p.id, false)} />
                    </li>
                  ))}
                </ul>
              </>
            )
          }}
        </SchoolColumns>
        {people.some((p) => !p.isWorkingGroupMember) ? (
          <ChoiceForm
            id="group-add-member"
            label={t('group.addMember')}
            placeholder={t('group.choosePerson')}
            button={t('group.add')}
            isReadOnly={isReadOnly}
            onChoose={(personId) => setMember(personId, true)}
          >
            {schools.map((s) => (
              <optgroup key={s.id} label={s.name}>
                {people
                  .filter((p) => p.schoolId === s.id && !p.isWorkingGroupMember)
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.role ? t('group.nameWithRole', { name: p.name, role: p.role }) : p.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </ChoiceForm>
        ) : null}
        <p className="hint">
          {t('group.newPersonHint')} <a href={pageHref(roomId, 'contacts')}>{t('group.toContacts')}</a>
        </p>
      </CardSection>

      <AgreementCard agreement="workingGroupRhythm" />

      <CardSection
        id="group-meetings"
        title={t('group.meetings')}
        action={
          open?.kind !== 'new-meeting' ? (
            <button type="button" className="button-primary" disabled={isReadOnly} onClick={() => setOpen({ kind: 'new-meeting' })}>
              {t('group.addMeeting')}
            </button>
          ) : null
        }
      >
        {open?.kind === 'new-meeting' ? <MeetingForm today={today} onDone={() => setOpen(undefined)} /> : null}
        {meetings.length === 0 && open?.kind !== 'new-meeting' ? <p className="muted">{t('group.noMeetings')}</p> : null}
        {meetings.map((m) => {
          const date = formatDate(m.date, language)
          const steps = listNextSteps(doc, { sourceId: m.id })
          return (
            <article key={m.id} className="meeting" aria-labelledby={`meeting-${m.id}`}>
              <h4 id={`meeting-${m.id}`}>{t('group.meetingOf', { date })}</h4>
              <div className="record-tools">
                <RecordHistory doc={doc} collection="meetings" record={m.id} actor={actor} isReadOnly={isReadOnly} about={t('group.meetingOf', { date })} />
              </div>
              {open?.kind === 'edit' && open.meetingId === m.id ? (
                <MeetingForm today={today} meeting={m} onDone={() => setOpen(undefined)} />
              ) : (
                <>
                  <MinutesText label={t('group.notes')} text={m.notes} />
                  <MinutesText label={t('group.decisions')} text={m.decisions} />
                  <ItemButton label={t('group.edit')} name={t('group.editLabel', { date })} disabled={isReadOnly} onClick={() => setOpen({ kind: 'edit', meetingId: m.id })} />
                </>
              )}
              <h5>{t('group.stepsAgreed')}</h5>
              {steps.length === 0 ? <p className="muted">{t('group.noSteps')}</p> : null}
              <NextStepList doc={doc} steps={steps} today={today} actor={actor} isReadOnly={isReadOnly} canDelete />
              {open?.kind === 'step' && open.meetingId === m.id ? (
                <NextStepForm doc={doc} actor={actor} isReadOnly={isReadOnly} sourceId={m.id} names={names} onCancel={() => setOpen(undefined)} />
              ) : (
                <button
                  type="button"
                  className="button-secondary"
                  disabled={isReadOnly}
                  aria-label={t('group.addStepLabel', { date })}
                  onClick={() => setOpen({ kind: 'step', meetingId: m.id })}
                >
                  {t('group.addStep')}
                </button>
              )}
            </article>
          )
        })}
      </CardSection>
    </section>
  )
}

function MinutesText({ label, text }: { readonly label: string; readonly text: string }) {
  if (!text.trim()) return null
  return (
    <div className="minutes">
      <p className="minutes-label">{label}</p>
      <p className="minutes-text">{text}</p>
    </div>
  )
}

const MEETING_FIELDS = ['date', 'notes', 'decisions'] as const
const MEETING_CONTROLS = { date: 'meeting-date', notes: 'meeting-notes', decisions: 'meeting-decisions' }

interface MeetingFormProps {
  readonly today: string
  readonly meeting?: Meeting
  readonly onDone: () => void
}

function MeetingForm({ today, meeting, onDone }: MeetingFormProps) {
  const { doc, actor } = usePartnership()
  const { t } = useTranslation()
  const [values, setValues] = useState<MeetingInput>(() => (meeting ? { date: meeting.date, notes: meeting.notes, decisions: meeting.decisions } : { date: today, notes: '', decisions: '' }))
  const form = useDomainForm({ controls: MEETING_CONTROLS })
  const set = (f: keyof MeetingInput, v: string): void => setValues((x) => ({ ...x, [f]: v }))
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const saved = form.run(() => {
      if (!meeting) {
        addMeeting(doc, values, actor)
        return
      }
      // only what changed here, so a partner's edit of another field stays
      const patch: { -readonly [K in keyof MeetingInput]?: string } = {}
      for (const f of MEETING_FIELDS) if (values[f] !== meeting[f]) patch[f] = values[f]
      if (Object.keys(patch).length > 0) updateMeeting(doc, meeting.id, patch, actor)
    })
    if (saved) onDone()
  }
  return (
    <form className="form subform" noValidate onSubmit={submit}>
      <Field id="meeting-date" label={t('group.date')} error={form.errorOf('date')}>
        {(c) => <input {...c} type="date" value={values.date} onChange={(e) => set('date', e.target.value)} />}
      </Field>
      <Field id="meeting-notes" label={t('group.notes')} hint={t('group.notesHint')} error={form.errorOf('notes')}>
        {(c) => <textarea {...c} rows={4} value={values.notes} onChange={(e) => set('notes', e.target.value)} />}
      </Field>
      <Field id="meeting-decisions" label={t('group.decisions')} hint={t('group.decisionsHint')} error={form.errorOf('decisions')}>
        {(c) => <textarea {...c} rows={3} value={values.decisions} onChange={(e) => set('decisions', e.target.value)} />}
      </Field>
      <FormError message={form.formError} />
      <FormActions submit={t('group.saveMeeting')} secondary={{ label: t('group.cancel'), onClick: onDone }} />
    </form>
  )
}
