/**
 * Asks which school this device speaks for, when it does not know yet: a reflection is answered
 * per school, and each school writes only its own answers. Stored in the registry entry
 * (`mySchoolId`, `chooseMySchool`), like the choice in Settings. `SchoolButtons` are the two
 * "We are <school>" buttons, also used by a partnership's first step (people/WhoIsHere.tsx).
 */
import { useTranslation } from 'react-i18next'
import type { PartnershipMeta } from '../../domain'
import { chooseMySchool, type PartnershipEntry } from '../../storage'

interface SchoolButtonsProps {
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  /** Marks the school chosen now (pressed, primary): the buttons stay after the choice. */
  readonly showsChoice?: boolean
}

export function SchoolButtons({ entry, meta, showsChoice = false }: SchoolButtonsProps) {
  const { t } = useTranslation()
  return (
    <div className="banner-actions">
      {[meta.schoolA, meta.schoolB].map((school) => {
        const isChosen = school.id === entry.mySchoolId
        return (
          <button
            key={school.id}
            type="button"
            className={showsChoice && isChosen ? 'button-primary' : 'button-secondary'}
            aria-pressed={showsChoice ? isChosen : undefined}
            onClick={() => void chooseMySchool(entry.roomId, school.id)}
          >
            {t('feedback.weAre', { school: school.name })}
          </button>
        )
      })}
    </div>
  )
}

export function WhichSchool({ entry, meta, reason }: { readonly entry: PartnershipEntry; readonly meta: PartnershipMeta; readonly reason: string }) {
  return (
    <div className="banner banner-info">
      <p>{reason}</p>
      <SchoolButtons entry={entry} meta={meta} />
    </div>
  )
}
