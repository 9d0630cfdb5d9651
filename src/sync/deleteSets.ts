/**
 * Delete sets on the wire, for the two ends of a resumed exchange (docs/protocol.md "Resuming from
 * a relay position"): an update with fewer deletions than Yjs puts in it. In Yjs 13's update
 * format (V1) an update is its structs followed by its delete set, and `Y.encodeStateAsUpdate`
 * ends with the document's whole delete set, encoded as `Y.encodeSnapshot` encodes one (followed
 * there by the state vector, a single 0 when empty). `withDeletions` replaces that tail after
 * checking it byte for byte, so a Yjs that encodes otherwise gets the whole update.
 *
 * Used by the relay (sync-server/resume.ts: only the deletions a resumed socket lacks) and by the
 * app (resume.ts: only those the relay has not acknowledged). Pure functions, no app imports.
 */
import * as Y from 'yjs'

/** Yjs's delete set (the type is not exported by name). */
export type DeleteSet = Y.Snapshot['ds']

/** A delete set as an update (format V1) ends with it: `Y.encodeSnapshot` without its empty state vector. */
export function encodeDeleteSet(ds: DeleteSet): Uint8Array {
  const s = Y.encodeSnapshot(Y.createSnapshot(ds, new Map()))
  return s.subarray(0, s.byteLength - 1)
}

/** The deletions of `ds` on items at or beyond `sv` (what a document with that state vector has not got). */
export function deletionsFrom(ds: DeleteSet, sv: Map<number, number>): DeleteSet {
  const out = Y.createDeleteSet()
  for (const [client, items] of ds.clients) {
    const from = sv.get(client) ?? 0
    const kept = []
    for (const item of items) {
      const end = item.clock + item.len
      if (end <= from) continue
      const clock = Math.max(item.clock, from)
      kept.push(clock === item.clock ? item : { clock, len: end - clock })
    }
    if (kept.length > 0) out.clients.set(client, kept as typeof items)
  }
  return out
}

/** The deletions of `a` that `b` does not hold. */
export function deletionsBeyond(a: DeleteSet, b: DeleteSet): DeleteSet {
  const sorted = Y.mergeDeleteSets([b]) // sorted and merged per client
  const out = Y.createDeleteSet()
  for (const [client, items] of Y.mergeDeleteSets([a]).clients) {
    const known = sorted.clients.get(client) ?? []
    const kept = []
    let k = 0
    for (const item of items) {
      let clock = item.clock
      const end = item.clock + item.len
      while (clock < end) {
        while (k < known.length && known[k]!.clock + known[k]!.len <= clock) k++
        const next = known[k]
        if (!next || next.clock >= end) {
          kept.push({ clock, len: end - clock })
          break
        }
        if (next.clock > clock) kept.push({ clock, len: next.clock - clock })
        clock = next.clock + next.len
      }
    }
    if (kept.length > 0) out.clients.set(client, kept as typeof items)
  }
  return out
}

/**
 * `Y.encodeStateAsUpdate(doc, encodedSv)` with `ds` instead of the document's whole delete set;
 * undefined when the document holds structs it could not integrate yet, or Yjs encoded the tail
 * otherwise (then send the whole update).
 */
export function withDeletions(doc: Y.Doc, encodedSv: Uint8Array, wholeDs: DeleteSet, ds: DeleteSet): Uint8Array | undefined {
  if (doc.store.pendingStructs || doc.store.pendingDs) return undefined
  const whole = Y.encodeStateAsUpdate(doc, encodedSv)
  const tail = encodeDeleteSet(wholeDs)
  if (!endsWith(whole, tail)) return undefined
  const own = encodeDeleteSet(ds)
  const out = new Uint8Array(whole.byteLength - tail.byteLength + own.byteLength)
  out.set(whole.subarray(0, whole.byteLength - tail.byteLength))
  out.set(own, whole.byteLength - tail.byteLength)
  return out
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (tail.byteLength > bytes.byteLength) return false
  const at = bytes.byteLength - tail.byteLength
  for (let i = 0; i < tail.byteLength; i++) if (bytes[at + i] !== tail[i]) return false
  return true
}
