/**
 * Writes this device's delivery receipt (see src/domain/receipts.ts) while a partnership is open:
 * after the connection reaches 'synced', when something other than receipts arrived from the relay;
 * and at once, online or not, when such news arrived in a changes file (receiptNews.ts): the
 * receipt is an ordinary local change, so it travels in this device's next changes file and to the
 * relay at the next connection. The receipt is what makes "Received by partner school" appear on
 * the writer's device ("Read by partner school" comes from read marks, written where a record is
 * opened: hooks/useMarkRead.ts).
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
import { receiptNewsOf } from './receiptNews'

/** Waits for a burst of updates (a sync brings many) to settle before writing one receipt. */
const RECEIPT_DELAY_MS = 400

type Who = { schoolId: string; deviceId: string }

/** This device's school and id in the partnership (the id made and stored on first use). */
async function deviceIdOf(roomId: string): Promise<Who | undefined> {
  const entry = await getPartnership(roomId)
  if (!entry?.mySchoolId) return undefined
  const deviceId = await deviceIdIn(roomId)
  return deviceId ? { schoolId: entry.mySchoolId, deviceId } : undefined
}

/** Starts writing receipts for this document; returns the function that stops it. */
export function keepReceipts(doc: Y.Doc, conn: PartnershipConnection, roomId: string): () => void {
  // what arrived in an earlier session may not have a receipt yet (the school was not chosen)
  let hasNews = true
  let timer: ReturnType<typeof setTimeout> | undefined
  let isStopped = false
  // as last looked up: news from a file gets its receipt before the page says what arrived
  let known: Who | undefined

  const whoNow = async (): Promise<Who | undefined> => {
    known = await deviceIdOf(roomId).catch(() => undefined)
    return known
  }
  const write = (who: Who): void => {
    hasNews = false
    try {
      writeReceipt(doc, who)
    } catch {
      /* read-only document (made by a newer app): no receipt, nothing to tell the person */
    }
  }
  const writeWhenSynced = async (): Promise<void> => {
    const who = await whoNow()
    if (isStopped || !who || conn.getState().kind !== 'synced') return
    write(who)
  }
  // a changes file is applied in one transaction: nothing more to wait for, and no relay needed
  // (the receipt is a local change: it goes in this device's next file and to the relay later)
  const writeAfterFile = async (): Promise<void> => {
    const who = known ?? (await whoNow())
    if (!isStopped && who) write(who)
  }
  const maybeWrite = (): void => {
    if (!hasNews || conn.getState().kind !== 'synced') return
    clearTimeout(timer)
    timer = setTimeout(() => void writeWhenSynced(), RECEIPT_DELAY_MS)
  }
  const onTransaction = (tr: Y.Transaction): void => {
    const news = receiptNewsOf(doc, tr, conn.provider)
    if (!news) return
    hasNews = true
    // after this transaction, not inside it
    if (news === 'file') queueMicrotask(() => void writeAfterFile())
    else maybeWrite()
  }

  void whoNow()
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
