/**
 * Receipts: what each school's devices hold of the partnership, and which records a person of
 * each school opened, so a letter, an activity or a reflection can say "Received by partner
 * school" and then "Read by partner school". No server-side tracking: devices write them in the
 * document, and they merge like everything else. Layout (docs/schema.md, `receipts`), all in the
 * top-level map `receipts`:
 *
 * - `held:<schoolId>` → Y.Map `<deviceId>` → Y.Map `"<clientId>"` → clock: that device of that
 *   school holds every item of that Yjs client below that clock. A school holds what any of its
 *   devices holds. A device writes only the entries that moved past what its school already
 *   reported (a few per sync, ~25 B each), never the whole state vector; one map per device, so
 *   two devices of a school writing at once never overwrite each other's clocks.
 * - `read:<schoolId>` → Y.Map `<recordId>` → `{ at, updatedAt }`: a person of that school opened
 *   the version of the record whose `updatedAt` that was (written by `markRead`, delivery.ts).
 * - `<schoolId>:<deviceId>` → `{ sv: { client: clock }, at }`: the old form (one whole state
 *   vector per device, ~7 KB on a five-year partnership). Still read, as held by that school;
 *   no longer written.
 *
 * The school maps are created deterministically (`createDeterministic`), so two devices of one
 * school creating one at once make the same map. A device writes `held` entries only when something
 * other than receipts arrived from another device — never because of its own writes, which would
 * loop (writing a receipt is itself a change).
 *
 * Everything read is checked: a value of the wrong shape is ignored, never trusted.
 */
import * as Y from 'yjs'
import { assertWritable, isTooNew, readMeta } from './schema'
import { createDeterministic } from './record'

/** The receipts a document holds: per school, the clock held per client, and its read marks. */
export interface Receipts {
  readonly held: ReadonlyMap<string, ReadonlyMap<number, number>>
  readonly read: ReadonlyMap<string, ReadonlyMap<string, ReadMark>>
}

/** A person of a school opened the version of a record whose `updatedAt` this is, at `at`. */
export interface ReadMark {
  readonly at: string
  readonly updatedAt: string
}

const HELD = 'held:'
const READ = 'read:'
/** Limits on what is read: more is ignored (a five-year partnership has ~560 clients). */
const MAX_ID_LENGTH = 200
const MAX_CLIENTS_PER_SCHOOL = 100_000
const MAX_MARKS_PER_SCHOOL = 100_000
const MAX_STAMP_LENGTH = 40

export function receiptsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('receipts')
}

/** True for the map `receipts` and every map inside it: changes there are receipts, not news. */
export function isReceiptsPart(doc: Y.Doc, type: unknown): boolean {
  const receipts = receiptsMap(doc)
  // before anything asked for the map `receipts`, an update fills an untyped root that getMap then
  // replaces: that one shares the map's entries (`_map`) but is another object
  const entries = (receipts as unknown as { _map: unknown })._map
  let t = type
  for (let depth = 0; depth < 4 && t; depth++) {
    const item = (t as { _item?: { parent?: unknown } | null })._item
    if (t === receipts || (item === null && (t as { _map?: unknown })._map === entries)) return true
    t = item?.parent
  }
  return false
}

const isClock = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0
const clientOf = (key: string): number | undefined => {
  if (!/^\d{1,10}$/.test(key)) return undefined
  const n = Number(key)
  return n <= 0xffffffff ? n : undefined
}
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH
const isStamp = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_STAMP_LENGTH

/** Adds `client → clock` entries of a plain object or a Y.Map to `into`, keeping the highest. */
function addClocks(into: Map<number, number>, entries: Iterable<[string, unknown]>, budget: { n: number }): void {
  for (const [key, clock] of entries) {
    if (++budget.n > MAX_CLIENTS_PER_SCHOOL) return
    const client = clientOf(key)
    if (client !== undefined && isClock(clock) && (into.get(client) ?? 0) < clock) into.set(client, clock)
  }
}

function parseMark(value: unknown): ReadMark | undefined {
  if (!value || typeof value !== 'object' || value instanceof Y.AbstractType) return undefined
  const { at, updatedAt } = value as { at?: unknown; updatedAt?: unknown }
  return isStamp(at) && isStamp(updatedAt) ? { at, updatedAt } : undefined
}

function parse(doc: Y.Doc): Receipts {
  const held = new Map<string, Map<number, number>>()
  const read = new Map<string, Map<string, ReadMark>>()
  const heldOf = (school: string): Map<number, number> => held.get(school) ?? held.set(school, new Map()).get(school)!
  // entries read per school, over all its devices and old receipts
  const budgets = new Map<string, { n: number }>()
  const budgetOf = (school: string): { n: number } => budgets.get(school) ?? budgets.set(school, { n: 0 }).get(school)!
  for (const [key, value] of receiptsMap(doc).entries()) {
    if (key.startsWith(HELD) || key.startsWith(READ)) {
      const school = key.slice(5)
      if (!isId(school) || !(value instanceof Y.Map)) continue
      if (key.startsWith(HELD)) {
        for (const [device, clocks] of value.entries() as Iterable<[string, unknown]>) {
          if (isId(device) && clocks instanceof Y.Map) addClocks(heldOf(school), clocks.entries() as Iterable<[string, unknown]>, budgetOf(school))
        }
        continue
      }
      const marks = read.get(school) ?? read.set(school, new Map()).get(school)!
      for (const [id, v] of value.entries() as Iterable<[string, unknown]>) {
        if (marks.size >= MAX_MARKS_PER_SCHOOL) break
        const mark = parseMark(v)
        if (mark && isId(id)) marks.set(id, mark)
      }
      continue
    }
    // the old form: `<schoolId>:<deviceId>` → { sv: { client: clock }, at }
    const colon = key.indexOf(':')
    if (colon < 1 || !value || typeof value !== 'object' || value instanceof Y.AbstractType) continue
    const sv = (value as { sv?: unknown }).sv
    const school = key.slice(0, colon)
    if (!isId(school) || !sv || typeof sv !== 'object' || Array.isArray(sv)) continue
    addClocks(heldOf(school), Object.entries(sv as Record<string, unknown>), budgetOf(school))
  }
  return { held, read }
}

/**
 * Receipts already read, per document, until the map `receipts` changes: every record on a
 * screen asks (the plan: one per activity card), and a school's clocks cover hundreds of clients
 * on an old partnership, so they are read once per change, not once per record.
 */
const cache = /* @__PURE__ */ new WeakMap<Y.Doc, { receipts: Receipts | undefined }>()

export function readReceipts(doc: Y.Doc): Receipts {
  let entry = cache.get(doc)
  if (!entry) {
    const e: { receipts: Receipts | undefined } = { receipts: undefined }
    receiptsMap(doc).observeDeep(() => {
      e.receipts = undefined
    })
    cache.set(doc, (entry = e))
  }
  return (entry.receipts ??= parse(doc))
}

/** The nested map `<prefix><schoolId>` of `receipts`, made (deterministically) when missing. */
export function schoolMap(doc: Y.Doc, prefix: 'held:' | 'read:', schoolId: string): Y.Map<unknown> {
  const key = prefix + schoolId
  createDeterministic(doc, 'receipts', key, () => undefined)
  const map = receiptsMap(doc).get(key)
  if (map instanceof Y.Map) return map
  // a value of another shape (another program's): replaced by a map of this device's
  const fresh = new Y.Map<unknown>()
  receiptsMap(doc).set(key, fresh)
  return fresh
}

/** True when `schoolId` is one of the partnership's two schools. */
export function isPartnershipSchool(doc: Y.Doc, schoolId: string): boolean {
  const meta = readMeta(doc)
  return !!meta && (schoolId === meta.schoolA.id || schoolId === meta.schoolB.id)
}

/**
 * The clock per client of the newest item that is not a receipt: what counts as news. Receipt
 * writes are left out, or two devices online together would answer each other's receipts for
 * ever.
 */
function contentStateVector(doc: Y.Doc): Map<number, number> {
  const out = new Map<number, number>()
  for (const [client, structs] of doc.store.clients) {
    for (let i = structs.length - 1; i >= 0; i--) {
      const s = structs[i]!
      if (isReceiptsPart(doc, (s as unknown as { parent?: unknown }).parent)) continue
      out.set(client, s.id.clock + s.length)
      break
    }
  }
  return out
}

/**
 * Records what this device holds, for its school. Call after a sync with the relay. Returns
 * whether a receipt was written: only when something other than a receipt arrived from another
 * device that its school has not reported yet. It writes, in this device's own map, only the
 * clients whose clock moved past the school's receipts, this device's own client included (so
 * records this device changed last count as received by its school too).
 */
export function writeReceipt(doc: Y.Doc, who: { schoolId: string; deviceId: string }): boolean {
  if (isTooNew(doc) || !isId(who.deviceId) || !isPartnershipSchool(doc, who.schoolId)) return false
  assertWritable(doc)
  const held = readReceipts(doc).held.get(who.schoolId)
  const moved: [number, number][] = []
  let isNews = false
  for (const [client, clock] of contentStateVector(doc)) {
    if ((held?.get(client) ?? 0) >= clock) continue
    moved.push([client, clock])
    if (client !== doc.clientID) isNews = true
  }
  if (!isNews) return false
  const school = schoolMap(doc, HELD, who.schoolId)
  doc.transact(() => {
    let mine = school.get(who.deviceId)
    if (!(mine instanceof Y.Map)) school.set(who.deviceId, (mine = new Y.Map<unknown>()))
    for (const [client, clock] of moved) (mine as Y.Map<unknown>).set(String(client), clock)
  })
  return true
}
