/**
 * Contacts: the communication agreements of draaiboek 2 — a contact person on each side and more
 * people following along (no bottleneck), a fixed day for regular contact with the next one
 * worked out, the channels that actually work, who communicates with whom — and the next steps
 * every exchange ends with: who writes what, to whom, by when.
 *
 * The page; the people of a school are ContactsPeople.tsx (list, row) and PersonForm.tsx, the
 * contact day ContactsRhythm.tsx.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { CHANNELS, listMeetings, listNextSteps, listPeople, readAgreements, updateAgreements, type Channel } from '../../domain'
import { CardSection } from '../components/CardSection'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { FormError } from '../components/FormActions'
import { NextStepForm, NextStepList } from '../components/NextSteps'
import { RecordHistory } from '../components/RecordHistory'
import { ScreenHeading } from '../components/ScreenHeading'
import { formatDate, localToday } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'
import { AgreementCard } from './AgreementCard'
import { SchoolPeople, type OpenPersonForm } from './ContactsPeople'
import { RhythmCard } from './ContactsRhythm'
import { SchoolColumns } from './SchoolColumns'
import './cycle.css'
import './contacts.css'

export function ContactsScreen() {
  const { doc, meta, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const [open, setOpen] = useState<OpenPersonForm>()
  const today = localToday()
  // read on every render: the parent renders again whenever the document changes
  const people = listPeople(doc)
  const steps = listNextSteps(doc)
  const meetingLabels = new Map(listMeetings(doc).map((m) => [m.id, t('contacts.steps.fromMeeting', { date: formatDate(m.date, language) })]))
  const names = [...people.map((p) => p.name), meta.schoolA.name, meta.schoolB.name]
  const openSteps = steps.filter((s) => !s.isDone)
  const doneSteps = steps.filter((s) => s.isDone)

  return (
    <section aria-labelledby="contacts-heading" className="cycle">
      <ScreenHeading id="contacts-heading">{t('contacts.title')}</ScreenHeading>
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

      <CardSection id="contacts-people" title={t('contacts.people')} hint={t('contacts.peopleHint')}>
        <SchoolColumns idPrefix="people">
          {(school) => <SchoolPeople school={school} people={people.filter((p) => p.schoolId === school.id)} open={open} setOpen={setOpen} />}
        </SchoolColumns>
      </CardSection>

      <RhythmCard today={today} />
      <ChannelsCard />
      <AgreementCard agreement="whoWithWhom" />

      <CardSection id="contacts-steps" title={t('contacts.steps.title')} hint={t('contacts.steps.intro')}>
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
      </CardSection>
    </section>
  )
}

/** The channels that actually work, ticked; each tick is saved at once. */
function ChannelsCard() {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const form = useDomainForm()
  const { channels } = readAgreements(doc)
  const toggle = (c: Channel, isOn: boolean): void => {
    const next = isOn ? [...channels, c] : channels.filter((x) => x !== c)
    form.run(() => updateAgreements(doc, { channels: CHANNELS.filter((x) => next.includes(x)) }, actor))
  }
  return (
    <CardSection id="contacts-channels" title={t('contacts.channels')}>
      <fieldset className="plain checks" disabled={isReadOnly}>
        <legend className="hint">{t('contacts.channelsHint')}</legend>
        {CHANNELS.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={channels.includes(c)} onChange={(e) => toggle(c, e.target.checked)} />
            <span>{t(`contacts.channelNames.${c}`)}</span>
          </label>
        ))}
      </fieldset>
      <FormError message={form.formError} />
    </CardSection>
  )
}
