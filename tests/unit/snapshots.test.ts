/**
 * Snapshots: the app's client reads the relay's answers as untrusted (a fake fetch plays the
 * relay), and the relay's rules for keeping them (pure functions of sync-server/snapshots.ts).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { deriveToken, newInvite } from '../../src/sync/wire'
import { fetchRelaySnapshot, listRelaySnapshots, readSnapshotList } from '../../src/sync/snapshots'
import {
  DEFAULT_SNAPSHOT_POLICY,
  fingerprintOf,
  isDailyDue,
  planSnapshot,
  snapshotsToDrop,
  type SnapshotInfo,
} from '../../sync-server/snapshots'

const invite = newInvite()

/** A fetch that records its requests and answers with `answer`. */
function fakeFetch(answer: () => Response | Promise<Response>): { fetch: typeof fetch; requests: { url: string; headers: Headers }[] } {
  const requests: { url: string; headers: Headers }[] = []
  const f = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    requests.push({ url: String(input), headers: new Headers(init?.headers) })
    return Promise.resolve(answer())
  }
  return { fetch: f as typeof fetch, requests }
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

const good = { id: '001700000000000-0a1b2c3d', takenAt: '2026-03-01T00:00:01.000Z', reason: 'daily', bytes: 1234 }

describe('listRelaySnapshots: the request', () => {
  it('asks /snapshots/<room> on the relay’s http base with the room proof the photos use', async () => {
    const f = fakeFetch(() => json({ snapshots: [good] }))
    const got = await listRelaySnapshots('wss://relay.example/sync', invite, { fetch: f.fetch })
    expect(got).toEqual({ ok: true, snapshots: [good] })
    expect(f.requests).toHaveLength(1)
    expect(f.requests[0]!.url).toBe(`https://relay.example/snapshots/${invite.roomId}`)
    expect(f.requests[0]!.headers.get('authorization')).toBe(`Bearer ${deriveToken(invite)}`)
  })
})

describe('listRelaySnapshots: what comes back is untrusted', () => {
  it('keeps only well-formed entries, newest first, each id once', async () => {
    const older = { ...good, id: '001600000000000-00000000', takenAt: '2026-02-01T00:00:00.000Z', reason: 'compaction' }
    const body = {
      snapshots: [
        older,
        good,
        { ...good }, // the same id again
        { ...good, id: 42 },
        { ...good, id: 'x'.repeat(65) },
        { ...good, id: '../../etc/passwd' },
        { ...good, id: '' },
        { ...good, id: 'b', takenAt: 'x'.repeat(41) },
        { ...good, id: 'c', takenAt: 'not a date' },
        { ...good, id: 'd', takenAt: 1700000000000 },
        { ...good, id: 'e', bytes: '1234' },
        { ...good, id: 'f', bytes: -1 },
        { ...good, id: 'g', bytes: 1.5 },
        { ...good, id: 'h', bytes: Number.MAX_VALUE },
        { ...good, id: 'i', reason: 'manual' },
        { id: 'j', takenAt: good.takenAt, reason: 'daily' },
        null,
        'snapshot',
        [good],
      ],
    }
    const f = fakeFetch(() => json(body))
    expect(await listRelaySnapshots('http://127.0.0.1:1', invite, { fetch: f.fetch })).toEqual({ ok: true, snapshots: [good, older] })
  })

  it('keeps no extra fields', () => {
    expect(readSnapshotList({ snapshots: [{ ...good, note: '<script>' }] })).toEqual([good])
  })

  it('says bad for an answer that is not a list of snapshots', async () => {
    for (const body of [null, [], { snapshots: 'none' }, { snapshot: [] }, 'text']) {
      const f = fakeFetch(() => json(body))
      expect(await listRelaySnapshots('http://127.0.0.1:1', invite, { fetch: f.fetch })).toEqual({ ok: false, reason: 'bad' })
    }
    const notJson = fakeFetch(() => new Response('<html>proxy error page</html>', { status: 200 }))
    expect(await listRelaySnapshots('http://127.0.0.1:1', invite, { fetch: notJson.fetch })).toEqual({ ok: false, reason: 'bad' })
  })

  it('turns statuses and network failures into reasons, never throwing', async () => {
    const cases: [() => Response | Promise<Response>, string][] = [
      [() => json({ error: 'invite not valid for this partnership' }, 403), 'refused'],
      [() => json({ error: 'missing or malformed room proof' }, 401), 'refused'],
      [() => json({ error: 'no partnership with this invite' }, 404), 'notFound'],
      [() => json({ error: 'too many requests' }, 429), 'offline'],
      [() => json({ error: 'relay storage unavailable' }, 503), 'offline'],
      [() => Promise.reject(new TypeError('Failed to fetch')), 'offline'],
    ]
    for (const [answer, reason] of cases) {
      const f = fakeFetch(answer)
      expect(await listRelaySnapshots('http://127.0.0.1:1', invite, { fetch: f.fetch })).toEqual({ ok: false, reason })
    }
    expect(await listRelaySnapshots('not a url', invite, { fetch: fakeFetch(() => json({ snapshots: [] })).fetch })).toEqual({
      ok: false,
      reason: 'bad',
    })
  })
})

describe('fetchRelaySnapshot', () => {
  it('returns the bytes of a Yjs update', async () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'before')
    const update = Y.encodeStateAsUpdate(doc)
    const f = fakeFetch(() => new Response(update as BodyInit, { status: 200, headers: { 'Content-Type': 'application/octet-stream' } }))
    const got = await fetchRelaySnapshot('http://127.0.0.1:1/', invite, good.id, { fetch: f.fetch })
    expect(got).toEqual({ ok: true, update })
    expect(f.requests[0]!.url).toBe(`http://127.0.0.1:1/snapshots/${invite.roomId}/${good.id}`)
    expect(f.requests[0]!.headers.get('authorization')).toBe(`Bearer ${deriveToken(invite)}`)
  })

  it('says bad for bytes that are not an update, and for an id it would not have listed (without asking)', async () => {
    const f = fakeFetch(() => new Response(new Uint8Array([255, 255, 255, 255, 255]) as BodyInit, { status: 200 }))
    expect(await fetchRelaySnapshot('http://127.0.0.1:1', invite, good.id, { fetch: f.fetch })).toEqual({ ok: false, reason: 'bad' })
    const never = fakeFetch(() => json({}))
    expect(await fetchRelaySnapshot('http://127.0.0.1:1', invite, '../blobs', { fetch: never.fetch })).toEqual({ ok: false, reason: 'bad' })
    expect(never.requests).toEqual([])
  })

  it('turns refusals and unknown ids into reasons', async () => {
    expect(await fetchRelaySnapshot('http://127.0.0.1:1', invite, good.id, { fetch: fakeFetch(() => json({ error: 'x' }, 403)).fetch })).toEqual({
      ok: false,
      reason: 'refused',
    })
    expect(await fetchRelaySnapshot('http://127.0.0.1:1', invite, good.id, { fetch: fakeFetch(() => json({ error: 'x' }, 404)).fetch })).toEqual({
      ok: false,
      reason: 'notFound',
    })
    expect(
      await fetchRelaySnapshot('http://127.0.0.1:1', invite, good.id, { fetch: fakeFetch(() => Promise.reject(new Error('offline'))).fetch }),
    ).toEqual({ ok: false, reason: 'offline' })
  })
})

// ---------------------------------------------------------------------------------------------
// The relay's rules

const DAY = 24 * 60 * 60 * 1000
const NOW = Date.UTC(2026, 5, 1, 12)

function info(id: string, takenAt: number, reason: SnapshotInfo['reason'] = 'daily'): SnapshotInfo {
  return { id, takenAt, reason, bytes: 10, fingerprint: id }
}

describe('the relay’s daily rule', () => {
  it('is due on the first write of a UTC day, not again the same day', () => {
    expect(isDailyDue(undefined, NOW, DAY)).toBe(true)
    expect(isDailyDue(Date.UTC(2026, 4, 31, 23, 59), Date.UTC(2026, 5, 1, 0, 1), DAY)).toBe(true)
    expect(isDailyDue(Date.UTC(2026, 5, 1, 0, 1), Date.UTC(2026, 5, 1, 23, 59), DAY)).toBe(false)
  })
})

describe('the relay’s retention', () => {
  const policy = { ...DEFAULT_SNAPSHOT_POLICY, retentionMs: 90 * DAY, maxPerRoom: 200 }

  it('drops what is older than the retention, but never the newest 3', () => {
    const all = [info('a', NOW - 10 * DAY), info('b', NOW - 91 * DAY), info('c', NOW - 100 * DAY), info('d', NOW - 200 * DAY), info('e', NOW - 300 * DAY)]
    expect(snapshotsToDrop(all, NOW, policy).sort()).toEqual(['d', 'e'])
    const old = [info('x', NOW - 400 * DAY), info('y', NOW - 500 * DAY), info('z', NOW - 600 * DAY), info('w', NOW - 700 * DAY)]
    expect(snapshotsToDrop(old, NOW, policy)).toEqual(['w'])
  })

  it('beyond maxPerRoom thins out the oldest, one per UTC day first, never the last 7 days', () => {
    const small = { ...policy, maxPerRoom: 10 }
    // newest first: 8 in the last 7 days, then 3 a day on days 10, 11, 12
    const young = Array.from({ length: 8 }, (_, i) => info(`y${i}`, NOW - i * 0.5 * DAY))
    const older = [10, 11, 12].flatMap((d) => [0, 1, 2].map((h) => info(`d${d}h${h}`, Date.UTC(2026, 5, 1) - d * DAY + (2 - h) * 3600_000)))
    const drop = snapshotsToDrop([...young, ...older], NOW, small)
    expect(drop).toHaveLength(7) // 17 → 10
    for (const y of young) expect(drop).not.toContain(y.id)
    // the older days are thinned to their first snapshot each; then the oldest day goes
    const kept = older.filter((s) => !drop.includes(s.id)).map((s) => s.id)
    expect(kept).toEqual(['d10h2', 'd11h2'])
    // with room for the days, only the extra ones of each day go, oldest day first
    const roomy = snapshotsToDrop([...young, ...older], NOW, { ...small, maxPerRoom: 13 })
    expect(roomy.sort()).toEqual(['d11h0', 'd11h1', 'd12h0', 'd12h1'].sort())
  })

  it('never thins below the protected young ones, even beyond the bound', () => {
    const young = Array.from({ length: 12 }, (_, i) => info(`y${i}`, NOW - i * 3600_000))
    expect(snapshotsToDrop(young, NOW, { ...policy, maxPerRoom: 5 })).toEqual([])
  })
})

describe('the relay’s identical-state check', () => {
  it('takes nothing when the state is the newest snapshot’s, whatever its encoding', () => {
    const doc = new Y.Doc()
    const text = doc.getText('t')
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    text.insert(0, 'hello world')
    text.delete(0, 6)
    text.insert(5, '!')
    const merged = Y.mergeUpdates(updates)
    const whole = Y.encodeStateAsUpdate(doc)
    expect(fingerprintOf(merged)).toBe(fingerprintOf(whole))
    const first = planSnapshot([], merged, 'compaction', NOW, DEFAULT_SNAPSHOT_POLICY)
    expect(first.add).toBeDefined()
    const again = planSnapshot([first.add!.info], whole, 'daily', NOW + DAY, DEFAULT_SNAPSHOT_POLICY)
    expect(again.add).toBeUndefined()
    text.insert(0, 'x')
    const changed = planSnapshot([first.add!.info], Y.encodeStateAsUpdate(doc), 'daily', NOW + DAY, DEFAULT_SNAPSHOT_POLICY)
    expect(changed.add?.info.reason).toBe('daily')
    expect(changed.add!.info.id > first.add!.info.id).toBe(true)
  })
})
