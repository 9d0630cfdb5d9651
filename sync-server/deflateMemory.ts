/**
 * permessage-deflate without zlib memory kept per socket. `ws` creates a socket's inflate stream
 * when the first compressed message arrives (browsers compress every message) and its deflate
 * stream when the relay first sends a message of `threshold` bytes or more (every join of a
 * partnership), and keeps both for the socket's life, only `reset()` between messages when there
 * is no context takeover: about 40 KiB (a 32 KiB window) and 136 KiB (15-bit window, memLevel 4)
 * of native memory per socket, for sockets that mostly sit idle. With no context takeover both
 * ways (relayConfig.ts `SYNC_DEFLATE`) no byte of zlib state is needed from one message to the
 * next, so `freeZlibBetweenMessages` closes a stream as soon as its message is done; `ws` creates
 * a new one for the next compressed message (about 0.1 ms of CPU, measured in bench:relay with
 * clients that compress every message). In bench:relay this took the relay from about 218 KiB of
 * RSS per joined client to 7–10 KiB.
 *
 * Uses `ws` internals, read in ws 8.23.0 (lib/permessage-deflate.js, package.json "^8.23.0"):
 * `ws._extensions['permessage-deflate']` with `params`, `_inflate`, `_deflate` and the per-message
 * steps `_decompress(data, fin, cb)` / `_compress(data, fin, cb)`, whose callback runs once the
 * frame's data is out of the stream. When these are not there (another ws), the socket is left as
 * ws made it and this returns false; tests/relay/deflateMemory.test.ts fails on such a ws.
 */
import type { WebSocket } from 'ws'

type Done = (err: Error | null, result?: Buffer) => void
type Step = (this: PerMessageDeflateInternals, data: Buffer, fin: boolean, done: Done) => void

interface ZlibStream {
  close(): void
}

/** The part of ws's PerMessageDeflate this module relies on. */
interface PerMessageDeflateInternals {
  params: Record<string, unknown> | null
  _inflate: ZlibStream | null
  _deflate: ZlibStream | null
  _decompress: Step
  _compress: Step
}

/** The socket's permessage-deflate state when it was negotiated and looks like ws 8.23's; else undefined. */
export function perMessageDeflateOf(ws: WebSocket): PerMessageDeflateInternals | undefined {
  const extensions = (ws as unknown as { _extensions?: Record<string, unknown> })._extensions
  const pmd = extensions?.['permessage-deflate'] as Partial<PerMessageDeflateInternals> | undefined
  if (!pmd || !('_inflate' in pmd) || !('_deflate' in pmd) || !('params' in pmd)) return undefined
  const proto = Object.getPrototypeOf(pmd) as Partial<PerMessageDeflateInternals>
  if (typeof proto._decompress !== 'function' || typeof proto._compress !== 'function') return undefined
  return pmd as PerMessageDeflateInternals
}

/** ws's own step, from PerMessageDeflate.prototype (the instance's own property is the one below). */
function original(pmd: PerMessageDeflateInternals, step: '_decompress' | '_compress'): Step {
  return (Object.getPrototypeOf(pmd) as PerMessageDeflateInternals)[step]
}

/** Inflates as ws does, then closes the inflate stream after a message's last frame (the client's window is not needed again). */
function decompressThenFree(this: PerMessageDeflateInternals, data: Buffer, fin: boolean, done: Done): void {
  original(this, '_decompress').call(this, data, fin, (err, result) => {
    // after an error ws has already closed it
    if (fin && this._inflate && this.params?.client_no_context_takeover === true) {
      this._inflate.close()
      this._inflate = null
    }
    done(err, result)
  })
}

/** Deflates as ws does, then closes the deflate stream after a message's last frame. */
function compressThenFree(this: PerMessageDeflateInternals, data: Buffer, fin: boolean, done: Done): void {
  original(this, '_compress').call(this, data, fin, (err, result) => {
    if (fin && this._deflate && this.params?.server_no_context_takeover === true) {
      this._deflate.close()
      this._deflate = null
    }
    done(err, result)
  })
}

/**
 * After each whole message (the last frame, `fin`) closes the zlib stream that carried it, for the
 * directions negotiated without context takeover. True when installed; false when the socket has
 * no permessage-deflate or ws's internals are not the ones this was written for. The two steps are
 * functions made once, not closures per socket.
 */
export function freeZlibBetweenMessages(ws: WebSocket): boolean {
  const pmd = perMessageDeflateOf(ws)
  if (!pmd) return false
  pmd._decompress = decompressThenFree
  pmd._compress = compressThenFree
  return true
}
