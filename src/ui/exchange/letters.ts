/**
 * Shared pieces of the letter screens: the languages offered for a letter, their names in the
 * reader's language, a new draft's first values, and starting a draft (a new letter or a reply).
 *
 * Drafts live in the registry on this device only (src/storage/drafts.ts); starting one writes it
 * there first, so the form's address (`#/p/<room>/letters/draft/<id>`) survives a reload;
 * `openNewDraft` does that and opens the form (Write a letter, Reply).
 */
import { randomId, TEXT_LANGUAGES, type Letter, type LetterDraft, type PartnershipMeta } from '../../domain'
import { personIdUsingDevice, saveLetterDraft } from '../../storage'
import { pageHref } from '../pages'
import { navigate } from '../router'

/**
 * Languages a letter is commonly written in (the domain's `TEXT_LANGUAGES`, which the agreement
 * takes too). A letter in another language keeps its code.
 */
export const LETTER_LANGUAGES = TEXT_LANGUAGES

/** "Kinyarwanda", "French"… in the reader's language (`ui`); the code itself if unknown. */
export function languageLabel(code: string, ui: string): string {
  try {
    const name = new Intl.DisplayNames([ui], { type: 'language' }).of(code)
    if (name && name !== code) return name.charAt(0).toLocaleUpperCase(ui) + name.slice(1)
  } catch {
    /* an old browser or an odd code: show the code */
  }
  return code
}

/** The languages to offer, sorted by name, with `keep` added when it is not in the list. */
export function languageChoices(ui: string, keep = ''): { code: string; name: string }[] {
  const codes: string[] = [...LETTER_LANGUAGES]
  if (keep && !codes.includes(keep)) codes.push(keep)
  return codes.map((code) => ({ code, name: languageLabel(code, ui) })).sort((a, b) => a.name.localeCompare(b.name, ui))
}

export function otherSchoolId(meta: PartnershipMeta, schoolId: string | undefined): string {
  return schoolId === meta.schoolB.id ? meta.schoolA.id : meta.schoolB.id
}

/** A new letter from this device's school to the partner, in the reader's language if offered. */
export function newDraft(meta: PartnershipMeta, mySchoolId: string | undefined, ui: string): LetterDraft {
  const from = mySchoolId ?? ''
  return {
    kind: 'class',
    fromSchoolId: from,
    fromWho: '',
    toSchoolId: otherSchoolId(meta, mySchoolId),
    toWho: '',
    language: (LETTER_LANGUAGES as readonly string[]).includes(ui) ? ui : 'en',
    subject: '',
    body: '',
    activityId: '',
    replyTo: '',
    photos: [],
    nextStep: { who: '', what: '', toWhom: '', dueDate: '' },
  }
}

/** A reply to `letter`: to whoever wrote it, in its kind and language. */
export function replyDraft(mySchoolId: string | undefined, letter: Letter, subject: string): LetterDraft {
  const from = mySchoolId ?? ''
  const isOwn = letter.fromSchoolId === from
  return {
    kind: letter.kind,
    fromSchoolId: from,
    fromWho: isOwn ? letter.fromWho : letter.toWho,
    toSchoolId: isOwn ? letter.toSchoolId : letter.fromSchoolId,
    toWho: isOwn ? letter.toWho : letter.fromWho,
    language: letter.language,
    subject,
    body: '',
    activityId: letter.activityId,
    replyTo: letter.id,
    photos: [],
    nextStep: { who: '', what: '', toWhom: '', dueDate: '' },
  }
}

/**
 * Stores a new draft on this device, for the person using it now (only they see it), and returns
 * its id (for the form's address). Fails when nobody has been chosen yet.
 */
export async function startDraft(roomId: string, draft: LetterDraft): Promise<string> {
  const personId = await personIdUsingDevice()
  if (!personId) throw new Error('nobody is using the device')
  const id = randomId()
  await saveLetterDraft(roomId, id, draft, personId)
  return id
}

/** Starts a draft (`startDraft`) and opens its form; false when it could not be stored here. */
export async function openNewDraft(roomId: string, draft: LetterDraft): Promise<boolean> {
  let id: string
  try {
    id = await startDraft(roomId, draft)
  } catch {
    return false
  }
  navigate(pageHref(roomId, { name: 'letterDraft', draftId: id }))
  return true
}
