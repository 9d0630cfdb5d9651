/**
 * Partnership documents a unit test opens on this (fake) device: each is loaded before it is
 * handed out, and all still open are destroyed by `destroyAll` (call it in afterEach).
 */
import { openLocalDocument, type LocalDocument } from '../../src/storage'

export interface LocalDocuments {
  /** Opens the room's document and resolves once its stored state is loaded. */
  open(roomId: string): Promise<LocalDocument>
  /** Tracks a document the test opened itself (to act before it has loaded). */
  track(doc: LocalDocument): LocalDocument
  /** Stops tracking those opened so far: the test destroyed them itself. */
  forget(): void
  destroyAll(): Promise<void>
}

export function localDocuments(): LocalDocuments {
  const opened: LocalDocument[] = []
  return {
    async open(roomId) {
      const d = openLocalDocument(roomId)
      opened.push(d)
      await d.whenLoaded
      return d
    },
    track(doc) {
      opened.push(doc)
      return doc
    },
    forget() {
      opened.length = 0
    },
    async destroyAll() {
      for (const d of opened.splice(0)) await d.destroy()
    },
  }
}
