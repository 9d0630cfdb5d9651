/**
 * Create a partnership: its name and the two schools. Works fully offline: the document is made
 * on this device, and reaches the relay with the first connection. Either school may create it.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import { DomainError, initPartnership, type Author, type DomainErrorCode, randomId, validateNewPartnership, type NewPartnership } from '../../domain'
import { currentPerson, openLocalDocument, registry, requestPersistence } from '../../storage'
import { formatInviteCode, newInvite } from '../../sync'
import { BackPage } from '../components/BackPage'
import { Field } from '../components/Field'
import { FormActions, FormError } from '../components/FormActions'
import { PeoplePicker } from '../components/people/PeoplePicker'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { useCurrentPerson } from '../hooks/usePeople'
import { navigate, partnershipHref } from '../router'

type FieldName = keyof NewPartnership

const FIELDS: readonly { name: FieldName; id: string; label: TranslationKey; hint?: TranslationKey }[] = [
  { name: 'name', id: 'create-name', label: 'create.name', hint: 'create.nameHint' },
  { name: 'ourSchoolName', id: 'create-our-school', label: 'create.ourSchool' },
  { name: 'partnerSchoolName', id: 'create-partner-school', label: 'create.partnerSchool' },
]

export function CreateScreen() {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [values, setValues] = useState<NewPartnership>({ name: '', ourSchoolName: '', partnerSchoolName: '' })
  // codes and keys, translated while rendering so a language switch applies to them too
  const [errors, setErrors] = useState<Partial<Record<FieldName, DomainErrorCode>>>({})
  const [formError, setFormError] = useState<TranslationKey | undefined>()
  const [isBusy, setIsBusy] = useState(false)
  const who = useCurrentPerson()

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (isBusy) return
    const issues = validateNewPartnership(values)
    if (issues.length > 0) {
      const next: Partial<Record<FieldName, DomainErrorCode>> = {}
      for (const issue of issues) {
        const field = FIELDS.find((f) => f.name === issue.field)
        if (field && !next[field.name]) next[field.name] = issue.code
      }
      setErrors(next)
      const first = FIELDS.find((f) => next[f.name])
      if (first) document.getElementById(first.id)?.focus()
      return
    }
    setErrors({})
    setFormError(undefined)
    setIsBusy(true)
    // asked straight after the person's action, which is when browsers grant it
    const persisted = requestPersistence(registry()).catch(() => undefined)
    const invite = newInvite()
    const local = openLocalDocument(invite.roomId)
    try {
      await local.whenLoaded
      // the partnership is the first thing this person writes: it carries their name
      const person = await currentPerson(registry())
      if (!person) throw new Error('nobody is using the device')
      const deviceId = randomId()
      const actor: Author = { personId: person.id, name: person.name, deviceId }
      const schoolAId = randomId()
      initPartnership(local.doc, values, { schoolAId, schoolBId: randomId() }, actor)
      await registry().partnerships.add({
        roomId: invite.roomId,
        inviteCode: formatInviteCode(invite),
        name: values.name.trim(),
        origin: 'created',
        isKnownToRelay: false,
        mySchoolId: schoolAId,
        deviceId,
        addedAt: new Date().toISOString(),
      })
      await local.destroy()
      await persisted
      navigate(partnershipHref(invite.roomId))
    } catch (error) {
      void local.destroy()
      setIsBusy(false)
      setFormError(error instanceof DomainError ? `errors.${error.code}` : 'create.failed')
    }
  }

  if (who.isLoading) {
    return (
      <BackPage back={t('nav.back')}>
        <h1 ref={headingRef} tabIndex={-1}>
          {t('create.title')}
        </h1>
      </BackPage>
    )
  }
  if (!who.person) {
    // nobody is using this device yet: ask first, so the partnership carries a person's name
    return (
      <BackPage back={t('nav.back')}>
        <h1 ref={headingRef} tabIndex={-1}>
          {t('create.title')}
        </h1>
        <h2>{t('people.setup.person')}</h2>
        <p className="lead">{t('people.createFirst')}</p>
        <PeoplePicker idPrefix="create-who" onDone={() => undefined} />
      </BackPage>
    )
  }

  return (
    <BackPage back={t('nav.back')}>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('create.title')}
      </h1>
      <p className="lead">{t('create.intro')}</p>
      <form className="form" noValidate onSubmit={(e) => void submit(e)}>
        {FIELDS.map((f) => (
          <Field key={f.id} id={f.id} label={t(f.label)} hint={f.hint ? t(f.hint) : undefined} error={errors[f.name] ? t(`errors.${errors[f.name]}`) : undefined}>
            {(control) => (
              <input
                {...control}
                type="text"
                autoComplete="off"
                value={values[f.name]}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              />
            )}
          </Field>
        ))}
        <FormError message={formError ? t(formError) : undefined} />
        <FormActions submit={t('create.submit')} disabled={isBusy} />
      </form>
    </BackPage>
  )
}
