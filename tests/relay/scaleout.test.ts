/**
 * Several relay processes on the same rooms: PostgreSQL holds the logs, Redis streams carry the
 * updates between relays. Runs against a real redis-server and PostgreSQL on loopback, started
 * (and installed with apt-get when missing and possible) by tests/helpers/services.ts; skipped,
 * with one line saying why, where they cannot be had.
 */
import { describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import pg from 'pg'
import * as Y from 'yjs'
import { openPgStore } from '../../sync-server/pgStore'
import { newInvite } from '../../src/sync/wire'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities, updateActivity } from '../../src/domain'
import { appConnection } from '../helpers/clients'
import { type RunningRelay, metricSample, startRelay, stopAfterEach, waitFor } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

const services = await servicesForFile('scale-out tests')

const { running, cleanups } = stopAfterEach('stop')

async function relay(env: Record<string, string> = {}): Promise<RunningRelay> {
  if (!services.available) throw new Error('services unavailable')
  const r = await startRelay({ env: { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, ...env } })
  running.push(r)
  return r
}

function connect(r: RunningRelay, invite: ReturnType<typeof newInvite>, intent: 'create' | 'join', doc?: Parameters<typeof appConnection>[3]) {
  const c = appConnection(r.wsUrl, invite, intent, doc)
  cleanups.push(() => c.conn.destroy())
  return c
}

const titles = (doc: Parameters<typeof listActivities>[0]): string[] => listActivities(doc).map((x) => x.title).sort()

describe.skipIf(!services.available)('several relays (PostgreSQL + Redis streams)', () => {
  it('a client on relay A and a client on relay B converge, both ways, live', async () => {
    const [a, b] = await Promise.all([relay(), relay()])
    expect(a.port).not.toBe(b.port)
    expect(a.logs.find((l) => l.msg === 'listening')?.store).toBe('postgresql+redis')
    const invite = newInvite()
    const onA = connect(a, invite, 'create')
    initPartnership(onA.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    createActivity(onA.doc, { ...EMPTY_ACTIVITY, title: 'From A' }, 'An')
    await waitFor(() => onA.conn.getState().kind === 'synced', 'A acknowledged')

    const onB = connect(b, invite, 'join')
    await waitFor(() => onB.conn.getState().kind === 'synced', 'B synced')
    expect(titles(onB.doc)).toEqual(['From A'])

    // Both rooms are loaded now: what follows crosses over the Redis stream, not a reload.
    createActivity(onB.doc, { ...EMPTY_ACTIVITY, title: 'From B' }, 'Bo')
    await waitFor(() => titles(onA.doc).includes('From B'), 'A sees B’s edit')
    const id = createActivity(onA.doc, { ...EMPTY_ACTIVITY, title: 'Second from A' }, 'An')
    updateActivity(onA.doc, id, { title: 'Second from A, renamed' }, 'An')
    await waitFor(() => titles(onB.doc).includes('Second from A, renamed'), 'B sees A’s edits')
    await waitFor(() => onA.conn.getState().kind === 'synced' && onB.conn.getState().kind === 'synced', 'both synced')
    expect(titles(onA.doc)).toEqual(titles(onB.doc))
    expect(titles(onA.doc)).toEqual(['From A', 'From B', 'Second from A, renamed'])
  })

  it('after A’s client edits offline and comes back, a fresh client on B gets everything', async () => {
    const [a, b] = await Promise.all([relay(), relay()])
    const invite = newInvite()
    const first = connect(a, invite, 'create')
    initPartnership(first.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    createActivity(first.doc, { ...EMPTY_ACTIVITY, title: 'Online' }, 'An')
    await waitFor(() => first.conn.getState().kind === 'synced', 'A acknowledged')
    // B has the room loaded while A is away (a watcher on B), so the stream is used too.
    const watcher = connect(b, invite, 'join')
    await waitFor(() => watcher.conn.getState().kind === 'synced', 'watcher on B synced')

    first.conn.destroy() // offline
    for (let i = 0; i < 10; i++) createActivity(first.doc, { ...EMPTY_ACTIVITY, title: `Offline ${i}` }, 'An')
    const back = connect(a, invite, 'join', first.doc) // online again, same document
    await waitFor(() => back.conn.getState().kind === 'synced', 'offline edits acknowledged by A')

    const expected = ['Online', ...Array.from({ length: 10 }, (_, i) => `Offline ${i}`)].sort()
    await waitFor(() => titles(watcher.doc).length === expected.length, 'watcher on B got the offline edits')
    const fresh = connect(b, invite, 'join')
    await waitFor(() => fresh.conn.getState().kind === 'synced', 'fresh client on B synced')
    expect(titles(fresh.doc)).toEqual(expected)
    expect(titles(watcher.doc)).toEqual(expected)
  })

  /** Makes every XADD to the room's stream fail (and XREAD of it): the key holds a string. */
  async function breakStream(invite: ReturnType<typeof newInvite>): Promise<() => Promise<void>> {
    if (!services.available) throw new Error('services unavailable')
    const redis = new Redis(services.redisUrl)
    await redis.del(`room:${invite.roomId}`)
    await redis.set(`room:${invite.roomId}`, 'not a stream')
    return async () => {
      await redis.del(`room:${invite.roomId}`)
      await redis.quit()
    }
  }

  /** Relays A and B (checking PostgreSQL every `catchUpMs`), a partnership created on A and joined on B. */
  async function twoRelaysOneRoom(catchUpMs: string) {
    const [a, b] = await Promise.all([relay({ CATCH_UP_INTERVAL_MS: catchUpMs }), relay({ CATCH_UP_INTERVAL_MS: catchUpMs })])
    const invite = newInvite()
    const onA = connect(a, invite, 'create')
    initPartnership(onA.doc, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    await waitFor(() => onA.conn.getState().kind === 'synced', 'A acknowledged')
    const onB = connect(b, invite, 'join')
    await waitFor(() => onB.conn.getState().kind === 'synced', 'B synced')
    return { a, b, invite, onA, onB }
  }

  async function metric(r: RunningRelay, name: string): Promise<number> {
    return metricSample(await (await fetch(r.metricsUrl!)).text(), name) ?? NaN
  }

  it('an update whose publish failed is still acknowledged, and reaches the other relay from PostgreSQL', async () => {
    const { a, b, invite, onA, onB } = await twoRelaysOneRoom('300')

    const restore = await breakStream(invite)
    try {
      createActivity(onA.doc, { ...EMPTY_ACTIVITY, title: 'Not on the stream' }, 'An')
      await waitFor(() => onA.conn.getState().kind === 'synced', 'stored and acknowledged although Redis refused it')
      expect(await metric(a, 'scholenband_bus_publish_failures_total')).toBeGreaterThanOrEqual(1)
      // B hears nothing on the stream; it finds A's update by comparing positions with PostgreSQL
      await waitFor(() => titles(onB.doc).includes('Not on the stream'), 'B caught up from PostgreSQL')
      expect(await metric(b, 'scholenband_catch_ups_total')).toBeGreaterThanOrEqual(1)
    } finally {
      await restore()
    }
    createActivity(onA.doc, { ...EMPTY_ACTIVITY, title: 'On the stream again' }, 'An')
    await waitFor(() => titles(onB.doc).includes('On the stream again'), 'B gets the next update')
    expect(titles(onB.doc)).toEqual(['Not on the stream', 'On the stream again'])
  })

  it('a relay that sees a gap in a room’s positions reads the missing updates at once', async () => {
    // the periodic check is far away: only the gap can bring the missing update in time
    const { invite, onA, onB } = await twoRelaysOneRoom('600000')

    const restore = await breakStream(invite)
    const id = createActivity(onA.doc, { ...EMPTY_ACTIVITY, title: 'Missed' }, 'An')
    await waitFor(() => onA.conn.getState().kind === 'synced', 'A acknowledged the missed one')
    await restore()
    updateActivity(onA.doc, id, { title: 'Missed, then renamed' }, 'An')
    // the rename builds on the missed insert: without it B could not show either
    await waitFor(() => titles(onB.doc).includes('Missed, then renamed'), 'B has both')
    expect(titles(onB.doc)).toEqual(['Missed, then renamed'])
  })

  it('numbers the rows of a log stored before positions existed, in the order they were stored', async () => {
    if (!services.available) throw new Error('services unavailable')
    const admin = new pg.Client({ connectionString: services.databaseUrl })
    await admin.connect()
    const name = `legacy_${Date.now()}`
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const url = services.databaseUrl.replace(/\/postgres$/, `/${name}`)
    const legacy = new pg.Client({ connectionString: url })
    await legacy.connect()
    // the tables as the first scale-out version made them
    await legacy.query(`CREATE TABLE room_updates (room text NOT NULL, seq bigserial PRIMARY KEY, update bytea NOT NULL);
      CREATE TABLE room_meta (room text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (room, key))`)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    for (const word of ['one ', 'two ', 'three']) doc.getText('t').insert(doc.getText('t').length, word)
    for (const u of updates) await legacy.query('INSERT INTO room_updates (room, update) VALUES ($1, $2)', ['old-room', Buffer.from(u)])
    await legacy.end()

    const store = await openPgStore(url)
    try {
      const loaded = await store.load('old-room')
      expect(loaded.doc.getText('t').toString()).toBe('one two three')
      expect(loaded.position).toBe(3)
      expect(await store.append('old-room', updates[updates.length - 1]!)).toBe(4) // the next number, whatever the update
      const since = await store.readSince!('old-room', 1)
      expect(since.position).toBe(4)
      expect(since.updates).toHaveLength(3)
      expect((await store.heads!(['old-room', 'never-written'])).get('old-room')).toBe(4)
    } finally {
      await store.close()
    }
  })
})
