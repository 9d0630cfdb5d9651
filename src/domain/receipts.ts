/**
 * Receipts: which state of the partnership each school's devices have seen, so a letter, an
 * activity or a reflection can say "Seen by partner school". No server-side read tracking: each
 * device writes, in the document, the state vector it has, and receipts merge like everything
 * else.
 *
 * Stored in the top-level map `receipts`, key `<schoolId>:<deviceId>` → `{ sv: { client: clock },
 * at: ISO }`. A device rewrites its receipt only when it has received something new from another
 * device — never because of its own writes, which would loop (writing a receipt is itself a change).
 */
import * as Y from 'yjs'
import { assertWritable, isTooNew, readMeta } from './schema'
import { recordItemIds } from './record'

export interface Receipt {
  readonly schoolId: string
  readonly deviceId: string
  readonly sv: ReadonlyMap<number, number>
  readonly at: string
}

function receiptsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('receipts')
}

function parseReceipt(key: string, value: unknown): Receipt | undefined {
  const colon = key.indexOf(':')
  if (colon < 1 || !value || typeof value !== 'object') return undefined
  const v = value as { sv?: unknown; at?: unknown }
  const sv = new Map<number, number>()
  if (v.sv && typeof v.sv === 'object') {
    for (const [client, clock] of Object.entries(v.sv as Record<string, unknown>)) {
      if (typeof clock === 'number' && Number.isFinite(Number(client))) sv.set(Number(client), clock)
    }
  }
  return { schoolId: key.slice(0, colon), deviceId: key.slice(colon + 1), sv, at: typeof v.at === 'string' ? v.at : '' }
}

/**
 * Receipts already read, per document and key, with the stored value they were read from. A
 * receipt's value is a plain object that is replaced, never changed, when its device writes
 * again: the same object means the same receipt. Each receipt holds a whole state vector (hundreds
 * of clients on an old partnership), and every record on a screen asks for them (the plan: one
 * per activity), so each is read once, not once per record.
 */
const parsed = /* @__PURE__ */ new WeakMap<Y.Doc, Map<string, { value: unknown; receipt: Receipt | undefined }>>()

export function readReceipts(doc: Y.Doc): Receipt[] {
  let cache = parsed.get(doc)
  if (!cache) parsed.set(doc, (cache = new Map()))
  const out: Receipt[] = []
  const map = receiptsMap(doc)
  for (const [key, value] of map.entries()) {
    let known = cache.get(key)
    if (!known || known.value !== value) cache.set(key, (known = { value, receipt: parseReceipt(key, value) }))
    if (known.receipt) out.push(known.receipt)
  }
  if (cache.size > map.size) for (const key of cache.keys()) if (!map.has(key)) cache.delete(key)
  return out
}

/**
 * The clock per client of the newest item that is not a receipt: what counts as news. Receipt
 * writes are left out, or two devices online together would answer each other's receipts for
 * ever.
 */
function contentStateVector(doc: Y.Doc): Map<number, number> {
  const receipts = receiptsMap(doc)
  const out = new Map<number, number>()
  for (const [client, structs] of doc.store.clients) {
    for (let i = structs.length - 1; i >= 0; i--) {
      const s = structs[i]!
      const parent = (s as unknown as { parent?: unknown }).parent
      if (parent === receipts) continue
      out.set(client, s.id.clock + s.length)
      break
    }
  }
  return out
}

/**
 * Records what this device has received. Call after a sync with the relay. Returns whether a
 * receipt was written: only when something other than a receipt arrived from another device since
 * the last one. The receipt holds the whole state vector, this device's own client included, so
 * records this device changed last count as seen by its school too.
 */
export function writeReceipt(doc: Y.Doc, who: { schoolId: string; deviceId: string }, now: Date = new Date()): boolean {
  if (isTooNew(doc) || !readMeta(doc) || !who.schoolId || !who.deviceId) return false
  assertWritable(doc)
  const key = `${who.schoolId}:${who.deviceId}`
  const previous = readReceipts(doc).find((r) => r.schoolId === who.schoolId && r.deviceId === who.deviceId)
  if (previous) {
    let isNew = false
    for (const [client, clock] of contentStateVector(doc)) {
      if (client !== doc.clientID && (previous.sv.get(client) ?? 0) < clock) isNew = true
    }
    if (!isNew) return false
  }
  const sv: Record<string, number> = {}
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) sv[String(client)] = clock
  receiptsMap(doc).set(key, { sv, at: now.toISOString() })
  return true
}

/** True when a state vector holds every item with these ids. */
export function covers(sv: ReadonlyMap<number, number>, ids: readonly { client: number; clock: number }[]): boolean {
  return ids.every((id) => (sv.get(id.client) ?? 0) > id.clock)
}

/** The schools (ids) with a device that has seen this version of the record. */
export function seenBySchools(doc: Y.Doc, record: Y.Map<unknown>): string[] {
  const ids = recordItemIds(record)
  const schools = new Set<string>()
  for (const r of readReceipts(doc)) if (covers(r.sv, ids)) schools.add(r.schoolId)
  return [...schools]
}

export type DeliveryState = 'saved-local' | 'on-relay' | 'seen-by-partner'

/**
 * Where a record is, for the school `mySchoolId`: seen by a device of the other school, else on
 * the relay (as `isOnRelay` says for its item ids), else only on this device.
 */
export function deliveryState(
  doc: Y.Doc,
  record: Y.Map<unknown>,
  mySchoolId: string,
  isOnRelay: (ids: readonly { client: number; clock: number }[]) => boolean,
): DeliveryState {
  const meta = readMeta(doc)
  const partner = meta && (mySchoolId === meta.schoolA.id ? meta.schoolB.id : mySchoolId === meta.schoolB.id ? meta.schoolA.id : undefined)
  if (partner && seenBySchools(doc, record).includes(partner)) return 'seen-by-partner'
  return isOnRelay(recordItemIds(record)) ? 'on-relay' : 'saved-local'
}
