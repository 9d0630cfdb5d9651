/**
 * Letters between classes, teachers and heads, as parallel texts: the original and any number of
 * translations beside it, each with its language and translator. A translation made before the
 * original last changed is out of date until someone updates (or confirms) it.
 *
 * Drafts are not here: a draft stays on the device that writes it (see src/storage) until the
 * writer sends it; `sendLetter` then shares it with the partnership. Each letter ends with the
 * next step (who writes what to whom by when), which joins the list of next steps.
 *
 * Records in the `letters` collection. `translations` and `photos` are Y.Maps created with the
 * letter (by one device), keyed by random id / content hash, so additions never race.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isIsoDate } from './dates'
import { defineRecordType, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection, schoolIds } from './schema'
import { deleteRecord, fingerprint, liveRecords, requireRecord, stampCreated, stampUpdated, type Actor } from './record'
import { addNextStep, type NextStepInput } from './nextSteps'
import { addTranslationAt, isLanguageCode, readTranslations, translationFields, updateTranslationAt, type TranslationOf, type TranslationPlace } from './translations'

export const LETTER_KINDS = ['class', 'teachers', 'heads'] as const
export type LetterKind = (typeof LETTER_KINDS)[number]

/** A photo attached to a letter: the blob lives on devices and the relay, by content hash. */
export interface PhotoRef {
  /** SHA-256 of the bytes, lowercase hex. */
  readonly hash: string
  readonly bytes: number
  readonly width: number
  readonly height: number
  /** MIME type: one the app itself writes (`PHOTO_TYPES`). */
  readonly type: string
}

/**
 * The only photo types the app writes (preparePhoto: WebP, else JPEG). A record with any other
 * type (text/html, image/svg+xml, …) is not a photo: the reader skips it, so no screen ever turns
 * it into something a browser would run.
 */
export const PHOTO_TYPES = ['image/jpeg', 'image/webp'] as const

/**
 * A translation beside the original: a nested record in `translations`, with its own who and when
 * (translations.ts; `basedOn` is the fingerprint of the original's subject and body).
 */
const TRANSLATION_CONTENT = { subject: { kind: 'string' }, body: { kind: 'text' } } as const
const TRANSLATION_FIELDS = /* @__PURE__ */ translationFields(TRANSLATION_CONTENT)

/** A letter's fields, declared once: reader, writer and types derive from it. */
export const LETTER = /* @__PURE__ */ defineRecordType({
  collection: 'letters',
  nameField: 'subject',
  fields: {
    kind: { kind: 'enum', values: LETTER_KINDS, fallback: 'class' },
    fromSchoolId: { kind: 'string' },
    /** The class or person writing, e.g. "Class 5B" or "Ms Peeters". */
    fromWho: { kind: 'string' },
    toSchoolId: { kind: 'string' },
    toWho: { kind: 'string' },
    /** BCP 47 language code of the original, e.g. "nl", "fr", "en". */
    language: { kind: 'string' },
    subject: { kind: 'string' },
    body: { kind: 'text' },
    activityId: { kind: 'string' },
    /** The letter this answers, or ''. */
    replyTo: { kind: 'string' },
    /** Photos by content hash. */
    photos: { kind: 'map', of: { kind: 'object', is: isPhotoRef } },
    /** Translations by random id, created (empty) with the letter. */
    translations: { kind: 'records', fields: TRANSLATION_FIELDS },
    /** The next step the letter ends with (`nextSteps`), or ''. */
    nextStepId: { kind: 'string' },
    /** When it was sent (ISO timestamp). */
    sentAt: { kind: 'string' },
  },
})

type LetterFields = FieldValues<typeof LETTER.fields>

/** What a writer has on their device before sending. */
export interface LetterDraft extends Omit<LetterFields, 'photos' | 'translations' | 'nextStepId' | 'sentAt'> {
  readonly photos: readonly PhotoRef[]
  /** The next step the letter ends with; `who` and `what` empty when there is none. */
  readonly nextStep: Omit<NextStepInput, 'sourceId'>
}

/** A letter's translation (translations.ts): subject and body, language, translator, out of date or not. */
export type Translation = TranslationOf<typeof TRANSLATION_CONTENT>

export interface Letter extends Omit<LetterFields, 'photos' | 'translations'>, Stamps {
  readonly id: string
  readonly photos: readonly PhotoRef[]
  readonly translations: readonly Translation[]
}

const HASH = /^[0-9a-f]{64}$/

function letters(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'letters')
}

export function isLetterKind(v: unknown): v is LetterKind {
  return typeof v === 'string' && (LETTER_KINDS as readonly string[]).includes(v)
}

export function isPhotoRef(v: unknown): v is PhotoRef {
  if (!v || typeof v !== 'object') return false
  const p = v as Record<string, unknown>
  return typeof p.hash === 'string' && HASH.test(p.hash) && typeof p.bytes === 'number' && typeof p.width === 'number' && typeof p.height === 'number' && (PHOTO_TYPES as readonly unknown[]).includes(p.type)
}

export function validateDraft(doc: Y.Doc, d: LetterDraft): DomainError[] {
  const issues: DomainError[] = []
  const schools = schoolIds(doc)
  if (!isLetterKind(d.kind)) issues.push(new DomainError('invalidChoice', 'kind'))
  if (!schools.includes(d.fromSchoolId)) issues.push(new DomainError('invalidChoice', 'fromSchoolId'))
  if (!schools.includes(d.toSchoolId)) issues.push(new DomainError('invalidChoice', 'toSchoolId'))
  if (!isLanguageCode(d.language)) issues.push(new DomainError('invalidChoice', 'language'))
  if (!d.subject.trim()) issues.push(new DomainError('required', 'subject'))
  if (!d.body.trim() && d.photos.length === 0) issues.push(new DomainError('required', 'body'))
  if (d.activityId && !collection(doc, 'activities').has(d.activityId)) issues.push(new DomainError('notFound', 'activityId'))
  if (d.replyTo && !letters(doc).has(d.replyTo)) issues.push(new DomainError('notFound', 'replyTo'))
  if (d.photos.some((p) => !isPhotoRef(p))) issues.push(new DomainError('invalidChoice', 'photos'))
  const step = d.nextStep
  if ((step.who.trim() || step.what.trim()) && !(step.who.trim() && step.what.trim())) {
    issues.push(new DomainError('required', step.who.trim() ? 'nextStep.what' : 'nextStep.who'))
  }
  if (step.dueDate && !isIsoDate(step.dueDate)) issues.push(new DomainError('invalidDate', 'nextStep.dueDate'))
  return issues
}

/** Shares a draft with the partnership. Returns the letter's id. */
export function sendLetter(doc: Y.Doc, draft: LetterDraft, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  const issues = validateDraft(doc, draft)
  if (issues.length > 0) throw new ValidationError(issues)
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    letters(doc).set(id, m)
    const hasNextStep = draft.nextStep.who.trim() !== '' && draft.nextStep.what.trim() !== ''
    const nextStepId = hasNextStep ? addNextStep(doc, { ...draft.nextStep, sourceId: id }, actor, now) : ''
    const { nextStep: _nextStep, photos, ...fields } = draft
    writeChangedFields(LETTER.fields, m, undefined, {
      ...fields,
      fromWho: draft.fromWho.trim(),
      toWho: draft.toWho.trim(),
      subject: draft.subject.trim(),
      photos: Object.fromEntries(photos.map((p) => [p.hash, { hash: p.hash, bytes: p.bytes, width: p.width, height: p.height, type: p.type }])),
      translations: {},
      nextStepId,
      sentAt: now.toISOString(),
    })
    stampCreated(m, actor, now)
  })
  return id
}

/** The text a translation is made from: subject and body of the original. */
function originalText(m: Y.Map<unknown>): string {
  const { subject, body } = readFields(LETTER.fields, m)
  return `${subject}\n\n${body}`
}

/** Changes the original; translations made before become out of date. */
export function editLetter(doc: Y.Doc, id: string, patch: { subject?: string; body?: string }, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = requireRecord(letters(doc), id)
  if (patch.subject !== undefined && !patch.subject.trim()) throw new ValidationError([new DomainError('required', 'subject')])
  doc.transact(() => {
    writeChangedFields(LETTER.fields, m, readFields(LETTER.fields, m), { subject: patch.subject?.trim(), body: patch.body })
    stampUpdated(m, actor, now)
  })
}

/** Where a letter keeps its translations: the nested map made with it. */
function translations(m: Y.Map<unknown>): TranslationPlace {
  const t = m.get('translations')
  if (!(t instanceof Y.Map)) throw new DomainError('notFound', 'translations')
  return { holder: t as Y.Map<unknown>, prefix: '' }
}

/** Adds a translation beside the original. */
export function addTranslation(
  doc: Y.Doc,
  letterId: string,
  input: { language: string; translator: string; subject: string; body: string },
  actor: Actor,
  now: Date = new Date(),
): string {
  assertWritable(doc)
  const m = requireRecord(letters(doc), letterId)
  const issues: DomainError[] = []
  if (!isLanguageCode(input.language)) issues.push(new DomainError('invalidChoice', 'language'))
  if (!input.body.trim()) issues.push(new DomainError('required', 'body'))
  if (issues.length > 0) throw new ValidationError(issues)
  const values = { language: input.language, translator: input.translator, subject: input.subject.trim(), body: input.body }
  return addTranslationAt(doc, translations(m), TRANSLATION_FIELDS, values, fingerprint(originalText(m)), actor, now, m)
}

/**
 * Updates a translation (or, with no changes, confirms it still matches): it is then based on
 * the original as it is now.
 */
export function updateTranslation(
  doc: Y.Doc,
  letterId: string,
  translationId: string,
  patch: { translator?: string; subject?: string; body?: string },
  actor: Actor,
  now: Date = new Date(),
): void {
  assertWritable(doc)
  const m = requireRecord(letters(doc), letterId)
  const next = { translator: patch.translator, subject: patch.subject?.trim(), body: patch.body }
  updateTranslationAt(doc, translations(m), translationId, TRANSLATION_FIELDS, next, fingerprint(originalText(m)), actor, now)
}

function toLetter(id: string, m: Y.Map<unknown>): Letter {
  const { photos, translations: _translations, ...fields } = readFields(LETTER.fields, m)
  const stored = m.get('translations')
  const place = stored instanceof Y.Map ? { holder: stored as Y.Map<unknown>, prefix: '' } : undefined
  return {
    id,
    ...fields,
    photos: Object.values(photos).filter(isPhotoRef),
    translations: readTranslations(place, TRANSLATION_FIELDS, fingerprint(`${fields.subject}\n\n${fields.body}`)),
    ...readStamps(m),
  }
}

export function readLetter(doc: Y.Doc, id: string): Letter | undefined {
  const m = letters(doc).get(id)
  return m instanceof Y.Map && typeof m.get('deletedAt') !== 'string' ? toLetter(id, m) : undefined
}

/** The Y.Map of a letter, for delivery receipts. */
export function letterRecord(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const m = letters(doc).get(id)
  return m instanceof Y.Map ? m : undefined
}

/**
 * Every photo of every live letter (by hash), read straight from the records: counting what is
 * waiting and writing a changes file need only these, not whole letters with their threads.
 */
export function letterPhotoRefs(doc: Y.Doc): PhotoRef[] {
  const refs = new Map<string, PhotoRef>()
  for (const [, m] of letters(doc).entries()) {
    if (!(m instanceof Y.Map) || typeof m.get('deletedAt') === 'string') continue
    const photos = m.get('photos')
    if (!(photos instanceof Y.Map)) continue
    for (const p of photos.values()) if (isPhotoRef(p) && !refs.has(p.hash)) refs.set(p.hash, p)
  }
  return [...refs.values()]
}

/** Letters as threads: first letters newest first, each with its replies in order. */
export function listLetterThreads(doc: Y.Doc): { letter: Letter; replies: Letter[] }[] {
  const all = liveRecords(letters(doc), toLetter)
  const byId = new Map(all.map((l) => [l.id, l]))
  const rootOf = (l: Letter): Letter => {
    let cur = l
    const seen = new Set<string>()
    while (cur.replyTo && byId.has(cur.replyTo) && !seen.has(cur.id)) {
      seen.add(cur.id)
      cur = byId.get(cur.replyTo)!
    }
    return cur
  }
  const threads = new Map<string, { letter: Letter; replies: Letter[] }>()
  for (const l of all) {
    const root = rootOf(l)
    const thread = threads.get(root.id) ?? { letter: root, replies: [] }
    if (l.id !== root.id) thread.replies.push(l)
    threads.set(root.id, thread)
  }
  for (const t of threads.values()) t.replies.sort((a, b) => a.sentAt.localeCompare(b.sentAt))
  return [...threads.values()].sort((a, b) => {
    const last = (t: { letter: Letter; replies: Letter[] }): string => t.replies[t.replies.length - 1]?.sentAt ?? t.letter.sentAt
    return last(b).localeCompare(last(a))
  })
}

export function deleteLetter(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'letters', id, actor, now)
}
