/**
 * Per-address counters over a fixed window (connections per minute, failed proofs per minute,
 * rooms created per hour). The map is bounded: expired windows are swept when it fills, and if
 * it is still full the oldest address is forgotten — an attacker with many addresses cannot grow
 * the relay's memory, at worst it resets someone's count.
 */
export class WindowCounter {
  private readonly counts = new Map<string, { start: number; count: number }>()
  private readonly limit: number
  private readonly windowMs: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(limit: number, windowMs: number, opts: { maxKeys?: number; now?: () => number } = {}) {
    this.limit = limit
    this.windowMs = windowMs
    this.maxKeys = opts.maxKeys ?? 10_000
    this.now = opts.now ?? Date.now
  }

  private current(key: string): { start: number; count: number } | undefined {
    const entry = this.counts.get(key)
    if (entry && this.now() - entry.start >= this.windowMs) {
      this.counts.delete(key)
      return undefined
    }
    return entry
  }

  /** Seconds until `key` may act again, or 0 when it is under its limit. */
  retryAfterSeconds(key: string): number {
    const entry = this.current(key)
    if (!entry || entry.count < this.limit) return 0
    return Math.max(1, Math.ceil((entry.start + this.windowMs - this.now()) / 1000))
  }

  /** Counts one event for `key`. */
  add(key: string): void {
    const entry = this.current(key)
    if (entry) {
      entry.count++
      return
    }
    if (this.counts.size >= this.maxKeys) this.sweep()
    this.counts.set(key, { start: this.now(), count: 1 })
  }

  /** Counts one event and tells whether it was still within the limit (0) or the wait (seconds). */
  take(key: string): number {
    const wait = this.retryAfterSeconds(key)
    if (wait === 0) this.add(key)
    return wait
  }

  get size(): number {
    return this.counts.size
  }

  private sweep(): void {
    const now = this.now()
    for (const [k, e] of this.counts) if (now - e.start >= this.windowMs) this.counts.delete(k)
    // Still full: forget the oldest (Map keeps insertion order; a new window re-inserts).
    while (this.counts.size >= this.maxKeys) {
      const oldest = this.counts.keys().next().value
      if (oldest === undefined) break
      this.counts.delete(oldest)
    }
  }
}
