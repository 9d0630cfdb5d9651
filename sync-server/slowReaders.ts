/**
 * Who is a slow reader (rooms.ts `send`): a socket whose unsent bytes passed `maxBufferedBytes`
 * (MAX_BUFFERED_BYTES) beyond the one large message it may have waiting. A message larger than
 * the bound (a joining device's whole document) goes out to a socket that keeps up, and while it
 * waits in the buffer — compressing, then crossing a slow link for many seconds — whatever else
 * the room says to that socket (its awareness echoed, an acknowledgement, a partner's edit) is
 * queued behind it, up to the bound: counting the large message against the bound closed the
 * joining device with 4529, and it downloaded the whole document again, and again. A socket holds
 * at most the bound plus two large messages (one more may be queued before the first has left);
 * the third is refused.
 */
import type { RelaySocket } from './socket'

export class SlowReaders {
  private readonly maxBufferedBytes: number

  constructor(maxBufferedBytes: number) {
    this.maxBufferedBytes = maxBufferedBytes
  }

  /**
   * Whether `bytes` more may be queued on `ws`; false when its reader is too slow. The large
   * message each socket may have waiting is its `largeWaiting` (bytes; 0: none), set when it was
   * sent while the socket's buffer was within the bound.
   */
  mayQueue(ws: RelaySocket, bytes: number): boolean {
    const buffered = ws.bufferedAmount
    if (buffered <= this.maxBufferedBytes) {
      // what is waiting is within the bound: the large message, if any, has (mostly) left
      ws.largeWaiting = bytes > this.maxBufferedBytes ? bytes : 0
      return true
    }
    return buffered <= this.maxBufferedBytes + ws.largeWaiting
  }
}
