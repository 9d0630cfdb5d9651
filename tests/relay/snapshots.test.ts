/**
 * Snapshots on the relay (docs/protocol.md, "Snapshots"): taken before a compaction and before
 * the first write of a day, kept and pruned, listed and fetched behind the room proof, through
 * a restart; and the same in PostgreSQL mode when a throwaway PostgreSQL can be had.
 */
import { describe, expect, it } from 'vitest'
import pg from 'pg'
import * as Y from 'yjs'
import { deriveToken, newInvite, type Invite } from '../../src/sync/wire'
import { fetchRelaySnapshot, listRelaySnapshots, type RelaySnapshotInfo } from '../../src/sync/snapshots'
import { appConnection } from '../helpers/clients'
import { type RunningRelay, startRelay, stopAfterEach, tempDir, waitFor } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

const { running, cleanups } = stopAfterEach()

async function relayOn(dataDir: string, env: Record<string, string> = {}): Promise<RunningRelay> {
  const r = await startRelay({ dataDir, env: { IDLE_UNLOAD_MS: '600000', ...env } })
  running.push(r)
  return r
}

/** A device in the room; `edit` changes its text and resolves once the relay acknowledged it (one store write each). */
function device(r: RunningRelay, invite: Invite, intent: 'create' | 'join') {
  const c = appConnection(r.wsUrl, invite, intent)
  cleanups.push(() => c.conn.destroy())
  const text = c.doc.getText('t')
  return {
    ...c,
    text,
    async edit(line: string): Promise<void> {
      text.insert(text.length, `${line}\n`)
      await waitFor(() => c.conn.getState().kind === 'synced', `"${line}" acknowledged`)
    },
  }
}

async function list(r: RunningRelay, invite: Invite): Promise<RelaySnapshotInfo[]> {
  const got = await listRelaySnapshots(r.httpUrl, invite)
  if (!got.ok) throw new Error(`listing failed: ${got.reason}`)
  return got.snapshots
}

/** The text a snapshot holds, applied to a fresh document. */
async function textOf(r: RunningRelay, invite: Invite, id: string): Promise<string> {
  const got = await fetchRelaySnapshot(r.httpUrl, invite, id)
  if (!got.ok) throw new Error(`fetch failed: ${got.reason}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, got.update)
  return doc.getText('t').toString()
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms))
const lines = (...ls: string[]): string => ls.map((l) => `${l}\n`).join('')
const auth = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` })

describe('snapshots on the relay (LevelDB)', () => {
  it('takes one before a compaction, holding the state the log had; an identical state is not taken again', async () => {
    const r = await relayOn(tempDir('sb-snap-compact'), { COMPACT_AFTER_UPDATES: '5', SNAPSHOT_INTERVAL_MS: '1000' })
    const invite = newInvite()
    const a = device(r, invite, 'create')
    for (const l of ['one', 'two', 'three', 'four', 'five']) await a.edit(l)
    await waitFor(async () => (await list(r, invite)).some((s) => s.reason === 'compaction'), 'a compaction snapshot')
    const compaction = (await list(r, invite))[0]!
    expect(compaction.reason).toBe('compaction')
    expect(await textOf(r, invite, compaction.id)).toBe(lines('one', 'two', 'three', 'four', 'five'))
    expect(compaction.bytes).toBeGreaterThan(0)
    expect(Number.isFinite(Date.parse(compaction.takenAt))).toBe(true)

    // the raw answer: bytes, not sniffed, not cached
    const res = await fetch(`${r.httpUrl}/snapshots/${invite.roomId}/${compaction.id}`, { headers: auth(deriveToken(invite)) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect((await res.arrayBuffer()).byteLength).toBe(compaction.bytes)

    // the next day's first write: the state before it is the one the compaction snapshot holds,
    // so no second copy of it is taken
    await sleep(1100)
    await a.edit('six')
    expect((await list(r, invite))[0]).toEqual(compaction)
    // the day after, the state before the first write differs: a daily one
    await sleep(1100)
    await a.edit('seven')
    const [newest] = await list(r, invite)
    expect(newest!.reason).toBe('daily')
    expect(await textOf(r, invite, newest!.id)).toBe(lines('one', 'two', 'three', 'four', 'five', 'six'))
  })

  it('the daily rule: the first write after the interval is preceded by a snapshot of the state before it; kept through a restart', async () => {
    const dataDir = tempDir('sb-snap-daily')
    const r = await relayOn(dataDir, { SNAPSHOT_INTERVAL_MS: '500' })
    const invite = newInvite()
    const a = device(r, invite, 'create')
    await a.edit('A')
    expect(await list(r, invite)).toEqual([]) // before the first write the room was empty: nothing to keep
    await sleep(600)
    await a.edit('B')
    let snaps = await list(r, invite)
    expect(snaps.map((s) => s.reason)).toEqual(['daily'])
    expect(await textOf(r, invite, snaps[0]!.id)).toBe(lines('A'))
    await sleep(600)
    await a.edit('C')
    snaps = await list(r, invite)
    expect(snaps.map((s) => s.reason)).toEqual(['daily', 'daily'])
    expect(await textOf(r, invite, snaps[0]!.id)).toBe(lines('A', 'B'))
    expect(await textOf(r, invite, snaps[1]!.id)).toBe(lines('A'))
    expect(Date.parse(snaps[0]!.takenAt)).toBeGreaterThan(Date.parse(snaps[1]!.takenAt))

    // kill -9 and start again on the same data: the same snapshots, the same bytes
    await r.kill()
    const again = await relayOn(dataDir, { SNAPSHOT_INTERVAL_MS: '500' })
    expect(await list(again, invite)).toEqual(snaps)
    expect(await textOf(again, invite, snaps[0]!.id)).toBe(lines('A', 'B'))
  })

  it('prunes snapshots older than the retention but always keeps the newest 3', async () => {
    const r = await relayOn(tempDir('sb-snap-prune'), { SNAPSHOT_INTERVAL_MS: '300', SNAPSHOT_RETENTION_MS: '1' })
    const invite = newInvite()
    const a = device(r, invite, 'create')
    await a.edit('e0')
    for (let i = 1; i <= 5; i++) {
      await sleep(350)
      await a.edit(`e${i}`) // each preceded by a snapshot of e0…e(i-1)
    }
    const snaps = await list(r, invite)
    expect(snaps).toHaveLength(3)
    expect(await Promise.all(snaps.map((s) => textOf(r, invite, s.id)))).toEqual([
      lines('e0', 'e1', 'e2', 'e3', 'e4'),
      lines('e0', 'e1', 'e2', 'e3'),
      lines('e0', 'e1', 'e2'),
    ])
  })

  it('serves the list and the bytes only with this room’s proof', async () => {
    const r = await relayOn(tempDir('sb-snap-auth'), { SNAPSHOT_INTERVAL_MS: '300' })
    const invite = newInvite()
    const a = device(r, invite, 'create')
    await a.edit('secret plan')
    await sleep(350)
    await a.edit('more')
    const [snap] = await list(r, invite)
    expect(snap).toBeDefined()
    const other = newInvite()
    await device(r, other, 'create').edit('another partnership')

    const listUrl = `${r.httpUrl}/snapshots/${invite.roomId}`
    const oneUrl = `${listUrl}/${snap!.id}`
    const wrong = deriveToken({ roomId: invite.roomId, secret: newInvite().secret })
    for (const [headers, status] of [
      [auth(wrong), 403], // a wrong secret for this room
      [auth(deriveToken(other)), 403], // another room's proof
      [{}, 401], // none
      [{ Authorization: 'Bearer not-a-token' }, 401],
    ] as const) {
      for (const url of [listUrl, oneUrl]) {
        const res = await fetch(url, { headers })
        expect(res.status).toBe(status)
        expect(res.headers.get('content-type')).toBe('application/json')
        const body = await res.text()
        expect(JSON.parse(body)).toEqual({ error: expect.any(String) })
        expect(body).not.toContain(snap!.id)
      }
    }
    // the app's client says so, typed
    expect(await listRelaySnapshots(r.httpUrl, { roomId: invite.roomId, secret: newInvite().secret })).toEqual({ ok: false, reason: 'refused' })
    expect(await fetchRelaySnapshot(r.httpUrl, { roomId: invite.roomId, secret: newInvite().secret }, snap!.id)).toEqual({
      ok: false,
      reason: 'refused',
    })
    // a room the relay never saw: the same answer as a wrong proof (whether a room exists is not told);
    // an unknown id; a malformed one
    const nowhere = newInvite()
    for (const path of ['', `/${snap!.id}`]) {
      const unknownRoom = await fetch(`${r.httpUrl}/snapshots/${nowhere.roomId}${path}`, { headers: auth(deriveToken(nowhere)) })
      const wrongProof = await fetch(`${r.httpUrl}/snapshots/${invite.roomId}${path}`, { headers: auth(wrong) })
      expect(unknownRoom.status).toBe(403)
      expect(await unknownRoom.text()).toBe(await wrongProof.text())
    }
    expect(await listRelaySnapshots(r.httpUrl, nowhere)).toEqual({ ok: false, reason: 'refused' })
    expect(await fetchRelaySnapshot(r.httpUrl, invite, '000000000000001-00000000')).toEqual({ ok: false, reason: 'notFound' })
    expect((await fetch(`${listUrl}/..%2F..%2Fetc`, { headers: auth(deriveToken(invite)) })).status).toBe(400)
    // the other room's snapshots are not this room's
    expect(await fetchRelaySnapshot(r.httpUrl, other, snap!.id)).toEqual({ ok: false, reason: 'notFound' })
    // and with the right proof, it is there; the relay's base may be given as its WebSocket address too
    const good = await fetchRelaySnapshot(r.wsUrl, invite, snap!.id)
    expect(good.ok).toBe(true)
    expect(JSON.stringify(r.logs)).not.toContain(deriveToken(invite))
    expect(JSON.stringify(r.logs)).not.toContain(wrong)
  })

  it('counts refused proofs per address: beyond MAX_FAILED_PROOFS_PER_MINUTE a wrong proof gets 429, a good one is still answered', async () => {
    const r = await relayOn(tempDir('sb-snap-limit'), { MAX_FAILED_PROOFS_PER_MINUTE: '2' })
    const invite = newInvite()
    await device(r, invite, 'create').edit('x')
    const url = `${r.httpUrl}/snapshots/${invite.roomId}`
    const wrong = deriveToken({ roomId: invite.roomId, secret: newInvite().secret })
    expect((await fetch(url, { headers: auth(wrong) })).status).toBe(403)
    expect((await fetch(url, { headers: auth(wrong) })).status).toBe(403)
    const limited = await fetch(url, { headers: auth(wrong) })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await fetch(url, { headers: auth(deriveToken(invite)) })).status).toBe(200)
  })
})

const services = await servicesForFile('PostgreSQL snapshot test')

describe.skipIf(!services.available)('snapshots on the relay (PostgreSQL)', () => {
  it('keeps them in room_snapshots: one before compaction, served by another relay after a restart, which takes the daily one', async () => {
    if (!services.available) return
    const env = {
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      COMPACT_AFTER_UPDATES: '5',
    }
    const r = await relayOn(tempDir('sb-snap-pg'), env)
    const invite = newInvite()
    const a = device(r, invite, 'create')
    for (const l of ['one', 'two', 'three', 'four', 'five']) await a.edit(l)
    await waitFor(async () => (await list(r, invite)).some((s) => s.reason === 'compaction'), 'a compaction snapshot')
    await a.edit('six')
    const listed = await list(r, invite)
    const snap = listed.find((s) => s.reason === 'compaction')!
    expect(await textOf(r, invite, snap.id)).toBe(lines('one', 'two', 'three', 'four', 'five'))

    const client = new pg.Client({ connectionString: services.databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ id: string; reason: string; n: number }>(
        'SELECT id, reason, octet_length(bytes) AS n FROM room_snapshots WHERE room = $1 ORDER BY id DESC',
        [invite.roomId],
      )
      expect(rows.map((x) => x.id)).toEqual(listed.map((s) => s.id))
      expect(rows.find((x) => x.id === snap.id)).toEqual({ id: snap.id, reason: 'compaction', n: snap.bytes })
    } finally {
      await client.end()
    }

    await r.stop()
    a.conn.destroy()
    const other = await relayOn(tempDir('sb-snap-pg2'), { ...env, SNAPSHOT_INTERVAL_MS: '500' })
    expect(await list(other, invite)).toEqual(listed)
    expect(await textOf(other, invite, snap.id)).toBe(lines('one', 'two', 'three', 'four', 'five'))
    // the daily rule there: the first write after the interval is preceded by the stored state
    await sleep(600)
    const b = device(other, invite, 'join')
    await waitFor(() => b.text.toString() === lines('one', 'two', 'three', 'four', 'five', 'six'), 'b synced')
    await b.edit('seven')
    const [daily] = await list(other, invite)
    expect(daily!.reason).toBe('daily')
    expect(await textOf(other, invite, daily!.id)).toBe(lines('one', 'two', 'three', 'four', 'five', 'six'))
  })
})
