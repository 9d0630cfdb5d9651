/**
 * Where a letter, an activity or a reflection is: Saved on this device → On the relay → Seen by
 * partner school. "Seen" comes from the partner's delivery receipts in the document (see
 * src/domain/receipts.ts and session/deliveryReceipts.ts), "On the relay" from the connection's
 * acknowledgements, so nothing here asks the network.
 *
 * The connection and this device's school come through `DeliveryContext` (provided by the open
 * partnership), so a row deep in a list needs only the document and the record.
 */
import { createContext, useContext, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { deliveryState, recordItemIds, type DeliveryState } from '../../domain'
import type { PartnershipConnection } from '../../sync'
import { useDocVersion } from '../hooks/useDocVersion'
import '../delivery.css'

export interface DeliveryContextValue {
  readonly conn: PartnershipConnection
  /** The school this device speaks for, if chosen. */
  readonly mySchoolId: string | undefined
}

export const DeliveryContext = createContext<DeliveryContextValue | undefined>(undefined)

const STEPS: readonly DeliveryState[] = ['saved-local', 'on-relay', 'seen-by-partner']

const noSubscription = (): (() => void) => () => undefined
const noState = (): undefined => undefined

/** Where `record` is now, or undefined outside an open partnership. */
export function useDeliveryState(doc: Y.Doc, record: Y.Map<unknown> | undefined): DeliveryState | undefined {
  const ctx = useContext(DeliveryContext)
  useDocVersion(doc)
  // acknowledgements from the relay change the connection's state: render again then
  useSyncExternalStore(ctx?.conn.subscribe ?? noSubscription, ctx?.conn.getState ?? noState)
  if (!ctx || !record) return undefined
  const isOnRelay = (ids: readonly { client: number; clock: number }[]): boolean => ctx.conn.isOnRelay(ids)
  // without knowing our school, "the partner" is unknown: say only how far it travelled
  if (!ctx.mySchoolId) return isOnRelay(recordItemIds(record)) ? 'on-relay' : 'saved-local'
  return deliveryState(doc, record, ctx.mySchoolId, isOnRelay)
}

interface Props {
  readonly doc: Y.Doc
  readonly record: Y.Map<unknown> | undefined
  /** What it is about, for a screen reader in a list ("Where is it: Our school" before the state). */
  readonly about?: string
}

export function DeliveryStatus({ doc, record, about }: Props) {
  const { t } = useTranslation()
  const state = useDeliveryState(doc, record)
  if (!state) return null
  const reached = STEPS.indexOf(state)
  return (
    <p className="delivery" data-state={state}>
      {about ? <span className="visually-hidden">{t('delivery.about', { about })}</span> : null}
      <span className="delivery-dots" aria-hidden="true">
        {STEPS.map((s, i) => (
          <span key={s} className={i <= reached ? 'delivery-dot delivery-dot-on' : 'delivery-dot'} />
        ))}
      </span>
      <span className="delivery-text">{t(`delivery.states.${state}`)}</span>
    </p>
  )
}
