/**
 * Shared pieces of the planning-cycle screens (this week, feedback, contacts, working group):
 * the props they all get, and turning the domain's validation problems into per-field messages.
 * The device's own date and dates written out in full are in ../format.ts.
 */
import type * as Y from 'yjs'
import { DomainError, ValidationError, listFeedback, readActivity, type DomainErrorCode, type PartnershipMeta, type Reflection, type Actor } from '../../domain'
import type { PartnershipEntry } from '../../storage'

export interface CycleScreenProps {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
}

/** Field → problem code; the key '' holds a problem that belongs to no field. */
export type Problems = ReadonlyMap<string, DomainErrorCode>

export const NO_PROBLEMS: Problems = new Map()

/** The problems a domain call reported, by field; anything that is not a DomainError is rethrown. */
export function problemsOf(error: unknown): Problems {
  if (error instanceof ValidationError) {
    const out = new Map<string, DomainErrorCode>()
    for (const issue of error.issues) if (!out.has(issue.field ?? '')) out.set(issue.field ?? '', issue.code)
    return out
  }
  if (error instanceof DomainError) return new Map([['', error.code]])
  throw error
}

/** Runs a domain write; returns its problems (empty when it worked). */
export function attempt(write: () => void): Problems {
  try {
    write()
    return NO_PROBLEMS
  } catch (error) {
    return problemsOf(error)
  }
}

/** The first problem that none of `fields` shows, for a message at the form. */
export function unplacedProblem(problems: Problems, fields: readonly string[]): DomainErrorCode | undefined {
  for (const [field, code] of problems) if (!fields.includes(field)) return code
  return undefined
}

/** What a reflection is about: the activity's or the feedback moment's title, if still there. */
export function reflectionSubject(doc: Y.Doc, r: Reflection): { readonly kind: 'activity' | 'moment' | 'none'; readonly title: string } {
  if (r.activityId) {
    const a = readActivity(doc, r.activityId)
    if (a) return { kind: 'activity', title: a.title }
  }
  if (r.momentId) {
    const m = listFeedback(doc).moments.find((x) => x.id === r.momentId)
    if (m) return { kind: 'moment', title: m.title }
  }
  return { kind: 'none', title: '' }
}
