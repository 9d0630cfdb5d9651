/**
 * Several relay processes on the same rooms: PostgreSQL holds the logs, Redis streams carry the
 * updates between relays. Runs against a real redis-server and PostgreSQL on loopback, started
 * (and installed with apt-get when missing and possible) by tests/helpers/services.ts; skipped,
 * with one line saying why, where they cannot be had.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { newInvite } from '../../src/sync/wire'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities, updateActivity } from '../../src/domain'
import { appConnection } from '../helpers/clients'
import { type RunningRelay, startRelay, stopAfterEach, waitFor } from '../helpers/relay'
import { startServices } from '../helpers/services'

const services = await startServices()
if (!services.available) console.log(`scale-out tests skipped: ${services.reason}`)

afterAll(async () => {
  if (services.available) await services.stop()
})

const { running, cleanups } = stopAfterEach('stop')

async function relay(): Promise<RunningRelay> {
  if (!services.available) throw new Error('services unavailable')
  const r = await startRelay({ env: { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl } })
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
})
