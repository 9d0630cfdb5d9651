/** In every header: who is using the device now, and "Switch person" (opens the people dialog). */
import { useTranslation } from 'react-i18next'
import { useCurrentPerson } from '../../hooks/usePeople'
import { openSwitcher } from './peopleState'
import './people.css'

export function SwitchPersonButton() {
  const { t } = useTranslation()
  const { person } = useCurrentPerson()
  return (
    <div className="person-now">
      {person ? (
        <span className="person-now-name">
          <span className="visually-hidden">{t('people.usingNowLabel')} </span>
          {person.name}
        </span>
      ) : null}
      <button type="button" className="button-small" onClick={openSwitcher}>
        {t('people.switch')}
      </button>
    </div>
  )
}
