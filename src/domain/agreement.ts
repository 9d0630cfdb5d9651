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
 * - `signature:<schoolId>`: `{ name, date, signedAt, text }` — `text` is the fingerprint of the
 *   draft that was signed; a signature counts only while the draft still has that fingerprint;
 * - `version:<fingerprint>`: a frozen version (plain JSON). Its key and content come only from the
 *   signed text and the two signatures, so two devices freezing the same signed draft offline
 *   write the same value under the same key: one version.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { addDays, isIsoDate } from './dates'
import { defineRecordType, emptyFields, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, readMeta } from './schema'
import { createDeterministic, fingerprint, stampUpdated, type Actor } from './record'

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
  },
})

type AgreementDraftFields = FieldValues<typeof AGREEMENT_DRAFT.fields>

export interface AgreementText {
  readonly sections: Readonly<Record<AgreementSection, string>>
  /** A name for the partnership. */
  readonly partnershipName: string
  /** How often the agreement is reviewed, in months (0 = not agreed yet). */
  readonly reviewEveryMonths: number
}

export interface Signature {
  readonly schoolId: string
  readonly name: string
  /** The date the head signed (YYYY-MM-DD), as they write it. */
  readonly date: string
  readonly signedAt: string
  /** Fingerprint of the text signed. */
  readonly text: string
}

export interface AgreementDraft extends AgreementText, Pick<Stamps, 'updatedBy' | 'updatedAt'> {
  readonly fingerprint: string
  /** Signatures that still match the draft, by school id. */
  readonly signatures: Readonly<Record<string, Signature>>
  /** Signatures made on an earlier text of the draft (to sign again). */
  readonly outdatedSignatures: readonly Signature[]
}

export interface FrozenAgreement extends AgreementText {
  readonly fingerprint: string
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

function readSignature(value: unknown, schoolId: string): Signature | undefined {
  if (!value || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  if (typeof v.name !== 'string' || typeof v.text !== 'string') return undefined
  return { schoolId, name: v.name, date: typeof v.date === 'string' ? v.date : '', signedAt: typeof v.signedAt === 'string' ? v.signedAt : '', text: v.text }
}

export function readAgreementDraft(doc: Y.Doc): AgreementDraft {
  const draft = root(doc).get('draft')
  const d = draft instanceof Y.Map ? draft : undefined
  const text = readAgreementText(d)
  const fp = agreementFingerprint(text)
  const signatures: Record<string, Signature> = {}
  const outdated: Signature[] = []
  for (const [key, value] of root(doc).entries()) {
    if (!key.startsWith('signature:')) continue
    const sig = readSignature(value, key.slice('signature:'.length))
    if (!sig) continue
    if (sig.text === fp) signatures[sig.schoolId] = sig
    else outdated.push(sig)
  }
  return {
    ...text,
    fingerprint: fp,
    signatures,
    outdatedSignatures: outdated,
    updatedBy: d ? readStamps(d).updatedBy : '',
    updatedAt: d ? readStamps(d).updatedAt : '',
  }
}

/** Edits the draft; only what changed is written. Signatures of the old text stop counting. */
export function updateAgreementDraft(doc: Y.Doc, patch: Partial<{ sections: Partial<Record<AgreementSection, string>>; partnershipName: string; reviewEveryMonths: number }>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  if (patch.reviewEveryMonths !== undefined && (!Number.isInteger(patch.reviewEveryMonths) || patch.reviewEveryMonths < 0 || patch.reviewEveryMonths > 60)) {
    throw new ValidationError([new DomainError('invalidNumber', 'reviewEveryMonths')])
  }
  const draft = ensureDraft(doc)
  const next: Partial<AgreementDraftFields> = { ...patch.sections, partnershipName: patch.partnershipName?.trim(), reviewEveryMonths: patch.reviewEveryMonths }
  doc.transact(() => {
    // the sections' texts exist: ensureDraft made them with the draft, the same on every device
    writeChangedFields(AGREEMENT_DRAFT.fields, draft, readFields(AGREEMENT_DRAFT.fields, draft), next)
    stampUpdated(draft, actor, now)
  })
}

/**
 * The head of `schoolId` signs the draft as it is. When the other head has signed the same text,
 * the version is frozen at once (see `freezeIfSigned`).
 */
export function signAgreement(doc: Y.Doc, schoolId: string, signer: { name: string; date: string }, now: Date = new Date()): void {
  assertWritable(doc)
  const meta = readMeta(doc)!
  const issues: DomainError[] = []
  if (schoolId !== meta.schoolA.id && schoolId !== meta.schoolB.id) issues.push(new DomainError('invalidChoice', 'schoolId'))
  if (!signer.name.trim()) issues.push(new DomainError('nameRequired', 'name'))
  if (!isIsoDate(signer.date)) issues.push(new DomainError('invalidDate', 'date'))
  const draft = readAgreementDraft(doc)
  if (AGREEMENT_SECTIONS.every((s) => !draft.sections[s].trim())) issues.push(new DomainError('required', 'goals'))
  if (issues.length > 0) throw new ValidationError(issues)
  ensureDraft(doc)
  doc.transact(() => {
    root(doc).set(`signature:${schoolId}`, { name: signer.name.trim(), date: signer.date, signedAt: now.toISOString(), text: draft.fingerprint })
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
  const value = {
    sections: { ...draft.sections },
    partnershipName: draft.partnershipName,
    reviewEveryMonths: draft.reviewEveryMonths,
    signatures: [a, b].map((s) => ({ schoolId: s.schoolId, name: s.name, date: s.date, signedAt: s.signedAt, text: s.text })),
    frozenAt,
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
    const sections = (v.sections ?? {}) as Record<string, unknown>
    const reviewEveryMonths = typeof v.reviewEveryMonths === 'number' ? v.reviewEveryMonths : 0
    const frozenAt = typeof v.frozenAt === 'string' ? v.frozenAt : ''
    const signatures = Array.isArray(v.signatures)
      ? v.signatures.flatMap((s) => {
          const sig = readSignature(s, typeof (s as { schoolId?: unknown }).schoolId === 'string' ? (s as { schoolId: string }).schoolId : '')
          return sig ? [sig] : []
        })
      : []
    out.push({
      fingerprint: key.slice('version:'.length),
      sections: Object.fromEntries(AGREEMENT_SECTIONS.map((s) => [s, typeof sections[s] === 'string' ? sections[s] : ''])) as Record<AgreementSection, string>,
      partnershipName: typeof v.partnershipName === 'string' ? v.partnershipName : '',
      reviewEveryMonths,
      signatures,
      frozenAt,
      nextReview: reviewEveryMonths > 0 && frozenAt ? addMonths(frozenAt.slice(0, 10), reviewEveryMonths) : '',
    })
  }
  return out.sort((x, y) => y.frozenAt.localeCompare(x.frozenAt))
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
