/**
 * Re-renders when a Y.Doc changes, from this device or from the partner's: the snapshot is a
 * version counter that grows with every update, so `useSyncExternalStore` stays cheap and
 * components read the document with the domain's functions.
 */
import { useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { onDocChange } from '../../domain'

export interface DocVersionStore {
  version: number
  readonly listeners: Set<() => void>
  readonly subscribe: (listener: () => void) => () => void
  readonly getSnapshot: () => number
}

const stores = new WeakMap<Y.Doc, DocVersionStore>()

/** The version store of `doc` (made on first use; what useDocVersion subscribes to). */
export function docVersionStore(doc: Y.Doc): DocVersionStore {
  let store = stores.get(doc)
  if (store) return store
  const onUpdate = (): void => {
    s.version++
    for (const l of s.listeners) l()
  }
  const s: DocVersionStore = {
    version: 0,
    listeners: new Set(),
    subscribe: (listener) => {
      s.listeners.add(listener)
      return () => s.listeners.delete(listener)
    },
    getSnapshot: () => s.version,
  }
  // listens for the document's whole life (until doc.destroy()), so no update between a render
  // and the subscription is missed
  onDocChange(doc, onUpdate)
  store = s
  stores.set(doc, store)
  return store
}

export function useDocVersion(doc: Y.Doc): number {
  const store = docVersionStore(doc)
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}
