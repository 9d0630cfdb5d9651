/**
 * The working group's meetings: date, short notes, decisions, and the next steps agreed there
 * (next steps are records of their own, in nextSteps.ts, pointing back here).
 * Members are people with `isWorkingGroupMember` (people.ts); the meeting rhythm is part of
 * the communication agreements.
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { isIsoDate } from './dates'
import { defineRecordType, type FieldValues, type Stamps } from './fields'
import { assertWritable } from './schema'
import { addRecord, deleteRecord, listRecords, readRecord, updateRecord, type Actor } from './record'

/** A meeting's fields, declared once: reader, writer and types derive from it. */
export const MEETING = /* @__PURE__ */ defineRecordType({
  collection: 'meetings',
  nameField: 'date',
  fields: {
    date: { kind: 'date' },
    notes: { kind: 'text' },
    decisions: { kind: 'text' },
  },
})

export type MeetingInput = FieldValues<typeof MEETING.fields>

export interface Meeting extends MeetingInput, Stamps {
  readonly id: string
}

function check(input: MeetingInput): void {
  if (!isIsoDate(input.date)) throw new ValidationError([new DomainError('invalidDate', 'date')])
}

export function addMeeting(doc: Y.Doc, input: MeetingInput, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  check(input)
  return addRecord(doc, MEETING, input, actor, now)
}

export function updateMeeting(doc: Y.Doc, id: string, patch: Partial<MeetingInput>, actor: Actor, now: Date = new Date()): void {
  updateRecord(doc, MEETING, id, toMeeting, actor, now, (prev) => {
    check({ ...prev, ...patch })
    return patch
  })
}

export function deleteMeeting(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'meetings', id, actor, now)
}

function toMeeting(id: string, m: Y.Map<unknown>): Meeting {
  return readRecord(MEETING, id, m)
}

/** Newest first. */
export function listMeetings(doc: Y.Doc): Meeting[] {
  return listRecords(doc, 'meetings', toMeeting).sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id))
}
