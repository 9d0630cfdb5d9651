/**
 * The outbox: local updates the relay has not acknowledged yet, kept in the registry so that the
 * count of "changes not yet on the relay" survives a reload. The document itself is the source of
 * truth; the outbox only counts and tells when the relay has everything.
 */
import type { ScholenbandDb } from './db'

export interface Outbox {
  load(): Promise<{ id: number; update: Uint8Array }[]>
  add(update: Uint8Array): Promise<number>
  remove(ids: readonly number[]): Promise<void>
}

export function dexieOutbox(db: ScholenbandDb, roomId: string): Outbox {
  return {
    load: async () => {
      const rows = await db.outbox.where('roomId').equals(roomId).sortBy('id')
      return rows.flatMap((r) => (r.id === undefined ? [] : [{ id: r.id, update: new Uint8Array(r.update) }]))
    },
    add: (update) => db.outbox.add({ roomId, update }),
    remove: async (ids) => {
      await db.outbox.bulkDelete([...ids])
    },
  }
}

/** An outbox that keeps nothing across reloads (tests, and programs without IndexedDB). */
export function memoryOutbox(): Outbox {
  let next = 1
  const rows = new Map<number, Uint8Array>()
  return {
    load: () => Promise.resolve([...rows].map(([id, update]) => ({ id, update }))),
    add: (update) => {
      const id = next++
      rows.set(id, update)
      return Promise.resolve(id)
    },
    remove: (ids) => {
      for (const id of ids) rows.delete(id)
      return Promise.resolve()
    },
  }
}
