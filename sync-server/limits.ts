/**
 * Per-address counters over a fixed window (connections per minute, failed proofs per minute,
 * rooms created per hour). The map is bounded: expired windows are swept when it fills, and if
 * it is still full the oldest address is forgotten — an attacker with many addresses cannot grow
 * the relay's memory, at worst it resets someone's count. `addressKey` is what they count an
 * address as (IPv6 by its /64), `clientAddress` which address of a request they count.
 */
import type { IncomingMessage } from 'node:http'
import { isIPv4, isIPv6 } from 'node:net'

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

/**
 * The key every per-address limit counts an address under (WebSocket upgrades, refused proofs,
 * rooms created, snapshot and photo requests): an IPv4 address as itself, also when it comes
 * IPv4-mapped (`::ffff:192.0.2.1`); an IPv6 address by its /64 prefix (`2001:db8:1:2::/64`),
 * because one home or phone holds a whole /64 and could otherwise count as 2^64 addresses.
 * Anything else (an `X-Forwarded-For` entry that is no address) is counted as the text it is.
 */
export function addressKey(address: string): string {
  let a = address.trim()
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1)
  const zone = a.indexOf('%')
  if (zone >= 0) a = a.slice(0, zone)
  if (isIPv4(a)) return a
  if (!isIPv6(a)) return address
  const hextets = expandIPv6(a.toLowerCase())
  // ::ffff:a.b.c.d (or written in hex): an IPv4 client on a dual-stack socket
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const hi = hextets[6]!
    const lo = hextets[7]!
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
  }
  return `${hextets.slice(0, 4).map((h) => h.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address (`::` and a trailing dotted IPv4 expanded). */
function expandIPv6(a: string): number[] {
  let text = a
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined]
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)))
  const left = parse(head)
  if (tail === undefined) return left
  const right = parse(tail)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

/** The address the per-address limits count (see `trustProxyHops`, relayConfig.ts), as `addressKey` counts it (IPv6 by /64). */
export function clientAddress(req: IncomingMessage, trustProxyHops = 0): string {
  const direct = req.socket.remoteAddress ?? 'unknown'
  if (trustProxyHops <= 0) return addressKey(direct)
  const header = req.headers['x-forwarded-for']
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  return addressKey(entries[entries.length - trustProxyHops] ?? entries[0] ?? direct)
}
