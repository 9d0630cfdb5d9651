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
import { assertWritable, collection, schoolIds } from './schema'
import { deleteRecord, fingerprint, liveRecords, readString, readText, requireRecord, stampCreated, stampUpdated, type Actor } from './record'
import { setTextMinimal } from './text'
import { addNextStep, type NextStepInput } from './nextSteps'

export const LETTER_KINDS = ['class', 'teachers', 'heads'] as const
export type LetterKind = (typeof LETTER_KINDS)[number]

/** A photo attached to a letter: the blob lives on devices and the relay, by content hash. */
export interface PhotoRef {
  /** SHA-256 of the bytes, lowercase hex. */
  readonly hash: string
  readonly bytes: number
  readonly width: number
  readonly height: number
  /** MIME type, e.g. image/jpeg. */
  readonly type: string
}

/** What a writer has on their device before sending. */
export interface LetterDraft {
  readonly kind: LetterKind
  readonly fromSchoolId: string
  /** The class or person writing, e.g. "Class 5B" or "Ms Peeters". */
  readonly fromWho: string
  readonly toSchoolId: string
  readonly toWho: string
  /** BCP 47 language code of the original, e.g. "nl", "fr", "en". */
  readonly language: string
  readonly subject: string
  readonly body: string
  readonly activityId: string
  /** The letter this answers, or ''. */
  readonly replyTo: string
  readonly photos: readonly PhotoRef[]
  /** The next step the letter ends with; `who` and `what` empty when there is none. */
  readonly nextStep: Omit<NextStepInput, 'sourceId'>
}

export interface Translation {
  readonly id: string
  readonly language: string
  readonly translator: string
  readonly subject: string
  readonly body: string
  /** The original changed after this translation was last brought up to date. */
  readonly isOutOfDate: boolean
  readonly updatedAt: string
}

export interface Letter extends Omit<LetterDraft, 'nextStep'> {
  readonly id: string
  readonly translations: readonly Translation[]
  readonly nextStepId: string
  readonly sentAt: string
  readonly createdBy: string
  readonly updatedBy: string
  readonly updatedAt: string
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/
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
  return typeof p.hash === 'string' && HASH.test(p.hash) && typeof p.bytes === 'number' && typeof p.width === 'number' && typeof p.height === 'number' && typeof p.type === 'string'
}

export function validateDraft(doc: Y.Doc, d: LetterDraft): DomainError[] {
  const issues: DomainError[] = []
  const schools = schoolIds(doc)
  if (!isLetterKind(d.kind)) issues.push(new DomainError('invalidChoice', 'kind'))
  if (!schools.includes(d.fromSchoolId)) issues.push(new DomainError('invalidChoice', 'fromSchoolId'))
  if (!schools.includes(d.toSchoolId)) issues.push(new DomainError('invalidChoice', 'toSchoolId'))
  if (!LANGUAGE.test(d.language)) issues.push(new DomainError('invalidChoice', 'language'))
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
    m.set('kind', draft.kind)
    m.set('fromSchoolId', draft.fromSchoolId)
    m.set('fromWho', draft.fromWho.trim())
    m.set('toSchoolId', draft.toSchoolId)
    m.set('toWho', draft.toWho.trim())
    m.set('language', draft.language)
    m.set('subject', draft.subject.trim())
    const body = new Y.Text()
    m.set('body', body)
    body.insert(0, draft.body)
    m.set('activityId', draft.activityId)
    m.set('replyTo', draft.replyTo)
    const photos = new Y.Map<unknown>()
    m.set('photos', photos)
    for (const p of draft.photos) photos.set(p.hash, { hash: p.hash, bytes: p.bytes, width: p.width, height: p.height, type: p.type })
    m.set('translations', new Y.Map())
    m.set('sentAt', now.toISOString())
    let nextStepId = ''
    if (draft.nextStep.who.trim() && draft.nextStep.what.trim()) {
      nextStepId = addNextStep(doc, { ...draft.nextStep, sourceId: id }, actor, now)
    }
    m.set('nextStepId', nextStepId)
    stampCreated(m, actor, now)
  })
  return id
}

/** The text a translation is made from: subject and body of the original. */
function originalText(m: Y.Map<unknown>): string {
  return `${readString(m, 'subject')}\n\n${readText(m, 'body')}`
}

/** Changes the original; translations made before become out of date. */
export function editLetter(doc: Y.Doc, id: string, patch: { subject?: string; body?: string }, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = requireRecord(letters(doc), id)
  if (patch.subject !== undefined && !patch.subject.trim()) throw new ValidationError([new DomainError('required', 'subject')])
  doc.transact(() => {
    if (patch.subject !== undefined && patch.subject.trim() !== readString(m, 'subject')) m.set('subject', patch.subject.trim())
    const body = m.get('body')
    if (patch.body !== undefined && body instanceof Y.Text) setTextMinimal(body, patch.body)
    stampUpdated(m, actor, now)
  })
}

function translations(m: Y.Map<unknown>): Y.Map<Y.Map<unknown>> {
  const t = m.get('translations')
  if (!(t instanceof Y.Map)) throw new DomainError('notFound', 'translations')
  return t as Y.Map<Y.Map<unknown>>
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
  if (!LANGUAGE.test(input.language)) issues.push(new DomainError('invalidChoice', 'language'))
  if (!input.body.trim()) issues.push(new DomainError('required', 'body'))
  if (issues.length > 0) throw new ValidationError(issues)
  const id = randomId()
  doc.transact(() => {
    const t = new Y.Map<unknown>()
    translations(m).set(id, t)
    t.set('language', input.language)
    t.set('translator', input.translator.trim())
    t.set('subject', input.subject.trim())
    const body = new Y.Text()
    t.set('body', body)
    body.insert(0, input.body)
    t.set('basedOn', fingerprint(originalText(m)))
    stampCreated(t, actor, now)
    stampUpdated(m, actor, now)
  })
  return id
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
  const t = requireRecord(translations(m), translationId)
  doc.transact(() => {
    if (patch.translator !== undefined) t.set('translator', patch.translator.trim())
    if (patch.subject !== undefined) t.set('subject', patch.subject.trim())
    const body = t.get('body')
    if (patch.body !== undefined && body instanceof Y.Text) setTextMinimal(body, patch.body)
    t.set('basedOn', fingerprint(originalText(m)))
    stampUpdated(t, actor, now)
  })
}

function toLetter(id: string, m: Y.Map<unknown>): Letter {
  const current = fingerprint(originalText(m))
  const ts: Translation[] = []
  const tm = m.get('translations')
  if (tm instanceof Y.Map) {
    for (const [tid, t] of tm.entries()) {
      if (!(t instanceof Y.Map)) continue
      ts.push({
        id: tid,
        language: readString(t, 'language'),
        translator: readString(t, 'translator'),
        subject: readString(t, 'subject'),
        body: readText(t, 'body'),
        isOutOfDate: readString(t, 'basedOn') !== current,
        updatedAt: readString(t, 'updatedAt'),
      })
    }
  }
  const photos: PhotoRef[] = []
  const pm = m.get('photos')
  if (pm instanceof Y.Map) for (const p of pm.values()) if (isPhotoRef(p)) photos.push(p)
  const kind = m.get('kind')
  return {
    id,
    kind: isLetterKind(kind) ? kind : 'class',
    fromSchoolId: readString(m, 'fromSchoolId'),
    fromWho: readString(m, 'fromWho'),
    toSchoolId: readString(m, 'toSchoolId'),
    toWho: readString(m, 'toWho'),
    language: readString(m, 'language'),
    subject: readString(m, 'subject'),
    body: readText(m, 'body'),
    activityId: readString(m, 'activityId'),
    replyTo: readString(m, 'replyTo'),
    photos,
    translations: ts.sort((a, b) => a.language.localeCompare(b.language) || a.id.localeCompare(b.id)),
    nextStepId: readString(m, 'nextStepId'),
    sentAt: readString(m, 'sentAt'),
    createdBy: readString(m, 'createdBy'),
    updatedBy: readString(m, 'updatedBy'),
    updatedAt: readString(m, 'updatedAt'),
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
