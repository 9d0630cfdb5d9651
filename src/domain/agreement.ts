/**
 * The partnership agreement: goals, principles and vision, mutual expectations, medium-term
 * priorities, how the schools communicate and decide, a name for the partnership, how often it is
 * reviewed (and the next review). Both heads sign it, each on their own device. Once both have
 * signed the same text, that version is frozen: an exact, read-only copy kept in the document;
 * later edits make a new draft. Earlier signed versions stay readable.
 *
 * Stored in the top-level map `agreement`:
 * - `draft`: a Y.Map created deterministically (both devices may create it), one Y.Text per
 *   section, plain values for name and review rhythm;
 * - `translation:<id>`: a translation of the draft (translations.ts, the same code as a letter's):
 *   its language, translator, sections and name, and `basedOn`, the draft's fingerprint when it was
 *   last brought up to date; out of date when the draft changed since;
 * - `signature:<schoolId>`: `{ name, date, signedAt, text, language?, translation? }` — `text` is
 *   the fingerprint of the draft (the original) that was signed, `language` the language of the
 *   text the head read and signed, `translation` (on a translation only) that translation's
 *   fingerprint. A signature counts while the draft still has fingerprint `text` and, on a
 *   translation, while a translation in that language with that fingerprint is up to date. One
 *   without `language` (made before signatures named it) reads as signed on the original;
 * - `version:<fingerprint>`: a frozen version (plain JSON). Its key and content come only from the
 *   signed text, the signed translations and the two signatures, so two devices freezing the same
 *   signed draft offline write the same value under the same key: one version.
 *
 * Every value read here was written by another device, maybe a hostile program: a signature of
 * the wrong shape (a language not in `TEXT_LANGUAGES`, a fingerprint that is not one, a name too
 * long) is ignored; a frozen version's parts of the wrong shape read as empty.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { addDays, isIsoDate } from './dates'
import { defineRecordType, emptyFields, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, readMeta } from './schema'
import { createDeterministic, fingerprint, stampUpdated, type Actor } from './record'
import { MAX_NAME, readSignature, signsCurrentText, storedSignature, type Signature } from './agreementSignatures'
import { addTranslationAt, isListedLanguage, readTranslations, translationFields, updateTranslationAt, MAX_TRANSLATOR, type TranslationPlace } from './translations'

export const AGREEMENT_SECTIONS = ['goals', 'principles', 'expectations', 'priorities', 'communication'] as const
export type AgreementSection = (typeof AGREEMENT_SECTIONS)[number]

const SECTION_FIELDS = /* @__PURE__ */ Object.fromEntries(AGREEMENT_SECTIONS.map((s) => [s, { kind: 'text' }])) as Record<AgreementSection, { readonly kind: 'text' }>

/**
 * The fields of the draft (`agreement` → `draft`, the one record of that map; signatures and
 * frozen versions beside it are plain values), declared once: reader and writer derive from it.
 */
export const AGREEMENT_DRAFT = /* @__PURE__ */ defineRecordType({
  collection: 'agreement',
  nameField: 'partnershipName',
  fields: {
    ...SECTION_FIELDS,
    partnershipName: { kind: 'string' },
    reviewEveryMonths: { kind: 'number', min: 0, integer: true },
    /** The language the draft is written in (one of `TEXT_LANGUAGES`), or '' when not said. */
    language: { kind: 'string' },
  },
})

/** A translation's fields (translations.ts): the sections and the name, in another language. */
const TRANSLATION_FIELDS = /* @__PURE__ */ translationFields({ ...SECTION_FIELDS, partnershipName: { kind: 'string' } })

/** Longest section read from a frozen version; a longer one is not read. */
const MAX_SECTION = 100_000

type AgreementDraftFields = FieldValues<typeof AGREEMENT_DRAFT.fields>

export interface AgreementText {
  readonly sections: Readonly<Record<AgreementSection, string>>
  /** A name for the partnership. */
  readonly partnershipName: string
  /** How often the agreement is reviewed, in months (0 = not agreed yet). */
  readonly reviewEveryMonths: number
}

export type { Signature } from './agreementSignatures'

/** A translation of the agreement, beside the draft. */
export interface AgreementTranslation extends Pick<AgreementText, 'sections' | 'partnershipName'>, Pick<Stamps, 'createdBy' | 'createdAt' | 'updatedBy' | 'updatedAt'> {
  readonly id: string
  readonly language: string
  readonly translator: string
  /** The draft changed after this translation was last brought up to date. */
  readonly isOutOfDate: boolean
  /** What a signature on this translation is bound to: its language, translator and texts. */
  readonly fingerprint: string
}

/** A signed translation, kept in the frozen version. */
export type FrozenTranslation = Pick<AgreementTranslation, 'language' | 'translator' | 'sections' | 'partnershipName'>

export interface AgreementDraft extends AgreementText, Pick<Stamps, 'updatedBy' | 'updatedAt'> {
  readonly fingerprint: string
  /** The language of the draft (one of `TEXT_LANGUAGES`), or '' when not said. */
  readonly language: string
  /** Translations beside the draft, by language. */
  readonly translations: readonly AgreementTranslation[]
  /** Signatures that still match the draft, by school id. */
  readonly signatures: Readonly<Record<string, Signature>>
  /** Signatures made on an earlier text of the draft (to sign again). */
  readonly outdatedSignatures: readonly Signature[]
}

export interface FrozenAgreement extends AgreementText {
  readonly fingerprint: string
  /** The language of the signed original, or '' when not said. */
  readonly language: string
  /** The translations a head signed, with the text as signed. */
  readonly translations: readonly FrozenTranslation[]
  readonly signatures: readonly Signature[]
  /** When the second head signed. */
  readonly frozenAt: string
  /** The next review date: `frozenAt` plus the review rhythm, or '' when none was agreed. */
  readonly nextReview: string
}

function root(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('agreement')
}

function ensureDraft(doc: Y.Doc): Y.Map<unknown> {
  createDeterministic(doc, 'agreement', 'draft', (draft) => {
    for (const s of AGREEMENT_SECTIONS) draft.set(s, new Y.Text())
  })
  return root(doc).get('draft') as Y.Map<unknown>
}

function readAgreementText(draft: Y.Map<unknown> | undefined): AgreementText {
  const f = draft ? readFields(AGREEMENT_DRAFT.fields, draft) : emptyFields(AGREEMENT_DRAFT.fields)
  const sections = Object.fromEntries(AGREEMENT_SECTIONS.map((s) => [s, f[s]])) as Record<AgreementSection, string>
  return { sections, partnershipName: f.partnershipName, reviewEveryMonths: f.reviewEveryMonths ?? 0 }
}

/** The fingerprint of an agreement text: what a signature is bound to. */
export function agreementFingerprint(text: AgreementText): string {
  return fingerprint(JSON.stringify([AGREEMENT_SECTIONS.map((s) => text.sections[s]), text.partnershipName, text.reviewEveryMonths]))
}

function translationPlace(doc: Y.Doc): TranslationPlace {
  return { holder: root(doc), prefix: 'translation:' }
}

function translationFingerprint(t: Pick<AgreementTranslation, 'language' | 'translator' | 'sections' | 'partnershipName'>): string {
  return fingerprint(JSON.stringify([t.language, t.translator, AGREEMENT_SECTIONS.map((s) => t.sections[s]), t.partnershipName]))
}

/** The translations beside the draft, against its fingerprint now (`fp`). */
function readAgreementTranslations(doc: Y.Doc, fp: string): AgreementTranslation[] {
  return readTranslations(translationPlace(doc), TRANSLATION_FIELDS, fp, isListedLanguage).map((t) => {
    const sections = Object.fromEntries(AGREEMENT_SECTIONS.map((s) => [s, t[s]])) as Record<AgreementSection, string>
    const { id, language, translator, partnershipName, isOutOfDate, createdBy, createdAt, updatedBy, updatedAt } = t
    const read = { language, translator, sections, partnershipName }
    return { id, ...read, isOutOfDate, fingerprint: translationFingerprint(read), createdBy, createdAt, updatedBy, updatedAt }
  })
}

export function readAgreementDraft(doc: Y.Doc): AgreementDraft {
  const draft = root(doc).get('draft')
  const d = draft instanceof Y.Map ? draft : undefined
  const text = readAgreementText(d)
  const fp = agreementFingerprint(text)
  const stored = d?.get('language')
  const language = isListedLanguage(stored) ? stored : ''
  const translations = readAgreementTranslations(doc, fp)
  const signatures: Record<string, Signature> = {}
  const outdated: Signature[] = []
  for (const [key, value] of root(doc).entries()) {
    if (!key.startsWith('signature:')) continue
    const sig = readSignature(value, key.slice('signature:'.length))
    if (!sig) continue
    if (signsCurrentText(sig, fp, language, translations)) signatures[sig.schoolId] = sig
    else outdated.push(sig)
  }
  return {
    ...text,
    fingerprint: fp,
    language,
    translations,
    signatures,
    outdatedSignatures: outdated,
    updatedBy: d ? readStamps(d).updatedBy : '',
    updatedAt: d ? readStamps(d).updatedAt : '',
  }
}

/** Edits the draft; only what changed is written. Signatures of the old text stop counting. */
export function updateAgreementDraft(
  doc: Y.Doc,
  patch: Partial<{ sections: Partial<Record<AgreementSection, string>>; partnershipName: string; reviewEveryMonths: number; language: string }>,
  actor: Actor,
  now: Date = new Date(),
): void {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (patch.reviewEveryMonths !== undefined && (!Number.isInteger(patch.reviewEveryMonths) || patch.reviewEveryMonths < 0 || patch.reviewEveryMonths > 60)) {
    issues.push(new DomainError('invalidNumber', 'reviewEveryMonths'))
  }
  if (patch.language !== undefined && !isListedLanguage(patch.language)) issues.push(new DomainError('invalidChoice', 'language'))
  if (issues.length > 0) throw new ValidationError(issues)
  const draft = ensureDraft(doc)
  const next: Partial<AgreementDraftFields> = { ...patch.sections, partnershipName: patch.partnershipName?.trim(), reviewEveryMonths: patch.reviewEveryMonths, language: patch.language }
  doc.transact(() => {
    // the sections' texts exist: ensureDraft made them with the draft, the same on every device
    writeChangedFields(AGREEMENT_DRAFT.fields, draft, readFields(AGREEMENT_DRAFT.fields, draft), next)
    stampUpdated(draft, actor, now)
  })
}

/** What a translation of the agreement holds, as a form gives it. */
export interface AgreementTranslationInput {
  readonly translator: string
  readonly sections: Partial<Record<AgreementSection, string>>
  readonly partnershipName: string
}

/**
 * Adds a translation of the draft in `language` (one of `TEXT_LANGUAGES`, not the draft's own,
 * one translation per language), based on the draft as it is now. Returns its id.
 */
export function addAgreementTranslation(doc: Y.Doc, input: AgreementTranslationInput & { readonly language: string }, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  const draft = readAgreementDraft(doc)
  const issues: DomainError[] = []
  const isTaken = input.language === draft.language || draft.translations.some((t) => t.language === input.language)
  if (!isListedLanguage(input.language) || isTaken) issues.push(new DomainError('invalidChoice', 'language'))
  if (AGREEMENT_SECTIONS.every((s) => !input.sections[s]?.trim())) issues.push(new DomainError('required', 'goals'))
  if (issues.length > 0) throw new ValidationError(issues)
  const values = { ...input.sections, language: input.language, translator: input.translator, partnershipName: input.partnershipName.trim() }
  return addTranslationAt(doc, translationPlace(doc), TRANSLATION_FIELDS, values, draft.fingerprint, actor, now)
}

/**
 * Updates translation `id` of the agreement (or, with no changes, confirms it still matches the
 * draft): it is then based on the draft as it is now. Signatures on it as it was stop counting.
 */
export function updateAgreementTranslation(doc: Y.Doc, id: string, patch: Partial<AgreementTranslationInput>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const draft = readAgreementDraft(doc)
  const next = { ...patch.sections, translator: patch.translator, partnershipName: patch.partnershipName?.trim() }
  updateTranslationAt(doc, translationPlace(doc), id, TRANSLATION_FIELDS, next, draft.fingerprint, actor, now)
}

/**
 * The head of `schoolId` signs the draft as it is, in the language they read: the original (no
 * `language`, or the draft's), or its up-to-date translation in `language`. When the other head
 * has signed the same text, the version is frozen at once (see `freezeIfSigned`).
 */
export function signAgreement(doc: Y.Doc, schoolId: string, signer: { name: string; date: string; language?: string }, now: Date = new Date()): void {
  assertWritable(doc)
  const meta = readMeta(doc)!
  const issues: DomainError[] = []
  if (schoolId !== meta.schoolA.id && schoolId !== meta.schoolB.id) issues.push(new DomainError('invalidChoice', 'schoolId'))
  if (!signer.name.trim()) issues.push(new DomainError('nameRequired', 'name'))
  if (!isIsoDate(signer.date)) issues.push(new DomainError('invalidDate', 'date'))
  const draft = readAgreementDraft(doc)
  if (AGREEMENT_SECTIONS.every((s) => !draft.sections[s].trim())) issues.push(new DomainError('required', 'goals'))
  const isTranslation = signer.language !== undefined && signer.language !== draft.language
  // the newest up-to-date translation in the language signed
  const translation = isTranslation ? draft.translations.filter((t) => t.language === signer.language && !t.isOutOfDate).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] : undefined
  if (isTranslation && !translation) issues.push(new DomainError('invalidChoice', 'language'))
  if (issues.length > 0) throw new ValidationError(issues)
  ensureDraft(doc)
  const signature: Signature = {
    schoolId,
    name: signer.name.trim().slice(0, MAX_NAME),
    date: signer.date,
    signedAt: now.toISOString(),
    text: draft.fingerprint,
    language: translation?.language ?? draft.language,
    translation: translation?.fingerprint ?? '',
  }
  const { schoolId: _schoolId, ...value } = storedSignature(signature)
  doc.transact(() => {
    root(doc).set(`signature:${schoolId}`, value)
  })
  freezeIfSigned(doc)
}

/**
 * Freezes the draft when both heads' signatures match it. Safe to call any time, on any device
 * (after a sync brings the other signature, say): the frozen value depends only on the signed
 * text and the signatures, so every device writes the same one.
 */
export function freezeIfSigned(doc: Y.Doc): boolean {
  const meta = readMeta(doc)
  if (!meta) return false
  const draft = readAgreementDraft(doc)
  const a = draft.signatures[meta.schoolA.id]
  const b = draft.signatures[meta.schoolB.id]
  if (!a || !b) return false
  const key = `version:${draft.fingerprint}`
  if (root(doc).has(key)) return false
  assertWritable(doc)
  const frozenAt = a.signedAt > b.signedAt ? a.signedAt : b.signedAt
  // the translations signed, as signed (a signature that counts names an up-to-date one)
  const signed = [a, b].flatMap((s) => draft.translations.filter((t) => s.translation && t.fingerprint === s.translation).slice(0, 1))
  const translations = signed
    .filter((t, i) => signed.findIndex((x) => x.fingerprint === t.fingerprint) === i)
    .map((t) => ({ language: t.language, translator: t.translator, sections: { ...t.sections }, partnershipName: t.partnershipName }))
  const value = {
    sections: { ...draft.sections },
    partnershipName: draft.partnershipName,
    reviewEveryMonths: draft.reviewEveryMonths,
    signatures: [a, b].map(storedSignature),
    frozenAt,
    ...(draft.language ? { language: draft.language } : {}),
    ...(translations.length > 0 ? { translations } : {}),
  }
  doc.transact(() => root(doc).set(key, value))
  return true
}

/** Signed versions, newest first. */
export function listSignedAgreements(doc: Y.Doc): FrozenAgreement[] {
  const out: FrozenAgreement[] = []
  for (const [key, value] of root(doc).entries()) {
    if (!key.startsWith('version:') || !value || typeof value !== 'object') continue
    const v = value as Record<string, unknown>
    const reviewEveryMonths = typeof v.reviewEveryMonths === 'number' ? v.reviewEveryMonths : 0
    const frozenAt = typeof v.frozenAt === 'string' ? v.frozenAt : ''
    const signatures = Array.isArray(v.signatures)
      ? v.signatures.flatMap((s) => {
          const sig = readSignature(s, typeof (s as { schoolId?: unknown }).schoolId === 'string' ? (s as { schoolId: string }).schoolId : '')
          return sig ? [sig] : []
        })
      : []
    const translations = Array.isArray(v.translations) ? v.translations.slice(0, TEXT_LANGUAGE_COUNT).flatMap((x) => readFrozenTranslation(x)) : []
    out.push({
      fingerprint: key.slice('version:'.length),
      sections: readSections(v.sections),
      partnershipName: readShortText(v.partnershipName),
      language: isListedLanguage(v.language) ? v.language : '',
      translations,
      reviewEveryMonths,
      signatures,
      frozenAt,
      nextReview: reviewEveryMonths > 0 && frozenAt ? addMonths(frozenAt.slice(0, 10), reviewEveryMonths) : '',
    })
  }
  return out.sort((x, y) => y.frozenAt.localeCompare(x.frozenAt))
}

const TEXT_LANGUAGE_COUNT = 20

function readShortText(v: unknown): string {
  return typeof v === 'string' && v.length <= MAX_NAME ? v : ''
}

function readSections(value: unknown): Record<AgreementSection, string> {
  const sections = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  return Object.fromEntries(AGREEMENT_SECTIONS.map((s) => [s, typeof sections[s] === 'string' && (sections[s] as string).length <= MAX_SECTION ? sections[s] : ''])) as Record<AgreementSection, string>
}

/** A signed translation in a frozen version: [] when it is not one. */
function readFrozenTranslation(value: unknown): FrozenTranslation[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return []
  const v = value as Record<string, unknown>
  if (!isListedLanguage(v.language)) return []
  const translator = typeof v.translator === 'string' ? v.translator.slice(0, MAX_TRANSLATOR) : ''
  return [{ language: v.language, translator, sections: readSections(v.sections), partnershipName: readShortText(v.partnershipName) }]
}

function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7)) - 1 + months
  const day = Number(date.slice(8, 10))
  const first = `${y + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`
  // clamp to the month's last day (31 January + 1 month = 28/29 February)
  let d = addDays(first, day - 1)
  while (d.slice(0, 7) !== first.slice(0, 7)) d = addDays(d, -1)
  return d
}
