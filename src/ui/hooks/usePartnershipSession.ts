/**
 * One open partnership: its document from this device (y-indexeddb) and its connection to the
 * relay, for as long as a screen shows it. Leaving the partnership destroys both.
 *
 * The connection's intent is `join` once the relay knows the room (or when this device joined it):
 * only the device that created a partnership may register it on the relay.
 */
import { useEffect, useState } from 'react'
import type * as Y from 'yjs'
import { dexieOutbox, ensureDeviceCredential, openLocalDocument, registry, type LocalDocument, type PartnershipEntry } from '../../storage'
import { PartnershipConnection, defaultRelayUrl, parseInviteCode, type DeviceCredential, type Invite } from '../../sync'
import { attachmentTransfer } from '../../sync'
import { rememberDeviceCredential } from '../../sync/devices'
import { trackHistory } from '../../domain'
import { keepPhotoCounts } from './photoCounts'
import { keepReceipts } from './deliveryReceipts'
import { keepDeviceUpkeep } from './deviceUpkeep'

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

export type SessionState =
  | { readonly phase: 'opening' }
  /** No registry entry for this room on this device. */
  | { readonly phase: 'missing' }
  /** The entry's invite code cannot be read (should not happen: it was checked when added). */
  | { readonly phase: 'broken' }
  | { readonly phase: 'open'; readonly session: PartnershipSession }

async function openSession(entry: PartnershipEntry, invite: Invite): Promise<PartnershipSession> {
  const { roomId } = entry
  const local: LocalDocument = openLocalDocument(roomId)
  await local.whenLoaded
  // made on the first connection and kept: the relay registers this device under it
  const device = await ensureDeviceCredential(registry(), roomId).catch(() => undefined)
  const isRegistered = device !== undefined && entry.deviceRegisteredAt !== undefined
  if (device && isRegistered) rememberDeviceCredential(roomId, device)
  const conn = new PartnershipConnection(local.doc, {
    relayUrl: defaultRelayUrl(),
    invite,
    intent: entry.isKnownToRelay || entry.origin === 'joined' ? 'join' : 'create',
    outbox: dexieOutbox(registry(), roomId),
    ...(device ? { device } : {}),
    onAccepted: () => {
      // accepted with this device's proof: the relay knows the device from now on
      void registry().partnerships.update(roomId, {
        isKnownToRelay: true,
        ...(device && !isRegistered ? { deviceRegisteredAt: new Date().toISOString() } : {}),
      })
      if (device) {
        rememberDeviceCredential(roomId, device)
        attachmentTransfer(registry()).register(invite, device)
      }
    },
    onRemoved: () => {
      void registry().partnerships.update(roomId, { removedAt: new Date().toISOString() })
    },
    onFullySynced: () => {
      void registry().partnerships.update(roomId, { lastSyncedAt: new Date().toISOString() })
    },
  })
  // delivery receipts: "Seen by partner school" on the other device comes from these
  const stopReceipts = keepReceipts(local.doc, conn, roomId)
  const stopPhotoCounts = keepPhotoCounts(local.doc)
  // this device's entry in the document (explains its version) and its daily copy of the partnership
  const stopUpkeep = keepDeviceUpkeep(local.doc, roomId)
  // every change made from now on gets its history entry, also those that skip assertWritable
  trackHistory(local.doc)
  // photos waiting for this partnership's relay go out as soon as there is a connection
  attachmentTransfer(registry()).register(invite, isRegistered ? device : undefined)
  let closing: Promise<void> | undefined
  return {
    roomId,
    invite,
    doc: local.doc,
    conn,
    device,
    close: () => {
      closing ??= (async () => {
        stopReceipts()
        stopPhotoCounts()
        stopUpkeep()
        conn.destroy()
        await local.destroy()
      })()
      return closing
    },
  }
}

export function usePartnershipSession(roomId: string): SessionState {
  const [state, setState] = useState<SessionState>({ phase: 'opening' })

  useEffect(() => {
    let isCancelled = false
    let session: PartnershipSession | undefined
    setState({ phase: 'opening' })
    void (async () => {
      const entry = await registry().partnerships.get(roomId)
      if (isCancelled) return
      if (!entry) {
        setState({ phase: 'missing' })
        return
      }
      const parsed = parseInviteCode(entry.inviteCode)
      if (!parsed.ok || parsed.invite.roomId !== roomId) {
        setState({ phase: 'broken' })
        return
      }
      const opened = await openSession(entry, parsed.invite)
      if (isCancelled) {
        void opened.close()
        return
      }
      session = opened
      setState({ phase: 'open', session: opened })
    })()
    return () => {
      isCancelled = true
      void session?.close()
    }
  }, [roomId])

  return state
}
