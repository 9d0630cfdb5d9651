/**
 * One partnership document on this device: a Y.Doc kept in IndexedDB by y-indexeddb, with the
 * local journal in front of it (see journal.ts) so an edit survives an immediate tab close.
 */
import * as Y from 'yjs'
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb'
import { Journal, replayJournal } from './journal'

export const JOURNAL_ORIGIN = 'scholenband:journal'

/** Local edits: made on this device (no origin, or a string such as a migration's), not received. */
export function isLocalOrigin(origin: unknown): boolean {
  return origin === null || origin === undefined || typeof origin === 'string'
}

export function docName(roomId: string): string {
  return `sb-doc-${roomId}`
}

export interface LocalDocument {
  readonly doc: Y.Doc
  /** Resolves once the stored state has been loaded into `doc`. */
  readonly whenLoaded: Promise<void>
  /** True when IndexedDB held nothing for this document (new, or evicted by the browser). */
  wasEmpty(): boolean
  destroy(): Promise<void>
}

export function openLocalDocument(roomId: string): LocalDocument {
  const name = docName(roomId)
  const doc = new Y.Doc()
  const journal = new Journal(name)
  // journal entries first: they may hold the last edit before a tab was closed
  const replayed = replayJournal(journal, doc, JOURNAL_ORIGIN)
  const persistence = new IndexeddbPersistence(name, doc)

  /** After a write was queued by y-indexeddb, wait for it to finish, then run `confirm`. */
  const afterCommit = (confirm: () => void): void => {
    const db = persistence.db
    if (!db) {
      // not open yet: the full state is written while loading; confirm after that
      void persistence.whenSynced.then(() => afterCommit(confirm))
      return
    }
    try {
      const tx = db.transaction(['updates'], 'readonly')
      tx.oncomplete = confirm
    } catch {
      /* database closing: the journal keeps the entry for next time */
    }
  }

  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (!isLocalOrigin(origin) || origin === JOURNAL_ORIGIN) return
    const seq = journal.append(update)
    if (seq !== undefined) afterCommit(() => journal.confirm(seq))
  }
  // registered after y-indexeddb's own handler, so its transaction is created before ours
  doc.on('update', onUpdate)

  let isEmptyOnLoad = false
  const whenLoaded = persistence.whenSynced.then(() => {
    isEmptyOnLoad = replayed.size === 0 && doc.store.clients.size === 0
    if (replayed.size > 0) afterCommit(() => journal.confirmReplayed(replayed))
  })

  return {
    doc,
    whenLoaded,
    wasEmpty: () => isEmptyOnLoad,
    destroy: async () => {
      doc.off('update', onUpdate)
      await persistence.destroy()
      doc.destroy()
    },
  }
}

/** Removes a partnership's document and journal from this device. */
export async function deleteLocalDocument(roomId: string): Promise<void> {
  new Journal(docName(roomId)).clear()
  await clearDocument(docName(roomId))
}
