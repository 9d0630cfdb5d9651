/**
 * Letters being written: kept in the registry on this device only, until the writer sends them
 * (then the letter goes into the partnership document and the draft is deleted). A draft is
 * saved as the person types, so a phone that runs out of battery keeps what was written.
 *
 * A draft belongs to the person who writes it (`personId`): on a shared phone, only they see it.
 *
 * Trap: a draft is a plain copy of the form, not validated; `sendLetter` checks it when sent.
 */
import type { LetterDraft } from '../domain/letters'
import type { DraftRow, ScholenbandDb } from './db'
import { storageHealth } from './health'

/** Saves the draft `id` of `personId` (the person who writes it). */
export async function saveDraft(db: ScholenbandDb, roomId: string, id: string, draft: LetterDraft, personId: string, now: Date = new Date()): Promise<void> {
  const row: DraftRow = {
    kind: draft.kind,
    fromSchoolId: draft.fromSchoolId,
    fromWho: draft.fromWho,
    toSchoolId: draft.toSchoolId,
    toWho: draft.toWho,
    language: draft.language,
    subject: draft.subject,
    body: draft.body,
    activityId: draft.activityId,
    replyTo: draft.replyTo,
    photos: draft.photos.map((p) => ({ hash: p.hash, bytes: p.bytes, width: p.width, height: p.height, type: p.type })),
    nextStep: { who: draft.nextStep.who, what: draft.nextStep.what, toWhom: draft.nextStep.toWhom, dueDate: draft.nextStep.dueDate },
    id,
    roomId,
    personId,
    updatedAt: now.toISOString(),
  }
  try {
    await db.drafts.put(row)
  } catch (err) {
    // reported at the storage boundary: the indicator says the phone is full; the form keeps the text
    storageHealth.report('drafts', err)
    throw err
  }
  storageHealth.ok('drafts')
}

/** The drafts `personId` writes in one partnership, the most recently changed first. */
export async function listDrafts(db: ScholenbandDb, roomId: string, personId: string): Promise<DraftRow[]> {
  const rows = await db.drafts.where('[roomId+personId]').equals([roomId, personId]).toArray()
  return rows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
}

/** How many drafts `personId` has on this device, in every partnership. */
export async function countDrafts(db: ScholenbandDb, personId: string): Promise<number> {
  return db.drafts.where('personId').equals(personId).count()
}

export async function deleteDraft(db: ScholenbandDb, id: string): Promise<void> {
  await db.drafts.delete(id)
}

/** The draft without the registry's own fields: what `sendLetter` takes. */
export function letterDraftOf(row: DraftRow): LetterDraft {
  const { id: _id, roomId: _roomId, personId: _personId, updatedAt: _updatedAt, ...draft } = row
  return draft
}
