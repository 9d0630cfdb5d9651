/**
 * Signatures of the partnership agreement (agreement.ts): reading one as stored, without trusting
 * it, writing one, and whether it signs the draft as it is now. A head signs the text in the
 * language they read: the original, or a translation of it; the signature names that language,
 * the original's fingerprint and, on a translation, the translation's fingerprint.
 */
import { isIsoDate } from './dates'
import { isListedLanguage } from './translations'

/** Longest name read from a signature or a frozen version; a longer one is not read. */
export const MAX_NAME = 200
const FINGERPRINT = /^[0-9a-f]{16}$/

export interface Signature {
  readonly schoolId: string
  readonly name: string
  /** The date the head signed (YYYY-MM-DD), as they write it. */
  readonly date: string
  readonly signedAt: string
  /** Fingerprint of the original (the draft) when it was signed. */
  readonly text: string
  /** The language of the text signed; '' on a signature made before signatures named it (the original's). */
  readonly language: string
  /** On a translation: the fingerprint of that translation as signed; '' on the original. */
  readonly translation: string
}

/** A signature as stored, or undefined when any part of it has the wrong shape. */
export function readSignature(value: unknown, schoolId: string): Signature | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.name !== 'string' || v.name.length > MAX_NAME || typeof v.text !== 'string' || !FINGERPRINT.test(v.text)) return undefined
  if (v.language !== undefined && !isListedLanguage(v.language)) return undefined
  if (v.translation !== undefined && (typeof v.translation !== 'string' || !FINGERPRINT.test(v.translation))) return undefined
  return {
    schoolId,
    name: v.name,
    date: typeof v.date === 'string' && isIsoDate(v.date) ? v.date : '',
    signedAt: typeof v.signedAt === 'string' && v.signedAt.length <= 40 ? v.signedAt : '',
    text: v.text,
    language: v.language ?? '',
    translation: v.translation ?? '',
  }
}

/** A signature as stored: the language and translation only when there are ones (as before they existed). */
export function storedSignature(s: Signature): Record<string, string> {
  return { schoolId: s.schoolId, name: s.name, date: s.date, signedAt: s.signedAt, text: s.text, ...(s.language ? { language: s.language } : {}), ...(s.translation ? { translation: s.translation } : {}) }
}

/**
 * Whether `sig` signs the draft as it is now (fingerprint `fp`, in `language`): on the original,
 * the same text in the same language (a signature or draft that names no language reads as the
 * original's); on a translation, the same original and that translation, still up to date.
 */
export function signsCurrentText(sig: Signature, fp: string, language: string, translations: readonly { readonly language: string; readonly isOutOfDate: boolean; readonly fingerprint: string }[]): boolean {
  if (sig.text !== fp) return false
  if (!sig.translation) return !sig.language || !language || sig.language === language
  return translations.some((t) => t.language === sig.language && !t.isOutOfDate && t.fingerprint === sig.translation)
}
