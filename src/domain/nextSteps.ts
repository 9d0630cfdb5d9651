/**
 * Next steps: who writes what to whom by when. Every exchange ends with one (a meeting, a
 * letter), and they are ticked off when done. Records in the `nextSteps` collection, pointing at
 * where they were agreed (`sourceId`).
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isIsoDate } from './dates'
import { defineRecordType, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection } from './schema'
import { deleteRecord, liveRecords, stampCreated, stampUpdated, actorName, type Actor } from './record'

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

function steps(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'nextSteps')
}

function toStep(id: string, m: Y.Map<unknown>): NextStep {
  return { id, ...readFields(NEXT_STEP.fields, m), ...readStamps(m) }
}

export function addNextStep(doc: Y.Doc, input: NextStepInput, actor: Actor, now: Date = new Date()): string {
  assertWritable(doc)
  const issues: DomainError[] = []
  if (!input.what.trim()) issues.push(new DomainError('required', 'what'))
  if (!input.who.trim()) issues.push(new DomainError('required', 'who'))
  if (input.dueDate && !isIsoDate(input.dueDate)) issues.push(new DomainError('invalidDate', 'dueDate'))
  if (issues.length > 0) throw new ValidationError(issues)
  const id = randomId()
  doc.transact(() => {
    const m = new Y.Map<unknown>()
    steps(doc).set(id, m)
    writeChangedFields(NEXT_STEP.fields, m, undefined, {
      who: input.who.trim(),
      what: input.what.trim(),
      toWhom: input.toWhom.trim(),
      dueDate: input.dueDate,
      sourceId: input.sourceId,
      isDone: false,
    })
    stampCreated(m, actor, now)
  })
  return id
}

export function setNextStepDone(doc: Y.Doc, id: string, isDone: boolean, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = steps(doc).get(id)
  if (!(m instanceof Y.Map)) throw new DomainError('notFound', 'id')
  doc.transact(() => {
    writeChangedFields(NEXT_STEP.fields, m, toStep(id, m), { isDone, doneAt: isDone ? now.toISOString() : null, doneBy: isDone ? actorName(actor) : null })
    stampUpdated(m, actor, now)
  })
}

export function deleteNextStep(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'nextSteps', id, actor, now)
}

export function listNextSteps(doc: Y.Doc, opts: { sourceId?: string; isOpen?: boolean } = {}): NextStep[] {
  return liveRecords(steps(doc), toStep)
    .filter((s) => (opts.sourceId === undefined || s.sourceId === opts.sourceId) && (opts.isOpen === undefined || s.isDone !== opts.isOpen))
    .sort((a, b) => Number(a.isDone) - Number(b.isDone) || (a.dueDate || '9999').localeCompare(b.dueDate || '9999') || a.createdAt.localeCompare(b.createdAt))
}
