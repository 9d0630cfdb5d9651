/**
 * Next steps: who writes what to whom by when. Every exchange ends with one (a meeting, a
 * letter), and they are ticked off when done. Records in the `nextSteps` collection, pointing at
 * where they were agreed (`sourceId`).
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { randomId } from './ids'
import { isIsoDate } from './dates'
import { assertWritable, collection } from './schema'
import { deleteRecord, liveRecords, readBoolean, readNullableString, readString, stampCreated, stampUpdated, actorName, type Actor } from './record'

export interface NextStepInput {
  /** Who does it (a name, a class, a school). */
  readonly who: string
  readonly what: string
  readonly toWhom: string
  /** YYYY-MM-DD or '' */
  readonly dueDate: string
  /** Where it was agreed: a meeting, a letter; '' when added by hand. */
  readonly sourceId: string
}

export interface NextStep extends NextStepInput {
  readonly id: string
  readonly isDone: boolean
  readonly doneAt: string | null
  readonly doneBy: string | null
  readonly createdBy: string
  readonly createdAt: string
  readonly deletedAt: string | null
}

function steps(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'nextSteps')
}

function toStep(id: string, m: Y.Map<unknown>): NextStep {
  return {
    id,
    who: readString(m, 'who'),
    what: readString(m, 'what'),
    toWhom: readString(m, 'toWhom'),
    dueDate: readString(m, 'dueDate'),
    sourceId: readString(m, 'sourceId'),
    isDone: readBoolean(m, 'isDone'),
    doneAt: readNullableString(m, 'doneAt'),
    doneBy: readNullableString(m, 'doneBy'),
    createdBy: readString(m, 'createdBy'),
    createdAt: readString(m, 'createdAt'),
    deletedAt: readNullableString(m, 'deletedAt'),
  }
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
    m.set('who', input.who.trim())
    m.set('what', input.what.trim())
    m.set('toWhom', input.toWhom.trim())
    m.set('dueDate', input.dueDate)
    m.set('sourceId', input.sourceId)
    m.set('isDone', false)
    stampCreated(m, actor, now)
  })
  return id
}

export function setNextStepDone(doc: Y.Doc, id: string, isDone: boolean, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = steps(doc).get(id)
  if (!(m instanceof Y.Map)) throw new DomainError('notFound', 'id')
  doc.transact(() => {
    m.set('isDone', isDone)
    m.set('doneAt', isDone ? now.toISOString() : null)
    m.set('doneBy', isDone ? actorName(actor) : null)
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
