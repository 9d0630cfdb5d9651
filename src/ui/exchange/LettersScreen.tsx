/**
 * Letters: the threads between the schools (a first letter and the replies under it, the thread
 * with the latest letter first) and the drafts on this device. Writing starts a draft, which
 * stays on this device until it is sent; each person on a shared phone sees only their own drafts.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useTranslation } from 'react-i18next'
import { letterRecord, listLetterThreads, type Letter } from '../../domain'
import { deleteLetterDraft, listLetterDrafts } from '../../storage'
import { DeliveryStatus } from '../components/DeliveryStatus'
import { WhichSchool } from '../components/WhichSchool'
import { FormError } from '../components/FormActions'
import { ScreenTitle } from '../components/ScreenTitle'
import { formatDate, formatMoment } from '../format'
import { schoolName } from '../hooks/useActor'
import { useDomainForm } from '../hooks/useDomainForm'
import { useCurrentPerson } from '../hooks/usePeople'
import { languageLabel, newDraft, openNewDraft } from './letters'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './exchange.css'

export function LettersScreen() {
  const { doc, roomId, entry, meta, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const personId = useCurrentPerson().person?.id
  const drafts = useLiveQuery(async () => (personId ? listLetterDrafts(roomId, personId) : []), [roomId, personId])
  const form = useDomainForm()
  // read on every render: the parent renders again whenever the document changes
  const threads = listLetterThreads(doc)
  const isKnown = [meta.schoolA.id, meta.schoolB.id].includes(entry.mySchoolId ?? '')

  const write = async (): Promise<void> => {
    if (!(await openNewDraft(roomId, newDraft(meta, entry.mySchoolId, language)))) form.fail('letters.draftNotSaved')
  }

  const who = (schoolId: string, person: string): string => {
    const school = schoolName(meta, schoolId) ?? ''
    return person ? t('letters.personAt', { person, school }) : school
  }

  return (
    <section aria-labelledby="letters-heading" className="cycle letters">
      <ScreenTitle
        id="letters-heading"
        action={
          <button type="button" className="button-primary" disabled={isReadOnly || !isKnown} onClick={() => void write()}>
            {t('letters.write')}
          </button>
        }
      >
        {t('letters.title')}
      </ScreenTitle>
      <p>{t('letters.intro')}</p>
      {!isKnown && !isReadOnly ? <WhichSchool entry={entry} meta={meta} reason={t('letters.whichSchool')} /> : null}
      <FormError message={form.formError} />

      {drafts && drafts.length > 0 ? (
        <section className="card" aria-labelledby="letters-drafts-heading">
          <h3 id="letters-drafts-heading">{t('letters.drafts')}</h3>
          <p className="hint">{t('letters.draftsHint')}</p>
          <ul className="draft-list">
            {drafts.map((d) => {
              const subject = d.subject.trim() || t('letters.noSubject')
              return (
                <li key={d.id} className="draft-item">
                  <a href={pageHref(roomId, { name: 'letterDraft', draftId: d.id })} aria-label={t('letters.continueLabel', { subject })}>
                    {subject}
                  </a>
                  <span className="muted">
                    {d.replyTo ? t('letters.draftReply') : t('letters.draftNew')} · {t('letters.savedAt', { when: formatMoment(d.updatedAt, language) })}
                  </span>
                  <button
                    type="button"
                    className="button-quiet button-compact"
                    aria-label={t('letters.deleteDraftLabel', { subject })}
                    onClick={() => {
                      if (window.confirm(t('letters.confirmDeleteDraft', { subject }))) void deleteLetterDraft(d.id)
                    }}
                  >
                    {t('letters.deleteDraft')}
                  </button>
                </li>
              )
            })}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="letters-threads-heading">
        <h3 id="letters-threads-heading">{t('letters.threads')}</h3>
        {threads.length === 0 ? <p className="empty">{t('letters.empty')}</p> : null}
        <ul className="thread-list">
          {threads.map(({ letter, replies }) => {
            const last: Letter = replies[replies.length - 1] ?? letter
            const lastOwn = [letter, ...replies].reverse().find((l) => l.fromSchoolId === entry.mySchoolId)
            return (
              <li key={letter.id} className="thread-card">
                <a className="thread-link" href={pageHref(roomId, { name: 'letter', letterId: letter.id })} dir="auto">
                  {letter.subject}
                </a>
                <p className="letter-route">{t('letters.fromTo', { from: who(letter.fromSchoolId, letter.fromWho), to: who(letter.toSchoolId, letter.toWho) })}</p>
                <p className="muted thread-meta">
                  <span>{t(`letters.kinds.${letter.kind}`)}</span>
                  <span>{languageLabel(letter.language, language)}</span>
                  <span>{t('letters.sentOn', { date: formatDate(letter.sentAt.slice(0, 10), language) })}</span>
                  {replies.length > 0 ? <span>{t('letters.replies', { count: replies.length })}</span> : null}
                  {last.translations.some((x) => x.isOutOfDate) ? <span className="badge badge-outdated">{t('letters.hasOutdated')}</span> : null}
                </p>
                {lastOwn ? <DeliveryStatus doc={doc} record={letterRecord(doc, lastOwn.id)} about={lastOwn.subject} /> : null}
              </li>
            )
          })}
        </ul>
      </section>
    </section>
  )
}
