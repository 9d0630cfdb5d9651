/**
 * One thread: the first letter and the replies under it, in order. Each letter shows who wrote
 * to whom, its photos, its parallel texts, the next step it ended with, and — for letters of
 * this device's school — how far it got (Saved on this device → On the relay → Received by partner
 * school → Read by partner school). Opening the thread marks the partner's letters in it as read
 * by this device's school (useMarkRead). Reply starts a draft on this device.
 */
import { useTranslation } from 'react-i18next'
import { actorName, letterRecord, listLetterThreads, listNextSteps, readActivity, type Letter, type PhotoRef } from '../../domain'
import { DeliveryStatus } from '../components/DeliveryStatus'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { ParallelTexts } from '../components/ParallelTexts'
import { Photo } from '../components/Photo'
import { FormError } from '../components/FormActions'
import { ScreenHeading } from '../components/ScreenHeading'
import { ScreenSection } from '../components/ScreenSection'
import { parseInviteCode } from '../../sync'
import type { CycleScreenProps } from '../cycle/cycle'
import { formatDate, formatMoment } from '../format'
import { schoolName } from '../hooks/useActor'
import { useDomainForm } from '../hooks/useDomainForm'
import { useMarkRead } from '../hooks/useMarkRead'
import { languageLabel, openNewDraft, replyDraft } from './letters'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './exchange.css'

export function LetterScreen({ letterId }: { readonly letterId: string }) {
  const props = { ...usePartnership(), letterId }
  const { doc, roomId } = props
  const { t } = useTranslation()
  // read on every render: the parent renders again whenever the document changes
  const thread = listLetterThreads(doc).find((th) => th.letter.id === letterId || th.replies.some((r) => r.id === letterId))
  if (!thread) {
    return (
      <ScreenSection headingId="letter-heading" title={t('letters.notFoundTitle')} className="cycle">
        <p>{t('letters.notFound')}</p>
        <p className="breadcrumb">
          <a className="back-link" href={pageHref(roomId, 'letters')}>{t('letters.back')}</a>
        </p>
      </ScreenSection>
    )
  }
  const letters = [thread.letter, ...thread.replies]
  return (
    <section aria-labelledby="letter-heading" className="cycle letters">
      <p className="breadcrumb">
        <a className="back-link" href={pageHref(roomId, 'letters')}>{t('letters.back')}</a>
      </p>
      <ScreenHeading id="letter-heading">
        <bdi>{thread.letter.subject}</bdi>
      </ScreenHeading>
      {thread.replies.length > 0 ? <p className="muted">{t('letters.threadCount', { count: letters.length })}</p> : null}
      <ol className="thread">
        {letters.map((l) => (
          <li key={l.id}>
            <LetterView {...props} letter={l} isFirst={l.id === thread.letter.id} />
          </li>
        ))}
      </ol>
    </section>
  )
}

function LetterView({ doc, roomId, entry, meta, actor, isReadOnly, letter, isFirst }: CycleScreenProps & { readonly letter: Letter; readonly isFirst: boolean }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const form = useDomainForm()
  const isOwnSchool = letter.fromSchoolId === entry.mySchoolId
  // a person of this school opened the partner's letter: "Read by partner school" on theirs
  useMarkRead(isOwnSchool ? undefined : letterRecord(doc, letter.id))
  const step = letter.nextStepId ? listNextSteps(doc).find((s) => s.id === letter.nextStepId) : undefined
  const activity = letter.activityId ? readActivity(doc, letter.activityId) : undefined
  const who = (schoolId: string, person: string): string => {
    const school = schoolName(meta, schoolId) ?? ''
    return person ? t('letters.personAt', { person, school }) : school
  }
  const headingId = `letter-${letter.id}-heading`

  const reply = async (): Promise<void> => {
    const draft = replyDraft(entry.mySchoolId, letter, t('letters.replySubject', { subject: letter.subject }))
    if (!(await openNewDraft(roomId, draft))) form.fail('letters.draftNotSaved')
  }

  return (
    <article className="card letter" aria-labelledby={headingId}>
      <header className="letter-head">
        <h3 id={headingId}>{isFirst ? t('letters.firstLetter', { from: who(letter.fromSchoolId, letter.fromWho) }) : t('letters.replyFrom', { from: who(letter.fromSchoolId, letter.fromWho) })}</h3>
        <p className="letter-route">{t('letters.fromTo', { from: who(letter.fromSchoolId, letter.fromWho), to: who(letter.toSchoolId, letter.toWho) })}</p>
        <p className="muted thread-meta">
          <span>{t(`letters.kinds.${letter.kind}`)}</span>
          <span>{languageLabel(letter.language, ui)}</span>
          <span>{t('letters.sentOn', { date: formatDate(letter.sentAt.slice(0, 10), ui) })}</span>
          {letter.updatedAt && letter.updatedAt !== letter.sentAt ? <span>{t('letters.lastChanged', { when: formatMoment(letter.updatedAt, ui) })}</span> : null}
        </p>
        <div className="record-tools">
          <RecordHistory doc={doc} collection="letters" record={letter.id} actor={actor} isReadOnly={isReadOnly} about={letter.subject} />
        </div>
        <DoubleEditNotice doc={doc} records={[{ collection: 'letters', record: letter.id }]} actor={actor} isReadOnly={isReadOnly} />
        {isOwnSchool ? <DeliveryStatus doc={doc} record={letterRecord(doc, letter.id)} about={letter.subject} /> : null}
        {activity ? (
          <p className="letter-activity">
            {t('letters.aboutActivity')} <a href={pageHref(roomId, { name: 'activity', activityId: activity.id })}>{activity.title}</a>
          </p>
        ) : null}
      </header>

      {letter.photos.length > 0 ? <LetterPhotos entry={entry} photos={letter.photos} subject={letter.subject} /> : null}

      <ParallelTexts doc={doc} letter={letter} actor={actor} isReadOnly={isReadOnly} canEditOriginal={isOwnSchool && letter.createdBy === actorName(actor)} />

      {step ? (
        <div className="letter-next-step">
          <p className="parallel-label">{t('letters.nextStep')}</p>
          <p>
            {t(step.dueDate ? 'letters.stepWithDate' : 'letters.stepNoDate', {
              who: step.who,
              what: step.what,
              toWhom: step.toWhom || t('letters.toWhomUnknown'),
              date: formatDate(step.dueDate, ui),
            })}
            {step.isDone ? <span className="badge badge-contact">{t('letters.stepDone')}</span> : null}
          </p>
        </div>
      ) : null}

      <FormError message={form.formError} />
      <div className="actions">
        <button type="button" className="button-primary" disabled={isReadOnly || !entry.mySchoolId} aria-label={t('letters.replyLabel', { subject: letter.subject, from: who(letter.fromSchoolId, letter.fromWho) })} onClick={() => void reply()}>
          {t('letters.reply')}
        </button>
      </div>
    </article>
  )
}

/** The letter's photos: helper D's `Photo`, a "Load photo · size" button until it is downloaded. */
function LetterPhotos({ entry, photos, subject }: { readonly entry: CycleScreenProps['entry']; readonly photos: readonly PhotoRef[]; readonly subject: string }) {
  const { t } = useTranslation()
  const parsed = parseInviteCode(entry.inviteCode)
  if (!parsed.ok) return null
  const session = { roomId: entry.roomId, invite: parsed.invite }
  return (
    <ul className="photo-refs letter-photo-list" aria-label={t('letters.photosOf', { subject })}>
      {photos.map((p, i) => (
        <li key={p.hash}>
          <Photo photo={p} session={session} alt={t('letters.photoAlt', { n: i + 1, subject })} />
        </li>
      ))}
    </ul>
  )
}
