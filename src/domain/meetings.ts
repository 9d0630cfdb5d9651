/**
 * The working group's meetings: date, short notes, decisions, and the next steps agreed there
 * (next steps are records of their own, in nextSteps.ts, pointing back here).
 * Members are people with `isWorkingGroupMember` (people.ts); the meeting rhythm is part of
 * the communication agreements.
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isIsoDate } from './dates'
import { defineRecordType, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection } from './schema'
import { deleteRecord, liveRecords, stampCreated, stampUpdated, type Actor } from './record'

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
    writeChangedFields(MEETING.fields, m, undefined, input)
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
    writeChangedFields(MEETING.fields, m, prev, patch)
    stampUpdated(m, actor, now)
  })
}

export function deleteMeeting(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'meetings', id, actor, now)
}

function toMeeting(id: string, m: Y.Map<unknown>): Meeting {
  return { id, ...readFields(MEETING.fields, m), ...readStamps(m) }
}

/** Newest first. */
export function listMeetings(doc: Y.Doc): Meeting[] {
  return liveRecords(meetings(doc), toMeeting).sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id))
}
