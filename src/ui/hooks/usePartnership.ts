/**
 * The open partnership, for every page of it: its document, room, entry on this device, meta,
 * who is acting and whether it is read-only — provided once by PartnershipScreen, so a page (and a
 * component deep inside one) reads it here instead of receiving it prop by prop.
 * Modelled on `DeliveryContext` (components/DeliveryStatus.tsx).
 *
 * Trap: pages are rendered only once the partnership is open and this device has its actor, so
 * `usePartnership()` can promise `actor`; Settings, which opens before that, reads
 * `usePartnershipOrNone()` and finds `actor` perhaps undefined.
 */
import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { Actor, PartnershipMeta } from '../../domain'
import type { PartnershipEntry } from '../../storage'
import type { PartnershipSession } from '../session/openSession'

/** An activity just deleted, for the plan's Undo. */
export interface DeletedActivity {
  readonly id: string
  readonly title: string
}

export interface OpenPartnership {
  readonly session: PartnershipSession
  readonly doc: Y.Doc
  readonly roomId: string
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  readonly actor: Actor | undefined
  readonly isReadOnly: boolean
  /** The activity deleted last, while the plan offers Undo. */
  readonly lastDeleted: DeletedActivity | undefined
  readonly setLastDeleted: (deleted: DeletedActivity | undefined) => void
}

export type Partnership = OpenPartnership & { readonly actor: Actor }

export const PartnershipContext = createContext<OpenPartnership | undefined>(undefined)

/** The open partnership with this device's actor; only inside a page of it. */
export function usePartnership(): Partnership {
  const value = useContext(PartnershipContext)
  if (!value?.actor) throw new Error('usePartnership outside an open partnership')
  return value as Partnership
}

/** The open partnership, before this device's actor may exist (Settings). */
export function usePartnershipOrNone(): OpenPartnership {
  const value = useContext(PartnershipContext)
  if (!value) throw new Error('usePartnershipOrNone outside an open partnership')
  return value
}
