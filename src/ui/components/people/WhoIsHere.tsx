/**
 * A partnership's first step on a device that joined it (or that nobody has used yet): which
 * school this device speaks for, and who is using it — asked at once, before anything is written,
 * so every edit carries the right school and name. Shown instead of the partnership's pages until
 * both are answered.
 */
import { useTranslation } from 'react-i18next'
import type { PartnershipMeta } from '../../../domain'
import { stopAskingForPerson, type PartnershipEntry } from '../../../storage'
import { SchoolButtons } from '../WhichSchool'
import { useFocusOnMount } from '../../hooks/useFocusOnMount'
import { useCurrentPerson } from '../../hooks/usePeople'
import { PeoplePicker } from './PeoplePicker'
import './people.css'

/** Whether the partnership must ask first (see WhoIsHere). */
export function needsWhoIsHere(entry: PartnershipEntry, hasPerson: boolean): boolean {
  return !entry.mySchoolId || entry.askPerson === true || !hasPerson
}

export function WhoIsHere({ entry, meta }: { readonly entry: PartnershipEntry; readonly meta: PartnershipMeta }) {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const { person } = useCurrentPerson()
  const isPersonAnswered = person !== undefined && entry.askPerson !== true
  return (
    <section className="who-is-here" aria-labelledby="who-is-here-heading">
      <h2 id="who-is-here-heading" ref={headingRef} tabIndex={-1}>
        {t('people.setup.title')}
      </h2>
      <p>{t('people.setup.intro')}</p>

      <section className="card" aria-labelledby="who-school-heading">
        <h3 id="who-school-heading">{t('people.setup.school')}</h3>
        <p className="hint">{t('people.setup.schoolHint')}</p>
        <SchoolButtons entry={entry} meta={meta} showsChoice />
      </section>

      <section className="card" aria-labelledby="who-person-heading">
        <h3 id="who-person-heading">{t('people.setup.person')}</h3>
        <p className="hint">{isPersonAnswered && person ? t('people.setup.personChosen', { name: person.name }) : t('people.setup.personHint')}</p>
        <PeoplePicker idPrefix="who" onDone={() => void stopAskingForPerson(entry.roomId)} />
      </section>
    </section>
  )
}
