/**
 * Partnership documents on several simulated devices, for domain tests: a new partnership, a
 * second device that starts from the same state, and syncing them all with each other.
 */
import * as Y from 'yjs'
import { initPartnership, type Author } from '../../src/domain'

export const an: Author = { personId: 'p-an', name: 'An', deviceId: 'laptop-a' }
export const amani: Author = { personId: 'p-amani', name: 'Amani', deviceId: 'phone-b' }

/** Gent–Huye, schools `sa` and `sb` (or the ids given), created by An. */
export function newPartnership(options: { readonly schoolAId?: string; readonly schoolBId?: string; readonly author?: Author | string } = {}): Y.Doc {
  const { schoolAId = 'sa', schoolBId = 'sb', author = an } = options
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId, schoolBId }, author)
  return doc
}

/** Another device that starts from the same state, then edits apart. */
export function fork(doc: Y.Doc): Y.Doc {
  const other = new Y.Doc()
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
  return other
}

/** Every device receives what every other has. */
export function sync(...docs: Y.Doc[]): void {
  for (const x of docs) for (const y of docs) if (x !== y) Y.applyUpdate(y, Y.encodeStateAsUpdate(x, Y.encodeStateVector(y)))
}

/** 08:00 UTC on day `n` of October 2026. */
export const day = (n: number): Date => new Date(Date.UTC(2026, 9, n, 8))
