/**
 * A card with one communication agreement in words — who communicates with whom (Contacts), the
 * working group's rhythm (Working group) — read from and saved to the partnership's agreements.
 */
import { useTranslation } from 'react-i18next'
import { readAgreements, updateAgreements } from '../../domain'
import { CardSection } from '../components/CardSection'
import { TextAgreement } from '../components/TextAgreement'
import { usePartnership } from '../hooks/usePartnership'

type Agreement = 'whoWithWhom' | 'workingGroupRhythm'

/** The card's id (its heading is `<id>-heading`), the text field's id, and whether it takes lines. */
const CARDS: Record<Agreement, { readonly id: string; readonly fieldId: string; readonly multiline: boolean }> = {
  whoWithWhom: { id: 'contacts-who', fieldId: 'contacts-who-with-whom', multiline: true },
  workingGroupRhythm: { id: 'group-rhythm', fieldId: 'group-rhythm', multiline: false },
}

export function AgreementCard({ agreement }: { readonly agreement: Agreement }) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const texts =
    agreement === 'whoWithWhom'
      ? { title: t('contacts.whoWithWhom'), label: t('contacts.whoWithWhomLabel'), hint: t('contacts.whoWithWhomHint'), button: t('contacts.saveWhoWithWhom') }
      : { title: t('group.rhythm'), label: t('group.rhythmLabel'), hint: t('group.rhythmHint'), button: t('group.saveRhythm') }
  const { id, fieldId, multiline } = CARDS[agreement]
  return (
    <CardSection id={id} title={texts.title}>
      <TextAgreement
        isReadOnly={isReadOnly}
        id={fieldId}
        label={texts.label}
        hint={texts.hint}
        stored={readAgreements(doc)[agreement]}
        save={(v) => updateAgreements(doc, { [agreement]: v }, actor)}
        button={texts.button}
        multiline={multiline}
      />
    </CardSection>
  )
}
