/**
 * "The document changed" without the bytes of the change. A Y.Doc with any 'update' listener
 * encodes every transaction's changes for it (`writeUpdateMessageFromTransaction`), listener or
 * not interested in the bytes: while a five-year partnership opens, that is its whole content
 * encoded once more, a slice at a time, and the garbage of it (bench:app's cold start). Screens and
 * upkeep that only need to know *that* something changed listen here instead: after every
 * transaction that added or deleted content — the transactions Yjs would emit an 'update' for.
 */
import type * as Y from 'yjs'

/** Whether a finished transaction changed the document (Yjs emits 'update' for exactly these). */
export function changedContent(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true
  for (const [client, clock] of tr.afterState) if ((tr.beforeState.get(client) ?? 0) !== clock) return true
  return false
}

/** Calls `listener` after each transaction that changed `doc`; returns the unsubscribe. */
export function onDocChange(doc: Y.Doc, listener: (tr: Y.Transaction) => void): () => void {
  const onTransaction = (tr: Y.Transaction): void => {
    if (changedContent(tr)) listener(tr)
  }
  doc.on('afterTransaction', onTransaction)
  return () => doc.off('afterTransaction', onTransaction)
}
