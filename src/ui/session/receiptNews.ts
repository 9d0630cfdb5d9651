/**
 * What a change to the document means for this device's delivery receipt (deliveryReceipts.ts):
 * news from the relay, news from a changes file (src/sync/changesExchange.ts), or nothing. News is
 * a change that arrived from elsewhere and touches something other than receipts: a device never
 * writes a receipt because of its own writes, nor because of receipts (two devices would answer
 * each other's receipts for ever).
 */
import type * as Y from 'yjs'
import { isReceiptsPart } from '../../domain'
import { CHANGES_FILE_ORIGIN } from '../../sync/fileOrigin'

export type ReceiptNews = 'relay' | 'file' | undefined

/** `relayOrigin`: the origin the connection applies the relay's updates with (its provider). */
export function receiptNewsOf(doc: Y.Doc, tr: Y.Transaction, relayOrigin: unknown): ReceiptNews {
  const from = tr.origin === CHANGES_FILE_ORIGIN ? 'file' : tr.origin === relayOrigin && relayOrigin != null ? 'relay' : undefined
  if (!from) return undefined
  for (const type of tr.changed.keys()) if (!isReceiptsPart(doc, type)) return from
  return undefined
}
