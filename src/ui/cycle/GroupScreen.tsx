/**
 * The working group: a few teachers from both schools, a fixed meeting rhythm, short minutes of
 * each meeting (date, notes, decisions) and the next steps agreed there. Members are the people
 * of Contacts marked as working-group members; next steps agreed at a meeting point back to it
 * and also show in the general list on Contacts and This week.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { addMeeting, listMeetings, listNextSteps, listPeople, readAgreements, updateAgreements, updateMeeting, updatePerson, type Meeting, type MeetingInput, type Actor } from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { NextStepForm, NextStepList } from '../components/NextSteps'
import { TextAgreement } from '../components/TextAgreement'
import { FormActions, FormError } from '../components/FormActions'
import { NO_PROBLEMS, attempt, unplacedProblem, type Problems } from './cycle'
import { formatDate, localToday } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

/** Which form is open: one at a time, so labels stay unique on the page. */
type OpenForm = { readonly kind: 'new-meeting' } | { readonly kind: 'edit'; readonly meetingId: string } | { readonly kind: 'step'; readonly meetingId: string } | undefined

export function GroupScreen() {
  const { doc, roomId, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [open, setOpen] = useState<OpenForm>()
  const [addId, setAddId] = useState('')
  const [problem, setProblem] = useState<string | undefined>()
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const people = listPeople(doc)
  const meetings = listMeetings(doc)
  const agreements = readAgreements(doc)
  const schools = [meta.schoolA, meta.schoolB]
  const names = [...people.map((p) => p.name), meta.schoolA.name, meta.schoolB.name]

  const setMember = (personId: string, isWorkingGroupMember: boolean): void => {
    if (!personId) return
    const code = unplacedProblem(attempt(() => updatePerson(doc, personId, { isWorkingGroupMember }, actor)), [])
    setProblem(code ? t(`errors.${code}`) : undefined)
  }

  return (
    <section aria-labelledby="group-heading" className="cycle">
      <h2 id="group-heading" ref={headingRef} tabIndex={-1}>
        {t('group.title')}
      </h2>
      <p>{t('group.intro')}</p>
      <DoubleEditNotice
        doc={doc}
        records={[...meetings.map((m) => ({ collection: 'meetings', record: m.id })), { collection: 'communication', record: 'communication' }]}
        actor={actor}
        isReadOnly={isReadOnly}
        isNamingRecords
      />
      <FormError message={problem} />

      <section className="card" aria-labelledby="group-members-heading">
        <h3 id="group-members-heading">{t('group.members')}</h3>
        <div className="school-columns">
          {schools.map((school) => {
            const members = people.filter((p) => p.schoolId === school.id && p.isWorkingGroupMember)
            return (
              <section key={school.id} className="school-people" aria-labelledby={`members-${school.id}`}>
                <h4 id={`members-${school.id}`}>{school.name}</h4>
                {members.length === 0 ? <p className="muted">{t('group.noMembers')}</p> : null}
                <ul className="members">
                  {members.map((p) => (
                    <li key={p.id} className="member">
                      <span>
                        <strong>{p.name}</strong>
                        {p.role ? <span className="muted">{t('group.roleSuffix', { role: p.role })}</span> : null}
                      </span>
                      <button
                        type="button"
                        className="button-quiet button-compact"
                        disabled={isReadOnly}
                        aria-label={t('group.removeLabel', { name: p.name })}
                        onClick={() => setMember(p.id, false)}
                      >
                        {t('group.remove')}
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            )
          })}
        </div>
        {people.some((p) => !p.isWorkingGroupMember) ? (
          <form
            className="form inline-form"
            onSubmit={(e) => {
              e.preventDefault()
              setMember(addId, true)
              setAddId('')
            }}
          >
            <Field id="group-add-member" label={t('group.addMember')}>
              {(c) => (
                <select {...c} value={addId} disabled={isReadOnly} onChange={(e) => setAddId(e.target.value)}>
                  <option value="">{t('group.choosePerson')}</option>
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
                </select>
              )}
            </Field>
            <button type="submit" className="button-secondary" disabled={isReadOnly || !addId}>
              {t('group.add')}
            </button>
          </form>
        ) : null}
        <p className="hint">
          {t('group.newPersonHint')} <a href={pageHref(roomId, 'contacts')}>{t('group.toContacts')}</a>
        </p>
      </section>

      <section className="card" aria-labelledby="group-rhythm-heading">
        <h3 id="group-rhythm-heading">{t('group.rhythm')}</h3>
        <TextAgreement
          isReadOnly={isReadOnly}
          id="group-rhythm"
          label={t('group.rhythmLabel')}
          hint={t('group.rhythmHint')}
          stored={agreements.workingGroupRhythm}
          save={(v) => updateAgreements(doc, { workingGroupRhythm: v }, actor)}
          button={t('group.saveRhythm')}
        />
      </section>

      <section className="card" aria-labelledby="group-meetings-heading">
        <div className="section-head">
          <h3 id="group-meetings-heading">{t('group.meetings')}</h3>
          {open?.kind !== 'new-meeting' ? (
            <button type="button" className="button-primary" disabled={isReadOnly} onClick={() => setOpen({ kind: 'new-meeting' })}>
              {t('group.addMeeting')}
            </button>
          ) : null}
        </div>
        {open?.kind === 'new-meeting' ? <MeetingForm doc={doc} actor={actor} today={today} onDone={() => setOpen(undefined)} /> : null}
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
                <MeetingForm doc={doc} actor={actor} today={today} meeting={m} onDone={() => setOpen(undefined)} />
              ) : (
                <>
                  <MinutesText label={t('group.notes')} text={m.notes} />
                  <MinutesText label={t('group.decisions')} text={m.decisions} />
                  <button
                    type="button"
                    className="button-quiet button-compact"
                    disabled={isReadOnly}
                    aria-label={t('group.editLabel', { date })}
                    onClick={() => setOpen({ kind: 'edit', meetingId: m.id })}
                  >
                    {t('group.edit')}
                  </button>
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
      </section>
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

interface MeetingFormProps {
  readonly doc: Y.Doc
  readonly actor: Actor
  readonly today: string
  readonly meeting?: Meeting
  readonly onDone: () => void
}

function MeetingForm({ doc, actor, today, meeting, onDone }: MeetingFormProps) {
  const { t } = useTranslation()
  const [values, setValues] = useState<MeetingInput>(() => (meeting ? { date: meeting.date, notes: meeting.notes, decisions: meeting.decisions } : { date: today, notes: '', decisions: '' }))
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const formProblem = unplacedProblem(problems, MEETING_FIELDS)
  const set = (f: keyof MeetingInput, v: string): void => setValues((x) => ({ ...x, [f]: v }))
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const found = attempt(() => {
      if (!meeting) {
        addMeeting(doc, values, actor)
        return
      }
      // only what changed here, so a partner's edit of another field stays
      const patch: { -readonly [K in keyof MeetingInput]?: string } = {}
      for (const f of MEETING_FIELDS) if (values[f] !== meeting[f]) patch[f] = values[f]
      if (Object.keys(patch).length > 0) updateMeeting(doc, meeting.id, patch, actor)
    })
    setProblems(found)
    if (found.size === 0) onDone()
    else document.getElementById('meeting-date')?.focus()
  }
  return (
    <form className="form subform" noValidate onSubmit={submit}>
      <Field id="meeting-date" label={t('group.date')} error={problems.get('date') ? t(`errors.${problems.get('date')}`) : undefined}>
        {(c) => <input {...c} type="date" value={values.date} onChange={(e) => set('date', e.target.value)} />}
      </Field>
      <Field id="meeting-notes" label={t('group.notes')} hint={t('group.notesHint')}>
        {(c) => <textarea {...c} rows={4} value={values.notes} onChange={(e) => set('notes', e.target.value)} />}
      </Field>
      <Field id="meeting-decisions" label={t('group.decisions')} hint={t('group.decisionsHint')}>
        {(c) => <textarea {...c} rows={3} value={values.decisions} onChange={(e) => set('decisions', e.target.value)} />}
      </Field>
      <FormError message={formProblem ? t(`errors.${formProblem}`) : undefined} />
      <FormActions submit={t('group.saveMeeting')} secondary={{ label: t('group.cancel'), onClick: onDone }} />
    </form>
  )
}
