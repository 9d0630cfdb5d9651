/**
 * The document's activities kept read, for screens that show all of them (the action plan): the
 * same list as `listActivities(doc)` (activity.ts) — every activity that is not deleted, in the
 * plan's order — but each activity is read once and again only when it changed, not all thousand
 * on every change of the document. Reading a five-year partnership's activities takes ~150 ms on a
 * cheap phone; a change to one letter, a receipt or one activity now costs a few records' reads.
 *
 * How it stays right: before any observer of a change runs (Yjs `beforeObserverCalls`), the ids of
 * the activities the change touched (the collection's keys, or any type inside a record) are noted,
 * and those records are read again on the next `activitiesOf`. Inside a transaction (before it is
 * noted) the list is read whole, as `listActivities` does. The first read can be done a slice at a
 * time (`whenActivitiesRead`), so a cold start has no task of the whole list.
 *
 * Read-only: nothing here writes to the document. The objects returned are shared between calls:
 * treat them as read-only.
 */
import * as Y from 'yjs'
import { ACTIVITY, compareActivities, listActivities, type Activity } from './activity'
import { readRecord } from './record'
import { collection } from './schema'

interface ActivityIndex {
  readonly records: Y.Map<unknown>
  /** Every record read, deleted ones too, by id. */
  readonly byId: Map<string, Activity>
  /** Ids changed since they were read. */
  readonly dirty: Set<string>
  /** True once every record was read (by `activitiesOf` or `whenActivitiesRead`). */
  isComplete: boolean
  /** The list as last returned; undefined when it has to be made again. */
  list: readonly Activity[] | undefined
  /** The slice-at-a-time first read, while it runs. */
  loading: Promise<void> | undefined
  /** True when that read failed: `activitiesOf` reads them at once instead (and fails as `listActivities` would). */
  hasFailed: boolean
}

const indexes = /* @__PURE__ */ new WeakMap<Y.Doc, ActivityIndex>()

/** Parent links of Yjs types (not in Yjs's public typings). */
interface Parented {
  readonly _item: { readonly parent: unknown; readonly parentSub: string | null } | null
}

/** The id (key in the collection) of the record `type` is in, or is; undefined when it is not inside `records`. */
function recordIdOf(type: unknown, records: Y.Map<unknown>): string | undefined {
  let t = type as Parented
  // a record's fields are at most a few levels down; the bound only guards against a cycle
  for (let depth = 0; depth < 64; depth++) {
    const item = t._item
    if (!item) return undefined
    if (item.parent === records) return typeof item.parentSub === 'string' ? item.parentSub : undefined
    if (!(item.parent instanceof Y.AbstractType)) return undefined
    t = item.parent as unknown as Parented
  }
  return undefined
}

function indexOf(doc: Y.Doc): ActivityIndex {
  const found = indexes.get(doc)
  if (found) return found
  const records = collection(doc, 'activities') as Y.Map<unknown>
  const index: ActivityIndex = { records, byId: new Map(), dirty: new Set(), isComplete: false, list: undefined, loading: undefined, hasFailed: false }
  doc.on('beforeObserverCalls', (tr: Y.Transaction) => {
    for (const [type, keys] of tr.changed) {
      if ((type as unknown) === records) {
        for (const key of keys) if (key !== null) index.dirty.add(key)
        continue
      }
      const id = recordIdOf(type, records)
      if (id !== undefined) index.dirty.add(id)
    }
  })
  indexes.set(doc, index)
  return index
}

/** Reads record `id` into the index (or drops it when it is no record). True when something changed. */
function readInto(index: ActivityIndex, id: string): boolean {
  const map = index.records.get(id)
  if (map instanceof Y.Map) {
    index.byId.set(id, readRecord(ACTIVITY, id, map as Y.Map<unknown>))
    return true
  }
  return index.byId.delete(id)
}

function listOf(index: ActivityIndex): readonly Activity[] {
  if (index.dirty.size > 0) {
    let changed = false
    for (const id of index.dirty) changed = readInto(index, id) || changed
    index.dirty.clear()
    if (changed) index.list = undefined
  }
  index.list ??= [...index.byId.values()].filter((a) => !a.deletedAt).sort(compareActivities)
  return index.list
}

/**
 * The activities that are not deleted, in the plan's order: equal to `listActivities(doc)`. The
 * same array (and the same objects) as long as no activity changed, so a screen can tell cheaply.
 */
export function activitiesOf(doc: Y.Doc): readonly Activity[] {
  // inside a transaction its changes are not noted yet
  if ((doc as unknown as { _transaction: unknown })._transaction) return listActivities(doc)
  const index = indexOf(doc)
  if (!index.isComplete) {
    index.dirty.clear()
    index.byId.clear()
    for (const id of index.records.keys()) readInto(index, id)
    index.isComplete = true
    index.list = undefined
  }
  return listOf(index)
}

/** Up to this many records, `whenActivitiesRead` reads them at once (~15 ms at 4× CPU): nothing to wait for. */
const READ_AT_ONCE = 100

/**
 * Reads the activities for `activitiesOf` a slice at a time: about `sliceMs` of work, then
 * `nextTask()` (a turn for the browser). Undefined when there is nothing to wait for: they are read
 * (`activitiesOf` then reads only what changed), there are only a few (read now), or reading them
 * so failed (`activitiesOf` reads them at once). One run per document: while it runs, every call
 * returns the same promise; it never rejects.
 */
export function whenActivitiesRead(doc: Y.Doc, nextTask: () => Promise<void>, sliceMs = 10): Promise<void> | undefined {
  const index = indexOf(doc)
  if (index.isComplete || index.hasFailed) return undefined
  if (!index.loading && index.records.size <= READ_AT_ONCE && !(doc as unknown as { _transaction: unknown })._transaction) {
    activitiesOf(doc)
    return undefined
  }
  index.loading ??= (async () => {
    try {
      // changes from here on are noted (`dirty`) and read again after: the ids as they are now
      const ids = [...index.records.keys()]
      let sliceStart = performance.now()
      for (const id of ids) {
        if (index.isComplete) return
        if (!index.dirty.has(id)) readInto(index, id)
        if (performance.now() - sliceStart >= sliceMs) {
          await nextTask()
          sliceStart = performance.now()
        }
      }
      if (index.isComplete) return
      index.isComplete = true
      index.list = undefined
      listOf(index)
    } catch {
      index.isComplete = false
      index.hasFailed = true
    } finally {
      index.loading = undefined
    }
  })()
  return index.loading
}
