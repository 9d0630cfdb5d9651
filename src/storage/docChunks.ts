/**
 * A document's whole state as several Yjs updates (v1) of bounded size, in causal order, so that a
 * cold start can apply them one per task (docStore.ts) instead of one update of megabytes in one
 * task of seconds on a cheap phone.
 *
 * Causal order: an item can only be integrated once what it points to (its left and right origin,
 * its parent) is there. The unit here is one client id's whole history (its structs, clock 0 on);
 * the clients that point into each other (a cycle: two devices editing the same list at the same
 * time) form one unit, and the units are written so that everything a unit points to comes in an
 * earlier chunk or in its own. Each chunk carries the deletions of its own clients' items, so
 * nothing waits for a later chunk (Yjs would keep a waiting part aside and retry it on every
 * later update). Updates the document itself still holds aside (missing something) come last.
 * A client alone in its unit with more history than a chunk holds (a device that wrote many
 * letters) is written in pieces by clock, each a chunk of its own: an item points only to items
 * that existed before it, so to its own client's lower clocks (an earlier piece) or to units
 * written before; its deletions go with its last piece.
 *
 * Every update in the result is a plain Yjs update: applied in any order they give the same
 * document (Yjs updates commute); the order only saves work.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { runSteps, runStepsSliced } from './steps'

/**
 * Bytes a chunk is kept under (one unit of clients that point into each other may be bigger). A
 * row costs its structs and strings in decoding: at 4× CPU a 64 KB row took up to ~170 ms to apply
 * at a cold start (over 200 ms with a garbage collection or a busy machine), a 16 KB one a quarter.
 */
export const CHUNK_BYTES = 16 * 1024

type Struct = Y.Item | Y.GC

/** The other clients a client's structs point to. */
function dependenciesOf(client: number, structs: readonly Struct[]): Set<number> {
  const deps = new Set<number>()
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    if (s.origin && s.origin.client !== client) deps.add(s.origin.client)
    if (s.rightOrigin && s.rightOrigin.client !== client) deps.add(s.rightOrigin.client)
    const parent = s.parent
    const parentItem = parent instanceof Y.AbstractType ? parent._item : null
    if (parentItem && parentItem.id.client !== client) deps.add(parentItem.id.client)
  }
  return deps
}

/**
 * Strongly connected components of the clients' "points to" graph (Tarjan, without recursion),
 * each component after every component it points to.
 */
function unitsInCausalOrder(clients: readonly number[], deps: ReadonlyMap<number, ReadonlySet<number>>): number[][] {
  const index = new Map<number, number>()
  const low = new Map<number, number>()
  const onStack = new Set<number>()
  const stack: number[] = []
  const units: number[][] = []
  let next = 0
  for (const root of clients) {
    if (index.has(root)) continue
    const work: { client: number; edges: number[]; at: number }[] = []
    const enter = (client: number): void => {
      index.set(client, next)
      low.set(client, next)
      next++
      stack.push(client)
      onStack.add(client)
      work.push({ client, edges: [...(deps.get(client) ?? [])].filter((d) => deps.has(d)), at: 0 })
    }
    enter(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]!
      if (frame.at < frame.edges.length) {
        const to = frame.edges[frame.at++]!
        if (!index.has(to)) enter(to)
        else if (onStack.has(to)) low.set(frame.client, Math.min(low.get(frame.client)!, index.get(to)!))
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent.client, Math.min(low.get(parent.client)!, low.get(frame.client)!))
      if (low.get(frame.client) === index.get(frame.client)) {
        const unit: number[] = []
        for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
          onStack.delete(c)
          unit.push(c)
          if (c === frame.client) break
        }
        units.push(unit)
      }
    }
  }
  return units
}

/** One client's structs from clock 0, as they stand in an update (count, client, clock, structs). */
function encodeClientStructs(client: number, structs: readonly Struct[]): Uint8Array {
  const encoder = new Y.UpdateEncoderV1()
  encoding.writeVarUint(encoder.restEncoder, structs.length)
  encoder.writeClient(client)
  encoding.writeVarUint(encoder.restEncoder, structs[0]!.id.clock)
  for (const s of structs) s.write(encoder, 0)
  return encoder.toUint8Array()
}

/**
 * One client's structs in pieces of about `maxBytes` (at least one struct each), each as it stands
 * in an update (count, client, first clock, structs): consecutive clock ranges, from its first.
 */
function encodeClientPieces(client: number, structs: readonly Struct[], maxBytes: number): Uint8Array[] {
  const pieces: Uint8Array[] = []
  for (let from = 0; from < structs.length; ) {
    // UpdateEncoderV1 writes each struct on its own (no state across structs): pieces concatenate
    const body = new Y.UpdateEncoderV1()
    let to = from
    while (to < structs.length && (to === from || encoding.length(body.restEncoder) < maxBytes)) structs[to++]!.write(body, 0)
    const head = new Y.UpdateEncoderV1()
    encoding.writeVarUint(head.restEncoder, to - from)
    head.writeClient(client)
    encoding.writeVarUint(head.restEncoder, structs[from]!.id.clock)
    const piece = encoding.createEncoder()
    encoding.writeUint8Array(piece, head.toUint8Array())
    encoding.writeUint8Array(piece, body.toUint8Array())
    pieces.push(encoding.toUint8Array(piece))
    from = to
  }
  return pieces
}

interface DeleteRange {
  readonly clock: number
  readonly len: number
}

/** One update: the structs of `clients` (encoded beforehand) and the deletions of their items. */
function chunkUpdate(clients: readonly number[], structBytes: ReadonlyMap<number, Uint8Array>, deleted: ReadonlyMap<number, readonly DeleteRange[]>): Uint8Array {
  const encoder = encoding.createEncoder()
  // higher client ids first, as Yjs writes them
  const sorted = [...clients].sort((a, b) => b - a)
  encoding.writeVarUint(encoder, sorted.length)
  for (const c of sorted) encoding.writeUint8Array(encoder, structBytes.get(c)!)
  const withDeletes = sorted.filter((c) => (deleted.get(c)?.length ?? 0) > 0)
  encoding.writeVarUint(encoder, withDeletes.length)
  for (const c of withDeletes) {
    const ranges = deleted.get(c)!
    encoding.writeVarUint(encoder, c)
    encoding.writeVarUint(encoder, ranges.length)
    for (const r of ranges) {
      encoding.writeVarUint(encoder, r.clock)
      encoding.writeVarUint(encoder, r.len)
    }
  }
  return encoding.toUint8Array(encoder)
}

/**
 * The work of encodeStateInChunks, a client at a time: it yields after each client it read or
 * encoded, and returns the chunks. Between two steps the document may change (an edit, an update
 * from the relay): each client is encoded as it is then, so every chunk holds at least what the
 * document held when the work started — what a compaction needs (docStore.ts). A client's newer
 * structs may then point into a later chunk; Yjs holds them aside until it comes, nothing is lost.
 */
function* chunkSteps(doc: Y.Doc, maxBytes: number): Generator<void, Uint8Array[]> {
  const store = doc.store
  const clients = [...store.clients.keys()].filter((c) => (store.clients.get(c)?.length ?? 0) > 0)
  const deleted = new Map<number, DeleteRange[]>()
  Y.createDeleteSetFromStructStore(store).clients.forEach((ranges, client) => deleted.set(client, ranges))
  yield
  const deps = new Map<number, Set<number>>()
  for (const c of clients) {
    deps.set(c, dependenciesOf(c, store.clients.get(c)!))
    yield
  }
  const structBytes = new Map<number, Uint8Array>()
  // clients with more history than a chunk holds, also in pieces (used when alone in their unit)
  const pieces = new Map<number, Uint8Array[]>()
  for (const c of clients) {
    const structs = store.clients.get(c)!
    const bytes = encodeClientStructs(c, structs)
    structBytes.set(c, bytes)
    if (bytes.length > maxBytes) pieces.set(c, encodeClientPieces(c, structs, maxBytes))
    yield
  }

  const chunks: Uint8Array[] = []
  let current: number[] = []
  let size = 0
  for (const unit of unitsInCausalOrder(clients, deps)) {
    const alone = unit.length === 1 ? pieces.get(unit[0]!) : undefined
    if (alone) {
      // a chunk per piece, in clock order; the client's deletions with the last one
      if (current.length > 0) chunks.push(chunkUpdate(current, structBytes, deleted))
      current = []
      size = 0
      const c = unit[0]!
      const none = new Map<number, readonly DeleteRange[]>()
      alone.forEach((piece, i) => chunks.push(chunkUpdate([c], new Map([[c, piece]]), i === alone.length - 1 ? deleted : none)))
      continue
    }
    const unitSize = unit.reduce((n, c) => n + structBytes.get(c)!.length + (deleted.get(c)?.length ?? 0) * 4 + 8, 0)
    if (current.length > 0 && size + unitSize > maxBytes) {
      chunks.push(chunkUpdate(current, structBytes, deleted))
      current = []
      size = 0
    }
    current.push(...unit)
    size += unitSize
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(chunkUpdate(current, structBytes, deleted))
  // what the document holds aside, waiting for something it has not seen (kept in Yjs' v2 format)
  if (store.pendingStructs) chunks.push(Y.convertUpdateFormatV2ToV1(store.pendingStructs.update))
  if (store.pendingDs) chunks.push(Y.convertUpdateFormatV2ToV1(store.pendingDs))
  return chunks
}

/**
 * The whole state of `doc` as updates of at most about `maxBytes` each, in causal order. Their
 * union is `Y.encodeStateAsUpdate(doc)`: applied to an empty document, in this order or any other,
 * they give the same document.
 */
export function encodeStateInChunks(doc: Y.Doc, maxBytes: number = CHUNK_BYTES): Uint8Array[] {
  return runSteps(chunkSteps(doc, maxBytes))
}

/**
 * encodeStateInChunks in slices of about `sliceMs`, awaiting `pause()` between them (the browser's
 * other tasks run there); undefined when `stop()` says so between two slices.
 */
export async function encodeStateInChunksSliced(
  doc: Y.Doc,
  pause: () => Promise<void>,
  stop: () => boolean,
  sliceMs: number,
  maxBytes: number = CHUNK_BYTES,
): Promise<Uint8Array[] | undefined> {
  return runStepsSliced(chunkSteps(doc, maxBytes), pause, stop, sliceMs)
}
