/**
 * Whether this device's storage takes writes: the one place every writer reports to (the
 * partnership documents in docStore.ts, letter drafts, the outbox), and the sync indicator reads.
 *
 * A refused IndexedDB write (QuotaExceededError, or any other abort) is reported here at the
 * storage boundary instead of being swallowed: the indicator then says the phone is full (or that
 * saving failed) rather than "Saved on this device". The writer keeps its change in memory and
 * tries again — on its own timer, on the next edit, and when the app comes back to the front
 * (`onRetry`, run on focus, on `visibilitychange` to visible and on `online`). When the write goes
 * through, the writer reports `ok` and the state returns to normal.
 */

export type StorageHealthState =
  | { readonly kind: 'ok' }
  /** IndexedDB refused a write for lack of space (QuotaExceededError). */
  | { readonly kind: 'full' }
  /** IndexedDB refused a write for another reason (an aborted transaction). */
  | { readonly kind: 'failing' }

/** True for the browser's "out of space" error, also when wrapped (Dexie's `inner`, `cause`). */
export function isQuotaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const name = (e as { name?: unknown }).name
    if (name === 'QuotaExceededError') return true
    e = (e as { inner?: unknown; cause?: unknown }).inner ?? (e as { cause?: unknown }).cause
  }
  return false
}

const OK: StorageHealthState = { kind: 'ok' }
const FULL: StorageHealthState = { kind: 'full' }
const FAILING: StorageHealthState = { kind: 'failing' }

export class StorageHealth {
  private readonly failures = new Map<string, 'full' | 'failing'>()
  private readonly listeners = new Set<() => void>()
  private readonly retries = new Set<() => void>()
  private state: StorageHealthState = OK
  private hasWindowListeners = false

  /** A write of `source` (e.g. `doc:<name>`, `drafts`) was refused with `err`. */
  report(source: string, err: unknown): void {
    this.failures.set(source, isQuotaError(err) ? 'full' : 'failing')
    this.recompute()
  }

  /** Everything `source` had to write is written. */
  ok(source: string): void {
    if (this.failures.delete(source)) this.recompute()
  }

  /** Runs `retry` when the app comes back to the front or online; returns the unsubscribe. */
  onRetry(retry: () => void): () => void {
    this.retries.add(retry)
    this.listenToWindow()
    return () => this.retries.delete(retry)
  }

  /** Asks every writer to try again now. */
  retryNow(): void {
    for (const r of [...this.retries]) r()
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getState = (): StorageHealthState => this.state

  private recompute(): void {
    const kinds = [...this.failures.values()]
    const next = kinds.includes('full') ? FULL : kinds.length > 0 ? FAILING : OK
    if (next === this.state) return
    this.state = next
    for (const l of [...this.listeners]) l()
  }

  private listenToWindow(): void {
    if (this.hasWindowListeners || typeof window === 'undefined' || typeof window.addEventListener !== 'function') return
    this.hasWindowListeners = true
    const again = (): void => {
      if (this.failures.size > 0) this.retryNow()
    }
    window.addEventListener('focus', again)
    window.addEventListener('online', again)
    window.addEventListener('pageshow', again)
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') again()
      })
    }
  }
}

/** The app's one storage health. */
export const storageHealth = new StorageHealth()
