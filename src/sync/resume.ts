/**
 * The app's side of resuming from a relay position (docs/protocol.md "Resuming from a relay
 * position"): which position a new socket offers, and what an acknowledgement adds to what the
 * relay is known to hold.
 *
 * - Remembered: the position of the newest acknowledgement whose chain this device followed from
 *   a whole one (or from a position the relay accepted), with the union of those acks: exactly
 *   what the relay acknowledged up to there. Kept in memory and, through `remember`, on the device
 *   (src/storage/relayPosition.ts).
 * - Offered only when this device's document holds every deletion of that snapshot on the items
 *   it has: the relay then skips those deletions, so a document that lost some (a tab closed
 *   before y-indexeddb wrote them, a first ack that came before the relay's sync step 2) offers
 *   nothing and gets everything.
 * - The relay's first ack on a socket says whether it resumed: a delta after the offered position
 *   (then the remembered snapshot joins what is known — the relay, in the same epoch, still holds
 *   it), or whole (a new epoch: restarted, reloaded, another instance), then as without a position.
 * - A relay that resumed sends its sync step 1 as a delta after the position (message 103): the
 *   device answers against the state vector it remembered there joined with that delta.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { deletionsBeyond, withDeletions, type DeleteSet } from './deleteSets'
import { EPOCH_PATTERN, mergeSnapshots, readSyncStep1Since, type RelayAck, type RelayPosition } from './wireAck'
import { runSteps, runStepsSliced } from '../storage/steps'

/** What the device keeps between sessions (src/storage/relayPosition.ts), the snapshot encoded. */
export interface StoredRelayPosition {
  readonly epoch: string
  readonly n: number
  readonly snapshot: Uint8Array
}

export interface ResumeOptions {
  /** The position remembered on this device, read before the connection starts. */
  readonly remembered?: StoredRelayPosition
  /** Keeps a newer position on the device (called after acks; the function encodes it when written). */
  readonly remember?: (next: () => StoredRelayPosition) => void
}

interface Known {
  readonly position: RelayPosition
  readonly snapshot: Y.Snapshot
}

export class RelayResume {
  private remembered: Known | undefined
  /** What the current socket offered. */
  private offered: Known | undefined
  /** The current socket's acks so far, when they form a chain from a whole one or the offered position. */
  private chain: Known | undefined

  constructor(
    private readonly doc: Y.Doc,
    private readonly options: ResumeOptions = {},
  ) {
    const r = options.remembered
    // a row that is not a position (damaged storage) is no position: it goes into a subprotocol
    if (r && EPOCH_PATTERN.test(r.epoch) && Number.isSafeInteger(r.n) && r.n >= 0) {
      try {
        this.remembered = { position: { epoch: r.epoch, n: r.n }, snapshot: Y.decodeSnapshot(r.snapshot) }
      } catch {
        this.remembered = undefined
      }
    }
  }

  /**
   * The room's whole document arrived over HTTP (joinByHttp.ts) as it was at `position`, where the
   * relay held `snapshot`: remembered like an acknowledged position, so the next socket offers it.
   */
  joined(position: RelayPosition, snapshot: Y.Snapshot): void {
    const known = { position, snapshot }
    this.remembered = known
    this.options.remember?.(() => ({ ...position, snapshot: Y.encodeSnapshot(snapshot) }))
  }

  /** A socket is being opened: the position it offers, if any. */
  offer(): RelayPosition | undefined {
    this.chain = undefined
    const r = this.remembered
    this.offered = r && this.holdsDeletionsOf(r) ? r : undefined
    return this.offered?.position
  }

  /** The remembered snapshot and the state vector this document had when it was found to hold its deletions. */
  private held: { known: Known; sv: Uint8Array } | undefined

  /**
   * `holdsDeletions`, asked again only when the document got new items: a deletion, once applied,
   * stays, so a yes holds until an item arrives (one the snapshot says is deleted may come undeleted
   * from a store that lost the deletion). A reconnect attempt every few seconds while offline
   * asked it each time: ~25 ms on a five-year partnership, ~100 ms on a phone 4× slower.
   */
  private holdsDeletionsOf(known: Known): boolean {
    const sv = Y.encodeStateVector(this.doc)
    if (this.isHeld(known, sv)) return true
    const holds = holdsDeletions(this.doc, known.snapshot.ds)
    this.held = holds ? { known, sv } : undefined
    return holds
  }

  private isHeld(known: Known, sv: Uint8Array): boolean {
    const held = this.held
    return held !== undefined && held.known === known && held.sv.length === sv.length && held.sv.every((b, i) => b === sv[i])
  }

  /**
   * Walks the remembered snapshot's deletions ahead of the socket, a slice at a time (`nextTask()`
   * between slices), so that the socket's `offer()` finds the answer: at a cold start that walk is
   * the first run of its code, ~80 ms in one task on a phone 4× slower. Undefined when there is
   * nothing to walk (no position remembered, or the answer known for the document as it is).
   * `isStopped`: the walk ends unfinished (nothing learnt) once it says so, e.g. the connection closed.
   */
  prepare(nextTask: () => Promise<void>, sliceMs: number, isStopped?: () => boolean): Promise<void> | undefined {
    const known = this.remembered
    if (!known) return undefined
    const sv = Y.encodeStateVector(this.doc)
    if (this.isHeld(known, sv)) return undefined
    return holdsDeletionsSliced(this.doc, known.snapshot.ds, nextTask, sliceMs, isStopped).then((holds) => {
      // for the document as it was when asked: with items that came meanwhile, `offer` asks again
      if (holds && this.remembered === known) this.held = { known, sv }
    })
  }

  /**
   * Answers the relay's sync step 1 after a position (message 103, body next in `decoder`) with a
   * sync step 2 (message 0) in `encoder`: what this document has beyond the state vector remembered
   * for that position joined with the clients that moved since. For a position this socket did not
   * offer, everything (never less than the relay lacks).
   */
  answerSyncStep1Since(encoder: encoding.Encoder, decoder: decoding.Decoder, messageSync: number): void {
    const { position, moved } = readSyncStep1Since(decoder)
    const offered = this.offered
    const isOffered = offered !== undefined && offered.position.epoch === position.epoch && offered.position.n === position.n
    const sv = new Map(isOffered ? offered.snapshot.sv : [])
    if (isOffered) for (const [client, clock] of moved) sv.set(client, Math.max(clock, sv.get(client) ?? 0))
    encoding.writeVarUint(encoder, messageSync)
    const encodedSv = Y.encodeStateVector(sv)
    // of the deletions, only those the relay did not acknowledge by that position (it still holds
    // those, in the same epoch): not the whole delete set, 15 KB on a five-year partnership
    const wholeDs = Y.createDeleteSetFromStructStore(this.doc.store)
    const update = isOffered ? withDeletions(this.doc, encodedSv, wholeDs, deletionsBeyond(wholeDs, offered.snapshot.ds)) : undefined
    if (!update) return syncProtocol.writeSyncStep2(encoder, this.doc, encodedSv)
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
    encoding.writeVarUint8Array(encoder, update)
  }

  /** The socket closed: its acks end here. */
  close(): void {
    this.chain = undefined
    this.offered = undefined
  }

  /** An ack arrived: what the relay is known to hold now, to merge with what it was known to hold. */
  onAck(ack: RelayAck): Y.Snapshot {
    const { snapshot, position, since } = ack
    let adds = snapshot
    const chain = this.chain
    if (!position) this.chain = undefined
    else if (since === undefined) this.chain = { position, snapshot }
    else if (chain && chain.position.epoch === position.epoch && chain.position.n === since) {
      this.chain = { position, snapshot: mergeSnapshots(chain.snapshot, snapshot) }
    } else if (!chain && this.offered && this.offered.position.epoch === position.epoch && this.offered.position.n === since) {
      // resumed: the relay still holds what it acknowledged up to the offered position
      this.chain = { position, snapshot: mergeSnapshots(this.offered.snapshot, snapshot) }
      adds = this.chain.snapshot
    } else this.chain = undefined
    const kept = this.chain
    if (kept) {
      this.remembered = kept
      this.options.remember?.(() => ({ ...kept.position, snapshot: Y.encodeSnapshot(kept.snapshot) }))
    }
    return adds
  }
}

/**
 * Whether every deletion of `ds` on an item this document has is applied here. Deletions of items
 * it has not got are no matter: the relay sends them with the items.
 */
export function holdsDeletions(doc: Y.Doc, ds: DeleteSet): boolean {
  return runSteps(deletionChecks(doc, ds))
}

/**
 * `holdsDeletions` a slice at a time: about `sliceMs` of walking, then `nextTask()` (a turn for the
 * browser). False, unfinished, once `isStopped()` says so.
 */
export async function holdsDeletionsSliced(doc: Y.Doc, ds: DeleteSet, nextTask: () => Promise<void>, sliceMs: number, isStopped: () => boolean = () => false): Promise<boolean> {
  return (await runStepsSliced(deletionChecks(doc, ds), nextTask, isStopped, sliceMs)) ?? false
}

/** The walk of `holdsDeletions`, pausing (yield) after every hundred deleted ranges; returns the answer. */
function* deletionChecks(doc: Y.Doc, ds: DeleteSet): Generator<undefined, boolean> {
  let ranges = 0
  for (const [client, items] of ds.clients) {
    const structs = doc.store.clients.get(client)
    if (!structs || structs.length === 0) continue
    const last = structs[structs.length - 1]!
    const state = last.id.clock + last.length
    for (const item of items) {
      // (Yjs keeps one array of structs per client: items split or added while paused are in it)
      if (++ranges % 100 === 0) yield
      const end = Math.min(item.clock + item.len, state)
      if (item.clock >= end) continue
      for (let i = Y.findIndexSS(structs, item.clock); i < structs.length && structs[i]!.id.clock < end; i++) {
        if (!structs[i]!.deleted) return false
      }
    }
  }
  return true
}
