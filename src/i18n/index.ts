/**
 * Translations: i18next with one JSON file per language in `./locales/`, loaded lazily, so a phone
 * downloads only the language it shows. Adding a language is adding `locales/<code>.json`:
 * the list of languages and their names (via Intl.DisplayNames) follow from the files.
 * The file is not waited for after the app's code: index.html's first script (./localePreload.ts,
 * written by the build) already asks for it, guessing with the language mirrored in localStorage.
 *
 * There is deliberately no fallback language: a fallback would make every phone download English
 * as well. Every locale file must therefore hold every key (the English file is the reference).
 */
import i18next, { type BackendModule, type ResourceKey } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { DEFAULT_LANGUAGE, LANGUAGE_MIRROR_KEY, pickLanguage } from './pick'

const loaders = import.meta.glob<{ default: ResourceKey }>('./locales/*.json')

function codeOf(path: string): string {
  return /\/([^/]+)\.json$/.exec(path)?.[1] ?? path
}

/** Language codes we have a locale file for, e.g. ['en', 'nl']. */
export const SUPPORTED_LANGUAGES: readonly string[] = Object.keys(loaders).map(codeOf).sort()

export { DEFAULT_LANGUAGE }

export function isSupportedLanguage(code: string | undefined): code is string {
  return code !== undefined && SUPPORTED_LANGUAGES.includes(code)
}

/** The saved choice, else the browser's language if we have it, else English. */
export function pickInitialLanguage(saved: string | undefined, browser: readonly string[]): string {
  return pickLanguage(saved, browser, SUPPORTED_LANGUAGES, DEFAULT_LANGUAGE)
}

/** A language's name in that language ("Nederlands"), for the language picker. */
export function languageName(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code)
    if (name) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1)
  } catch {
    /* very old browser: show the code */
  }
  return code
}

const lazyLocales: BackendModule = {
  type: 'backend',
  callbackApi: true,
  init() {},
  read(language, _namespace, callback) {
    const load = loaders[`./locales/${language}.json`]
    if (!load) {
      callback(new Error(`no locale file for ${language}`), false)
      return
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : String(error), false),
    )
  },
}

function reflectLanguage(language: string): void {
  document.documentElement.lang = language
  try {
    // for the next start: index.html's locale script preloads this language's file (./pick.ts)
    localStorage.setItem(LANGUAGE_MIRROR_KEY, language)
  } catch {
    /* no localStorage (some private modes): the next start just does not preload */
  }
}

/** Starts i18next in `language`; resolves once its locale file is loaded. */
export async function initI18n(language: string): Promise<void> {
  i18next.on('languageChanged', reflectLanguage)
  await i18next
    .use(lazyLocales)
    .use(initReactI18next)
    .init({
      lng: language,
      fallbackLng: false,
      supportedLngs: [...SUPPORTED_LANGUAGES],
      load: 'languageOnly',
      ns: ['translation'],
      defaultNS: 'translation',
      interpolation: { escapeValue: false },
      returnNull: false,
      react: { useSuspense: false },
    })
  reflectLanguage(i18next.resolvedLanguage ?? language)
}

export { i18next }
