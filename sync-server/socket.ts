/**
 * The relay's WebSocket: ws's own (admission.ts hands this class to its WebSocketServer, ws's
 * `WebSocket` option), with the few fields the relay keeps per socket as fields of the socket
 * itself. They were WeakSets and WeakMaps keyed by the socket, a Map entry and a `once` wrapper in
 * devices.ts, and closures per socket in rooms.ts; a field is 8 bytes of the socket object, where
 * each of those cost tens to hundreds of bytes of heap per socket (heap snapshots of bench:relay's
 * join phase, 300 → 600 sockets). And the socket's listeners can be functions made once, which
 * find what they need through `this`.
 *
 * Each field belongs to one module, like the groups of `Room` fields (room.ts): only that module
 * reads or writes it.
 */
import { WebSocket, type RawData } from 'ws'
import type { Client } from './room'

/** What devices.ts knows of a socket it let in: shared by the anonymous sockets of a room that offered the same invite. */
export interface TrackedSocket {
  readonly room: string
  /** The device, or undefined for an anonymous (invite-only) socket. */
  readonly deviceId: string | undefined
  /** Anonymous sockets: the room verifier their invite matched. */
  readonly inviteVerifier: string | undefined
}

export class RelaySocket extends WebSocket {
  /** admission.ts: answered the last ping (or was just let in); a socket that did not by the next one is terminated. */
  answeredPing = true
  /** heartbeat.ts: offered `sb.hb` (heartbeats announced, notices before large messages). */
  wantsHeartbeat = false
  /** slowReaders.ts: the large message it may have waiting, in bytes (0: none). */
  largeWaiting = 0
  /** devices.ts: the room and the device or invite it was let in with, while it is tracked. */
  tracked: TrackedSocket | undefined = undefined
  /** rooms.ts: its place in the room it joined (its messages wait in it while the room loads). */
  client: Client | undefined = undefined
}

/** Adds a listener to one of the relay's sockets (ws's types give every listener `this: WebSocket`, ws's own class). */
export function listen(ws: RelaySocket, event: 'message', listener: (this: RelaySocket, data: RawData, isBinary: boolean) => void): void
export function listen(ws: RelaySocket, event: 'close' | 'pong', listener: (this: RelaySocket) => void): void
export function listen(ws: RelaySocket, event: 'error', listener: (this: RelaySocket, err: Error) => void): void
export function listen(ws: RelaySocket, event: string, listener: (this: RelaySocket, ...args: never[]) => void): void {
  ws.on(event, listener as unknown as (this: WebSocket, ...args: unknown[]) => void)
}
