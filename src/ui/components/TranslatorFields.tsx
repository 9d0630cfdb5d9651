/**
 * The first row of a translation's form (a letter's, the agreement's): the language it is in,
 * for a new translation only (`choices`), and who translated it.
 */
import { useTranslation } from 'react-i18next'
import { Field } from './Field'

interface Props {
  /** Prefix of the controls' ids: `<idBase>-language`, `<idBase>-translator`. */
  readonly idBase: string
  /** The languages to offer; absent when the translation exists (its language stays). */
  readonly choices?: readonly { readonly code: string; readonly name: string }[]
  readonly language: string
  readonly onLanguage: (code: string) => void
  readonly languageError?: string
  readonly translator: string
  readonly onTranslator: (name: string) => void
}

export function TranslatorFields({ idBase, choices, language, onLanguage, languageError, translator, onTranslator }: Props) {
  const { t } = useTranslation()
  return (
    <div className="row">
      {choices ? (
        <Field id={`${idBase}-language`} label={t('letters.translationLanguage')} error={languageError}>
          {(c) => (
            <select {...c} value={language} onChange={(e) => onLanguage(e.target.value)}>
              {choices.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field id={`${idBase}-translator`} label={t('letters.translator')} hint={t('letters.translatorHint')}>
        {(c) => <input {...c} type="text" autoComplete="off" value={translator} onChange={(e) => onTranslator(e.target.value)} />}
      </Field>
    </div>
  )
}
