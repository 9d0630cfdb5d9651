/**
 * The link heartbeat, app side (docs/protocol.md "Heartbeat"): tells within seconds that a socket
 * the phone still thinks open carries nothing any more (a Wi-Fi without its uplink, a phone that
 * moved out of reach without noticing), where the provider's own watchdog waits 30 s.
 *
 * Every message from the relay counts as life. Only when the socket has been quiet for QUIET_MS
 * does the app send a heartbeat (3 bytes), which the relay sends back at once; no life within
 * ANSWER_MS of it and the link is dead. Heartbeats start only once the relay said it answers them
 * (its heartbeat 0, on sockets that offered `sb.hb`): an older relay closes a socket on an unknown
 * message type, so the app never sends one there and keeps the provider's 30 s watchdog alone.
 *
 * A slow link that is busy is not dead: while a large message is on its way — the relay's notice
 * said one comes, or this device sent one and the relay has not answered a heartbeat sent after
 * it — there is no deadline (the provider's watchdog still bounds it); nor is a link judged on a
 * check that came late, after a long task, before what arrived meanwhile was read. Nothing is
 * sent while the page is hidden: no radio kept awake in a pocket.
 */
import * as decoding from 'lib0/decoding'
import type { WebsocketProvider } from 'y-websocket'
import { LARGE_MESSAGE_BYTES, MESSAGE_HEARTBEAT, MESSAGE_LARGE_NEXT, encodeHeartbeat } from './wire'

/** A heartbeat goes out after this long without a message from the relay. */
export const QUIET_MS = 4000
/** The link is dead when nothing arrived this long after a heartbeat went out. */
export const ANSWER_MS = 3500
/** How often the watch looks; a dead link shows within QUIET_MS + ANSWER_MS + 2 × TICK_MS (8 s). */
export const TICK_MS = 250

interface Pending {
  readonly n: number
  at: number
}

export interface LinkWatchOptions {
  /** Sends a message on the current socket. */
  readonly send: (message: Uint8Array) => void
  /** Called once per socket, when the link is found dead. */
  readonly onDead: () => void
  readonly now?: () => number
  readonly isVisible?: () => boolean
}

/**
 * The state of one socket's heartbeat, driven by what arrives and leaves and by `tick`. Pure of
 * timers and sockets, so a test can drive it with its own clock.
 */
export class LinkWatch {
  /** The relay said it answers heartbeats (on this socket). */
  isActive = false
  private seq = 0
  private lastLife = 0
  private pending: Pending | undefined
  /** The last heartbeat number sent before this device's own large message: an answer above it means the relay has read it. */
  private uploadBarrier: number | undefined
  private isLargeComing = false
  private isDead = false
  private lastTick: number | undefined
  private readonly options: LinkWatchOptions
  private readonly now: () => number

  constructor(options: LinkWatchOptions) {
    this.options = options
    this.now = options.now ?? (() => performance.now())
  }

  /** A new socket opened: nothing known about it yet. */
  opened(): void {
    this.isActive = false
    this.seq = 0
    this.pending = undefined
    this.uploadBarrier = undefined
    this.isLargeComing = false
    this.isDead = false
    this.lastTick = undefined
    this.lastLife = this.now()
  }

  /** Any message from the relay, before it is handled. */
  received(): void {
    this.lastLife = this.now()
    this.isLargeComing = false
  }

  /** A heartbeat from the relay: its announcement (0) or the answer to ours. */
  heartbeat(n: number): void {
    if (n === 0) this.isActive = true
    if (this.pending && n >= this.pending.n) this.pending = undefined
    if (this.uploadBarrier !== undefined && n > this.uploadBarrier) this.uploadBarrier = undefined
  }

  /** The relay's notice: a large message comes next. */
  largeNext(): void {
    this.isLargeComing = true
  }

  /** This device sent a message of `bytes` on the socket. */
  sent(bytes: number): void {
    if (bytes >= LARGE_MESSAGE_BYTES) this.uploadBarrier = this.seq
  }

  tick(): void {
    const now = this.now()
    // a tick that comes late ran after a long task (applying a large update, a starved process):
    // what arrived meanwhile may still wait to be read, so this one judges nothing
    const isLate = this.lastTick !== undefined && now - this.lastTick > 2 * TICK_MS
    this.lastTick = now
    if (!this.isActive || this.isDead) return
    if (this.options.isVisible && !this.options.isVisible()) {
      // a frozen page may not have read what came: start afresh when it shows again
      this.pending = undefined
      this.lastLife = Math.max(this.lastLife, now - QUIET_MS)
      return
    }
    if (this.isLargeComing) return
    if (this.uploadBarrier !== undefined) {
      // a heartbeat behind our own large message tells when the relay has read it; no deadline until then
      if (!this.pending || this.pending.n <= this.uploadBarrier) this.beat(now)
      return
    }
    if (this.pending) {
      if (!isLate && now - Math.max(this.pending.at, this.lastLife) >= ANSWER_MS) {
        this.isDead = true
        this.options.onDead()
      }
      return
    }
    if (now - this.lastLife >= QUIET_MS) this.beat(now)
  }

  private beat(now: number): void {
    this.seq++
    this.pending = { n: this.seq, at: now }
    this.options.send(encodeHeartbeat(this.seq))
  }
}

function byteLengthOf(data: unknown): number {
  if (typeof data === 'string') return data.length
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  return 0
}

/**
 * Watches the provider's sockets: call after every other message handler is in place. `onDead`
 * gets the socket found dead. Returns a function that stops the watch.
 */
export function watchLink(provider: WebsocketProvider, onDead: (ws: WebSocket) => void): () => void {
  let timer: ReturnType<typeof setInterval> | undefined
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }
  const watch = new LinkWatch({
    send: (message) => provider.ws?.send(message as Uint8Array<ArrayBuffer>),
    onDead: () => {
      stop()
      if (provider.ws) onDead(provider.ws)
    },
    isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
  })
  provider.messageHandlers.forEach((handler, type) => {
    provider.messageHandlers[type] = (encoder, decoder, ...rest) => {
      watch.received()
      handler(encoder, decoder, ...rest)
    }
  })
  provider.messageHandlers[MESSAGE_HEARTBEAT] = (_encoder, decoder) => {
    watch.received()
    watch.heartbeat(decoding.readVarUint(decoder))
    if (watch.isActive && timer === undefined) timer = setInterval(() => watch.tick(), TICK_MS)
  }
  provider.messageHandlers[MESSAGE_LARGE_NEXT] = () => {
    watch.received()
    watch.largeNext()
  }
  provider.on('status', ({ status }) => {
    const ws = provider.ws
    if (status !== 'connected' || !ws) return
    stop()
    watch.opened()
    // every message this device sends on the socket passes here (the provider sends on it directly)
    const send = ws.send.bind(ws)
    ws.send = (data) => {
      watch.sent(byteLengthOf(data))
      send(data)
    }
  })
  provider.on('connection-close', stop)
  return stop
}
