/**
 * Randomized convergence run, driven by a seed: five real y-websocket clients (the app's own
 * `PartnershipConnection`) on a real relay process edit activities and their descriptions, go
 * offline and come back, while the relay is killed with `kill -9` and restarted on the same data
 * folder and port. Checks that everything the relay acknowledged before a kill is on it after the
 * restart, and that at the end every client and a fresh one hold the same document.
 *
 * The seed fixes the schedule of operations (which client does what, when the relay dies);
 * network timing and record ids still vary between runs. Used by `converge.test.ts` (30 seeds)
 * and `npm run test:converge -- --seeds 1000`.
 */
import * as Y from 'yjs'
import { newInvite, type Invite } from '../../src/sync/wire'
import type { PartnershipConnection } from '../../src/sync/connection'
import {
  ACTIVITY_STATUSES,
  EMPTY_ACTIVITY,
  createActivity,
  deleteActivity,
  initPartnership,
  listActivities,
  restoreActivity,
  updateActivity,
} from '../../src/domain'
import { appConnection } from '../helpers/clients'
import { startRelay, waitFor, type RunningRelay } from '../helpers/relay'
import { mulberry32 } from '../helpers/random'


/** The relay under test: restartable on the same data folder and port. */
export class RelayUnderTest {
  relay: RunningRelay
  kills = 0
  private constructor(relay: RunningRelay, private readonly env: Record<string, string>) {
    this.relay = relay
  }

  static async start(env: Record<string, string> = {}): Promise<RelayUnderTest> {
    const full = { MAX_CONNECTIONS_PER_MINUTE: '100000', MAX_JOINS_PER_MINUTE: '100000', ...env }
    return new RelayUnderTest(await startRelay({ env: full }), full)
  }

  get wsUrl(): string {
    return this.relay.wsUrl
  }

  /** kill -9: no flush, no goodbye. */
  async kill(): Promise<void> {
    await this.relay.kill()
    this.kills++
  }

  /** A new relay process on the same folder and port. */
  async restart(): Promise<void> {
    const { dataDir, port } = this.relay
    for (let attempt = 0; ; attempt++) {
      try {
        this.relay = await startRelay({ dataDir, port, env: this.env })
        return
      } catch (err) {
        if (attempt >= 5) throw err
        await sleep(200) // the port may still be held for a moment
      }
    }
  }

  async stop(): Promise<void> {
    await this.relay.kill()
  }
}

export interface SeedOptions {
  readonly clients?: number
  readonly operations?: number
  readonly kills?: number
  /** Longest wait for the end state (ms). */
  readonly settleMs?: number
}

export interface SeedResult {
  readonly seed: number
  readonly operations: number
  readonly kills: number
  readonly ackedStatesChecked: number
  readonly activities: number
}

interface Client {
  readonly name: string
  doc: Y.Doc
  conn: PartnershipConnection
  online: boolean
  /** The whole document as it was the last time the client's state became 'synced'. */
  lastAcked: Uint8Array | undefined
  unsubscribe: () => void
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const WORDS = ['pen pals', 'garden', 'music', 'water', 'football', 'recipes', 'maps', 'photos', 'dance', 'letters']

function connect(relay: RelayUnderTest, invite: Invite, name: string, intent: 'create' | 'join', doc = new Y.Doc()): Client {
  const { conn } = appConnection(relay.wsUrl, invite, intent, doc)
  const client: Client = { name, doc, conn, online: true, lastAcked: undefined, unsubscribe: () => {} }
  client.unsubscribe = conn.subscribe(() => {
    if (conn.getState().kind === 'synced') client.lastAcked = Y.encodeStateAsUpdate(doc)
  })
  return client
}

/**
 * What a comparison looks at: state vector, activities (with tombstones), their texts. Keys are
 * sorted: a Y.Map lists its keys in the order this device integrated them, which differs between
 * devices holding the same document (seed 49 of the long run: `cost` as {b, a} versus {a, b}).
 */
export function fingerprint(doc: Y.Doc): { sv: string; activities: string } {
  const acts = listActivities(doc, { includeDeleted: true }).sort((a, b) => a.id.localeCompare(b.id))
  return { sv: Buffer.from(Y.encodeStateVector(doc)).toString('base64'), activities: canonicalJson(acts) }
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  )
}

function sameStateVector(a: Y.Doc, b: Y.Doc): boolean {
  return Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)))
}

class SeedFailure extends Error {}

function fail(seed: number, what: string): never {
  throw new SeedFailure(`seed ${seed}: ${what} (reproduce: npm run test:converge -- --seed ${seed})`)
}

/** Joins a fresh device, waits until it is synced, and returns its document. */
async function freshCopy(relay: RelayUnderTest, invite: Invite, seed: number, what: string): Promise<Y.Doc> {
  const fresh = connect(relay, invite, 'fresh', 'join')
  try {
    await waitFor(() => fresh.conn.getState().kind === 'synced', `seed ${seed}: fresh device synced (${what})`, 15_000)
    return fresh.doc
  } finally {
    fresh.unsubscribe()
    fresh.conn.destroy()
  }
}

export async function runSeed(relay: RelayUnderTest, seed: number, opts: SeedOptions = {}): Promise<SeedResult> {
  const rand = mulberry32(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const clientCount = opts.clients ?? 5
  const operations = opts.operations ?? 40 + Math.floor(rand() * 41)
  const killCount = opts.kills ?? 1 + Math.floor(rand() * 2)
  const killAt = new Set<number>()
  while (killAt.size < Math.min(killCount, operations)) killAt.add(1 + Math.floor(rand() * (operations - 1)))
  const invite = newInvite()
  const clients: Client[] = []
  let ackedChecked = 0
  try {
    const first = connect(relay, invite, 'c0', 'create')
    clients.push(first)
    initPartnership(first.doc, { name: `Seed ${seed}`, ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'c0')
    await waitFor(() => first.conn.getState().kind === 'synced', `seed ${seed}: room created`, 15_000)
    for (let i = 1; i < clientCount; i++) clients.push(connect(relay, invite, `c${i}`, 'join'))
    await waitFor(() => clients.every((c) => c.conn.getState().kind === 'synced'), `seed ${seed}: all joined`, 15_000)

    for (let op = 0; op < operations; op++) {
      if (killAt.has(op)) {
        // everything any client saw acknowledged so far must survive the kill
        const acked = clients.flatMap((c) => (c.lastAcked ? [{ name: c.name, state: c.lastAcked }] : []))
        const pauseMs = Math.floor(rand() * 300)
        const wasOnline = clients.map((c) => c.online)
        await relay.kill()
        // the restarted relay is probed before any client can bring lost data back
        for (const c of clients) c.conn.provider.disconnect()
        await sleep(pauseMs)
        await relay.restart()
        const probe = await freshCopy(relay, invite, seed, `after kill at operation ${op}`)
        const held = Y.snapshot(probe)
        for (const a of acked) {
          if (!Y.snapshotContainsUpdate(held, a.state)) fail(seed, `the relay lost a change ${a.name} saw acknowledged before the kill at operation ${op}`)
          ackedChecked++
        }
        clients.forEach((c, i) => {
          if (wasOnline[i]) c.conn.provider.connect()
        })
        continue
      }
      const c = pick(clients)
      const r = rand()
      const list = listActivities(c.doc, { includeDeleted: true }).sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
      const target = list.length > 0 ? pick(list) : undefined
      const actor = c.name
      if (r < 0.1) {
        c.online = !c.online
        if (c.online) c.conn.provider.connect()
        else c.conn.provider.disconnect()
      } else if (r < 0.3 || !target) {
        createActivity(c.doc, { ...EMPTY_ACTIVITY, title: `${pick(WORDS)} ${seed}.${op}`, description: `by ${actor}` }, actor)
      } else if (r < 0.5) {
        const patch = pick([
          { title: `${pick(WORDS)} (${actor} ${op})` },
          { status: pick(ACTIVITY_STATUSES) },
          { kind: pick(['own-school', 'with-partner', 'joint'] as const) },
          { startDate: `2025-0${1 + Math.floor(rand() * 4)}-10`, endDate: `2025-0${5 + Math.floor(rand() * 4)}-20` },
          { responsible: { [pick(['a', 'b'])]: `${actor} ${op}` } },
          { cost: { [pick(['a', 'b'])]: { amount: Math.floor(rand() * 500), currency: pick(['EUR', 'RWF']) } } },
        ])
        updateActivity(c.doc, target.id, patch, actor)
      } else if (r < 0.8) {
        // a text edit by character: insert or delete at a random place of the description
        const text = target.description
        const at = Math.floor(rand() * (text.length + 1))
        const next =
          rand() < 0.6 || text.length === 0
            ? text.slice(0, at) + ` ${pick(WORDS)}/${actor}` + text.slice(at)
            : text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 6)))
        updateActivity(c.doc, target.id, { description: next }, actor)
      } else if (r < 0.92) {
        deleteActivity(c.doc, target.id, actor)
      } else {
        restoreActivity(c.doc, target.id, actor)
      }
      await sleep(Math.floor(rand() * 25))
    }

    // the end: everyone online, everything acknowledged, everyone holding the same document
    for (const c of clients) {
      c.online = true
      c.conn.provider.connect()
    }
    const settleMs = opts.settleMs ?? 20_000
    try {
      await waitFor(
        () => clients.every((c) => c.conn.getState().kind === 'synced') && clients.every((c) => sameStateVector(c.doc, clients[0]!.doc)),
        'all clients synced with the same state vector',
        settleMs,
      )
    } catch {
      fail(seed, `clients did not converge: ${clients.map((c) => `${c.name}=${c.conn.getState().kind}`).join(', ')}`)
    }
    const fresh = await freshCopy(relay, invite, seed, 'at the end')
    const expected = fingerprint(fresh)
    for (const c of clients) {
      const got = fingerprint(c.doc)
      if (got.sv !== expected.sv) fail(seed, `${c.name} and a fresh device have different state vectors`)
      if (got.activities !== expected.activities) fail(seed, `${c.name} and a fresh device have different activities`)
    }
    const held = Y.snapshot(fresh)
    for (const c of clients) {
      if (c.lastAcked && !Y.snapshotContainsUpdate(held, c.lastAcked)) fail(seed, `the relay lacks a change ${c.name} saw acknowledged`)
      ackedChecked++
    }
    return { seed, operations, kills: killAt.size, ackedStatesChecked: ackedChecked, activities: listActivities(fresh, { includeDeleted: true }).length }
  } catch (err) {
    if (err instanceof SeedFailure) throw err
    throw new SeedFailure(`seed ${seed}: ${(err as Error).message} (reproduce: npm run test:converge -- --seed ${seed})`)
  } finally {
    for (const c of clients) {
      c.unsubscribe()
      c.conn.destroy()
    }
  }
}
