/**
 * Asks which school this device speaks for, when it does not know yet: a reflection is answered
 * per school, and each school writes only its own answers. Stored in the registry entry
 * (`mySchoolId`), like the choice in Settings.
 */
import { useTranslation } from 'react-i18next'
import type { PartnershipMeta } from '../../domain'
import { registry, type PartnershipEntry } from '../../storage'

export function WhichSchool({ entry, meta, reason }: { readonly entry: PartnershipEntry; readonly meta: PartnershipMeta; readonly reason: string }) {
  const { t } = useTranslation()
  return (
    <div className="banner banner-info">
      <p>{reason}</p>
      <div className="banner-actions">
        {[meta.schoolA, meta.schoolB].map((school) => (
          <button
            key={school.id}
            type="button"
            className="button-secondary"
            onClick={() => void registry().partnerships.update(entry.roomId, { mySchoolId: school.id })}
          >
            {t('feedback.weAre', { school: school.name })}
          </button>
        ))}
      </div>
    </div>
  )
}
