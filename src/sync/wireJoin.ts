/**
 * Joining over HTTP (docs/protocol.md "Joining over HTTP"): the body of `GET /join/<roomId>`, the
 * room's whole document in parts that can each be applied as soon as they arrive, with the relay
 * position it is the state of. Part of the wire format of wire.ts (which re-exports it); the relay
 * writes these bytes (sync-server/joinDocument.ts), the app reads them (joinByHttp.ts).
 *
 * The body is a sequence of lib0 `varUint8Array` frames:
 * 1. the header: `varUint` format (1), `varString` epoch, `varUint` n, `varUint` number of parts,
 *    `varUint8Array` the room's snapshot at n (`Y.encodeSnapshot`: state vector and delete set —
 *    what an acknowledgement at n covers);
 * 2. that many parts, each a Yjs update in format V2 (`Y.encodeStateAsUpdateV2`), ordered so that
 *    what a part's items build on is in the same part or an earlier one (a part is the structs of
 *    some clients, with the whole delete set).
 *
 * Applied in order into an empty document, the parts give the room's document as it was at the
 * position (epoch, n): what its acknowledgement at n covered, every write durable.
 *
 * Pure functions over bytes, no imports from the rest of the app.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { EPOCH_PATTERN, type RelayPosition } from './wireAck'

/** The one body format there is. A relay never sends another to an app that does not know it. */
export const JOIN_FORMAT = 1

/** The media type of the body (before its Content-Encoding). */
export const JOIN_CONTENT_TYPE = 'application/vnd.scholenband.join'

/** Largest frame an app accepts: beyond the relay's largest room (32 MiB by default) with room to spare. */
export const MAX_JOIN_FRAME_BYTES = 64 * 1024 * 1024

/** Most parts a body may announce. */
export const MAX_JOIN_PARTS = 4096

export interface JoinHeader {
  readonly position: RelayPosition
  readonly parts: number
  /** `Y.encodeSnapshot` of the room's document at the position. */
  readonly snapshot: Uint8Array
}

export function encodeJoinHeader(header: JoinHeader): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, JOIN_FORMAT)
  encoding.writeVarString(inner, header.position.epoch)
  encoding.writeVarUint(inner, header.position.n)
  encoding.writeVarUint(inner, header.parts)
  encoding.writeVarUint8Array(inner, header.snapshot)
  return encodeJoinFrame(encoding.toUint8Array(inner))
}

export function encodeJoinFrame(bytes: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint8Array(e, bytes)
  return encoding.toUint8Array(e)
}

/** Throws on anything that is not a header of format 1 with a well-formed position. */
export function readJoinHeader(frame: Uint8Array): JoinHeader {
  const d = decoding.createDecoder(frame)
  const format = decoding.readVarUint(d)
  if (format !== JOIN_FORMAT) throw new Error(`unknown join format ${format}`)
  const epoch = decoding.readVarString(d)
  const n = decoding.readVarUint(d)
  const parts = decoding.readVarUint(d)
  const snapshot = decoding.readVarUint8Array(d)
  if (!EPOCH_PATTERN.test(epoch) || !Number.isSafeInteger(n) || parts < 1 || parts > MAX_JOIN_PARTS || d.pos !== frame.byteLength) {
    throw new Error('malformed join header')
  }
  return { position: { epoch, n }, parts, snapshot }
}

/**
 * Cuts a byte stream into frames as its chunks arrive. `push` returns the frames completed by the
 * chunk; a frame announcing more than `MAX_JOIN_FRAME_BYTES` throws before anything is kept.
 */
export class JoinFrameReader {
  private chunks: Uint8Array[] = []
  private buffered = 0

  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk)
      this.buffered += chunk.byteLength
    }
    const frames: Uint8Array[] = []
    for (;;) {
      const head = this.peekLength()
      if (!head || this.buffered < head.headBytes + head.length) return frames
      const all = this.take(head.headBytes + head.length)
      frames.push(all.subarray(head.headBytes))
    }
  }

  /** Bytes received that do not make a whole frame yet (a body that ends with some was cut short). */
  get pending(): number {
    return this.buffered
  }

  /** The next frame's length and the bytes of its varUint, once they are all here. */
  private peekLength(): { length: number; headBytes: number } | undefined {
    let length = 0
    let mult = 1
    let i = 0
    for (const chunk of this.chunks) {
      for (const byte of chunk) {
        length += (byte & 0x7f) * mult
        i++
        if (byte < 0x80) {
          if (length > MAX_JOIN_FRAME_BYTES) throw new Error('join frame too large')
          return { length, headBytes: i }
        }
        mult *= 128
        if (i >= 5) throw new Error('join frame too large')
      }
    }
    return undefined
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n)
    let at = 0
    let used = 0 // whole chunks taken
    while (at < n) {
      const chunk = this.chunks[used]!
      const count = Math.min(chunk.byteLength, n - at)
      out.set(chunk.subarray(0, count), at)
      at += count
      if (count === chunk.byteLength) used++
      else this.chunks[used] = chunk.subarray(count)
    }
    this.chunks.splice(0, used) // once: a frame that came in many small chunks is not quadratic
    this.buffered -= n
    return out
  }
}
