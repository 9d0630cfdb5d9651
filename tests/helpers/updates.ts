/**
 * The Yjs updates a document emits while a piece of code runs, with their origins: what a write
 * costs on the wire (tests and tests/bench/sync.ts) and how the app would classify it.
 */
import type * as Y from 'yjs'

export interface EmittedUpdate {
  readonly update: Uint8Array
  readonly origin: unknown
}

/** Every update `doc` emits while `fn` runs, in order. */
export function updatesDuring(doc: Y.Doc, fn: () => void): EmittedUpdate[] {
  const seen: EmittedUpdate[] = []
  const on = (update: Uint8Array, origin: unknown): void => void seen.push({ update, origin })
  doc.on('update', on)
  try {
    fn()
  } finally {
    doc.off('update', on)
  }
  return seen
}
