/**
 * Which language the app starts in — one function, used twice: by the app (src/i18n/index.ts) and,
 * as its source text, by the tiny script the build puts before the app in index.html
 * (src/i18n/localePreload.ts), which starts downloading that language's file while the app's own
 * code is still on its way. It must therefore stay self-contained: no imports, no closures, plain
 * JavaScript once its types are stripped.
 *
 * `LANGUAGE_MIRROR_KEY`: the language this device showed last, mirrored in localStorage (the saved
 * setting lives in IndexedDB, which that script cannot read before the app runs). Only a guess for
 * the download: the app still decides with the saved setting.
 */

export const LANGUAGE_MIRROR_KEY = 'scholenband.language'

/**
 * The writing direction of a language: 'rtl' for Arabic (and the other right-to-left languages a
 * locale may one day be added for), else 'ltr'. Set as `dir` on <html> with `lang`, so the layout
 * (CSS logical properties) mirrors.
 */
export function directionOf(code: string): 'rtl' | 'ltr' {
  return ['ar', 'fa', 'he', 'ur'].indexOf(String(code).toLowerCase().split('-')[0] || '') >= 0 ? 'rtl' : 'ltr'
}

/** When neither the saved choice nor the browser names a language we have. */
export const DEFAULT_LANGUAGE = 'en'

/** The saved choice, else the first of the browser's languages we have, else `fallback`. */
export function pickLanguage(saved: string | null | undefined, browser: readonly string[], supported: readonly string[], fallback: string): string {
  if (saved && supported.indexOf(saved) >= 0) return saved
  for (let i = 0; i < browser.length; i++) {
    const code = String(browser[i]).toLowerCase().split('-')[0]
    if (code && supported.indexOf(code) >= 0) return code
  }
  return fallback
}
