/**
 * `npm run bench:relay`: the same load against this relay (durable, with the room proof) and the
 * stock `@y/websocket-server` 0.1.1 (in memory), in one run: ROOMS rooms, each holding a document
 * of ROOM_BYTES before anyone joins (a join is sent a message well over ws's 1 KiB compression
 * threshold, as every join of a real partnership is), then CLIENTS y-websocket clients over `ws`
 * make EDITS timestamped edits each. The clients compress what they send as ws does by default
 * (messages of 1 KiB or more) where the server takes it; `--compress-all 1` compresses every
 * message, as browsers do, but then the 200 clients' zlib work runs in this one process and its
 * thread pool and lands in ours' latency only (stock takes no compression). Prints a table, ours
 * beside stock with the ratio and whether issue 12's goal is met: p50/p99 fan-out latency (edit →
 * arrival at every other client of its room; after WARMUP edits per client that are not counted, so
 * that neither the servers' code nor this process's clients are measured while V8 still compiles
 * them), deliveries, and server memory per client: RSS (VmRSS) growth per client over the whole
 * load (the edits stored included), and what one more connected client costs, measured apart in a
 * join phase on a second fresh process: rooms like the load's, JOIN_CLIENTS clients joining them
 * without editing, and the RSS growth per client from half of them joined to all (what a server sets
 * up once is not in it). Memory is read after a full garbage collection in the server
 * (tests/bench/memoryProbe.mjs), so that it is what is alive, not the garbage V8 happened to carry;
 * our relay runs with the malloc arenas it is deployed with (`--arenas`, OURS_ARENAS below).
 * ROUNDS rounds, each server measured once per round (the load, then the join phase, each on a
 * fresh process), the order alternating; the table shows the median of the rounds. Not part of `npm test`.
 *   npm run bench:relay -- --clients 200 --rooms 50 --edits 40 --interval 100 --room-bytes 16384 --compress-all 0 --warmup 10 --join-clients 2000 --join-step 100 --arenas 2 --stock-arenas 0 --rounds 3
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { SUBPROTOCOL, SUBPROTOCOL_ACK, SUBPROTOCOL_HEARTBEAT, clientSubprotocols, newInvite, type Invite } from '../../src/sync/wire'
import { startRelay, waitFor } from '../helpers/relay'
import { RELAY_MALLOC_ARENAS } from '../../sync-server/relayConfig'
import { mulberry32 } from '../helpers/random'
import { wholeNumberArg } from '../../scripts/args'
import { median as medianOfNumbers } from './load'

const arg = (name: string, fallback: number): number => wholeNumberArg(name) ?? fallback
const CLIENTS = arg('clients', 200)
const ROOMS = arg('rooms', 50)
const EDITS = arg('edits', 40)
const INTERVAL_MS = arg('interval', 100)
const ROOM_BYTES = arg('room-bytes', 16_384)
const WARMUP_EDITS = arg('warmup', 10)
const ROUNDS = Math.max(1, arg('rounds', 3))
/** Clients of the join phase (memory per joined client), and how many join between two readings. */
const JOIN_CLIENTS = Math.max(20, arg('join-clients', 2000))
const JOIN_STEP = Math.max(1, arg('join-step', 100))
/**
 * glibc malloc arenas (MALLOC_ARENA_MAX; 0: glibc's default, eight per core) of each server, in
 * both phases: ours as it is deployed (RELAY_MALLOC_ARENAS: the Dockerfile, `npm start` and
 * docs/deploy.md set it), the stock server as it ships. With glibc's default, memory the other
 * threads free (libuv's pool: zlib and LevelDB; V8's helpers: marking, compiling) stays in arenas
 * of their own: in our relay's join phase those arenas grew 0.8 MiB over 1,000 clients while the
 * main arena did not grow at all, and the same code read −10.7 to 9.7 KiB per joined client from
 * round to round. `--stock-arenas 2` measures both with the same allocator.
 */
const OURS_ARENAS = arg('arenas', Number(RELAY_MALLOC_ARENAS))
const STOCK_ARENAS = arg('stock-arenas', 0)
// empty for glibc's default: a value set in this process's own environment would reach the servers
const arenasEnv = (n: number): Record<string, string> => ({ MALLOC_ARENA_MAX: n > 0 ? String(n) : '' })
const arenasName = (n: number): string => (n > 0 ? `MALLOC_ARENA_MAX=${n}` : "glibc's default arenas")
process.setMaxListeners(Math.max(CLIENTS, JOIN_CLIENTS) + 50) // each y-websocket client listens for the process's exit
const COMPRESS_ALL = arg('compress-all', 0) !== 0
const ROOT = resolve(import.meta.dirname, '../..')

interface Figures {
  p50: number
  p99: number
  deliveriesPerSecond: number
  delivered: number
  expected: number
  /** Every client held its room's whole starting document once joined (the load's and the join phase's). */
  joinedWhole: boolean
  /** RSS growth over the whole load (joins and edits) per client, after the warm-up and the rooms' documents. */
  rssPerClientKiB: number
  /** RSS taken by the warm-up room and the rooms' documents, before the measured clients: set up once. */
  setupKiB: number
  /**
   * What one more client costs once joined, measured in a join phase of its own (runJoins, a fresh
   * server, JOIN_CLIENTS clients, no edits): the RSS growth per client from half of them joined to
   * all: the median of the growths between two readings (every JOIN_STEP clients), so that a
   * one-off release or growth inside the window does not decide it; what a server sets up once is not in it…
   */
  joinedPerClientKiB: number
  /** The same readings' least-squares slope, for comparison (a one-off release turns it negative). */
  joinedSlopeKiB: number
  /** …and the part of it that is V8's heap (the rest is native: sockets, zlib, buffers). */
  joinedHeapPerClientKiB: number
  /** How many clients the join phase had. */
  joinedClients: number
  /** The server's CPU time from the first edit to the last delivery. */
  cpuSeconds: number
  seconds: number
  /** The longest this process's own event loop stood still during the measured edits (its clients' arrivals wait as long). */
  benchPauseMs: number
}

interface Memory {
  rssKiB: number
  heapUsedKiB: number
}

const PROBE = join(ROOT, 'tests/bench/memoryProbe.mjs')
const probeDir = mkdtempSync(join(tmpdir(), 'sb-bench-memory-'))
/** What the servers are started with: memoryProbe.mjs answers SIGUSR2 with the memory after a full GC. */
const PROBE_ENV = { NODE_OPTIONS: `--expose-gc --import ${PROBE}`, MEMORY_PROBE_DIR: probeDir }
process.on('exit', () => rmSync(probeDir, { recursive: true, force: true }))

/** The server's memory after a full garbage collection (memoryProbe.mjs). */
async function memoryOf(pid: number): Promise<Memory> {
  const file = join(probeDir, `${pid}.json`)
  rmSync(file, { force: true })
  process.kill(pid, 'SIGUSR2')
  let read: Memory | undefined
  await waitFor(
    () => {
      try {
        read = JSON.parse(readFileSync(file, 'utf8')) as Memory
        return true
      } catch {
        return false
      }
    },
    'the server reported its memory',
    10_000,
  )
  return read!
}

/** CPU time (user + system) the process has used so far, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ 100)
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A full garbage collection of this process (gc() made available at run time, as --expose-gc would). */
const collectGarbage = ((): (() => void) => {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
})()

/**
 * Every client edits `count` times, every INTERVAL_MS after a random start within the first
 * interval: one item `{ from, i, t }` pushed to the array `array` (`before` is told first).
 */
async function editEvery(docs: Y.Doc[], array: string, count: number, random: () => number, before?: (c: number, i: number, t: number) => void): Promise<void> {
  await Promise.all(
    docs.map(async (doc, c) => {
      await sleep(random() * INTERVAL_MS)
      for (let i = 0; i < count; i++) {
        const t = performance.now()
        before?.(c, i, t)
        doc.getArray(array).push([{ from: c, i, t }])
        await sleep(INTERVAL_MS)
      }
    }),
  )
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** The least-squares slope of y over x: memory per client from several readings, steadier than from two. */
function slope(points: [number, number][]): number {
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0)
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0)
  return sxy / sxx
}

/** The median of the slopes between consecutive points: robust to one step that is not like the others. */
function medianStep(points: [number, number][]): number {
  return medianOfNumbers(points.slice(1).map(([x, y], i) => (y - points[i]![1]) / (x - points[i]![0])))!
}

/** ws as a browser uses it: offers permessage-deflate and, where the server takes it, compresses every message. */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: { threshold: 0 } })
  }
}
const Socket = (COMPRESS_ALL ? BrowserLikeWebSocket : WebSocket) as unknown as typeof globalThis.WebSocket

/** A room's starting document: about ROOM_BYTES of text in letters (seeded), compressing like real text. */
function roomDocument(room: number): Y.Doc {
  const random = mulberry32(1000 + room)
  const words = Array.from({ length: 200 }, (_, i) => `${['muraho', 'klas', 'brief', 'lettre', 'umuganda', 'jardin'][i % 6]}${Math.floor(random() * 1e6).toString(36)}`)
  const doc = new Y.Doc()
  const letters = doc.getArray<string>('letters')
  let bytes = 0
  while (bytes < ROOM_BYTES) {
    const letter = Array.from({ length: 60 }, () => words[Math.floor(random() * words.length)]).join(' ')
    letters.push([letter])
    bytes += letter.length
  }
  return doc
}

/** A server under load: where clients connect, its process, the subprotocols a client offers it. */
interface Target {
  wsBase: string
  pid: number
  protocolsFor?: (room: Invite) => string[]
}

/** A y-websocket client of `target` in the room of `invite`, with `doc`. */
function connector(target: Target): (invite: Invite, doc: Y.Doc) => WebsocketProvider {
  return (invite, doc) =>
    new WebsocketProvider(target.wsBase, invite.roomId, doc, {
      disableBc: true,
      WebSocketPolyfill: Socket,
      ...(target.protocolsFor ? { protocols: target.protocolsFor(invite) } : {}),
    })
}

/**
 * ROOMS rooms, each given its starting document by a first device that then leaves; before them one
 * room used and left, so that what a server sets up once (a store's caches, code warmed up) is
 * reported apart from what each client costs. `before`: memory before all that; `baseline`: after.
 */
async function prepareRooms(target: Target): Promise<{ invites: Invite[]; starting: Y.Doc[]; warmDoc: Y.Doc; before: Memory; baseline: Memory }> {
  const connect = connector(target)
  const invites = Array.from({ length: ROOMS }, () => newInvite())
  const before = await memoryOf(target.pid)
  const warm = connect(newInvite(), new Y.Doc())
  await waitFor(() => warm.synced, 'warm-up client synced', 30_000)
  warm.doc.getArray('e').push([{ from: -1, i: 0, t: 0 }])
  await sleep(500)
  warm.destroy()
  const starting = invites.map((_, r) => roomDocument(r))
  const seeders = invites.map((invite, r) => connect(invite, starting[r]!))
  await waitFor(() => seeders.every((p) => p.synced), 'the rooms got their documents', 60_000)
  await sleep(1000)
  for (const p of seeders) p.destroy()
  await sleep(200)
  return { invites, starting, warmDoc: warm.doc, before, baseline: await memoryOf(target.pid) }
}

/** Room of client `c`: round robin over the rooms. */
const roomOf = (c: number): number => c % ROOMS

/** Every client's document holds its room's whole starting document (client `c` in room `roomOf(c)`). */
function eachHoldsItsRoom(docs: readonly Y.Doc[], starting: readonly Y.Doc[]): boolean {
  return docs.every((doc, c) => doc.getArray('letters').length === starting[roomOf(c)]!.getArray('letters').length)
}

/** The figures of the join phase (runJoins); the timed load (runLoad) gives the others. */
type JoinFigures = 'joinedPerClientKiB' | 'joinedSlopeKiB' | 'joinedHeapPerClientKiB' | 'joinedClients'

/**
 * What one more connected client costs a server: JOIN_CLIENTS clients join the prepared rooms (no
 * edits), with a reading after a full collection every JOIN_STEP clients from half of them to all;
 * per client, the median of the growths between consecutive readings. Once in a few rounds a server
 * gives back several MiB between two readings: 256 KiB pages V8 had pooled after the rooms were
 * prepared (they stop being resident; its heap spaces and the malloc heap do not change): −6.8 and
 * −2.1 MiB in two steps of our relay's on 2026-12-03, which made the least-squares slope through the
 * readings −8.9 KiB per client while the other eight steps were 2.1–7.2 KiB. Apart from the timed load and with many more clients than it:
 * over the 100 clients from half of the load's to all of them, one V8 page (256 KiB) more or less was
 * 2.6 KiB per client, and the stock server's slope ranged from −1.4 to 9.0 KiB per client between
 * rounds; over 500 clients it is 0.5 KiB.
 */
async function runJoins(target: Target): Promise<Pick<Figures, JoinFigures | 'joinedWhole'>> {
  const connect = connector(target)
  const { invites, starting, warmDoc } = await prepareRooms(target)
  const providers: WebsocketProvider[] = []
  const docs: Y.Doc[] = []
  const half = Math.floor(JOIN_CLIENTS / 2)
  const points: [number, Memory][] = []
  for (let c = 0; c < JOIN_CLIENTS; c++) {
    const doc = new Y.Doc()
    docs.push(doc)
    providers.push(connect(invites[roomOf(c)]!, doc))
    if (c % 20 === 19) await sleep(20) // do not open hundreds of sockets in one tick
    if (c >= half - 1 && ((c - half + 1) % JOIN_STEP === 0 || c === JOIN_CLIENTS - 1)) {
      await waitFor(() => providers.every((p) => p.synced), `${c + 1} clients synced`, 120_000)
      await sleep(200)
      points.push([c + 1, await memoryOf(target.pid)])
    }
  }
  const joinedWhole = eachHoldsItsRoom(docs, starting)
  for (const p of providers) p.destroy()
  for (const doc of [...docs, ...starting, warmDoc]) doc.destroy()
  return {
    joinedWhole,
    joinedClients: JOIN_CLIENTS,
    joinedPerClientKiB: medianStep(points.map(([n, m]) => [n, m.rssKiB])),
    joinedSlopeKiB: slope(points.map(([n, m]) => [n, m.rssKiB])),
    joinedHeapPerClientKiB: slope(points.map(([n, m]) => [n, m.heapUsedKiB])),
  }
}

/** The timed load: CLIENTS clients join the prepared rooms, warm up, then make EDITS edits each. */
async function runLoad(target: Target): Promise<Omit<Figures, JoinFigures>> {
  const connect = connector(target)
  const pid = target.pid
  const { invites, starting, warmDoc, before, baseline } = await prepareRooms(target)
  const providers: WebsocketProvider[] = []
  // per edit "client:i": when it was made, how many others got it, the latest arrival
  const sentAt = new Map<string, number>()
  const arrivals = new Map<string, { count: number; last: number }>()
  let delivered = 0
  let lastDelivery = 0
  const sizes = invites.map((_, r) => Array.from({ length: CLIENTS }, (_, c) => c).filter((c) => roomOf(c) === r).length)
  const docs: Y.Doc[] = []
  for (let c = 0; c < CLIENTS; c++) {
    const doc = new Y.Doc()
    docs.push(doc)
    const invite = invites[roomOf(c)]!
    doc.getArray<{ from: number; i: number; t: number }>('e').observe((event) => {
      const now = performance.now()
      for (const item of event.changes.delta.flatMap((d) => (d.insert as { from: number; i: number; t: number }[] | undefined) ?? [])) {
        if (item.from === c) continue
        const key = `${item.from}:${item.i}`
        const a = arrivals.get(key) ?? { count: 0, last: 0 }
        a.count++
        a.last = Math.max(a.last, now)
        arrivals.set(key, a)
        delivered++
        lastDelivery = now
      }
    })
    providers.push(connect(invite, doc))
    if (c % 20 === 19) await sleep(20) // do not open 200 sockets in one tick
  }
  await waitFor(() => providers.every((p) => p.synced), `${CLIENTS} clients synced`, 60_000)
  const joinedWhole = eachHoldsItsRoom(docs, starting)
  /** Arrivals one edit of every client makes: each reaches the other clients of its room. */
  const othersPerEdit = Array.from({ length: CLIENTS }, (_, c) => sizes[roomOf(c)]! - 1).reduce((a, b) => a + b, 0)
  // Warm-up, not measured: every client makes WARMUP_EDITS edits like the measured ones (in an array
  // of their own), and all are delivered before the clock starts. Without it the first server of
  // the run was measured with this process's client code still cold (V8 compiles it while the first
  // load runs), and each server with its own code cold: the first half second of edits queued up
  // and made the whole p99 (ours run first: 114 ms against 53 ms when run second).
  let warmDelivered = 0
  for (const doc of docs) doc.getArray('w').observe((event) => void (warmDelivered += event.transaction.local ? 0 : event.changes.added.size))
  await editEvery(docs, 'w', WARMUP_EDITS, mulberry32(CLIENTS + 1))
  await waitFor(() => warmDelivered >= othersPerEdit * WARMUP_EDITS, 'every warm-up edit delivered', 60_000)
  await sleep(200)
  // this process's own garbage first: a full collection of its 200 clients' heap during the
  // measured edits delays every arrival it sees, whichever server is running (shown per round)
  collectGarbage()
  const pauses = monitorEventLoopDelay({ resolution: 10 })
  pauses.enable()
  const start = performance.now()
  const cpuAtStart = cpuSeconds(pid)
  await editEvery(docs, 'e', EDITS, mulberry32(CLIENTS), (c, i, t) => sentAt.set(`${c}:${i}`, t))
  const expected = othersPerEdit * EDITS
  try {
    await waitFor(() => delivered >= expected, 'every edit delivered', 60_000)
  } catch {
    // reported below as delivered < expected
  }
  pauses.disable()
  const seconds = (lastDelivery - start) / 1000
  const cpu = cpuSeconds(pid) - cpuAtStart
  const end = await memoryOf(pid)
  const latencies: number[] = []
  for (const [key, t] of sentAt) {
    const a = arrivals.get(key)
    const c = Number(key.split(':')[0])
    if (a && a.count === sizes[roomOf(c)]! - 1) latencies.push(a.last - t)
  }
  latencies.sort((a, b) => a - b)
  for (const p of providers) p.destroy()
  // and their documents: each provider's awareness keeps a timer until its document is destroyed,
  // which kept every round's 200 documents alive (25 MB more heap per round, and longer pauses)
  for (const doc of [...docs, ...starting, warmDoc]) doc.destroy()
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    deliveriesPerSecond: delivered / seconds,
    delivered,
    expected,
    joinedWhole,
    rssPerClientKiB: (end.rssKiB - baseline.rssKiB) / CLIENTS,
    setupKiB: baseline.rssKiB - before.rssKiB,
    cpuSeconds: cpu,
    seconds,
    benchPauseMs: pauses.max / 1e6,
  }
}

async function startStock(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@y/websocket-server/src/server.js')], {
    env: { ...process.env, ...PROBE_ENV, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('running at')) res()
    })
    child.once('exit', (code) => rej(new Error(`stock server exited with ${code}`)))
  })
  return { child, port }
}

/** The stock server must accept a socket offering our subprotocols (ws selects the first one). */
async function stockAcceptsSubprotocols(port: number): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/probe`, clientSubprotocols(newInvite(), 'create').slice(0, 2))
  const protocol = await new Promise<string>((res, rej) => {
    ws.on('open', () => res(ws.protocol))
    ws.on('error', rej)
  })
  ws.close()
  return protocol
}

const fmt = (f: Figures): string =>
  `p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, ${Math.round(f.deliveriesPerSecond)} deliveries/s ` +
  `(${f.delivered}/${f.expected} in ${f.seconds.toFixed(1)} s), RSS per joined client ${f.joinedPerClientKiB.toFixed(1)} KiB ` +
  `(least squares ${f.joinedSlopeKiB.toFixed(1)}; JS heap ${f.joinedHeapPerClientKiB.toFixed(1)}; ${Math.floor(f.joinedClients / 2)} → ${f.joinedClients} clients joined), per client over the whole load ${f.rssPerClientKiB.toFixed(1)} KiB, ` +
  `set up once ${Math.round(f.setupKiB)} KiB, CPU ${f.cpuSeconds.toFixed(2)} s; every client got its room's document: ${f.joinedWhole ? 'yes' : 'NO'}; ` +
  `longest pause of the clients' process ${Math.round(f.benchPauseMs)} ms`

/** One row of the table: figure | ours | stock | ratio | goal | met? (goal: at most `maxRatio` × stock; none: for reading). */
function row(name: string, ours: number, stock: number, unit: string, digits: number, maxRatio?: number): string {
  const ratio = ours / stock
  const met = maxRatio === undefined ? '—' : ratio <= maxRatio ? 'yes' : 'no'
  const goal = maxRatio === undefined ? '—' : `≤ ${maxRatio} × stock`
  const value = (x: number): string => `${x.toFixed(digits)}${unit === '' ? '' : ` ${unit}`}`
  return `| ${name} | ${value(ours)} | ${value(stock)} | ${ratio.toFixed(2)}× | ${goal} | ${met} |`
}

process.stdout.write(
  `load: ${ROOMS} rooms of a ${Math.round(ROOM_BYTES / 1024)} KiB document, ${CLIENTS} clients ` +
    `(${COMPRESS_ALL ? 'compressing every message where the server takes it, as browsers do' : "ws's default: compressing messages of 1 KiB or more"}), ` +
    `${EDITS} edits each every ${INTERVAL_MS} ms; machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}\n`,
)
/** Runs `phase` against a fresh process of this relay. */
async function withOurs<T>(phase: (target: Target) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const ours = await startRelay({
    env: { ...PROBE_ENV, ...env, MAX_CONNECTIONS_PER_MINUTE: '1000000', MAX_JOINS_PER_MINUTE: '1000000', MAX_ROOMS_CREATED_PER_HOUR: '1000000' },
  })
  try {
    // without sb.ack and sb.hb: the stock client has no handler for the relay's acks or heartbeat
    // notices (it printed "Unable to compute message" for each, 451 per load)
    return await phase({
      wsBase: ours.wsUrl,
      pid: ours.process.pid!,
      protocolsFor: (invite) => clientSubprotocols(invite, 'create').filter((p) => p !== SUBPROTOCOL_ACK && p !== SUBPROTOCOL_HEARTBEAT),
    })
  } finally {
    await ours.kill()
  }
}

/** Runs `phase` against a fresh process of the stock server. */
async function withStock<T>(phase: (target: Target) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const stock = await startStock(env)
  try {
    const selected = await stockAcceptsSubprotocols(stock.port)
    if (selected !== SUBPROTOCOL) throw new Error(`the stock server selected "${selected}", not "${SUBPROTOCOL}"`)
    return await phase({ wsBase: `ws://127.0.0.1:${stock.port}`, pid: stock.child.pid!, protocolsFor: (invite) => clientSubprotocols(invite, 'create').slice(0, 2) })
  } finally {
    stock.child.kill('SIGKILL')
  }
}

/** One round's figures for a server: the timed load, then the join phase, each on a fresh process. */
async function measure(withServer: <T>(phase: (target: Target) => Promise<T>, env?: Record<string, string>) => Promise<T>, env: Record<string, string>): Promise<Figures> {
  const load = await withServer(runLoad, env)
  const joins = await withServer(runJoins, env)
  return { ...load, ...joins, joinedWhole: load.joinedWhole && joins.joinedWhole }
}

/** Field by field, the median of the rounds (deliveries: summed; a document missing in any round: missing). */
function medianOf(rounds: Figures[]): Figures {
  const median = (f: (x: Figures) => number): number => medianOfNumbers(rounds.map(f))!
  return {
    p50: median((f) => f.p50),
    p99: median((f) => f.p99),
    deliveriesPerSecond: median((f) => f.deliveriesPerSecond),
    delivered: rounds.reduce((a, f) => a + f.delivered, 0),
    expected: rounds.reduce((a, f) => a + f.expected, 0),
    joinedWhole: rounds.every((f) => f.joinedWhole),
    rssPerClientKiB: median((f) => f.rssPerClientKiB),
    setupKiB: median((f) => f.setupKiB),
    joinedPerClientKiB: median((f) => f.joinedPerClientKiB),
    joinedSlopeKiB: median((f) => f.joinedSlopeKiB),
    joinedHeapPerClientKiB: median((f) => f.joinedHeapPerClientKiB),
    joinedClients: rounds[0]!.joinedClients,
    cpuSeconds: median((f) => f.cpuSeconds),
    seconds: median((f) => f.seconds),
    benchPauseMs: median((f) => f.benchPauseMs),
  }
}

// Rounds alternate which server goes first, so that neither always meets the machine in the same
// state; every figure below is the median of the rounds (one round's p99 swung 2x on a quiet machine).
const oursRounds: Figures[] = []
const stockRounds: Figures[] = []
for (let round = 0; round < ROUNDS; round++) {
  for (const which of round % 2 === 0 ? (['ours', 'stock'] as const) : (['stock', 'ours'] as const)) {
    if (which === 'ours') {
      const f = await measure(withOurs, arenasEnv(OURS_ARENAS))
      oursRounds.push(f)
      process.stdout.write(`round ${round + 1}, ours  (durable, room proof, WebSocket compression, ${arenasName(OURS_ARENAS)}): ${fmt(f)}\n`)
    } else {
      const f = await measure(withStock, arenasEnv(STOCK_ARENAS))
      stockRounds.push(f)
      process.stdout.write(`round ${round + 1}, stock (@y/websocket-server 0.1.1, memory only, no compression, ${arenasName(STOCK_ARENAS)}): ${fmt(f)}\n`)
    }
  }
}
const oursFigures = medianOf(oursRounds)
const stockFigures = medianOf(stockRounds)
process.stdout.write(`\nmedian of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}; the stock server accepted our subprotocols (selected "${SUBPROTOCOL}")\n\n`)
const deliveriesEqual = oursFigures.delivered === oursFigures.expected && stockFigures.delivered === stockFigures.expected
for (const line of [
  '| figure (issue 12) | ours | stock, same run | ratio | goal | met? |',
  '|---|---|---|---|---|---|',
  row('fan-out p50', oursFigures.p50, stockFigures.p50, 'ms', 1),
  row('fan-out p99', oursFigures.p99, stockFigures.p99, 'ms', 1, 1.2),
  `| deliveries | ${oursFigures.delivered}/${oursFigures.expected} | ${stockFigures.delivered}/${stockFigures.expected} | — | equal, all | ${deliveriesEqual ? 'yes' : 'no'} |`,
  row('deliveries/s', oursFigures.deliveriesPerSecond, stockFigures.deliveriesPerSecond, '', 0),
  row('server CPU, first edit to last delivery', oursFigures.cpuSeconds, stockFigures.cpuSeconds, 's', 2),
  row(`RSS per joined client (${Math.floor(JOIN_CLIENTS / 2)} → ${JOIN_CLIENTS}, no edits, after GC; median of ${JOIN_STEP}-client steps)`, oursFigures.joinedPerClientKiB, stockFigures.joinedPerClientKiB, 'KiB', 1, 1),
  row('… of it JS heap (used, after GC)', oursFigures.joinedHeapPerClientKiB, stockFigures.joinedHeapPerClientKiB, 'KiB', 1),
  row('RSS per client over the whole load (after GC)', oursFigures.rssPerClientKiB, stockFigures.rssPerClientKiB, 'KiB', 1, 1),
]) {
  process.stdout.write(line + '\n')
}
process.exit(0)
