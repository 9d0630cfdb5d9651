/**
 * `npm run bench:relay`: the same load against this relay (durable, with the room proof) and the
 * stock `@y/websocket-server` 0.1.1 (in memory): CLIENTS stock y-websocket clients in ROOMS rooms,
 * EDITS timestamped edits each. Prints p50/p99 fan-out latency (edit → arrival at every other
 * client of its room), deliveries per second, relay memory per client (VmRSS growth over the
 * whole load / clients, after a first room has warmed the server up; and the growth per client
 * from half of the clients joined to all of them, which leaves out what is set up once) and the
 * ratios ours/stock. Not part of `npm test`.
 *   npm run bench:relay -- --clients 200 --rooms 50 --edits 40 --interval 100
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { SUBPROTOCOL, clientSubprotocols, newInvite, type Invite } from '../../src/sync/wire'
import { startRelay, waitFor } from '../helpers/relay'
import { wholeNumberArg } from '../../scripts/args'

const arg = (name: string, fallback: number): number => wholeNumberArg(name) ?? fallback
const CLIENTS = arg('clients', 200)
const ROOMS = arg('rooms', 50)
const EDITS = arg('edits', 40)
const INTERVAL_MS = arg('interval', 100)
const ROOT = resolve(import.meta.dirname, '../..')

interface Figures {
  p50: number
  p99: number
  deliveriesPerSecond: number
  delivered: number
  expected: number
  rssPerClientKiB: number
  /** RSS taken by the first room, before the measured clients: set up once, not per client. */
  setupKiB: number
  /**
   * What one more client costs once joined, before the first edit: the RSS growth from half of the
   * clients joined to all of them, per client (what a server sets up once is not in it).
   */
  joinedPerClientKiB: number
  seconds: number
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : NaN
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function runLoad(wsBase: string, pid: number, protocolsFor: ((room: Invite) => string[]) | undefined): Promise<Figures> {
  const invites = Array.from({ length: ROOMS }, () => newInvite())
  // one room used first, so that what a server sets up once (a store's caches, code warmed up) is
  // reported apart from what each client costs
  const before = rssKiB(pid)
  const warmInvite = newInvite()
  const warm = new WebsocketProvider(wsBase, warmInvite.roomId, new Y.Doc(), {
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    ...(protocolsFor ? { protocols: protocolsFor(warmInvite) } : {}),
  })
  await waitFor(() => warm.synced, 'warm-up client synced', 30_000)
  warm.doc.getArray('e').push([{ from: -1, i: 0, t: 0 }])
  await sleep(500)
  warm.destroy()
  await sleep(200)
  const baseline = rssKiB(pid)
  const providers: WebsocketProvider[] = []
  // per edit "client:i": when it was made, how many others got it, the latest arrival
  const sentAt = new Map<string, number>()
  const arrivals = new Map<string, { count: number; last: number }>()
  let delivered = 0
  let lastDelivery = 0
  const roomOf = (c: number): number => c % ROOMS
  const sizes = invites.map((_, r) => Array.from({ length: CLIENTS }, (_, c) => c).filter((c) => roomOf(c) === r).length)
  const docs: Y.Doc[] = []
  let halfRss = NaN
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
    providers.push(
      new WebsocketProvider(wsBase, invite.roomId, doc, {
        disableBc: true,
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        ...(protocolsFor ? { protocols: protocolsFor(invite) } : {}),
      }),
    )
    if (c % 20 === 19) await sleep(20) // do not open 200 sockets in one tick
    if (c === Math.floor(CLIENTS / 2) - 1) {
      await waitFor(() => providers.every((p) => p.synced), 'half of the clients synced', 60_000)
      halfRss = rssKiB(pid)
    }
  }
  await waitFor(() => providers.every((p) => p.synced), 'every client synced', 60_000)
  const joinedRss = rssKiB(pid)
  const start = performance.now()
  await Promise.all(
    docs.map(async (doc, c) => {
      await sleep(Math.random() * INTERVAL_MS)
      for (let i = 0; i < EDITS; i++) {
        const t = performance.now()
        sentAt.set(`${c}:${i}`, t)
        doc.getArray('e').push([{ from: c, i, t }])
        await sleep(INTERVAL_MS)
      }
    }),
  )
  const expected = Array.from({ length: CLIENTS }, (_, c) => sizes[roomOf(c)]! - 1).reduce((a, b) => a + b, 0) * EDITS
  try {
    await waitFor(() => delivered >= expected, 'every edit delivered', 60_000)
  } catch {
    // reported below as delivered < expected
  }
  const rss = rssKiB(pid)
  const latencies: number[] = []
  for (const [key, t] of sentAt) {
    const a = arrivals.get(key)
    const c = Number(key.split(':')[0])
    if (a && a.count === sizes[roomOf(c)]! - 1) latencies.push(a.last - t)
  }
  latencies.sort((a, b) => a - b)
  for (const p of providers) p.destroy()
  const seconds = (lastDelivery - start) / 1000
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    deliveriesPerSecond: delivered / seconds,
    delivered,
    expected,
    rssPerClientKiB: (rss - baseline) / CLIENTS,
    setupKiB: baseline - before,
    joinedPerClientKiB: (joinedRss - halfRss) / (CLIENTS - Math.floor(CLIENTS / 2)),
    seconds,
  }
}

async function startStock(): Promise<{ child: ChildProcess; port: number }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@y/websocket-server/src/server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
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
  `(${f.delivered}/${f.expected} in ${f.seconds.toFixed(1)} s), ${f.rssPerClientKiB.toFixed(1)} KiB RSS per client ` +
  `(each client joined beyond the first half: ${f.joinedPerClientKiB.toFixed(1)} KiB; + ${Math.round(f.setupKiB)} KiB for the first room)`

process.stdout.write(
  `load: ${CLIENTS} clients in ${ROOMS} rooms, ${EDITS} edits each every ${INTERVAL_MS} ms; ` +
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}\n`,
)
const ours = await startRelay({ env: { MAX_CONNECTIONS_PER_MINUTE: '1000000', MAX_JOINS_PER_MINUTE: '1000000', MAX_ROOMS_CREATED_PER_HOUR: '1000000' } })
let oursFigures: Figures
try {
  // without sb.ack: the stock client has no handler for the relay's acks
  oursFigures = await runLoad(ours.wsUrl, ours.process.pid!, (invite) => clientSubprotocols(invite, 'create').filter((p) => p !== 'sb.ack'))
} finally {
  await ours.kill()
}
process.stdout.write(`ours  (durable, room proof): ${fmt(oursFigures)}\n`)
const stock = await startStock()
let stockFigures: Figures
try {
  const selected = await stockAcceptsSubprotocols(stock.port)
  process.stdout.write(`stock server accepts a socket offering our subprotocols (selected "${selected}", expected "${SUBPROTOCOL}")\n`)
  stockFigures = await runLoad(`ws://127.0.0.1:${stock.port}`, stock.child.pid!, (invite) => clientSubprotocols(invite, 'create').slice(0, 2))
} finally {
  stock.child.kill('SIGKILL')
}
process.stdout.write(`stock (@y/websocket-server 0.1.1, memory only): ${fmt(stockFigures)}\n`)
process.stdout.write(
  `ours/stock: p50 ${(oursFigures.p50 / stockFigures.p50).toFixed(2)}×, p99 ${(oursFigures.p99 / stockFigures.p99).toFixed(2)}×, ` +
    `deliveries/s ${(oursFigures.deliveriesPerSecond / stockFigures.deliveriesPerSecond).toFixed(2)}×, ` +
    `memory per client ${(oursFigures.rssPerClientKiB / stockFigures.rssPerClientKiB).toFixed(2)}×, ` +
    `per joined client ${(oursFigures.joinedPerClientKiB / stockFigures.joinedPerClientKiB).toFixed(2)}×\n`,
)
process.exit(0)
