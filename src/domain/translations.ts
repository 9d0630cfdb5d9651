/**
 * Translations of a text, one piece of code for letters and the partnership agreement: beside an
 * original, any number of translations, each a Y.Map with its language, its translator, content
 * fields of its own (a letter's subject and body, the agreement's sections) and `basedOn`, the
 * fingerprint of the original when the translation was last brought up to date. A translation
 * whose `basedOn` is not the original's fingerprint now is out of date until someone updates it
 * (or confirms it as it is, which only moves `basedOn`).
 *
 * Where the translations live is the caller's (`TranslationPlace`): a letter keeps them in a
 * nested map keyed by random id; the agreement keeps each under `translation:<id>` in its
 * top-level map, beside the signatures. Random ids: two devices adding at once never race.
 *
 * Every value is read as untrusted: an entry that is not a Y.Map, or whose language is not one
 * the caller accepts, or that is tombstoned, is skipped; a translator's name longer than `MAX_TRANSLATOR` is cut.
 */
import * as Y from 'yjs'
import { readFields, readStamps, writeChangedFields, type FieldTable, type FieldValues, type Stamps } from './fields'
import { randomId } from './ids'
import { DomainError } from './errors'
import { stampCreated, stampUpdated, type Actor } from './record'

/**
 * The languages the app offers for a text between Flemish schools and their partners: the school
 * languages, and languages of the partner countries (Kinyarwanda, Swahili, Lingala, Kirundi,
 * Wolof, Malagasy, Amharic, Arabic…). A letter in another language keeps its code; the agreement
 * takes only these.
 */
export const TEXT_LANGUAGES = ['nl', 'fr', 'en', 'es', 'pt', 'de', 'rw', 'sw', 'ln', 'rn', 'wo', 'mg', 'am', 'ar', 'so', 'ha', 'yo'] as const

/** A BCP 47 language code as a letter may carry one ("nl", "fr-BE"). */
const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/

export function isLanguageCode(v: unknown): v is string {
  return typeof v === 'string' && LANGUAGE_CODE.test(v)
}

/** One of `TEXT_LANGUAGES`. */
export function isListedLanguage(v: unknown): v is (typeof TEXT_LANGUAGES)[number] {
  return typeof v === 'string' && (TEXT_LANGUAGES as readonly string[]).includes(v)
}

export const MAX_TRANSLATOR = 200

/** The fields every translation has, around the content fields `C` of its kind. */
export type TranslationFields<C extends FieldTable> = C & {
  readonly language: { readonly kind: 'string' }
  readonly translator: { readonly kind: 'string' }
  /** Fingerprint of the original when the translation was last brought up to date. */
  readonly basedOn: { readonly kind: 'string' }
}

/** The field table of a translation with content fields `content`. */
export function translationFields<const C extends FieldTable>(content: C): TranslationFields<C> {
  return { language: { kind: 'string' }, translator: { kind: 'string' }, ...content, basedOn: { kind: 'string' } } as TranslationFields<C>
}

/** A translation as read: its fields, who made and changed it, and whether it is out of date. */
export type TranslationOf<C extends FieldTable> = FieldValues<TranslationFields<C>> &
  Pick<Stamps, 'createdBy' | 'createdAt' | 'updatedBy' | 'updatedAt'> & {
    readonly id: string
    /** The original changed after this translation was last brought up to date. */
    readonly isOutOfDate: boolean
  }

/** Where a text's translations are kept: the entries of `holder` whose key starts with `prefix`. */
export interface TranslationPlace {
  readonly holder: Y.Map<unknown>
  readonly prefix: string
}

/** The translation maps of a place, by id. */
function entries(place: TranslationPlace): [string, Y.Map<unknown>][] {
  const out: [string, Y.Map<unknown>][] = []
  for (const [key, value] of place.holder.entries()) {
    if (key.startsWith(place.prefix) && value instanceof Y.Map) out.push([key.slice(place.prefix.length), value as Y.Map<unknown>])
  }
  return out
}

/**
 * The translations kept at `place`, read with `fields`, against the original's fingerprint now
 * (`original`); sorted by language, then id. Entries whose language `isLanguage` refuses are skipped.
 */
export function readTranslations<C extends FieldTable>(
  place: TranslationPlace | undefined,
  fields: TranslationFields<C>,
  original: string,
  isLanguage: (v: unknown) => boolean = isLanguageCode,
): TranslationOf<C>[] {
  if (!place) return []
  const out: TranslationOf<C>[] = []
  for (const [id, m] of entries(place)) {
    // a translation kept as a record of its own can be tombstoned (a restore to before it was made)
    if (typeof m.get('deletedAt') === 'string') continue
    const values = readFields(fields, m)
    if (!isLanguage(values.language)) continue
    const { createdBy, createdAt, updatedBy, updatedAt } = readStamps(m)
    const translator = values.translator.slice(0, MAX_TRANSLATOR)
    out.push({ ...values, translator, id, isOutOfDate: values.basedOn !== original, createdBy, createdAt, updatedBy, updatedAt })
  }
  return out.sort((a, b) => a.language.localeCompare(b.language) || a.id.localeCompare(b.id))
}

/**
 * Adds a translation at `place` with `values` (checked by the caller), based on the original as
 * it is now (`original`, its fingerprint). `alsoStamp`: a record whose update stamps move with it
 * (the letter). Returns the new id.
 */
export function addTranslationAt<C extends FieldTable>(
  doc: Y.Doc,
  place: TranslationPlace,
  fields: TranslationFields<C>,
  values: Partial<FieldValues<TranslationFields<C>>>,
  original: string,
  actor: Actor,
  now: Date,
  alsoStamp?: Y.Map<unknown>,
): string {
  const id = randomId()
  doc.transact(() => {
    const t = new Y.Map<unknown>()
    place.holder.set(place.prefix + id, t)
    writeChangedFields(fields, t, undefined, { ...values, translator: values.translator?.trim(), basedOn: original } as Partial<FieldValues<TranslationFields<C>>>)
    stampCreated(t, actor, now)
    if (alsoStamp) stampUpdated(alsoStamp, actor, now)
  })
  return id
}

/**
 * Updates translation `id` at `place` with `patch` (or, with no changes, confirms it still
 * matches): it is then based on the original as it is now (`original`). `notFound` when there is
 * no such translation.
 */
export function updateTranslationAt<C extends FieldTable>(
  doc: Y.Doc,
  place: TranslationPlace,
  id: string,
  fields: TranslationFields<C>,
  patch: Partial<FieldValues<TranslationFields<C>>>,
  original: string,
  actor: Actor,
  now: Date,
): void {
  const t = place.holder.get(place.prefix + id)
  if (!(t instanceof Y.Map)) throw new DomainError('notFound', 'id', `no translation ${id}`)
  const m = t as Y.Map<unknown>
  doc.transact(() => {
    const next = { ...patch, translator: patch.translator?.trim(), basedOn: original } as Partial<FieldValues<TranslationFields<C>>>
    writeChangedFields(fields, m, readFields(fields, m), next)
    stampUpdated(m, actor, now)
  })
}
