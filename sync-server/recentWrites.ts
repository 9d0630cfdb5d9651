/**
 * A room's recent writes for acknowledgements and resuming (acks.ts, resume.ts): each write's
 * change (`Y.encodeSnapshot` of its deletions and the clocks it moved) kept in one buffer, about
 * 10 bytes for a one-field edit plus 8 for its offset — an object and a Uint8Array per write cost
 * about 260. The oldest are forgotten beyond a number of writes or of bytes.
 */
export class RecentWrites {
  private buffer = new Uint8Array(1024)
  /** Where each kept write ends in `buffer`; the first starts at `start`. */
  private ends: number[] = []
  private start = 0
  /** Every write up to this one (by the room's `writeCount`) is forgotten. */
  forgottenThrough = 0

  constructor(
    private readonly maxWrites: number,
    private readonly maxBytes: number,
  ) {}

  /** Bytes of the changes kept. */
  get bytes(): number {
    return (this.ends.at(-1) ?? this.start) - this.start
  }

  /** Keeps the change of the write after the last one, forgetting the oldest beyond the bounds. */
  push(change: Uint8Array): void {
    let end = this.ends.at(-1) ?? this.start
    if (end + change.byteLength > this.buffer.byteLength) {
      // move what is kept to the front of a buffer of the size it needs (grown, or shrunk after a big write left)
      const kept = end - this.start
      const size = Math.max(1024, 2 ** Math.ceil(Math.log2(kept + change.byteLength)))
      const next = size === this.buffer.byteLength ? this.buffer : new Uint8Array(size)
      next.set(this.buffer.subarray(this.start, end), 0) // copies first when both are the same buffer
      this.ends = this.ends.map((e) => e - this.start)
      this.buffer = next
      this.start = 0
      end = kept
    }
    this.buffer.set(change, end)
    this.ends.push(end + change.byteLength)
    while (this.ends.length > 0 && (this.ends.length > this.maxWrites || this.bytes > this.maxBytes)) {
      this.start = this.ends.shift()!
      this.forgottenThrough++
    }
    if (this.ends.length === 0) this.start = 0
  }

  /** The changes of the writes after `since`, oldest first; undefined when one of them is forgotten. */
  after(since: number): Uint8Array[] | undefined {
    if (since < this.forgottenThrough || since > this.forgottenThrough + this.ends.length) return undefined
    const out: Uint8Array[] = []
    for (let i = since - this.forgottenThrough; i < this.ends.length; i++) {
      out.push(this.buffer.subarray(i === 0 ? this.start : this.ends[i - 1]!, this.ends[i]!))
    }
    return out
  }
}
