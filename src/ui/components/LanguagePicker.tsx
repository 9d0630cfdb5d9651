/** The language select: switches the app at once and remembers the choice on this device. */
import { useTranslation } from 'react-i18next'
import { SUPPORTED_LANGUAGES, languageName } from '../../i18n'
import { saveSetting } from '../../storage'

export function LanguagePicker({ id }: { readonly id: string }) {
  const { t, i18n } = useTranslation()
  const current = i18n.resolvedLanguage ?? i18n.language
  const choose = (language: string): void => {
    void i18n.changeLanguage(language)
    void saveSetting('language', language)
  }
  return (
    <div className="field">
      <label htmlFor={id}>{t('settings.language')}</label>
      <select id={id} value={current} onChange={(e) => choose(e.target.value)}>
        {SUPPORTED_LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {languageName(code)}
          </option>
        ))}
      </select>
    </div>
  )
}
