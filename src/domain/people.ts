/**
 * People of the partnership: the contact person on each side, others following along (so the
 * link never hangs on one person), and the members of each school's working group.
 * Records in the `contacts` collection.
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { defineRecordType, type FieldValues, type Stamps } from './fields'
import { assertWritable, schoolIds } from './schema'
import { addRecord, deleteRecord, listRecords, readRecord, updateRecord, type Actor } from './record'

/** A person's fields, declared once: reader, writer and types derive from it. */
export const PERSON = /* @__PURE__ */ defineRecordType({
  collection: 'contacts',
  nameField: 'name',
  fields: {
    schoolId: { kind: 'string' },
    name: { kind: 'string' },
    /** e.g. "teacher, 5th year", "head", "coordinator" */
    role: { kind: 'string' },
    phone: { kind: 'string' },
    email: { kind: 'string' },
    /** The one person the partner school contacts first. */
    isContactPerson: { kind: 'boolean' },
    /** Follows along, so the link does not depend on one person. */
    isFollowing: { kind: 'boolean' },
    isWorkingGroupMember: { kind: 'boolean' },
  },
})

export type PersonInput = FieldValues<typeof PERSON.fields>

export interface Person extends PersonInput, Stamps {
  readonly id: string
}

function toPerson(id: string, m: Y.Map<unknown>): Person {
  return readRecord(PERSON, id, m)
}

function checkPerson(doc: Y.Doc, p: PersonInput): PersonInput {
  assertWritable(doc)
  const n = { ...p, name: p.name.trim(), role: p.role.trim(), phone: p.phone.trim(), email: p.email.trim() }
  const issues: DomainError[] = []
  if (!n.name) issues.push(new DomainError('nameRequired', 'name'))
  if (!schoolIds(doc).includes(n.schoolId)) issues.push(new DomainError('invalidChoice', 'schoolId'))
  if (n.email && !/^[^\s@]+@[^\s@]+$/.test(n.email)) issues.push(new DomainError('invalidEmail', 'email'))
  if (issues.length > 0) throw new ValidationError(issues)
  return n
}

export function addPerson(doc: Y.Doc, input: PersonInput, actor: Actor, now: Date = new Date()): string {
  return addRecord(doc, PERSON, checkPerson(doc, input), actor, now)
}

export function updatePerson(doc: Y.Doc, id: string, patch: Partial<PersonInput>, actor: Actor, now: Date = new Date()): void {
  updateRecord(doc, PERSON, id, toPerson, actor, now, (prev) => checkPerson(doc, { ...prev, ...patch }))
}

export function deletePerson(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'contacts', id, actor, now)
}

export function listPeople(doc: Y.Doc, opts: { schoolId?: string } = {}): Person[] {
  return listRecords(doc, 'contacts', toPerson)
    .filter((p) => !opts.schoolId || p.schoolId === opts.schoolId)
    .sort((a, b) => Number(b.isContactPerson) - Number(a.isContactPerson) || a.name.localeCompare(b.name))
}
