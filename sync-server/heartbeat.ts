/**
 * The link heartbeat, relay side (docs/protocol.md "Heartbeat"). A socket that offered `sb.hb` is
 * told first in its greeting (once the room has loaded, like everything else) that heartbeats are
 * answered — a heartbeat numbered 0 — and gets a notice just before every message of
 * LARGE_MESSAGE_BYTES or more, so its app does not take the seconds such a message needs on a slow
 * link for a dead link. The answer itself is rooms.ts's: a heartbeat is sent back as it came,
 * before anything else is done with it.
 */
import { LARGE_MESSAGE_BYTES, encodeHeartbeat, encodeLargeNext } from '../src/sync/wire'
import type { RelaySocket } from './socket'

/** The socket offered `sb.hb`: it gets the announcement when greeted, and notices of large messages. */
export function watchHeartbeats(ws: RelaySocket): void {
  ws.wantsHeartbeat = true
}

/** First of the greeting (once the room has loaded: nothing is sent before), to a socket that offered `sb.hb`. */
export function announceHeartbeats(ws: RelaySocket): void {
  if (ws.wantsHeartbeat) ws.send(encodeHeartbeat(0))
}

/** Just before a message of `bytes` is queued on `ws`: the notice, when it is large and the socket asked. */
export function noticeLargeNext(ws: RelaySocket, bytes: number): void {
  if (bytes >= LARGE_MESSAGE_BYTES && ws.wantsHeartbeat) ws.send(encodeLargeNext(bytes))
}
