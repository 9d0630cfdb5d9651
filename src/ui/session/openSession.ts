/**
 * Opening a partnership on this device: its local document, the connection to the relay, and
 * what runs beside them while it is open (delivery receipts, photo counts, the device's upkeep,
 * history). `usePartnershipSession` (../hooks/usePartnershipSession.ts) is the React side;
 * closing the session stops all of it.
 *
 * The connection's intent is `join` once the relay knows the room (or when this device joined it):
 * only the device that created a partnership may register it on the relay.
 */
import type * as Y from 'yjs'
import { trackHistory } from '../../domain'
import {
  deviceCredentialIn,
  nextTask,
  noteAcceptedByRelay,
  noteFullySynced,
  noteRemovedByRelay,
  openLocalDocument,
  outboxOf,
  readRelayPosition,
  relayPositionKeeper,
  type LocalDocument,
  type PartnershipEntry,
} from '../../storage'
import { PartnershipConnection, attachmentTransfer, defaultRelayUrl, type DeviceCredential, type Invite } from '../../sync'
import { rememberDeviceCredential } from '../../sync/devices'
import { keepReceipts } from './deliveryReceipts'
import { keepDeviceUpkeep } from './deviceUpkeep'
import { keepPhotoCounts } from './photoCounts'

export interface PartnershipSession {
  readonly roomId: string
  readonly invite: Invite
  readonly doc: Y.Doc
  readonly conn: PartnershipConnection
  /** This device's own credential in the partnership (its proof goes with every connection). */
  readonly device: DeviceCredential | undefined
  /** Closes the connection and the local document. Idempotent. */
  close(): Promise<void>
}

/** Opens the partnership of `entry` (its invite already read) and starts what runs beside it. */
export async function openSession(entry: PartnershipEntry, invite: Invite): Promise<PartnershipSession> {
  const { roomId } = entry
  const local: LocalDocument = openLocalDocument(roomId)
  const rememberedPosition = readRelayPosition(roomId)
  await local.whenLoaded
  // made on the first connection and kept: the relay registers this device under it
  const device = await deviceCredentialIn(roomId).catch(() => undefined)
  const isRegistered = device !== undefined && entry.deviceRegisteredAt !== undefined
  if (device && isRegistered) rememberDeviceCredential(roomId, device)
  // where the relay's last acks left off (read while the document loaded): the relay sends only what changed since, if it still can
  const remembered = await rememberedPosition
  await nextTask()
  // What runs beside the document starts in three tasks, in this order: on a five-year
  // partnership at 4× CPU the steps took 60–100 ms together, and a garbage collection of the
  // document's loading falling into that one task made it 200–300 ms (bench:app's cold start).
  // The first of them is not the IndexedDB answer's own: that task also runs whatever else
  // awaited the transaction, and with the connection and a collection in it, one reload in ten
  // still had a task of 250 ms (2026-12-03; none in 20 since).
  // Each step looks at the whole document when it starts, so what arrives in between is not missed.
  const stops: (() => void)[] = []
  let conn: PartnershipConnection | undefined
  try {
    conn = new PartnershipConnection(local.doc, {
      relayUrl: defaultRelayUrl(),
      invite,
      intent: entry.isKnownToRelay || entry.origin === 'joined' ? 'join' : 'create',
      outbox: outboxOf(roomId),
      ...(device ? { device } : {}),
      relayPosition: { ...(remembered ? { remembered } : {}), remember: relayPositionKeeper(roomId) },
      onAccepted: () => {
        // accepted with this device's proof: the relay knows the device from now on
        void noteAcceptedByRelay(roomId, device !== undefined && !isRegistered)
        if (device) {
          rememberDeviceCredential(roomId, device)
          attachmentTransfer().register(invite, device)
        }
      },
      onRemoved: () => {
        void noteRemovedByRelay(roomId)
      },
      onFullySynced: () => {
        void noteFullySynced(roomId)
      },
    })
    // delivery receipts: "Received by partner school" on the other device comes from these
    stops.push(keepReceipts(local.doc, conn, roomId))
    // photos waiting for this partnership's relay go out as soon as there is a connection
    attachmentTransfer().register(invite, isRegistered ? device : undefined)
    await nextTask()
    stops.push(keepPhotoCounts(local.doc))
    await nextTask()
    // this device's entry in the document (explains its version) and its daily copy of the partnership
    stops.push(keepDeviceUpkeep(local.doc, roomId))
    // every change made from now on gets its history entry, also those that skip assertWritable
    trackHistory(local.doc)
  } catch (err) {
    // nothing of a half-opened partnership keeps running
    for (const stop of stops) stop()
    conn?.destroy()
    await local.destroy()
    throw err
  }
  const connection = conn
  let closing: Promise<void> | undefined
  return {
    roomId,
    invite,
    doc: local.doc,
    conn: connection,
    device,
    close: () => {
      closing ??= (async () => {
        for (const stop of stops) stop()
        connection.destroy()
        await local.destroy()
      })()
      return closing
    },
  }
}
