/**
 * Writing a letter (or a reply): a draft on this device only, saved as the person types, until
 * Send shares it with the partnership (`sendLetter`). The letter ends with the next step: who
 * writes what, to whom, by when. A draft is its writer's: another person on the phone cannot open it.
 *
 * Trap: the form keeps its own copy of the draft and writes it to the registry after a short
 * pause; leaving the screen writes what is still waiting, and a sent draft is never written back.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { LETTER_KINDS, isLetterKind, listActivities, readLetter, sendLetter, type LetterDraft, type PhotoRef } from '../../domain'
import { parseInviteCode } from '../../sync'
import { deleteLetterDraft, letterDraftOf, readLetterDraft, saveLetterDraft } from '../../storage'
import { Field } from '../components/Field'
import { formatPhotoSize } from '../components/Photo'
import { PhotoPicker } from '../components/PhotoPicker'
import { WhichSchool } from '../components/WhichSchool'
import { FormActions, FormError, SaveStatus } from '../components/FormActions'
import { SchoolSelect } from '../components/SchoolSelect'
import type { CycleScreenProps } from '../cycle/cycle'
import { useDomainForm } from '../hooks/useDomainForm'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { useCurrentPerson } from '../hooks/usePeople'
import { languageChoices } from './letters'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import './exchange.css'

/** How long typing pauses before the draft is written to the device. */
const SAVE_DELAY_MS = 500

/** The fields a problem is shown at, by place (`nextStep.who` → `letter-nextStep-who`). */
const FIELDS = ['fromWho', 'toSchoolId', 'toWho', 'kind', 'language', 'subject', 'body', 'activityId', 'nextStep.who', 'nextStep.what', 'nextStep.dueDate']
const CONTROLS = Object.fromEntries(FIELDS.map((f) => [f, `letter-${f.replace('.', '-')}`]))

type Loaded = { readonly phase: 'loading' } | { readonly phase: 'missing' } | { readonly phase: 'ready'; readonly draft: LetterDraft; readonly ownerId: string | undefined }

export function LetterDraftScreen({ draftId }: { readonly draftId: string }) {
  const props = { ...usePartnership(), draftId }
  const { roomId } = props
  const { t } = useTranslation()
  const [loaded, setLoaded] = useState<Loaded>({ phase: 'loading' })
  const who = useCurrentPerson()
  const personId = who.person?.id
  // read again when the person changes: a draft left by its writer and opened again holds what they typed since
  useEffect(() => {
    let isCancelled = false
    void readLetterDraft(draftId).then((row) => {
      if (!isCancelled) setLoaded(row && row.roomId === roomId ? { phase: 'ready', draft: letterDraftOf(row), ownerId: row.personId } : { phase: 'missing' })
    })
    return () => {
      isCancelled = true
    }
  }, [draftId, roomId, personId])
  if (loaded.phase === 'loading' || who.isLoading) return <p className="muted">{t('partnership.opening')}</p>
  // another person's draft (the phone changed hands): theirs to open, not this person's
  const ownerId = loaded.phase === 'ready' ? (loaded.ownerId ?? personId) : undefined
  if (loaded.phase === 'ready' && ownerId !== personId) return <DraftNotOpened roomId={roomId} title={t('people.otherDraftTitle')} text={t('people.otherDraft')} />
  if (loaded.phase === 'missing' || !ownerId) return <DraftNotOpened roomId={roomId} title={t('letters.draftGoneTitle')} text={t('letters.draftGone')} />
  return <DraftForm {...props} initial={loaded.draft} ownerId={ownerId} />
}

function DraftForm({ doc, roomId, entry, meta, actor, isReadOnly, draftId, initial, ownerId }: CycleScreenProps & { readonly draftId: string; readonly initial: LetterDraft; readonly ownerId: string }) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [values, setValues] = useState<LetterDraft>(initial)
  const form = useDomainForm({ controls: CONTROLS })
  const [status, setStatus] = useState<string | undefined>()
  const pending = useRef<LetterDraft | undefined>(undefined)
  const isDone = useRef(false)
  const mySchoolId = [meta.schoolA.id, meta.schoolB.id].find((id) => id === entry.mySchoolId)
  const answering = values.replyTo ? readLetter(doc, values.replyTo) : undefined
  const activities = listActivities(doc)

  // write to the device after a pause in typing
  useEffect(() => {
    if (pending.current === undefined) return
    const timer = setTimeout(() => {
      const draft = pending.current
      if (!draft || isDone.current) return
      pending.current = undefined
      saveLetterDraft(roomId, draftId, draft, ownerId).then(
        () => setStatus(t('letters.draftSaved')),
        () => {
          // kept in memory: the next change (or leaving the screen) tries again
          pending.current ??= draft
          setStatus(t('letters.draftNotSaved'))
        },
      )
    }, SAVE_DELAY_MS)
    return () => clearTimeout(timer)
  }, [values, roomId, draftId, ownerId, t])
  // leaving the screen (or the page) writes what is still waiting
  useEffect(() => {
    const flush = (): void => {
      const draft = pending.current
      if (!draft || isDone.current) return
      pending.current = undefined
      void saveLetterDraft(roomId, draftId, draft, ownerId)
    }
    window.addEventListener('pagehide', flush)
    return () => {
      window.removeEventListener('pagehide', flush)
      flush()
    }
  }, [roomId, draftId, ownerId])

  const update = (patch: Partial<LetterDraft>): void => {
    setValues((v) => {
      const next = { ...v, ...patch }
      pending.current = next
      return next
    })
    setStatus(undefined)
  }
  const setStep = (patch: Partial<LetterDraft['nextStep']>): void => update({ nextStep: { ...values.nextStep, ...patch } })
  const addPhoto = (ref: PhotoRef): void => {
    if (!values.photos.some((p) => p.hash === ref.hash)) update({ photos: [...values.photos, ref] })
  }

  const errorOf = (f: string): string | undefined => {
    const code = form.problems.get(f)
    if (f === 'body' && code === 'required') return t('letters.bodyRequired')
    if (f === 'nextStep.what' && code === 'required') return t('contacts.steps.whatRequired')
    if (f === 'nextStep.who' && code === 'required') return t('contacts.steps.whoRequired')
    return form.errorOf(f)
  }

  const send = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly || !mySchoolId) return
    let id = ''
    const draft: LetterDraft = { ...values, fromSchoolId: mySchoolId }
    const isSent = form.run(() => {
      id = sendLetter(doc, draft, actor)
    })
    if (!isSent) return
    isDone.current = true
    void deleteLetterDraft(draftId)
    navigate(pageHref(roomId, { name: 'letter', letterId: id }), { replace: true })
  }

  const remove = (): void => {
    if (!window.confirm(t('letters.confirmDeleteDraft', { subject: values.subject.trim() || t('letters.noSubject') }))) return
    isDone.current = true
    void deleteLetterDraft(draftId).then(() => navigate(pageHref(roomId, 'letters'), { replace: true }))
  }

  const schools = [meta.schoolA, meta.schoolB]
  const fromSchool = schools.find((s) => s.id === mySchoolId)

  return (
    <section aria-labelledby="draft-heading" className="cycle letter-draft">
      <p className="breadcrumb">
        <a href={answering ? pageHref(roomId, { name: 'letter', letterId: answering.id }) : pageHref(roomId, 'letters')}>{answering ? t('letters.backToThread') : t('letters.back')}</a>
      </p>
      <h2 id="draft-heading" ref={headingRef} tabIndex={-1}>
        {answering ? t('letters.replyTitle', { subject: answering.subject }) : t('letters.writeTitle')}
      </h2>
      <p className="hint">{t('letters.draftHint')}</p>
      {!mySchoolId && !isReadOnly ? <WhichSchool entry={entry} meta={meta} reason={t('letters.whichSchool')} /> : null}
      {answering ? (
        <details className="answering">
          <summary>{t('letters.showAnswered', { subject: answering.subject })}</summary>
          <p className="letter-body">{answering.body}</p>
        </details>
      ) : null}

      <form className="form form-long letter-form" noValidate onSubmit={send}>
        <fieldset className="plain" disabled={isReadOnly}>
          <div className="row">
            <fieldset className="letter-party">
              <legend>{t('letters.from')}</legend>
              <p className="letter-party-school">{fromSchool?.name ?? t('letters.schoolUnknown')}</p>
              <Field id="letter-fromWho" label={t('letters.fromWho')} hint={t('letters.whoHint')} error={errorOf('fromWho')}>
                {(c) => <input {...c} type="text" autoComplete="off" value={values.fromWho} onChange={(e) => update({ fromWho: e.target.value })} />}
              </Field>
            </fieldset>
            <fieldset className="letter-party">
              <legend>{t('letters.to')}</legend>
              <Field id="letter-toSchoolId" label={t('letters.toSchool')} error={errorOf('toSchoolId')}>
                {(c) => <SchoolSelect control={c} schools={schools} value={values.toSchoolId} onChange={(id) => update({ toSchoolId: id })} />}
              </Field>
              <Field id="letter-toWho" label={t('letters.toWho')} hint={t('letters.whoHint')} error={errorOf('toWho')}>
                {(c) => <input {...c} type="text" autoComplete="off" value={values.toWho} onChange={(e) => update({ toWho: e.target.value })} />}
              </Field>
            </fieldset>
          </div>
          <div className="row">
            <Field id="letter-kind" label={t('letters.kind')} error={errorOf('kind')}>
              {(c) => (
                <select {...c} value={values.kind} onChange={(e) => update({ kind: isLetterKind(e.target.value) ? e.target.value : 'class' })}>
                  {LETTER_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`letters.kinds.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="letter-language" label={t('letters.language')} error={errorOf('language')}>
              {(c) => (
                <select {...c} value={values.language} onChange={(e) => update({ language: e.target.value })}>
                  {languageChoices(ui, values.language).map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field id="letter-subject" label={t('letters.subject')} error={errorOf('subject')}>
            {(c) => <input {...c} type="text" autoComplete="off" value={values.subject} onChange={(e) => update({ subject: e.target.value })} />}
          </Field>
          <Field id="letter-body" label={t('letters.body')} error={errorOf('body')}>
            {(c) => <textarea {...c} rows={10} value={values.body} onChange={(e) => update({ body: e.target.value })} />}
          </Field>
          <Field id="letter-activityId" label={t('letters.activity')} hint={t('letters.activityHint')} error={errorOf('activityId')}>
            {(c) => (
              <select {...c} value={values.activityId} onChange={(e) => update({ activityId: e.target.value })}>
                <option value="">{t('letters.noActivity')}</option>
                {activities.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.title}
                  </option>
                ))}
              </select>
            )}
          </Field>

          <fieldset className="letter-photos">
            <legend>{t('letters.photos')}</legend>
            {values.photos.length === 0 ? <p className="muted">{t('letters.noPhotos')}</p> : null}
            <ul className="photo-refs">
              {values.photos.map((p, i) => (
                <li key={p.hash}>
                  <span>{t('letters.photoN', { n: i + 1, size: formatPhotoSize(p.bytes, i18n.language) })}</span>
                  <button
                    type="button"
                    className="button-quiet button-compact"
                    aria-label={t('letters.removePhotoLabel', { n: i + 1 })}
                    onClick={() => update({ photos: values.photos.filter((x) => x.hash !== p.hash) })}
                  >
                    {t('letters.removePhoto')}
                  </button>
                </li>
              ))}
            </ul>
            <LetterPhotoPicker entry={entry} onAdded={addPhoto} disabled={isReadOnly} />
          </fieldset>

          <fieldset className="letter-step">
            <legend>{t('letters.nextStep')}</legend>
            <p className="hint">{t('letters.nextStepHint')}</p>
            <div className="row">
              <Field id="letter-nextStep-who" label={t('contacts.steps.who')} error={errorOf('nextStep.who')}>
                {(c) => <input {...c} type="text" autoComplete="off" value={values.nextStep.who} onChange={(e) => setStep({ who: e.target.value })} />}
              </Field>
              <Field id="letter-nextStep-toWhom" label={t('contacts.steps.toWhom')}>
                {(c) => <input {...c} type="text" autoComplete="off" value={values.nextStep.toWhom} onChange={(e) => setStep({ toWhom: e.target.value })} />}
              </Field>
            </div>
            <Field id="letter-nextStep-what" label={t('contacts.steps.what')} hint={t('contacts.steps.whatHint')} error={errorOf('nextStep.what')}>
              {(c) => <input {...c} type="text" autoComplete="off" value={values.nextStep.what} onChange={(e) => setStep({ what: e.target.value })} />}
            </Field>
            <Field id="letter-nextStep-dueDate" label={t('contacts.steps.dueDate')} error={errorOf('nextStep.dueDate')}>
              {(c) => <input {...c} type="date" value={values.nextStep.dueDate} onChange={(e) => setStep({ dueDate: e.target.value })} />}
            </Field>
          </fieldset>
        </fieldset>
        <FormError message={form.formError} />
        <FormActions submit={t('letters.send')} disabled={isReadOnly || !mySchoolId} secondary={{ label: t('letters.deleteDraft'), onClick: remove }}>
          <SaveStatus status={status} />
        </FormActions>
      </form>
    </section>
  )
}

/** A draft that cannot be opened here (another person's, or gone), with the way back to the letters. */
function DraftNotOpened({ roomId, title, text }: { readonly roomId: string; readonly title: string; readonly text: string }) {
  const { t } = useTranslation()
  return (
    <section className="cycle" aria-labelledby="draft-heading">
      <h2 id="draft-heading">{title}</h2>
      <p>{text}</p>
      <p className="breadcrumb">
        <a className="back-link" href={pageHref(roomId, 'letters')}>{t('letters.back')}</a>
      </p>
    </section>
  )
}

/** The "Add photo" button (helper D's PhotoPicker), for this partnership's room and invite. */
function LetterPhotoPicker({ entry, onAdded, disabled }: { readonly entry: CycleScreenProps['entry']; readonly onAdded: (ref: PhotoRef) => void; readonly disabled: boolean }) {
  const parsed = parseInviteCode(entry.inviteCode)
  if (!parsed.ok) return null
  return <PhotoPicker session={{ roomId: entry.roomId, invite: parsed.invite }} onAdded={onAdded} disabled={disabled} />
}
