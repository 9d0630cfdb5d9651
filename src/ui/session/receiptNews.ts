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
import { HTTP_JOIN_ORIGIN } from '../../sync/joinByHttp'

export type ReceiptNews = 'relay' | 'file' | undefined

/**
 * `relayOrigin`: the origin the connection applies the relay's updates with (its provider). The
 * document fetched over HTTP when joining (src/sync/joinByHttp.ts) comes from the relay too.
 */
export function receiptNewsOf(doc: Y.Doc, tr: Y.Transaction, relayOrigin: unknown): ReceiptNews {
  const isRelay = (tr.origin === relayOrigin && relayOrigin != null) || tr.origin === HTTP_JOIN_ORIGIN
  const from = tr.origin === CHANGES_FILE_ORIGIN ? 'file' : isRelay ? 'relay' : undefined
  if (!from) return undefined
  for (const type of tr.changed.keys()) if (!isReceiptsPart(doc, type)) return from
  return undefined
}
