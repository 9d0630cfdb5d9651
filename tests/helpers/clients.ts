/** Node clients for relay tests: the app's own connection, and raw sockets for refusals. */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { PartnershipConnection, type ConnectionOptions } from '../../src/sync/connection'
import { MESSAGE_SYNC, clientSubprotocols, newInvite, type Intent, type Invite } from '../../src/sync/wire'
import { memoryOutbox } from '../../src/storage/outbox'
import { waitFor } from './relay'

/** The kind of a message the relay sent: `0.0` sync step 1, `0.1` step 2, `0.2` update, else its type (`1` awareness, `100` ack, `103` resume, …). */
export function messageKind(bytes: Uint8Array): string {
  return bytes[0] === MESSAGE_SYNC ? `0.${bytes[1]}` : String(bytes[0])
}

/** `more`: options beside the defaults (another socket class, a remembered relay position). */
export function appConnection(wsUrl: string, invite: Invite, intent: Intent, doc = new Y.Doc(), more: Partial<ConnectionOptions> = {}): { doc: Y.Doc; conn: PartnershipConnection } {
  const conn = new PartnershipConnection(doc, {
    relayUrl: wsUrl,
    invite,
    intent,
    outbox: memoryOutbox(),
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    isOnline: () => true,
    ...more,
  })
  return { doc, conn }
}

/** Creates the room of `invite` (a new one by default) on the relay with the app's connection, closed once synced. */
export async function createdRoom(relay: { readonly wsUrl: string }, invite: Invite = newInvite(), doc?: Y.Doc): Promise<Invite> {
  const { conn } = appConnection(relay.wsUrl, invite, 'create', doc)
  try {
    await waitFor(() => conn.getState().kind === 'synced', 'room created', 20_000)
  } finally {
    conn.destroy()
  }
  return invite
}

export interface RawResult {
  readonly code: number
  readonly reason: string
  /** Every message the relay sent before closing. */
  readonly messages: Uint8Array[]
  readonly protocol: string
}

/** Opens a socket with the given subprotocols and records what happens until it closes. */
export function rawSession(
  url: string,
  protocols: string[],
  opts: { send?: Uint8Array[]; closeAfterMs?: number } = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols)
    const messages: Uint8Array[] = []
    ws.binaryType = 'nodebuffer'
    ws.on('message', (d: Buffer) => messages.push(new Uint8Array(d)))
    ws.on('open', () => {
      for (const m of opts.send ?? []) ws.send(m)
      if (opts.closeAfterMs !== undefined) setTimeout(() => ws.close(1000), opts.closeAfterMs)
    })
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), messages, protocol: ws.protocol }))
    ws.on('error', (e) => reject(e))
  })
}

export function protocolsFor(invite: Invite, intent: Intent): string[] {
  return clientSubprotocols(invite, intent)
}
