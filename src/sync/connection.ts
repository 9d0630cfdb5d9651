/**
 * The connection of one partnership document to the relay, and what the sync indicator shows.
 *
 * Uses the stock y-websocket provider with three additions:
 * - the room proof travels as a WebSocket subprotocol (see wire.ts), never in the URL;
 * - reconnect delays get jitter, so a school's phones do not all reconnect in the same instant;
 * - the relay's acknowledgement message tells which local changes are stored durably there;
 * - a heartbeat (heartbeat.ts) finds a dead link in seconds, where the provider waits 30 s;
 * - each socket offers the relay position remembered from the last acks (resume.ts), so that a
 *   relay that still knows it sends only what changed after it;
 * - a device joining a partnership it holds nothing of first fetches the document over HTTP
 *   (joinByHttp.ts: smaller, and applied while it arrives), then its socket resumes from there.
 *
 * "Synced" is shown only when every local change is contained in what the relay acknowledged
 * (state vector and delete set), never merely because the socket is open. The cross-tab
 * BroadcastChannel is off: an update from another tab is not proof that the relay has it.
 */
import * as Y from 'yjs'
import type * as decoding from 'lib0/decoding'
import type * as encoding from 'lib0/encoding'
import { WebsocketProvider } from 'y-websocket'
import { HISTORY_MAP } from '../domain'
import { isLocalOrigin, nextTask, type Outbox } from '../storage'
import { watchLink } from './heartbeat'
import {
  CLOSE,
  CLOSE_REASON,
  MESSAGE_RELAY_ACK,
  MESSAGE_SYNC,
  MESSAGE_SYNC_STEP1_SINCE,
  authorizationHeader,
  clientSubprotocols,
  mergeSnapshots,
  readAck,
  snapshotOfUpdate,
  type CloseReason,
  type DeviceCredential,
  type Intent,
  type Invite,
} from './wire'
import { CHANGES_FILE_ORIGIN } from './fileOrigin'
import { RelayResume, type ResumeOptions } from './resume'
import { snapshotCoversDoc } from './snapshotCovers'
import { joinByHttp } from './joinByHttp'
import { relayHttpUrl } from './relayHttp'

/** Reconnect delays are capped here (y-websocket's default of 2.5 s hammers a relay that is down). */
export const MAX_BACKOFF_MS = 30_000
/** Walking the remembered deletions before a socket (resume.ts `prepare`): this long, then a turn for the browser. */
const PREPARE_SLICE_MS = 10

export type SyncState =
  | { readonly kind: 'offline'; readonly pending: number }
  | { readonly kind: 'connecting'; readonly pending: number; readonly lastError?: CloseReason }
  | { readonly kind: 'saved-local'; readonly pending: number }
  | { readonly kind: 'synced'; readonly pending: 0 }
  /** The relay refused the room proof or the room; final until the user acts. */
  | { readonly kind: 'refused'; readonly pending: number; readonly reason: CloseReason }
  /** The relay said this device was removed from the partnership (4403 `removed`): final, no retry. */
  | { readonly kind: 'removed'; readonly pending: number }

export interface ConnectionOptions {
  readonly relayUrl: string
  readonly invite: Invite
  readonly intent: Intent
  readonly outbox: Outbox
  /** This device's own credential: its proof travels with the invite's (`sb.dev.…`). */
  readonly device?: DeviceCredential
  /** Called once when the relay says this device was removed (the connection stops for good). */
  readonly onRemoved?: () => void
  /** Called once the relay has accepted the room from this device (first completed sync). */
  readonly onAccepted?: () => void
  /** Called each time the state becomes 'synced': connected, and the relay holds every local change. */
  readonly onFullySynced?: () => void
  /** The relay position remembered on this device and where to keep newer ones (resume.ts). */
  readonly relayPosition?: ResumeOptions
  /** For tests: the fetch of the join over HTTP (the platform's by default). */
  readonly fetch?: typeof fetch
  /** For tests of the socket's own exchange: false, and a device that holds nothing joins over the socket alone. */
  readonly joinOverHttp?: boolean
  /** For tests: the WebSocket class to use. */
  readonly WebSocketPolyfill?: typeof WebSocket
  /** For tests: whether the platform says it is online. */
  readonly isOnline?: () => boolean
}

interface PendingChange {
  readonly update: Uint8Array
  outboxId?: number
  isAcked: boolean
  /** Only bookkeeping (a history entry, a receipt or read mark: isBookkeepingOnly), not a change a person made. */
  readonly isBookkeeping: boolean
}

/** Top-level maps whose writes are the app's bookkeeping, not a change a person made. */
const BOOKKEEPING_ROOTS: ReadonlySet<string> = new Set([HISTORY_MAP, 'receipts'])

/**
 * True when an update only writes bookkeeping: history entries (every edit is followed by one;
 * counting it showed "2 changes saved on this device" for one edit), or delivery receipts and
 * read marks (`receipts`, docs/schema.md) — what `doc` says about the items it adds to and
 * deletes. Opening a record writes a read mark; counting it showed "1 change saved on this device"
 * after only reading, and "10 changes" after two edits and a deletion (a tester, 2026-12-02).
 * False when anything is unknown (not yet loaded, not an update): then it counts, as before.
 */
export function isBookkeepingOnly(update: Uint8Array, doc: Y.Doc): boolean {
  try {
    const { structs, ds } = Y.decodeUpdate(update)
    if (structs.length === 0 && ds.clients.size === 0) return false
    for (const s of structs) {
      if (!(s instanceof Y.Item) || !BOOKKEEPING_ROOTS.has(rootKeyOf(parentOf(s, doc), doc) ?? '')) return false
    }
    for (const [client, ranges] of ds.clients) {
      for (const range of ranges) {
        for (let clock = range.clock; clock < range.clock + range.len; ) {
          const item = Y.getItem(doc.store, Y.createID(client, clock))
          if (!(item instanceof Y.Item) || !BOOKKEEPING_ROOTS.has(rootKeyOf(item.parent, doc) ?? '')) return false
          clock = item.id.clock + item.length
        }
      }
    }
    return true
  } catch {
    return false
  }
}

/**
 * A decoded item's parent. An item next to another one (a map value over an earlier value, text
 * after text) is encoded without its parent, which is its neighbour's: read from the document.
 */
function parentOf(item: Y.Item, doc: Y.Doc): unknown {
  if (item.parent !== null) return item.parent
  const neighbour = item.origin ?? item.rightOrigin
  const known = neighbour ? Y.getItem(doc.store, neighbour) : undefined
  return known instanceof Y.Item ? known.parent : undefined
}

/** The top-level key a struct's parent lies under: a root's name, a nested type's id, or the type itself. */
function rootKeyOf(parent: unknown, doc: Y.Doc): string | undefined {
  if (typeof parent === 'string') return parent
  let type: unknown = parent
  if (parent instanceof Y.ID) {
    const item = Y.getItem(doc.store, parent)
    const content = item instanceof Y.Item ? item.content : undefined
    type = content instanceof Y.ContentType ? content.type : undefined
  }
  // up through the types it is nested in (findRootTypeKey knows only top-level types)
  for (let depth = 0; type instanceof Y.AbstractType && depth < 64; depth++) {
    const item: Y.Item | null = type._item
    if (item === null) return Y.findRootTypeKey(type)
    type = item.parent
  }
  return undefined
}

/** How many changes a person made that the relay has not acknowledged (at least 1 while any is pending). */
function changeCount(pending: readonly PendingChange[]): number {
  if (pending.length === 0) return 0
  return Math.max(1, pending.filter((c) => !c.isBookkeeping).length)
}

export function reasonOfCode(code: number): CloseReason | undefined {
  for (const [reason, value] of Object.entries(CLOSE)) if (value === code) return reason as CloseReason
  return undefined
}

/** A delay between half and all of the provider's exponential step: "equal jitter". */
export function jitteredBackoff(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(2 ** attempt * 100, MAX_BACKOFF_MS)
  return Math.round(step / 2 + random() * (step / 2))
}

export class PartnershipConnection {
  readonly provider: WebsocketProvider
  private readonly doc: Y.Doc
  private readonly options: ConnectionOptions
  /** What each new socket offers to resume from, and what the relay's acks add to `known`. */
  private readonly resume: RelayResume
  private intent: Intent
  private known: Y.Snapshot = Y.emptySnapshot
  /** The highest clock per client the relay ever acknowledged in this session. */
  private readonly everKnown = new Map<number, number>()
  private pending: PendingChange[] = []
  private isFullyAcked = false
  /**
   * True once, on this connection, the relay was seen to hold the whole document. From then on the
   * document only grows by tracked local changes (acked one by one) and by what the relay sent, so
   * "all acknowledged" needs no whole-document encode per edit (2.3 MB on a five-year partnership).
   * Cleared on disconnect and by an update from anywhere else (another tab, y-indexeddb).
   */
  private isDocVerified = false
  private refusal: CloseReason | undefined
  private isRemoved = false
  private lastError: CloseReason | undefined
  private state: SyncState = { kind: 'connecting', pending: 0 }
  private readonly listeners = new Set<() => void>()
  private isDestroyed = false
  private hasBeenAccepted = false
  /** The heartbeat found the link dead; cleared once a socket opens again. */
  private isLinkDead = false
  private readonly stopWatch: () => void
  /**
   * This device holds nothing of the partnership and remembers no relay position: until a socket
   * has synced, each attempt first fetches the document over HTTP (joinByHttp.ts).
   */
  private wantsHttpJoin: boolean
  /** The join over HTTP in flight (the socket waits for it). */
  private httpJoin: AbortController | undefined
  /** The remembered position's deletions being walked before a socket opens (resume.ts `prepare`). */
  private preparing: Promise<void> | undefined

  constructor(doc: Y.Doc, options: ConnectionOptions) {
    this.doc = doc
    this.options = options
    this.intent = options.intent
    this.resume = new RelayResume(doc, options.relayPosition)
    this.wantsHttpJoin = options.intent === 'join' && doc.store.clients.size === 0 && !options.relayPosition?.remembered && options.joinOverHttp !== false
    const isOnline = this.isOnline()
    this.provider = new WebsocketProvider(options.relayUrl, options.invite.roomId, doc, {
      connect: false,
      disableBc: true,
      maxBackoffTime: MAX_BACKOFF_MS,
      ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
    })
    // read by the provider as it opens each socket: the position is chosen at that moment
    Object.defineProperty(this.provider, 'protocols', {
      get: () => clientSubprotocols(options.invite, this.intent, options.device, this.resume.offer()),
    })
    this.provider.messageHandlers[MESSAGE_RELAY_ACK] = (
      _encoder: encoding.Encoder,
      decoder: decoding.Decoder,
    ) => {
      this.onAck(this.resume.onAck(readAck(decoder)))
    }
    this.provider.messageHandlers[MESSAGE_SYNC_STEP1_SINCE] = (encoder: encoding.Encoder, decoder: decoding.Decoder) => {
      this.resume.answerSyncStep1Since(encoder, decoder, MESSAGE_SYNC)
    }
    this.provider.on('connection-close', (event) => {
      // runs before the provider schedules its retry: the cap it uses becomes this attempt's delay
      this.provider.maxBackoffTime = jitteredBackoff(this.provider.wsUnsuccessfulReconnects + 1)
      const reason = event ? reasonOfCode(event.code) : undefined
      if (reason) this.lastError = reason
      if (event?.code === CLOSE.proofRefused && event.reason === CLOSE_REASON.removed && !this.isRemoved) {
        // removed on another device: final, whatever the invite; what is here stays here
        this.provider.shouldConnect = false
        this.isRemoved = true
        options.onRemoved?.()
      }
      if (reason === 'tooLarge' || reason === 'roomFull') {
        // y-websocket would send the same oversized message again on every reconnect
        // (y-websocket#189), and an update beyond the room's size limit (4413) would be refused
        // again; stop, keep the change on this device, and say why
        this.provider.shouldConnect = false
        this.refusal = reason
      }
      // what the relay holds is asked again on the next connection: if it lost data in between,
      // its greeting says so, and "Synced" waits until the changes are back on it
      this.known = Y.emptySnapshot
      this.resume.close()
      this.isFullyAcked = false
      this.isDocVerified = false
      this.recompute()
    })
    this.provider.on('closed', ({ code }) => {
      this.refusal = reasonOfCode(code) ?? 'badRequest'
      this.recompute()
    })
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.isLinkDead = false
      this.recompute()
    })
    // after every other message handler is in place
    this.stopWatch = watchLink(this.provider, (ws) => {
      this.isLinkDead = true
      // the provider's own way out of a socket it gave up on, as its 30 s watchdog takes: detached,
      // closed, and a new one after the backoff
      ws.onclose?.call(ws, null as unknown as CloseEvent)
      this.recompute()
    })
    this.provider.on('sync', (isSynced: boolean) => {
      if (isSynced) {
        this.lastError = undefined
        // the whole-document check waits for this moment (settle); the relay's ack may have come first
        this.settle()
        this.wantsHttpJoin = false
        if (!this.hasBeenAccepted) {
          this.hasBeenAccepted = true
          // from now on this device only ever joins: the room exists on the relay
          this.intent = 'join'
          options.onAccepted?.()
        }
      }
      this.recompute()
    })
    doc.on('update', this.onUpdate)
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline)
      window.addEventListener('offline', this.onOffline)
    }
    void options.outbox.load().then((rows) => {
      if (this.isDestroyed) return
      this.pending = [...rows.map((r) => ({ update: r.update, outboxId: r.id, isAcked: false, isBookkeeping: isBookkeepingOnly(r.update, this.doc) })), ...this.pending]
      this.settle()
    })
    if (isOnline) this.connect()
    this.recompute()
  }

  /** Opens a socket, after a join over HTTP when this device holds nothing yet (`wantsHttpJoin`). */
  private connect(): void {
    if (this.httpJoin || this.preparing) return // the socket opens once it ends
    if (!this.wantsHttpJoin) {
      // a socket open or opening already: nothing to offer now (the provider keeps it)
      const isSocketThere = this.provider.wsconnected || this.provider.wsconnecting
      const preparing = isSocketThere ? undefined : this.resume.prepare(nextTask, PREPARE_SLICE_MS, () => this.isDestroyed)
      if (!preparing) {
        this.provider.connect()
        return
      }
      this.preparing = preparing
        .catch(() => undefined)
        .then(() => {
          this.preparing = undefined
          this.openSocket()
        })
      return
    }
    const abort = new AbortController()
    this.httpJoin = abort
    const { invite, relayUrl } = this.options
    void joinByHttp({
      doc: this.doc,
      url: `${relayHttpUrl(relayUrl)}/join/${invite.roomId}`,
      // the invite's proof: this device is registered only once its socket is accepted (an old
      // invite code gets 403 here and joins over the socket with the device's own proof)
      authorization: authorizationHeader(invite),
      signal: abort.signal,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    }).then((outcome) => {
      if (this.httpJoin !== abort) return // destroyed, or went offline meanwhile
      this.httpJoin = undefined
      if (outcome.kind === 'joined') this.resume.joined(outcome.position, outcome.snapshot)
      // a relay without joins over HTTP, a refused proof, garbage: the socket does the whole join
      // (and says what is wrong); a cut link: the next attempt fetches again
      if (outcome.kind !== 'cut') this.wantsHttpJoin = false
      this.openSocket()
    })
  }

  /** After a join over HTTP or the walk before a socket: the socket, unless something changed meanwhile. */
  private openSocket(): void {
    if (this.isOnline() && !this.refusal && !this.isRemoved && !this.isDestroyed) this.provider.connect()
    this.recompute()
  }

  private isOnline(): boolean {
    if (this.options.isOnline) return this.options.isOnline()
    return typeof navigator === 'undefined' || navigator.onLine !== false
  }

  private readonly onOnline = (): void => {
    if (!this.refusal && !this.isRemoved) this.connect()
    this.recompute()
  }

  private readonly onOffline = (): void => {
    this.httpJoin?.abort()
    this.httpJoin = undefined
    this.provider.disconnect()
    this.recompute()
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this.provider) {
      // came from the relay, so the relay has it: applied, and durable once its write (one disk
      // sync) is done; if that write fails the relay closes this socket and `known` is asked again
      this.known = mergeSnapshots(this.known, snapshotOfUpdate(update))
      this.settle()
      return
    }
    // a changes file's update (fileOrigin.ts) is sent and counted like an edit made here offline
    if (!isLocalOrigin(origin) && origin !== CHANGES_FILE_ORIGIN) {
      // neither made here nor from the relay: only a whole-document check can tell if the relay has it
      this.isDocVerified = false
      this.isFullyAcked = false
      this.recompute()
      return
    }
    const change: PendingChange = { update, isAcked: false, isBookkeeping: isBookkeepingOnly(update, this.doc) }
    this.pending.push(change)
    this.isFullyAcked = false
    void this.options.outbox.add(update).then((id) => {
      change.outboxId = id
      if (change.isAcked) void this.options.outbox.remove([id])
    })
    this.recompute()
  }

  private onAck(snapshot: Y.Snapshot): void {
    this.known = mergeSnapshots(this.known, snapshot)
    for (const [client, clock] of snapshot.sv) this.everKnown.set(client, Math.max(clock, this.everKnown.get(client) ?? 0))
    this.settle()
  }

  /** Drops pending changes the relay has acknowledged, then recomputes the state. */
  private settle(): void {
    const done: number[] = []
    this.pending = this.pending.filter((c) => {
      if (!Y.snapshotContainsUpdate(this.known, c.update)) return true
      c.isAcked = true
      if (c.outboxId !== undefined) done.push(c.outboxId)
      return false
    })
    if (done.length > 0) void this.options.outbox.remove(done)
    if (this.pending.length === 0 && !this.isFullyAcked) {
      // the outbox may miss a change made just before a crash: check the whole document, once per
      // connection; after that every local change is tracked in `pending` until acknowledged
      // and only once the relay has answered on this connection: before that (offline, opening) the
      // answer is "no" anyway. State vector and delete set only (snapshotCovers.ts): encoding the
      // five-year partnership for this cost a second, right after a join's document arrived
      if (!this.isDocVerified && this.provider.synced) this.isDocVerified = snapshotCoversDoc(this.known, this.doc)
      this.isFullyAcked = this.isDocVerified
    }
    this.recompute()
  }

  private recompute(): void {
    const changes = changeCount(this.pending)
    const count = changes > 0 ? changes : this.isFullyAcked ? 0 : 1
    let next: SyncState
    if (this.isRemoved) next = { kind: 'removed', pending: count }
    else if (this.refusal) next = { kind: 'refused', pending: count, reason: this.refusal }
    else if (!this.isOnline() || this.isLinkDead || this.isUnreachable()) next = { kind: 'offline', pending: changes }
    else if (!this.provider.wsconnected || !this.provider.synced) {
      next = this.lastError ? { kind: 'connecting', pending: changes, lastError: this.lastError } : { kind: 'connecting', pending: changes }
    } else if (count > 0) next = { kind: 'saved-local', pending: count }
    else next = { kind: 'synced', pending: 0 }
    const prev = this.state
    const isSame =
      prev.kind === next.kind &&
      prev.pending === next.pending &&
      ('reason' in prev ? prev.reason : undefined) === ('reason' in next ? next.reason : undefined) &&
      ('lastError' in prev ? prev.lastError : undefined) === ('lastError' in next ? next.lastError : undefined)
    if (isSame) return
    this.state = next
    if (next.kind === 'synced') this.options.onFullySynced?.()
    for (const l of this.listeners) l()
  }

  /**
   * The last attempt failed without a word from the relay (no close code of ours): the network
   * is down even if the browser says it is online, which Chromium does after a reload offline.
   */
  private isUnreachable(): boolean {
    return !this.lastError && !this.provider.wsconnected && this.provider.wsUnsuccessfulReconnects > 0
  }

  /** For `useSyncExternalStore`. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getState = (): SyncState => this.state

  /**
   * True when the relay has acknowledged every item with these ids (in this connection or an
   * earlier one of this session): for "On the relay" beside a letter or an activity.
   */
  isOnRelay(ids: readonly { client: number; clock: number }[]): boolean {
    return ids.every((id) => (this.known.sv.get(id.client) ?? 0) > id.clock || this.relayHadBefore(id))
  }

  /** What earlier connections of this session acknowledged (kept when `known` is reset). */
  private relayHadBefore(id: { client: number; clock: number }): boolean {
    return (this.everKnown.get(id.client) ?? 0) > id.clock
  }

  /** Tries again now (after a refusal the user resolved, or a tap on the indicator). */
  retry(): void {
    // a removed device joins again only with a new invite code (a new connection)
    if (this.isRemoved) return
    this.refusal = undefined
    if (this.isOnline()) this.connect()
    this.recompute()
  }

  destroy(): void {
    this.isDestroyed = true
    this.httpJoin?.abort()
    this.httpJoin = undefined
    this.stopWatch()
    this.doc.off('update', this.onUpdate)
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline)
      window.removeEventListener('offline', this.onOffline)
    }
    this.provider.destroy()
    this.listeners.clear()
  }
}

/** The relay's WebSocket address for the page's own origin (the relay also serves the app). */
export function defaultRelayUrl(loc: { protocol: string; host: string } = window.location): string {
  const configured = import.meta.env.VITE_RELAY_URL
  if (typeof configured === 'string' && configured) return configured
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/sync`
}
