/**
 * Translation keys as a type, taken from the English locale file (the reference: every other
 * locale has the same keys, which tests/unit/i18n.test.ts checks). Code that keeps a key to
 * translate later — a form's error, a label in a table — types it as `TranslationKey`, so the
 * compiler refuses a key that does not exist, and tests/unit/i18nKeys.test.ts knows every key
 * the value can hold.
 */
import type en from './locales/en.json'

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>
}[keyof T & string]

/** Every key in the locale files, e.g. 'join.failed' or 'errors.required'. */
export type TranslationKey = Leaves<typeof en>

/** The keys below `prefix`, without it: `KeysUnder<'nav'>` holds 'week', 'plan', … */
export type KeysUnder<Prefix extends string> = TranslationKey extends infer K ? (K extends `${Prefix}.${infer Rest}` ? Rest : never) : never
