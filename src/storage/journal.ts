/**
 * A write-ahead journal in localStorage for local edits, until IndexedDB has committed them.
 *
 * Why: y-indexeddb starts an IndexedDB transaction per update but offers no "stored yet?" signal
 * (yjs/y-indexeddb#28); an edit followed at once by closing the tab can vanish with the
 * transaction. localStorage writes are synchronous, so the edit is on disk when the handler returns.
 * The entry goes only once docStore.ts has written the update to IndexedDB, seen the transaction
 * complete and read the row back: a write IndexedDB refused or aborted (a full phone) leaves the
 * entry here, and it is written again on the next open if the app is closed before then.
 *
 * On open, journal entries are applied to the document first (Yjs updates are idempotent), and
 * y-indexeddb stores them with the rest of the state.
 *
 * If localStorage is full or missing, the journal is skipped: y-indexeddb still stores the edit,
 * only without the tab-close guarantee.
 */
import * as Y from 'yjs'

const PREFIX = 'sb-journal:'

interface Entry {
  readonly seq: number
  /** Which Journal instance wrote it (two tabs may journal the same document). */
  readonly o: string
  /** base64 of the Yjs update */
  readonly u: string
}

function toB64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromB64(text: string): Uint8Array {
  const bin = atob(text)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined
  }
}

export class Journal {
  private readonly key: string
  private readonly owner = Math.random().toString(36).slice(2, 10)

  constructor(docName: string) {
    this.key = PREFIX + docName
  }

  private read(): Entry[] {
    const raw = storage()?.getItem(this.key)
    if (!raw) return []
    try {
      const parsed: unknown = JSON.parse(raw)
      return Array.isArray(parsed)
        ? parsed.filter(
            (e): e is Entry => typeof e === 'object' && e !== null && typeof e.seq === 'number' && typeof e.u === 'string' && typeof e.o === 'string',
          )
        : []
    } catch {
      return []
    }
  }

  private write(entries: Entry[]): void {
    const s = storage()
    if (!s) return
    if (entries.length === 0) s.removeItem(this.key)
    else s.setItem(this.key, JSON.stringify(entries))
  }

  /** Appends an update; returns its sequence number, or undefined when it could not be journaled. */
  append(update: Uint8Array): number | undefined {
    try {
      const entries = this.read()
      // numbered after whatever is stored now, so entries of another tab are never overtaken
      const seq = entries.reduce((m, e) => Math.max(m, e.seq), 0) + 1
      entries.push({ seq, o: this.owner, u: toB64(update) })
      this.write(entries)
      return seq
    } catch {
      // quota exceeded or storage disabled: y-indexeddb still gets the update
      return undefined
    }
  }

  /** Drops this instance's entries up to and including `seq` (another tab's stay). */
  confirm(seq: number): void {
    try {
      this.write(this.read().filter((e) => e.o !== this.owner || e.seq > seq))
    } catch {
      /* nothing to do: the entry is applied again on next open, harmlessly */
    }
  }

  /** Drops the entries with these sequence numbers, whoever wrote them (after a replay). */
  confirmReplayed(seqs: ReadonlySet<number>): void {
    try {
      this.write(this.read().filter((e) => !seqs.has(e.seq)))
    } catch {
      /* nothing to do: the entry is applied again on next open, harmlessly */
    }
  }

  /** Updates journaled but not confirmed, oldest first. */
  pending(): { seq: number; update: Uint8Array }[] {
    return this.read().map((e) => ({ seq: e.seq, update: fromB64(e.u) }))
  }

  clear(): void {
    try {
      storage()?.removeItem(this.key)
    } catch {
      /* ignore */
    }
  }
}

/**
 * Applies what the journal holds to the document, marked with `origin` so it is not journaled
 * again. Returns the sequence numbers replayed (to confirm once IndexedDB holds them).
 */
export function replayJournal(journal: Journal, doc: Y.Doc, origin: unknown): Set<number> {
  const entries = journal.pending()
  if (entries.length > 0) {
    Y.transact(doc, () => {
      for (const e of entries) Y.applyUpdate(doc, e.update)
    }, origin)
  }
  return new Set(entries.map((e) => e.seq))
}
