/**
 * Counts every photo in the partnership's letters that this device does not have yet as
 * "waiting to be received" (Settings shows the total), not only the ones a screen has shown.
 * Runs while a partnership is open; recounts a moment after the document changes, when the
 * browser is idle (reading every letter of an old partnership is not done while a screen opens).
 */
import type * as Y from 'yjs'
import { letterPhotoRefs, onDocChange } from '../../domain'
import { isPhotoOnDevice } from '../../storage'
import { attachmentTransfer } from '../../sync'
import { whenIdle } from './whenIdle'

const RECOUNT_DELAY_MS = 500

export function keepPhotoCounts(doc: Y.Doc): () => void {
  const transfer = attachmentTransfer()
  let timer: ReturnType<typeof setTimeout> | undefined
  let cancelIdle: (() => void) | undefined
  let isStopped = false
  const recount = async (): Promise<void> => {
    for (const ref of letterPhotoRefs(doc)) {
      if (isStopped) return
      if (await isPhotoOnDevice(ref.hash)) transfer.unexpect(ref.hash)
      else transfer.expect(ref)
    }
  }
  const schedule = (): void => {
    if (timer) clearTimeout(timer)
    cancelIdle?.()
    timer = setTimeout(() => {
      cancelIdle = whenIdle(() => void recount())
    }, RECOUNT_DELAY_MS)
  }
  const stopListening = onDocChange(doc, schedule)
  schedule()
  return () => {
    isStopped = true
    if (timer) clearTimeout(timer)
    cancelIdle?.()
    stopListening()
  }
}
