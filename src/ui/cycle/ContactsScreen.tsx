/**
 * Contacts: the communication agreements of draaiboek 2 — a contact person on each side and more
 * people following along (no bottleneck), a fixed day for regular contact with the next one
 * worked out, the channels that actually work, who communicates with whom — and the next steps
 * every exchange ends with: who writes what, to whom, by when.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  CHANNELS,
  addPerson,
  contactDays,
  deletePerson,
  listMeetings,
  listNextSteps,
  listPeople,
  readAgreements,
  updateAgreements,
  updatePerson,
  type Channel,
  type Person,
  type PersonInput,
  type Rhythm,
  type School,
  type Actor,
} from '../../domain'
import { Field } from '../components/Field'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { NextStepForm, NextStepList } from '../components/NextSteps'
import { TextAgreement } from '../components/TextAgreement'
import { FormActions, FormError } from '../components/FormActions'
import { NO_PROBLEMS, attempt, unplacedProblem, type Problems } from './cycle'
import { formatDate, formatDayLong, localToday, weekdayNames } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'

type OpenForm = { readonly kind: 'add'; readonly schoolId: string } | { readonly kind: 'edit'; readonly personId: string } | undefined

export function ContactsScreen() {
  const { doc, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [open, setOpen] = useState<OpenForm>()
  const [rhythmStatus, setRhythmStatus] = useState<string | undefined>()
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const people = listPeople(doc)
  const agreements = readAgreements(doc)
  const steps = listNextSteps(doc)
  const meetingLabels = new Map(listMeetings(doc).map((m) => [m.id, t('contacts.steps.fromMeeting', { date: formatDate(m.date, language) })]))
  const names = [...people.map((p) => p.name), meta.schoolA.name, meta.schoolB.name]
  const openSteps = steps.filter((s) => !s.isDone)
  const doneSteps = steps.filter((s) => s.isDone)

  return (
    <section aria-labelledby="contacts-heading" className="cycle">
      <h2 id="contacts-heading" ref={headingRef} tabIndex={-1}>
        {t('contacts.title')}
      </h2>
      <p>{t('contacts.intro')}</p>
      <div className="record-tools">
        <p className="muted">{t('history.record.communication')}</p>
        <RecordHistory doc={doc} collection="communication" record="communication" actor={actor} isReadOnly={isReadOnly} about={t('history.record.communication')} />
      </div>
      <DoubleEditNotice
        doc={doc}
        records={[
          { collection: 'communication', record: 'communication' },
          ...people.map((p) => ({ collection: 'contacts', record: p.id })),
          ...steps.map((s) => ({ collection: 'nextSteps', record: s.id })),
        ]}
        actor={actor}
        isReadOnly={isReadOnly}
        isNamingRecords
      />

      <section className="card" aria-labelledby="contacts-people-heading">
        <h3 id="contacts-people-heading">{t('contacts.people')}</h3>
        <p className="hint">{t('contacts.peopleHint')}</p>
        <div className="school-columns">
          {[meta.schoolA, meta.schoolB].map((school) => (
            <SchoolPeople
              key={school.id}
              doc={doc}
              school={school}
              people={people.filter((p) => p.schoolId === school.id)}
              actor={actor}
              isReadOnly={isReadOnly}
              open={open}
              setOpen={setOpen}
            />
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="contacts-rhythm-heading">
        <h3 id="contacts-rhythm-heading">{t('contacts.rhythm')}</h3>
        <RhythmSummary rhythm={agreements.rhythm} today={today} />
        {/* keyed by the stored rhythm: a rhythm saved on the partner's device shows in the form too */}
        <RhythmForm
          key={JSON.stringify(agreements.rhythm)}
          doc={doc}
          rhythm={agreements.rhythm}
          actor={actor}
          isReadOnly={isReadOnly}
          today={today}
          onStatus={setRhythmStatus}
        />
        <p className="save-status" aria-live="polite">
          {rhythmStatus ?? ''}
        </p>
      </section>

      <section className="card" aria-labelledby="contacts-channels-heading">
        <h3 id="contacts-channels-heading">{t('contacts.channels')}</h3>
        <fieldset className="plain checks" disabled={isReadOnly}>
          <legend className="hint">{t('contacts.channelsHint')}</legend>
          {CHANNELS.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={agreements.channels.includes(c)}
                onChange={(e) => {
                  const next: Channel[] = e.target.checked ? [...agreements.channels, c] : agreements.channels.filter((x) => x !== c)
                  attempt(() => updateAgreements(doc, { channels: CHANNELS.filter((x) => next.includes(x)) }, actor))
                }}
              />
              <span>{t(`contacts.channelNames.${c}`)}</span>
            </label>
          ))}
        </fieldset>
      </section>

      <section className="card" aria-labelledby="contacts-who-heading">
        <h3 id="contacts-who-heading">{t('contacts.whoWithWhom')}</h3>
        <TextAgreement
          isReadOnly={isReadOnly}
          id="contacts-who-with-whom"
          label={t('contacts.whoWithWhomLabel')}
          hint={t('contacts.whoWithWhomHint')}
          stored={agreements.whoWithWhom}
          save={(v) => updateAgreements(doc, { whoWithWhom: v }, actor)}
          button={t('contacts.saveWhoWithWhom')}
          multiline
        />
      </section>

      <section className="card" aria-labelledby="contacts-steps-heading">
        <h3 id="contacts-steps-heading">{t('contacts.steps.title')}</h3>
        <p className="hint">{t('contacts.steps.intro')}</p>
        {openSteps.length === 0 ? <p className="muted">{t('contacts.steps.empty')}</p> : null}
        <NextStepList doc={doc} steps={openSteps} today={today} actor={actor} isReadOnly={isReadOnly} canDelete sourceLabels={meetingLabels} />
        <h4>{t('contacts.steps.addTitle')}</h4>
        <NextStepForm doc={doc} actor={actor} isReadOnly={isReadOnly} names={names} />
        {doneSteps.length > 0 ? (
          <>
            <h4>{t('contacts.steps.doneTitle', { count: doneSteps.length })}</h4>
            <NextStepList doc={doc} steps={doneSteps} today={today} actor={actor} isReadOnly={isReadOnly} canDelete sourceLabels={meetingLabels} />
          </>
        ) : null}
      </section>
    </section>
  )
}

// ---- people -------------------------------------------------------------------------------------

interface SchoolPeopleProps {
  readonly doc: Y.Doc
  readonly school: School
  readonly people: readonly Person[]
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly open: OpenForm
  readonly setOpen: (open: OpenForm) => void
}

function SchoolPeople({ doc, school, people, actor, isReadOnly, open, setOpen }: SchoolPeopleProps) {
  const { t } = useTranslation()
  const [problem, setProblem] = useState<string | undefined>()
  const hasContact = people.some((p) => p.isContactPerson)
  const following = people.filter((p) => p.isFollowing || p.isContactPerson).length
  const remove = (p: Person): void => {
    if (!window.confirm(t('contacts.confirmDelete', { name: p.name }))) return
    const code = unplacedProblem(attempt(() => deletePerson(doc, p.id, actor)), [])
    setProblem(code ? t(`errors.${code}`) : undefined)
  }
  return (
    <section className="school-people" aria-labelledby={`people-${school.id}`}>
      <h4 id={`people-${school.id}`}>{school.name}</h4>
      <FormError message={problem} />
      {people.length === 0 ? <p className="muted">{t('contacts.nobody')}</p> : null}
      {people.length > 0 && !hasContact ? <p className="banner banner-warning">{t('contacts.noContactPerson', { school: school.name })}</p> : null}
      {hasContact && following < 2 ? <p className="hint">{t('contacts.bottleneck')}</p> : null}
      <ul className="people">
        {people.map((p) =>
          open?.kind === 'edit' && open.personId === p.id ? (
            <li key={p.id} className="person person-editing">
              <PersonForm doc={doc} actor={actor} schoolId={school.id} person={p} onDone={() => setOpen(undefined)} />
            </li>
          ) : (
            <li key={p.id} className="person">
              <p className="person-name">{p.name}</p>
              {p.role ? <p className="person-role">{p.role}</p> : null}
              <p className="person-badges">
                {p.isContactPerson ? <span className="badge badge-contact">{t('contacts.isContactPerson')}</span> : null}
                {p.isFollowing ? <span className="badge">{t('contacts.isFollowing')}</span> : null}
                {p.isWorkingGroupMember ? <span className="badge">{t('contacts.isWorkingGroupMember')}</span> : null}
              </p>
              {p.phone ? (
                <p className="person-reach">
                  <a href={`tel:${p.phone.replace(/[^\d+]/g, '')}`} aria-label={t('contacts.callLabel', { name: p.name, phone: p.phone })}>
                    {p.phone}
                  </a>
                </p>
              ) : null}
              {p.email ? (
                <p className="person-reach">
                  <a href={`mailto:${p.email}`}>{p.email}</a>
                </p>
              ) : null}
              <div className="person-actions">
                <button type="button" className="button-quiet button-compact" disabled={isReadOnly} aria-label={t('contacts.editLabel', { name: p.name })} onClick={() => setOpen({ kind: 'edit', personId: p.id })}>
                  {t('contacts.edit')}
                </button>
                <button type="button" className="button-quiet button-compact" disabled={isReadOnly} aria-label={t('contacts.deleteLabel', { name: p.name })} onClick={() => remove(p)}>
                  {t('contacts.delete')}
                </button>
                <RecordHistory doc={doc} collection="contacts" record={p.id} actor={actor} isReadOnly={isReadOnly} about={p.name} />
              </div>
            </li>
          ),
        )}
      </ul>
      {open?.kind === 'add' && open.schoolId === school.id ? (
        <PersonForm doc={doc} actor={actor} schoolId={school.id} onDone={() => setOpen(undefined)} />
      ) : (
        <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => setOpen({ kind: 'add', schoolId: school.id })}>
          {t('contacts.addPerson', { school: school.name })}
        </button>
      )}
    </section>
  )
}

const PERSON_TEXT = ['name', 'role', 'phone', 'email'] as const
const PERSON_FLAGS = ['isContactPerson', 'isFollowing', 'isWorkingGroupMember'] as const

interface PersonFormProps {
  readonly doc: Y.Doc
  readonly actor: Actor
  readonly schoolId: string
  readonly person?: Person
  readonly onDone: () => void
}

function PersonForm({ doc, actor, schoolId, person, onDone }: PersonFormProps) {
  const { t } = useTranslation()
  const [values, setValues] = useState<PersonInput>(
    () =>
      person ?? {
        schoolId,
        name: '',
        role: '',
        phone: '',
        email: '',
        isContactPerson: false,
        isFollowing: true,
        isWorkingGroupMember: false,
      },
  )
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const errorOf = (f: string): string | undefined => {
    const code = problems.get(f)
    if (code === 'invalidChoice' && f === 'email') return t('contacts.invalidEmail')
    return code ? t(`errors.${code}`) : undefined
  }
  const formProblem = unplacedProblem(problems, PERSON_TEXT)
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const found = attempt(() => {
      if (person) {
        const patch: Partial<Record<keyof PersonInput, unknown>> = {}
        for (const f of [...PERSON_TEXT, ...PERSON_FLAGS]) if (values[f] !== person[f]) patch[f] = values[f]
        if (Object.keys(patch).length > 0) updatePerson(doc, person.id, patch as Partial<PersonInput>, actor)
      } else addPerson(doc, values, actor)
    })
    setProblems(found)
    if (found.size === 0) onDone()
    else {
      const first = PERSON_TEXT.find((f) => found.has(f))
      if (first) document.getElementById(`person-${first}`)?.focus()
    }
  }
  return (
    <form className="form subform person-form" noValidate onSubmit={submit}>
      <Field id="person-name" label={t('contacts.name')} error={errorOf('name')}>
        {(c) => <input {...c} type="text" autoComplete="off" value={values.name} onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))} />}
      </Field>
      <Field id="person-role" label={t('contacts.role')} hint={t('contacts.roleHint')} error={errorOf('role')}>
        {(c) => <input {...c} type="text" autoComplete="off" value={values.role} onChange={(e) => setValues((v) => ({ ...v, role: e.target.value }))} />}
      </Field>
      <div className="row">
        <Field id="person-phone" label={t('contacts.phone')} hint={t('contacts.phoneHint')} error={errorOf('phone')}>
          {(c) => <input {...c} type="tel" autoComplete="off" value={values.phone} onChange={(e) => setValues((v) => ({ ...v, phone: e.target.value }))} />}
        </Field>
        <Field id="person-email" label={t('contacts.email')} error={errorOf('email')}>
          {(c) => <input {...c} type="email" autoComplete="off" value={values.email} onChange={(e) => setValues((v) => ({ ...v, email: e.target.value }))} />}
        </Field>
      </div>
      <fieldset className="plain checks">
        {PERSON_FLAGS.map((f) => (
          <label key={f} className="check">
            <input type="checkbox" checked={values[f]} onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.checked }))} />
            <span>{t(`contacts.${f}`)}</span>
          </label>
        ))}
      </fieldset>
      <FormError message={formProblem ? t(`errors.${formProblem}`) : undefined} />
      <FormActions submit={t('contacts.savePerson')} secondary={{ label: t('contacts.cancel'), onClick: onDone }} />
    </form>
  )
}

// ---- rhythm -------------------------------------------------------------------------------------

const NTHS = [1, 2, 3, 4, -1] as const

function nthKey(nth: (typeof NTHS)[number]): 'last' | `${Exclude<(typeof NTHS)[number], -1>}` {
  return nth === -1 ? 'last' : `${nth}`
}

/** The agreed rhythm in words, e.g. "The first Tuesday of every month". */
function useRhythmText(): (rhythm: Rhythm) => string {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const days = weekdayNames(language)
  return (rhythm) => {
    if (rhythm.kind === 'monthly') return t('contacts.monthlyText', { nth: t(`contacts.nth.${nthKey(rhythm.nth)}`), weekday: days[rhythm.weekday] ?? '' })
    const weekdayOfAnchor = (new Date(`${rhythm.anchor}T00:00:00Z`).getUTCDay() + 6) % 7
    return t('contacts.weeklyText', { count: rhythm.everyWeeks, weekday: days[weekdayOfAnchor] ?? '', date: formatDate(rhythm.anchor, language) })
  }
}

function RhythmSummary({ rhythm, today }: { readonly rhythm: Rhythm | null; readonly today: string }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const rhythmText = useRhythmText()
  if (!rhythm) return <p className="muted">{t('contacts.noRhythm')}</p>
  const [next, ...later] = contactDays(rhythm, today, 3)
  return (
    <div className="rhythm-summary">
      <p>{rhythmText(rhythm)}</p>
      {next ? (
        <p className="next-contact">
          <span>{t('contacts.nextContact')}</span> <strong>{next === today ? t('week.contactToday') : formatDayLong(next, language)}</strong>
        </p>
      ) : null}
      {later.length > 0 ? <p className="hint">{t('contacts.thenContact', { dates: later.map((d) => formatDate(d, language)).join(', ') })}</p> : null}
    </div>
  )
}

interface RhythmValues {
  readonly kind: 'none' | 'monthly' | 'weekly'
  readonly nth: (typeof NTHS)[number]
  readonly weekday: number
  readonly everyWeeks: number
  readonly anchor: string
}

interface RhythmFormProps {
  readonly doc: Y.Doc
  readonly rhythm: Rhythm | null
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly today: string
  readonly onStatus: (status: string | undefined) => void
}

function RhythmForm({ doc, rhythm, actor, isReadOnly, today, onStatus }: RhythmFormProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const days = weekdayNames(language)
  const [v, setV] = useState<RhythmValues>(() => ({
    kind: rhythm?.kind ?? 'none',
    nth: rhythm?.kind === 'monthly' ? rhythm.nth : 1,
    weekday: rhythm?.kind === 'monthly' ? rhythm.weekday : 1,
    everyWeeks: rhythm?.kind === 'weekly' ? rhythm.everyWeeks : 2,
    anchor: rhythm?.kind === 'weekly' ? rhythm.anchor : today,
  }))
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const formProblem = unplacedProblem(problems, ['anchor'])

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const next: Rhythm | null =
      v.kind === 'monthly' ? { kind: 'monthly', nth: v.nth, weekday: v.weekday } : v.kind === 'weekly' ? { kind: 'weekly', everyWeeks: v.everyWeeks, anchor: v.anchor } : null
    const found = attempt(() => updateAgreements(doc, { rhythm: next }, actor))
    // the domain reports a bad rhythm as a whole; with the first date the only thing typed, show it there
    setProblems(found.has('rhythm') && v.kind === 'weekly' ? new Map([['anchor', 'invalidDate']]) : found)
    onStatus(found.size === 0 ? t('contacts.saved') : undefined)
  }

  return (
    <form className="form subform" noValidate onSubmit={submit}>
      <fieldset className="plain" disabled={isReadOnly}>
        <Field id="rhythm-kind" label={t('contacts.rhythmKind')}>
          {(c) => (
            <select {...c} value={v.kind} onChange={(e) => setV((x) => ({ ...x, kind: e.target.value as RhythmValues['kind'] }))}>
              <option value="none">{t('contacts.rhythmNone')}</option>
              <option value="monthly">{t('contacts.rhythmMonthly')}</option>
              <option value="weekly">{t('contacts.rhythmWeekly')}</option>
            </select>
          )}
        </Field>
        {v.kind === 'monthly' ? (
          <div className="row">
            <Field id="rhythm-nth" label={t('contacts.rhythmNth')}>
              {(c) => (
                <select {...c} value={v.nth} onChange={(e) => setV((x) => ({ ...x, nth: Number(e.target.value) as RhythmValues['nth'] }))}>
                  {NTHS.map((n) => (
                    <option key={n} value={n}>
                      {t(`contacts.nth.${nthKey(n)}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="rhythm-weekday" label={t('contacts.rhythmWeekday')}>
              {(c) => (
                <select {...c} value={v.weekday} onChange={(e) => setV((x) => ({ ...x, weekday: Number(e.target.value) }))}>
                  {days.map((d, i) => (
                    <option key={i} value={i}>
                      {d}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        ) : null}
        {v.kind === 'weekly' ? (
          <div className="row">
            <Field id="rhythm-every" label={t('contacts.rhythmEvery')}>
              {(c) => (
                <select {...c} value={v.everyWeeks} onChange={(e) => setV((x) => ({ ...x, everyWeeks: Number(e.target.value) }))}>
                  {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => (
                    <option key={n} value={n}>
                      {t('contacts.everyWeeks', { count: n })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="rhythm-anchor" label={t('contacts.rhythmAnchor')} error={problems.get('anchor') ? t(`errors.${problems.get('anchor')}`) : undefined}>
              {(c) => <input {...c} type="date" value={v.anchor} onChange={(e) => setV((x) => ({ ...x, anchor: e.target.value }))} />}
            </Field>
          </div>
        ) : null}
      </fieldset>
      <FormError message={formProblem ? t(`errors.${formProblem}`) : undefined} />
      <FormActions submit={t('contacts.saveRhythm')} disabled={isReadOnly} />
    </form>
  )
}
