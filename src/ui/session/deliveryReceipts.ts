/**
 * Writes this device's delivery receipt (see src/domain/receipts.ts) while a partnership is open:
 * after the connection reaches 'synced', when something other than receipts arrived from another
 * device. The receipt is what makes "Seen by partner school" appear on the writer's device.
 *
 * Trap: a receipt is itself a change the partner receives. If receiving a receipt made a device
 * write one, two devices online together would answer each other's receipts for ever; so only
 * news that is not a receipt counts. The domain's `writeReceipt` also skips a receipt when
 * nothing new arrived at all.
 *
 * The device id is made once per partnership and kept on the registry entry (`deviceIdIn`, see
 * src/storage/deviceId.ts; every edit records the same id). A device that does not know yet which
 * school it speaks for writes no receipt.
 */
import type * as Y from 'yjs'
import { writeReceipt } from '../../domain'
import { deviceIdIn, getPartnership } from '../../storage'
import type { PartnershipConnection } from '../../sync'

/** Waits for a burst of updates (a sync brings many) to settle before writing one receipt. */
const RECEIPT_DELAY_MS = 400

/** This device's school and id in the partnership (the id made and stored on first use). */
async function deviceIdOf(roomId: string): Promise<{ schoolId: string; deviceId: string } | undefined> {
  const entry = await getPartnership(roomId)
  if (!entry?.mySchoolId) return undefined
  const deviceId = await deviceIdIn(roomId)
  return deviceId ? { schoolId: entry.mySchoolId, deviceId } : undefined
}

/** Starts writing receipts for this document; returns the function that stops it. */
export function keepReceipts(doc: Y.Doc, conn: PartnershipConnection, roomId: string): () => void {
  const receipts: unknown = doc.getMap('receipts')
  // what arrived in an earlier session may not have a receipt yet (the school was not chosen)
  let hasNews = true
  let timer: ReturnType<typeof setTimeout> | undefined
  let isStopped = false

  const write = async (): Promise<void> => {
    const who = await deviceIdOf(roomId).catch(() => undefined)
    if (isStopped || !who || conn.getState().kind !== 'synced') return
    hasNews = false
    try {
      writeReceipt(doc, who)
    } catch {
      /* read-only document (made by a newer app): no receipt, nothing to tell the person */
    }
  }
  const maybeWrite = (): void => {
    if (!hasNews || conn.getState().kind !== 'synced') return
    clearTimeout(timer)
    timer = setTimeout(() => void write(), RECEIPT_DELAY_MS)
  }
  const onTransaction = (tr: Y.Transaction): void => {
    if (tr.origin !== conn.provider) return
    for (const type of tr.changed.keys()) {
      if (type !== receipts) {
        hasNews = true
        maybeWrite()
        return
      }
    }
  }

  doc.on('afterTransaction', onTransaction)
  const unsubscribe = conn.subscribe(maybeWrite)
  maybeWrite()
  return () => {
    isStopped = true
    clearTimeout(timer)
    unsubscribe()
    doc.off('afterTransaction', onTransaction)
  }
}
