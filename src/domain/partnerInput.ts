/**
 * Partner-input requests: what an activity needs from the other school (answer letters, photos,
 * a questionnaire, anything else), from which school, by when, and whether it arrived.
 *
 * Records in the `partnerInput` collection, each naming its activity. A flat collection rather
 * than a map inside the activity: two devices adding the first request to the same activity would
 * otherwise each create that inner map, and one would lose.
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { isIsoDate } from './dates'
import { defineRecordType, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection, schoolIds } from './schema'
import { addRecord, deleteRecord, listRecords, readRecord, updateRecord, type Actor } from './record'

export const INPUT_KINDS = ['answer-letters', 'photos', 'questionnaire', 'other'] as const
export type InputKind = (typeof INPUT_KINDS)[number]

/** A request's fields, declared once: reader, writer and types derive from it. */
export const PARTNER_INPUT = /* @__PURE__ */ defineRecordType({
  collection: 'partnerInput',
  nameField: 'description',
  fields: {
    activityId: { kind: 'string' },
    kind: { kind: 'enum', values: INPUT_KINDS, fallback: 'other' },
    /** Free text: what exactly (required for `other`). */
    description: { kind: 'string' },
    /** The school that is asked to provide it. */
    fromSchoolId: { kind: 'string' },
    dueDate: { kind: 'date' },
    isReceived: { kind: 'boolean' },
    /** When it was marked received (ISO timestamp), null while not received. */
    receivedAt: { kind: 'string', nullable: true },
  },
})

type PartnerInputFields = FieldValues<typeof PARTNER_INPUT.fields>

/** What a person fills in. */
export type PartnerInputInput = Pick<PartnerInputFields, 'activityId' | 'kind' | 'description' | 'fromSchoolId' | 'dueDate'>

export interface PartnerInputRequest extends PartnerInputFields, Stamps {
  readonly id: string
}

function isInputKind(v: unknown): v is InputKind {
  return typeof v === 'string' && (INPUT_KINDS as readonly string[]).includes(v)
}

function toRequest(id: string, m: Y.Map<unknown>): PartnerInputRequest {
  return readRecord(PARTNER_INPUT, id, m)
}

export function addPartnerInput(doc: Y.Doc, input: PartnerInputInput, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (!collection(doc, 'activities').has(input.activityId)) issues.push(new DomainError('notFound', 'activityId'))
  if (!isInputKind(input.kind)) issues.push(new DomainError('invalidChoice', 'kind'))
  if (input.kind === 'other' && !input.description.trim()) issues.push(new DomainError('required', 'description'))
  if (!schoolIds(doc).includes(input.fromSchoolId)) issues.push(new DomainError('invalidChoice', 'fromSchoolId'))
  if (input.dueDate && !isIsoDate(input.dueDate)) issues.push(new DomainError('invalidDate', 'dueDate'))
  if (issues.length > 0) throw new ValidationError(issues)
  return addRecord(doc, PARTNER_INPUT, { ...input, description: input.description.trim(), isReceived: false }, actor, now)
}

export function setPartnerInputReceived(doc: Y.Doc, id: string, isReceived: boolean, actor: Actor, now: Date = new Date()): void {
  updateRecord(doc, PARTNER_INPUT, id, toRequest, actor, now, () => ({ isReceived, receivedAt: isReceived ? now.toISOString() : null }))
}

export function deletePartnerInput(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'partnerInput', id, actor, now)
}

export function listPartnerInput(doc: Y.Doc, opts: { activityId?: string } = {}): PartnerInputRequest[] {
  return listRecords(doc, 'partnerInput', toRequest)
    .filter((r) => !opts.activityId || r.activityId === opts.activityId)
    .sort((a, b) => (a.dueDate || '9999').localeCompare(b.dueDate || '9999') || a.id.localeCompare(b.id))
}

/** Not received and past its due date (the due day itself still counts as on time). */
export function isOverdue(r: PartnerInputRequest, today: string): boolean {
  return !r.isReceived && r.dueDate !== '' && r.dueDate < today
}
