/**
 * Where a letter, an activity or a reflection is: Saved on this device → On the relay → Received
 * by partner school → Read by partner school. "Received" comes from the partner's delivery
 * receipts in the document (see src/domain/receipts.ts and session/deliveryReceipts.ts), "Read"
 * from the read mark a partner device writes when a person opens the record (hooks/useMarkRead.ts),
 * "On the relay" from the connection's acknowledgements, so nothing here asks the network.
 *
 * The connection and this device's school come through `DeliveryContext` (provided by the open
 * partnership), so a row deep in a list needs only the document and the record.
 */
import { createContext, useContext, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { deliveryState, lastChangeSchool, recordItemIds, type DeliveryState } from '../../domain'
import type { PartnershipConnection } from '../../sync'
import { useDocVersion } from '../hooks/useDocVersion'
import '../delivery.css'

export interface DeliveryContextValue {
  readonly conn: PartnershipConnection
  /** The school this device speaks for, if chosen. */
  readonly mySchoolId: string | undefined
}

export const DeliveryContext = createContext<DeliveryContextValue | undefined>(undefined)

const STEPS: readonly DeliveryState[] = ['saved-local', 'on-relay', 'received-by-partner', 'read-by-partner']

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
  /**
   * Shown only when the record's last change was made by a device of this device's school
   * (domain `lastChangeSchool`): a record both schools edit (an activity, a reflection) last
   * changed by the partner has no delivery to tell here. Letters need not: they show it only on
   * the writer's side already.
   */
  readonly onlyOwnChange?: boolean
}

export function DeliveryStatus({ doc, record, about, onlyOwnChange = false }: Props) {
  const { t } = useTranslation()
  const state = useDeliveryState(doc, record)
  const mySchoolId = useContext(DeliveryContext)?.mySchoolId
  if (!state) return null
  if (onlyOwnChange && (!record || !mySchoolId || lastChangeSchool(doc, record) !== mySchoolId)) return null
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
