/**
 * Values read from a document once per change of it: a screen that asks the same question for
 * every row of a list (the plan's delivery lines: which school each device speaks for, who the
 * partner school is) reads the document once, not once per row. Forgotten before any observer of
 * the next change runs (Yjs `beforeObserverCalls`), so nobody reads an answer older than the
 * document; inside a transaction nothing is kept (its changes are not noted yet).
 *
 * For read helpers only: `read` must depend on nothing but the document, and what it returns is
 * shared between callers (treat it as read-only).
 */
import type * as Y from 'yjs'

const caches = /* @__PURE__ */ new WeakMap<Y.Doc, Map<string, unknown>>()

export function readOncePerChange<T>(doc: Y.Doc, key: string, read: () => T): T {
  if ((doc as unknown as { _transaction: unknown })._transaction) return read()
  let cache = caches.get(doc)
  if (!cache) {
    const fresh = new Map<string, unknown>()
    doc.on('beforeObserverCalls', () => fresh.clear())
    caches.set(doc, (cache = fresh))
  }
  if (cache.has(key)) return cache.get(key) as T
  const value = read()
  cache.set(key, value)
  return value
}
