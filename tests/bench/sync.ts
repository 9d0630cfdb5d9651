/**
 * The sync figures of issue 12, measured with the project's own relay and the app's own
 * connection (PartnershipConnection, as tests/helpers/clients.ts builds it) over loopback, bytes
 * counted at the socket by a TCP proxy on 127.0.0.1 between the app and the relay (WebSocket
 * frames and the HTTP upgrade included; TCP/IP headers not). The proxy can also shape the link:
 * a bandwidth (bytes leave one after another at that rate) and a one-way delay.
 *
 * 1. joining the five-year partnership: bytes received, beside the gzip of the document (the app
 *    fetches the document over HTTP, then its socket resumes: both pass the proxy and are counted;
 *    Node's fetch is answered brotli, as a browser is over HTTPS);
 * 2. the same join at 1.6 Mbit/s and 150 ms round trip, to the connection's "synced" (the relay
 *    holds every local change and the document arrived), beside the time the gzip of the document
 *    takes at that rate plus two round trips (upgrade, sync request);
 * 3. bytes received for a one-field edit (the acknowledgement), beside the edit's own updates
 *    (what the stock server would echo);
 * 4. the Yjs update of one delivery receipt written (src/domain/receipts.ts writeReceipt) on the
 *    joined five-year document, and beside it one read mark (delivery.ts markRead);
 * 5. reconnect after 500 offline edits: bytes both ways, beside the gzip of the Yjs diff.
 *
 * `npm run bench:sync [-- --seed N] [--percent P]` runs it on its own (P: the fixture's size, 100 by default) (relay started here); app.bench.ts calls
 * `measureSync` with its relay. A benchmark, not a test: it prints, it asserts nothing.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import * as Y from 'yjs'
import { collection, listActivities, markRead, readMeta, updateActivity, writeReceipt, type ActivityStatus, type Author } from '../../src/domain'
import { newInvite, type PartnershipConnection } from '../../src/sync'
import { isLocalOrigin } from '../../src/storage/docStore'
import { appConnection } from '../helpers/clients'
import { updatesDuring } from '../helpers/updates'

/** The throttled link of figure 2: DevTools' 1.6 Mbit/s with 150 ms round trip. */
export const SLOW_LINK = { bitsPerSecond: 1_600_000, roundTripMs: 150 } as const

export interface Figure {
  readonly name: string
  readonly measured: number
  readonly unit: 'B' | 's'
  /** What the figure is held against, measured in the same run; undefined when there is none. */
  readonly anchor: number | undefined
  readonly anchorLabel: string
  /** measured / anchor, when the goal is a ratio. */
  readonly ratio: number | undefined
  /** `ratio`: measured/anchor at most `value`; `max`: measured at most `value` (in `unit`). */
  readonly goal: { readonly kind: 'ratio' | 'max'; readonly value: number }
  readonly met: boolean
  /** What else was seen (counts, sizes). */
  readonly note: string
}

export interface SyncFigures {
  readonly join: Figure
  readonly joinTime: Figure
  readonly editAck: Figure
  readonly receipt: Figure
  readonly reconnect: Figure
  /** How long the measurement took (the relay and the fixture not included). */
  readonly seconds: number
}

interface Counts {
  /** app → relay */
  up: number
  /** relay → app */
  down: number
}

/**
 * A shaped link in one direction: chunks leave one after another at the rate, then wait the delay.
 * They are handed on strictly in the order they came, by one timer over a queue: a timer per
 * chunk reordered them (Node schedules a timer from the loop's cached clock, so a chunk read after
 * the event loop was busy could come due before the chunk read just before it, and the app got a
 * corrupted stream).
 */
class Pacer {
  private freeAt = 0
  private readonly queue: { chunk: Buffer; dueAt: number }[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  constructor(
    private readonly proxy: WireProxy,
    private readonly to: Socket,
  ) {}
  /** Chunks counted but not yet handed on. */
  get inFlight(): number {
    return this.queue.length
  }
  send(chunk: Buffer): void {
    const link = this.proxy.link
    if (!link && this.queue.length === 0) {
      this.to.write(chunk)
      return
    }
    const now = performance.now()
    const leaves = link ? Math.max(now, this.freeAt) + (chunk.length * 8 * 1000) / link.bitsPerSecond : now
    this.freeAt = leaves
    this.queue.push({ chunk, dueAt: leaves + (link ? link.roundTripMs / 2 : 0) })
    this.schedule()
  }
  private schedule(): void {
    const next = this.queue[0]
    if (this.timer !== undefined || !next) return
    this.timer = setTimeout(() => this.drain(), Math.max(0, next.dueAt - performance.now()))
  }
  private drain(): void {
    this.timer = undefined
    const now = performance.now()
    while (this.queue.length > 0 && this.queue[0]!.dueAt <= now) {
      const { chunk } = this.queue.shift()!
      if (!this.to.destroyed) this.to.write(chunk)
    }
    this.schedule()
  }
}

/** A counting (and optionally shaping) TCP proxy on 127.0.0.1 in front of the relay. */
export class WireProxy {
  readonly counts: Counts = { up: 0, down: 0 }
  /** Sockets the app opened through the proxy (a reconnect shows as one more). */
  connections = 0
  link: { bitsPerSecond: number; roundTripMs: number } | undefined
  private readonly sockets = new Set<Socket>()
  private readonly pacers = new Set<Pacer>()

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<WireProxy> {
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('proxy: no port')
    const proxy = new WireProxy(server, address.port)
    server.on('connection', (app) => proxy.pipe(app, target))
    return proxy
  }

  private pipe(app: Socket, target: { host: string; port: number }): void {
    const relay = connect(target.port, target.host)
    this.connections++
    this.sockets.add(app).add(relay)
    const toRelay = new Pacer(this, relay)
    const toApp = new Pacer(this, app)
    this.pacers.add(toRelay).add(toApp)
    app.on('data', (chunk: Buffer) => {
      this.counts.up += chunk.length
      toRelay.send(chunk)
    })
    relay.on('data', (chunk: Buffer) => {
      this.counts.down += chunk.length
      toApp.send(chunk)
    })
    let isClosing = false
    const close = (): void => {
      if (isClosing) return
      isClosing = true
      this.sockets.delete(app)
      this.sockets.delete(relay)
      // after what is still on its way has arrived: a relay that closes an idle HTTP connection
      // (keep-alive) may have written the answer long before the shaped link delivered it
      const end = (): void => {
        if (toApp.inFlight > 0 || toRelay.inFlight > 0) {
          setTimeout(end, 20)
          return
        }
        setTimeout(() => {
          app.destroy()
          relay.destroy()
        }, this.link ? this.link.roundTripMs : 0)
      }
      end()
    }
    app.on('close', close).on('error', close)
    relay.on('close', close).on('error', close)
  }

  snapshot(): Counts {
    return { ...this.counts }
  }

  since(before: Counts): Counts {
    return { up: this.counts.up - before.up, down: this.counts.down - before.down }
  }

  /**
   * Waits until nothing is on its way through the shaped link and nothing crossed for `ms`, in a
   * window the event loop was free to notice (the app runs in this process: while it applies a
   * big update nothing it is about to send has reached the proxy yet). Bounded by `maxMs`.
   */
  async quiet(ms: number, maxMs = 120_000): Promise<void> {
    const end = performance.now() + maxMs
    while (performance.now() < end) {
      const before = this.snapshot()
      const t = performance.now()
      await sleep(ms)
      const isIdle = [...this.pacers].every((p) => p.inFlight === 0)
      const moved = this.since(before)
      if (isIdle && moved.up === 0 && moved.down === 0 && performance.now() - t < ms * 1.5) return
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => this.server.close(() => r()))
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Resolves when the connection's state becomes 'synced' (the relay holds every local change). */
function whenSynced(conn: PartnershipConnection, what: string, maxMs = 180_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (conn.getState().kind === 'synced') return resolve()
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`${what}: not synced after ${maxMs} ms (state ${JSON.stringify(conn.getState())})`))
    }, maxMs)
    const stop = conn.subscribe(() => {
      const s = conn.getState()
      if (s.kind === 'synced') {
        clearTimeout(timer)
        stop()
        resolve()
      } else if (s.kind === 'refused' || s.kind === 'removed') {
        clearTimeout(timer)
        stop()
        reject(new Error(`${what}: ${JSON.stringify(s)}`))
      }
    })
  })
}

/** Every update this document emits from local writes while `fn` runs, by size. */
function localUpdates(doc: Y.Doc, fn: () => void): number[] {
  return updatesDuring(doc, fn)
    .filter((u) => isLocalOrigin(u.origin))
    .map((u) => u.update.length)
}

function figure(f: Omit<Figure, 'ratio' | 'met'>): Figure {
  const ratio = f.anchor !== undefined && f.anchor > 0 ? f.measured / f.anchor : undefined
  const met = f.goal.kind === 'ratio' ? ratio !== undefined && ratio <= f.goal.value : f.measured <= f.goal.value
  return { ...f, ratio, met }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)

const BENCH_AUTHOR: Author = { personId: 'bench-person', name: 'Bench', deviceId: 'bench-device-0001' }

/**
 * Runs the five measurements against a running relay (`relayWsUrl`, e.g. `ws://127.0.0.1:port/sync`),
 * in a new room of its own. `relayHttpUrl` is accepted for the callers' symmetry and not used yet.
 * Bounded: waiting for "synced" throws after 3 minutes, waiting for a quiet link stops after 2.
 */
export async function measureSync(options: { relayWsUrl: string; relayHttpUrl?: string; fixture: Y.Doc }): Promise<SyncFigures> {
  const started = performance.now()
  const relayUrl = new URL(options.relayWsUrl)
  const encoded = Y.encodeStateAsUpdate(options.fixture)
  const gzipBytes = gzipSync(encoded).length
  const invite = newInvite()

  // the creator's device puts the partnership on the relay (not measured)
  const creatorDoc = new Y.Doc()
  Y.applyUpdate(creatorDoc, encoded)
  const creator = appConnection(options.relayWsUrl, invite, 'create', creatorDoc)
  const proxy = await WireProxy.start({ host: relayUrl.hostname, port: Number(relayUrl.port) })
  const proxied = `ws://127.0.0.1:${proxy.port}${relayUrl.pathname}`
  let joiner: ReturnType<typeof appConnection> | undefined
  try {
    await whenSynced(creator.conn, 'creator')
    creator.conn.destroy()

    // 1 + 2: join over the slow link
    proxy.link = { ...SLOW_LINK }
    const beforeJoin = proxy.snapshot()
    const socketsBefore = proxy.connections
    const t0 = performance.now()
    joiner = appConnection(proxied, invite, 'join')
    const { doc, conn } = joiner
    const closes: string[] = []
    conn.provider.on('connection-close', (event) => void closes.push(event ? `${event.code}${event.reason ? ` ${event.reason}` : ''}` : 'closed'))
    await whenSynced(conn, 'join')
    const joinSeconds = (performance.now() - t0) / 1000
    await proxy.quiet(1000)
    const joined = proxy.since(beforeJoin)
    const isComplete = Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(Y.encodeStateVector(options.fixture)))
    const join = figure({
      name: 'joining the five-year partnership: bytes received',
      measured: joined.down,
      unit: 'B',
      anchor: gzipBytes,
      anchorLabel: 'gzip of the document',
      goal: { kind: 'ratio', value: 1.2 },
      note: `document ${encoded.length} B encoded; sent ${joined.up} B; ${proxy.connections - socketsBefore} socket(s)${closes.length > 0 ? ` (closed: ${closes.join(', ')})` : ''}${isComplete ? '' : '; THE JOINED DOCUMENT DIFFERS FROM THE FIXTURE'}`,
    })
    const transferSeconds = (gzipBytes * 8) / SLOW_LINK.bitsPerSecond + (2 * SLOW_LINK.roundTripMs) / 1000
    const joinTime = figure({
      name: `joining it at ${SLOW_LINK.bitsPerSecond / 1e6} Mbit/s, ${SLOW_LINK.roundTripMs} ms: to "synced"`,
      measured: joinSeconds,
      unit: 's',
      anchor: transferSeconds,
      anchorLabel: 'gzip of the document at that rate + 2 round trips',
      goal: { kind: 'max', value: 5 },
      note: '',
    })
    proxy.link = undefined

    // 3: one field of one activity
    const activity = listActivities(doc)[0]
    if (!activity) throw new Error('the fixture has no activity')
    const nextStatus: ActivityStatus = activity.status === 'done' ? 'in-progress' : 'done'
    const beforeEdit = proxy.snapshot()
    const editSizes = localUpdates(doc, () => updateActivity(doc, activity.id, { status: nextStatus }, BENCH_AUTHOR))
    await whenSynced(conn, 'edit')
    await proxy.quiet(500)
    const edited = proxy.since(beforeEdit)
    const editAck = figure({
      name: 'bytes received for a one-field edit (the ack)',
      measured: edited.down,
      unit: 'B',
      anchor: sum(editSizes),
      anchorLabel: 'the edit\'s own updates (a stock echo)',
      goal: { kind: 'max', value: 150 },
      note: `edit ${editSizes.join(' + ')} B (the change and its history entry); sent ${edited.up} B`,
    })

    // 4: one delivery receipt, from a device of the partner school that has not written one yet,
    // after news from the other school arrived (a receipt reports news, not this device's own edit)
    const meta = readMeta(doc)
    const otherSchool = new Y.Doc()
    Y.applyUpdate(otherSchool, Y.encodeStateAsUpdate(doc))
    updateActivity(otherSchool, activity.id, { status: activity.status }, { personId: 'bench-partner', name: 'Partner', deviceId: 'bench-device-0002' })
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(otherSchool, Y.encodeStateVector(doc)), otherSchool)
    otherSchool.destroy()
    let isWritten = false
    const receiptSizes = localUpdates(doc, () => {
      isWritten = writeReceipt(doc, { schoolId: meta?.schoolB.id ?? '', deviceId: BENCH_AUTHOR.deviceId })
    })
    // and a person of that school opening an activity: its read mark
    const opened = collection(doc, 'activities').get(listActivities(doc)[0]?.id ?? '')
    const readSizes = opened ? localUpdates(doc, () => void markRead(doc, opened, meta?.schoolB.id ?? '')) : []
    const receipt = figure({
      name: 'a delivery receipt written',
      measured: sum(receiptSizes),
      unit: 'B',
      anchor: undefined,
      anchorLabel: '—',
      goal: { kind: 'max', value: 200 },
      note: isWritten
        ? `${receiptSizes.join(' + ')} B; ${Y.decodeStateVector(Y.encodeStateVector(doc)).size} client ids in the state vector; a read mark ${sum(readSizes)} B`
        : 'NO RECEIPT WRITTEN',
    })
    await whenSynced(conn, 'receipt')
    await proxy.quiet(500)

    // 5: offline, 500 edits, back online
    conn.provider.disconnect()
    for (let i = 0; i < 200 && conn.provider.wsconnected; i++) await sleep(10)
    const relayHas = Y.encodeStateVector(doc)
    const activities = listActivities(doc)
    const offlineSizes = localUpdates(doc, () => {
      for (let i = 0; i < 500; i++) {
        const a = activities[(i * 7) % activities.length]!
        const patch =
          i % 3 === 0
            ? { status: (i % 2 === 0 ? 'done' : 'in-progress') as ActivityStatus }
            : i % 3 === 1
              ? { title: `${a.title.slice(0, 150)} (${i})` }
              : { description: `${a.description} Nog ${i}.` }
        updateActivity(doc, a.id, patch, BENCH_AUTHOR)
      }
    })
    const diff = Y.encodeStateAsUpdate(doc, relayHas)
    const diffGzip = gzipSync(diff).length
    const beforeReconnect = proxy.snapshot()
    const socketsBeforeReconnect = proxy.connections
    conn.provider.connect()
    await whenSynced(conn, 'reconnect')
    await proxy.quiet(500)
    const reconnected = proxy.since(beforeReconnect)
    const reconnect = figure({
      name: 'reconnect after 500 offline edits, both ways',
      measured: reconnected.up + reconnected.down,
      unit: 'B',
      anchor: diffGzip,
      anchorLabel: 'gzip of the Yjs diff',
      goal: { kind: 'ratio', value: 1.2 },
      note: `sent ${reconnected.up} B, received ${reconnected.down} B, ${proxy.connections - socketsBeforeReconnect} socket(s)${closes.length > 1 ? ` (closed: ${closes.join(', ')})` : ''}; diff ${diff.length} B (${offlineSizes.length} updates, ${sum(offlineSizes)} B)`,
    })
    return { join, joinTime, editAck, receipt, reconnect, seconds: (performance.now() - started) / 1000 }
  } finally {
    joiner?.conn.destroy()
    creator.conn.destroy()
    await proxy.close()
  }
}

function formatValue(value: number, unit: 'B' | 's'): string {
  if (unit === 's') return `${value.toFixed(2)} s`
  return value >= 10_000 ? `${(value / 1024).toFixed(1)} KB` : `${Math.round(value).toLocaleString('en')} B`
}

/** Prints one table row per figure: figure | measured | anchor | ratio | goal | met? */
export function printSyncFigures(f: SyncFigures, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): void {
  out('| figure | measured | anchor, same run | ratio | goal | met? |')
  out('|---|---|---|---|---|---|')
  for (const x of [f.join, f.joinTime, f.editAck, f.receipt, f.reconnect]) {
    const anchor = x.anchor === undefined ? '—' : `${x.anchorLabel} ${formatValue(x.anchor, x.unit)}`
    const ratio = x.ratio === undefined ? '—' : `${x.ratio.toFixed(2)}×`
    const goal = x.goal.kind === 'ratio' ? `≤ ${x.goal.value} × anchor` : `≤ ${formatValue(x.goal.value, x.unit)}`
    out(`| ${x.name} | ${formatValue(x.measured, x.unit)}${x.note ? ` (${x.note})` : ''} | ${anchor} | ${ratio} | ${goal} | ${x.met ? 'yes' : 'no'} |`)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { buildFiveYearPartnership } = await import('./fixture')
  const { startRelay } = await import('../helpers/relay')
  const { wholeNumberArg } = await import('../../scripts/args')
  const seed = wholeNumberArg('seed') ?? 1
  const percent = wholeNumberArg('percent') ?? 100
  const t0 = performance.now()
  const { doc, stats } = buildFiveYearPartnership({ seed, scale: percent / 100 })
  process.stdout.write(`fixture (seed ${seed}) built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(stats)}\n`)
  const relay = await startRelay()
  try {
    const figures = await measureSync({ relayWsUrl: relay.wsUrl, relayHttpUrl: relay.httpUrl, fixture: doc })
    printSyncFigures(figures)
    process.stdout.write(`measured in ${figures.seconds.toFixed(1)} s\n`)
  } finally {
    await relay.kill()
  }
  process.exit(0)
}
