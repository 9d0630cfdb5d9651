/**
 * The working group's meetings: date, short notes, decisions, and the next steps agreed there
 * (next steps are records of their own, in communication.ts, pointing back here).
 * Members are people with `isWorkingGroupMember` (communication.ts); the meeting rhythm is part of
 * the communication agreements.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isIsoDate } from './dates'
import { assertWritable, collection } from './schema'
import { deleteRecord, liveRecords, readString, readText, stampCreated, stampUpdated, type Actor } from './record'
import { setTextMinimal } from './text'

export interface MeetingInput {
  readonly date: string
  readonly notes: string
  readonly decisions: string
}

export interface Meeting extends MeetingInput {
  readonly id: string
  readonly createdBy: string
  readonly createdAt: string
  readonly updatedBy: string
  readonly updatedAt: string
}

function meetings(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'meetings')
}

function check(input: MeetingInput): void {
  if (!isIsoDate(input.date)) throw new ValidationError([new DomainError('invalidDate', 'date')])
}

export function addMeeting(doc: Y.Doc, input: MeetingInput, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  check(input)
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    meetings(doc).set(id, m)
    m.set('date', input.date)
    const notes = new Y.Text()
    const decisions = new Y.Text()
    m.set('notes', notes)
    m.set('decisions', decisions)
    notes.insert(0, input.notes)
    decisions.insert(0, input.decisions)
    stampCreated(m, actor, now)
  })
  return id
}

export function updateMeeting(doc: Y.Doc, id: string, patch: Partial<MeetingInput>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = meetings(doc).get(id)
  if (!(m instanceof Y.Map)) throw new DomainError('notFound', 'id')
  const prev = toMeeting(id, m)
  check({ ...prev, ...patch })
  doc.transact(() => {
    if (patch.date !== undefined && patch.date !== prev.date) m.set('date', patch.date)
    for (const f of ['notes', 'decisions'] as const) {
      const v = patch[f]
      const t = m.get(f)
      if (v !== undefined && t instanceof Y.Text) setTextMinimal(t, v)
    }
    stampUpdated(m, actor, now)
  })
}

export function deleteMeeting(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'meetings', id, actor, now)
}

function toMeeting(id: string, m: Y.Map<unknown>): Meeting {
  return {
    id,
    date: readString(m, 'date'),
    notes: readText(m, 'notes'),
    decisions: readText(m, 'decisions'),
    createdBy: readString(m, 'createdBy'),
    createdAt: readString(m, 'createdAt'),
    updatedBy: readString(m, 'updatedBy'),
    updatedAt: readString(m, 'updatedAt'),
  }
}

/** Newest first. */
export function listMeetings(doc: Y.Doc): Meeting[] {
  return liveRecords(meetings(doc), toMeeting).sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id))
}
