/**
 * Letters being written: kept in the registry on this device only, until the writer sends them
 * (then the letter goes into the partnership document and the draft is deleted). A draft is
 * saved as the person types, so a phone that runs out of battery keeps what was written.
 *
 * Trap: a draft is a plain copy of the form, not validated; `sendLetter` checks it when sent.
 */
import type { LetterDraft } from '../domain/letters'
import type { DraftRow, ScholenbandDb } from './db'

export async function saveDraft(db: ScholenbandDb, roomId: string, id: string, draft: LetterDraft, now: Date = new Date()): Promise<void> {
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
    updatedAt: now.toISOString(),
  }
  await db.drafts.put(row)
}

/** The drafts of one partnership on this device, the most recently changed first. */
export async function listDrafts(db: ScholenbandDb, roomId: string): Promise<DraftRow[]> {
  const rows = await db.drafts.where('roomId').equals(roomId).toArray()
  return rows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
}

export async function deleteDraft(db: ScholenbandDb, id: string): Promise<void> {
  await db.drafts.delete(id)
}

/** The draft without the registry's own fields: what `sendLetter` takes. */
export function letterDraftOf(row: DraftRow): LetterDraft {
  const { id: _id, roomId: _roomId, updatedAt: _updatedAt, ...draft } = row
  return draft
}
