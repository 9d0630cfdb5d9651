/**
 * Counts whole-document encodes (`Y.encodeStateAsUpdate(doc)` without a state vector) per
 * document: a deterministic stand-in for "no 2.3 MB of work per edit". Use in a test file with
 *   vi.mock('yjs', async (importOriginal) => (await import('../helpers/wholeEncodes')).countingYjs(importOriginal))
 * and read `wholeEncodesOf(doc)`.
 */
import type * as Y from 'yjs'

const counts = new WeakMap<object, number>()

export function wholeEncodesOf(doc: Y.Doc): number {
  return counts.get(doc) ?? 0
}

export async function countingYjs(importOriginal: <T>() => Promise<T>): Promise<typeof Y> {
  const actual = await importOriginal<typeof Y>()
  return {
    ...actual,
    encodeStateAsUpdate: (doc: Y.Doc, sv?: Uint8Array) => {
      if (sv === undefined) counts.set(doc, wholeEncodesOf(doc) + 1)
      return actual.encodeStateAsUpdate(doc, sv)
    },
  }
}
