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
import { DEFAULT_LANGUAGE, LANGUAGE_MIRROR_KEY, directionOf, pickLanguage } from './pick'

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

/**
 * Each language's name in that language, as Intl.DisplayNames gives it (checked by
 * tests/unit/i18n.test.ts): building an Intl.DisplayNames loads that language's ICU data, about
 * 10 ms of CPU per language on a fast machine, all of it inside the home screen's first render
 * (Lighthouse's total blocking time). A language added without an entry here still gets its name
 * from Intl.DisplayNames.
 */
const OWN_NAMES: Readonly<Record<string, string>> = { ar: 'العربية', en: 'English', es: 'Español', fr: 'Français', nl: 'Nederlands' }

/** A language's name in that language ("Nederlands"), for the language picker. */
export function languageName(code: string): string {
  const known = OWN_NAMES[code]
  if (known) return known
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
  // right to left for Arabic: the CSS uses logical properties, so the whole layout mirrors
  document.documentElement.dir = directionOf(language)
  try {
    // for the next start: index.html's locale script preloads this language's file (./pick.ts)
    localStorage.setItem(LANGUAGE_MIRROR_KEY, language)
  } catch {
    /* no localStorage (some private modes): the next start just does not preload */
  }
}

const FIRST_STRONG_ISOLATE = '\u2068'
const RIGHT_TO_LEFT_ISOLATE = '\u2067'
const POP_DIRECTIONAL_ISOLATE = '\u2069'
/** A character of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko…, and their presentation forms). */
const RIGHT_TO_LEFT_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/

/**
 * A value put into a sentence ({{name}}, {{subject}}, {{date}}…) in a right-to-left language is
 * isolated, as <bdi> would: "رسالة من Classe 5B، Sint-Jan Gent" keeps the French name's own order
 * and the Arabic punctuation around it where it belongs. A value without letters ("2026–2027", a
 * count, or a phrase made of isolated values) is isolated right to left, so a range still reads
 * from the right as Arabic does.
 * In a left-to-right language only a value holding right-to-left letters is isolated, by its first
 * strong letter: "Tekst laatst gewijzigd door فاطمة الزهراء, 2 dec 2026" keeps its date after the
 * name. Every other value stays as it is, so their texts stay byte for byte the same.
 */
export function isolateValue(value: unknown): string {
  const text = String(value)
  // a sentence built from isolated values ("⁨Classe 5B⁩، ⁨Sint-Jan Gent⁩") is Arabic around them
  const outside = text.replace(/[\u2066-\u2068][^\u2066-\u2069]*\u2069/g, '')
  if (directionOf(i18next.resolvedLanguage ?? i18next.language ?? '') !== 'rtl') {
    return RIGHT_TO_LEFT_LETTER.test(outside) ? FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE : text
  }
  return (/\p{L}/u.test(outside) ? FIRST_STRONG_ISOLATE : RIGHT_TO_LEFT_ISOLATE) + text + POP_DIRECTIONAL_ISOLATE
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
      // one namespace and dotted keys: said outright, i18next skips guessing per key whether it
      // is a sentence used as its own key (a regular expression run on every t() call)
      nsSeparator: false,
      keySeparator: '.',
      // React escapes; the one thing done to a value put into a sentence is isolating it
      // (isolateValue): always in a right-to-left language, in the others when it holds such text
      interpolation: { escapeValue: true, escape: isolateValue },
      returnNull: false,
      react: { useSuspense: false },
    })
  reflectLanguage(i18next.resolvedLanguage ?? language)
}

export { i18next }
