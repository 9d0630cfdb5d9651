/**
 * Next steps: who writes what to whom by when. Every exchange ends with one (a meeting, a
 * letter), and they are ticked off when done. Records in the `nextSteps` collection, pointing at
 * where they were agreed (`sourceId`).
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { isIsoDate } from './dates'
import { defineRecordType, type FieldValues, type Stamps } from './fields'
import { assertWritable } from './schema'
import { addRecord, deleteRecord, listRecords, readRecord, updateRecord, actorName, type Actor } from './record'

/** A next step's fields, declared once: reader, writer and types derive from it. */
export const NEXT_STEP = /* @__PURE__ */ defineRecordType({
  collection: 'nextSteps',
  nameField: 'what',
  fields: {
    /** Who does it (a name, a class, a school). */
    who: { kind: 'string' },
    what: { kind: 'string' },
    toWhom: { kind: 'string' },
    dueDate: { kind: 'date' },
    /** Where it was agreed: a meeting, a letter; '' when added by hand. */
    sourceId: { kind: 'string' },
    isDone: { kind: 'boolean' },
    /** When it was ticked off (ISO timestamp), null while open. */
    doneAt: { kind: 'string', nullable: true },
    doneBy: { kind: 'string', nullable: true },
  },
})

type NextStepFields = FieldValues<typeof NEXT_STEP.fields>

/** What a person fills in. */
export type NextStepInput = Pick<NextStepFields, 'who' | 'what' | 'toWhom' | 'dueDate' | 'sourceId'>

export interface NextStep extends NextStepFields, Stamps {
  readonly id: string
}

function toStep(id: string, m: Y.Map<unknown>): NextStep {
  return readRecord(NEXT_STEP, id, m)
}

export function addNextStep(doc: Y.Doc, input: NextStepInput, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (!input.what.trim()) issues.push(new DomainError('required', 'what'))
  if (!input.who.trim()) issues.push(new DomainError('required', 'who'))
  if (input.dueDate && !isIsoDate(input.dueDate)) issues.push(new DomainError('invalidDate', 'dueDate'))
  if (issues.length > 0) throw new ValidationError(issues)
  const values = { who: input.who.trim(), what: input.what.trim(), toWhom: input.toWhom.trim(), dueDate: input.dueDate, sourceId: input.sourceId, isDone: false }
  return addRecord(doc, NEXT_STEP, values, actor, now)
}

export function setNextStepDone(doc: Y.Doc, id: string, isDone: boolean, actor: Actor, now: Date = new Date()): void {
  const values = { isDone, doneAt: isDone ? now.toISOString() : null, doneBy: isDone ? actorName(actor) : null }
  updateRecord(doc, NEXT_STEP, id, toStep, actor, now, () => values)
}

export function deleteNextStep(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'nextSteps', id, actor, now)
}

export function listNextSteps(doc: Y.Doc, opts: { sourceId?: string; isOpen?: boolean } = {}): NextStep[] {
  return listRecords(doc, 'nextSteps', toStep)
    .filter((s) => (opts.sourceId === undefined || s.sourceId === opts.sourceId) && (opts.isOpen === undefined || s.isDone !== opts.isOpen))
    .sort((a, b) => Number(a.isDone) - Number(b.isDone) || (a.dueDate || '9999').localeCompare(b.dueDate || '9999') || a.createdAt.localeCompare(b.createdAt))
}
