/**
 * permessage-deflate without zlib memory kept per socket. `ws` creates a socket's inflate stream
 * when the first compressed message arrives (browsers compress every message) and its deflate
 * stream when the relay first sends a message of `threshold` bytes or more (every join of a
 * partnership), and keeps both for the socket's life, only `reset()` between messages when there
 * is no context takeover: about 40 KiB (a 32 KiB window) and 136 KiB (15-bit window, memLevel 4)
 * of native memory per socket, for sockets that mostly sit idle. With no context takeover both
 * ways (relayConfig.ts `SYNC_DEFLATE`) no byte of zlib state is needed from one message to the
 * next. So `freeZlibBetweenMessages` closes an inflate stream as soon as its message is done (`ws`
 * creates a new one for the next compressed message, about 0.1 ms of CPU), and compresses each
 * whole outgoing message with one of a few deflate streams shared by all sockets, reset after
 * each. In bench:relay this took the relay from about 218 KiB of RSS per joined client to 7–10 KiB
 * (closing after each message), and then to 5.1 KiB (sharing: no 136 KiB allocated and freed for
 * every join's message).
 *
 * Uses `ws` internals, read in ws 8.23.0 (lib/permessage-deflate.js, package.json "^8.23.0"):
 * `ws._extensions['permessage-deflate']` with `params`, `_options`, `_inflate`, `_deflate` and the per-message
 * steps `_decompress(data, fin, cb)` / `_compress(data, fin, cb)`, whose callback runs once the
 * frame's data is out of the stream. When these are not there (another ws), the socket is left as
 * ws made it and this returns false; tests/relay/deflateMemory.test.ts fails on such a ws.
 */
import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib'
import type { WebSocket } from 'ws'

type Done = (err: Error | null, result?: Buffer) => void
type Step = (this: PerMessageDeflateInternals, data: Buffer, fin: boolean, done: Done) => void

interface ZlibStream {
  close(): void
}

/** The part of ws's PerMessageDeflate this module relies on. */
interface PerMessageDeflateInternals {
  params: Record<string, unknown> | null
  _options?: { zlibDeflateOptions?: Record<string, unknown> } & Record<string, unknown>
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
 * Idle deflate streams shared by every socket, by their options. Without context takeover a whole
 * message needs nothing of the socket's earlier ones, so any reset stream compresses it exactly as
 * the socket's own would. Keeping a few alive spares a zlib set-up and about 136 KiB of native
 * memory allocated and freed for every compressed message: in bench:relay that churn of the
 * allocator showed as RSS growing with every joined client, although no socket kept a stream.
 */
const idleDeflaters = new Map<string, DeflateRaw[]>()
/** Streams kept idle per set of options; ws compresses at most `concurrencyLimit` messages at once (10), more are made and closed after. */
const MAX_IDLE_DEFLATERS = 4

/**
 * Compresses a whole message (one frame, `fin`) with a shared stream when the socket negotiated no
 * server context takeover; otherwise (a message in several frames, context takeover) as ws does,
 * with the socket's own stream, closed after the message.
 */
function compressShared(this: PerMessageDeflateInternals, data: Buffer, fin: boolean, done: Done): void {
  const params = this.params
  if (!fin || this._deflate || params?.server_no_context_takeover !== true) return compressThenFree.call(this, data, fin, done)
  const windowBits = typeof params.server_max_window_bits === 'number' ? params.server_max_window_bits : constants.Z_DEFAULT_WINDOWBITS
  const options = { ...this._options?.zlibDeflateOptions, windowBits }
  const key = JSON.stringify(options)
  const stream = idleDeflaters.get(key)?.pop() ?? createDeflateRaw(options)
  const chunks: Buffer[] = []
  let length = 0
  let failed = false
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk)
    length += chunk.length
  }
  // ws's sender takes no error from a compression: the message then goes ws's own way
  const onError = (): void => {
    failed = true
    stream.off('data', onData)
    stream.close()
    compressThenFree.call(this, data, fin, done)
  }
  stream.on('data', onData)
  stream.once('error', onError)
  stream.write(data)
  stream.flush(constants.Z_SYNC_FLUSH, () => {
    if (failed) return
    stream.off('data', onData)
    stream.off('error', onError)
    const flushed = Buffer.concat(chunks, length)
    stream.reset()
    const idle = idleDeflaters.get(key) ?? []
    idleDeflaters.set(key, idle)
    if (idle.length < MAX_IDLE_DEFLATERS) idle.push(stream)
    else stream.close()
    // a message's last frame leaves out the sync flush's empty block, 00 00 ff ff (RFC 7692, 7.2.1)
    done(null, flushed.subarray(0, flushed.length - 4))
  })
}

/**
 * ws's options and negotiated parameters of a socket's compression, one object per distinct value
 * for all sockets: ws makes both anew for every socket (the options spread into an object with a
 * hidden class of its own, the parameters in dictionary mode), about 0.5 KiB of heap per socket.
 * After the handshake ws only reads them. Bounded: past SHARED_MAX distinct values a socket keeps its own.
 */
const sharedValues = new Map<string, Record<string, unknown>>()
const SHARED_MAX = 64

function shared<T extends Record<string, unknown>>(value: T): T {
  const key = JSON.stringify(value)
  const found = sharedValues.get(key)
  if (found) return found as T
  if (sharedValues.size >= SHARED_MAX) return value
  const copy = { ...value }
  sharedValues.set(key, copy)
  return copy
}

/**
 * Once the handshake is done: a whole message is compressed with a shared stream, and a message
 * in frames or received is carried by the socket's own stream, closed after its last frame (`fin`),
 * for the directions negotiated without context takeover; the socket's compression options and
 * parameters are shared objects. True when installed; false when the socket has no
 * permessage-deflate or ws's internals are not the ones this was written for. The steps are
 * functions made once, not closures per socket.
 */
export function freeZlibBetweenMessages(ws: WebSocket): boolean {
  const pmd = perMessageDeflateOf(ws)
  if (!pmd) return false
  pmd._decompress = decompressThenFree
  pmd._compress = compressShared
  if (pmd.params) pmd.params = shared(pmd.params)
  if (pmd._options) pmd._options = shared(pmd._options)
  return true
}
