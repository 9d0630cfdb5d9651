/**
 * Create a partnership: its name and the two schools. Works fully offline: the document is made
 * on this device, and reaches the relay with the first connection. Either school may create it.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import { ValidationError, initPartnership, type Author, randomId, validateNewPartnership, type NewPartnership } from '../../domain'
import { addPartnership, askToKeepStorage, openLocalDocument, personUsingDevice } from '../../storage'
import { formatInviteCode, newInvite } from '../../sync'
import { Field } from '../components/Field'
import { FormActions, FormError } from '../components/FormActions'
import { PeoplePicker } from '../components/people/PeoplePicker'
import { useDomainForm } from '../hooks/useDomainForm'
import { useCurrentPerson } from '../hooks/usePeople'
import { navigate, partnershipHref } from '../router'
import { StartPage } from './StartPage'

type FieldName = keyof NewPartnership

const FIELDS: readonly { name: FieldName; id: string; label: TranslationKey; hint?: TranslationKey }[] = [
  { name: 'name', id: 'create-name', label: 'create.name', hint: 'create.nameHint' },
  { name: 'ourSchoolName', id: 'create-our-school', label: 'create.ourSchool' },
  { name: 'partnerSchoolName', id: 'create-partner-school', label: 'create.partnerSchool' },
]

const CONTROLS: Readonly<Record<string, string>> = Object.fromEntries(FIELDS.map((f) => [f.name, f.id]))

/** Every problem of the create form at once (the domain's `initPartnership` stops at the first). */
function checkNewPartnership(values: NewPartnership): void {
  const issues = validateNewPartnership(values)
  if (issues.length > 0) throw new ValidationError(issues)
}

export function CreateScreen() {
  const { t } = useTranslation()
  const [values, setValues] = useState<NewPartnership>({ name: '', ourSchoolName: '', partnerSchoolName: '' })
  const form = useDomainForm({ controls: CONTROLS })
  const [isBusy, setIsBusy] = useState(false)
  const who = useCurrentPerson()

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (isBusy || !form.run(() => checkNewPartnership(values))) return
    setIsBusy(true)
    // asked straight after the person's action, which is when browsers grant it
    const persisted = askToKeepStorage().catch(() => undefined)
    const invite = newInvite()
    const local = openLocalDocument(invite.roomId)
    try {
      await local.whenLoaded
      // the partnership is the first thing this person writes: it carries their name
      const person = await personUsingDevice()
      if (!person) throw new Error('nobody is using the device')
      const deviceId = randomId()
      const actor: Author = { personId: person.id, name: person.name, deviceId }
      const schoolAId = randomId()
      if (!form.run(() => initPartnership(local.doc, values, { schoolAId, schoolBId: randomId() }, actor))) {
        void local.destroy()
        setIsBusy(false)
        return
      }
      await addPartnership({
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
    } catch {
      void local.destroy()
      setIsBusy(false)
      form.fail('create.failed')
    }
  }

  if (who.isLoading) return <StartPage title={t('create.title')} />
  if (!who.person) {
    // nobody is using this device yet: ask first, so the partnership carries a person's name
    return (
      <StartPage title={t('create.title')}>
        <h2>{t('people.setup.person')}</h2>
        <p className="lead">{t('people.createFirst')}</p>
        <PeoplePicker idPrefix="create-who" onDone={() => undefined} />
      </StartPage>
    )
  }

  return (
    <StartPage title={t('create.title')}>
      <p className="lead">{t('create.intro')}</p>
      <form className="form" noValidate onSubmit={(e) => void submit(e)}>
        {FIELDS.map((f) => (
          <Field key={f.id} id={f.id} label={t(f.label)} hint={f.hint ? t(f.hint) : undefined} error={form.errorOf(f.name)}>
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
        <FormError message={form.formError} />
        <FormActions submit={t('create.submit')} disabled={isBusy} />
      </form>
    </StartPage>
  )
}
