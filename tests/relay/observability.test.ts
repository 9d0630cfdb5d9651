/**
 * What an operator sees: `/metrics` (Prometheus), `/readyz`, and structured logs.
 */
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { resolve } from 'node:path'
import { CLOSE, deriveToken, newInvite } from '../../src/sync/wire'
import { createLogger } from '../../sync-server/log'
import { RELAY_MALLOC_ARENAS } from '../../sync-server/relayConfig'
import { appConnection, protocolsFor, rawSession } from '../helpers/clients'
import { listenInProcess, storeThatFails } from '../helpers/inProcessRelay'
import { metricSample as sample, startRelay, stopAfterEach, waitFor } from '../helpers/relay'

const { running, cleanups } = stopAfterEach()


describe('/metrics', () => {
  it('counts sockets, rooms, updates, bytes, appends, refused proofs, limits and photo bytes — never a room id', async () => {
    const r = await startRelay({ env: { MAX_FAILED_PROOFS_PER_MINUTE: '1' } })
    running.push(r)
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    // the partner joins a room that exists: joined at the same moment, its join over HTTP could come
    // first and be refused (no such room yet), which counts against the address like a 4404
    await waitFor(() => a.conn.getState().kind === 'synced', 'created')
    const b = appConnection(r.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => a.conn.getState().kind === 'synced' && b.conn.getState().kind === 'synced', 'both synced')
    for (let i = 0; i < 5; i++) a.doc.getText('t').insert(0, `${i}`)
    await waitFor(() => b.doc.getText('t').length === 5, 'B received')
    const photo = new Uint8Array(3000).fill(7)
    const hash = createHash('sha256').update(photo).digest('hex')
    const put = await fetch(`${r.httpUrl}/blobs/${invite.roomId}/${hash}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${deriveToken(invite)}`, 'Content-Type': 'application/octet-stream' },
      body: photo,
    })
    expect(put.status).toBe(201)
    const wrong = { roomId: invite.roomId, secret: newInvite().secret }
    expect((await rawSession(`${r.wsUrl}/${invite.roomId}`, protocolsFor(wrong, 'join'))).code).toBe(CLOSE.proofRefused)
    await expect(rawSession(`${r.wsUrl}/${invite.roomId}`, protocolsFor(wrong, 'join'))).rejects.toThrow(/429/)

    const res = await fetch(r.metricsUrl!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(sample(text, 'scholenband_sockets_open')).toBe(2)
    expect(sample(text, 'scholenband_rooms_loaded')).toBe(1)
    expect(sample(text, 'scholenband_updates_in_total')).toBeGreaterThanOrEqual(5)
    expect(sample(text, 'scholenband_updates_out_total')).toBeGreaterThanOrEqual(5)
    expect(sample(text, 'scholenband_bytes_in_total')).toBeGreaterThan(0)
    expect(sample(text, 'scholenband_bytes_out_total')).toBeGreaterThan(0)
    // the five edits may share store writes (merged while one is on disk), but every one was written
    expect(sample(text, 'scholenband_append_seconds_count')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'scholenband_append_updates_sum')).toBeGreaterThanOrEqual(5)
    expect(sample(text, 'scholenband_proofs_refused_total')).toBe(1)
    expect(sample(text, 'scholenband_closed_for_limit_total{reason="failed_proofs_per_minute"}')).toBe(1)
    expect(sample(text, 'scholenband_blob_bytes_stored_total')).toBe(3000)
    expect(text).toMatch(/^scholenband_relay_process_resident_memory_bytes /m)
    expect(text).not.toContain(invite.roomId)
    expect(text).not.toContain(deriveToken(invite))
  })

  it('is served only on METRICS_PORT (loopback by default), never on the public port, by any spelling of the path', async () => {
    const r = await startRelay()
    running.push(r)
    const listening = r.logs.find((l) => l.msg === 'listening')!
    expect(listening.metricsHost).toBe('127.0.0.1')
    expect(listening.metricsPort).not.toBe(r.port)
    const metrics = await fetch(r.metricsUrl!)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toMatch(/^scholenband_sockets_open /m)
    // raw request targets, as a client (or a proxy passing them through) sends them
    for (const path of ['/metrics', '/metrics#x', '/a/%2e%2e/metrics', '/a/../metrics', '/metrics/', '//metrics', '/metrics?x=1', '/METRICS', '/%6detrics']) {
      const { status, body } = await rawGet(r.port, path)
      expect(status, path).not.toBe(200)
      expect(body, path).not.toMatch(/scholenband_|# HELP|# TYPE/)
    }
    // and the metrics port answers nothing but /metrics
    expect((await rawGet(new URL(r.metricsUrl!).port, '/healthz')).status).toBe(404)
  })

  it('METRICS_PORT=off serves no metrics at all', async () => {
    const r = await startRelay({ env: { METRICS_PORT: 'off' } })
    running.push(r)
    expect(r.metricsUrl).toBeUndefined()
    expect((await rawGet(r.port, '/metrics')).status).toBe(404)
  })
})

/** GET with the request target sent exactly as given (fetch would normalise `..` and drop `#x`). */
function rawGet(port: number | string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('/readyz', () => {
  it('answers 200 when the store answers a read; /healthz too', async () => {
    const r = await startRelay()
    running.push(r)
    const res = await fetch(`${r.httpUrl}/readyz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ready' })
    expect((await fetch(`${r.httpUrl}/healthz`)).status).toBe(200)
  })

  it('answers 503 when the store fails a read, while /healthz (liveness) stays 200', async () => {
    const { relay, httpUrl: base } = await listenInProcess(storeThatFails('disk gone'))
    cleanups.push(() => relay.close())
    const res = await fetch(`${base}/readyz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ status: 'not ready', reason: 'store unavailable' })
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  })
})

describe('logs', () => {
  it("the listening line names the malloc arenas the relay was started with; npm start, the Dockerfile and docs/deploy.md start it with the relay's number", async () => {
    const root = resolve(import.meta.dirname, '../..')
    const setting = `MALLOC_ARENA_MAX=${RELAY_MALLOC_ARENAS}`
    const scripts = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    // an operator's own value wins over the relay's
    expect(scripts.start).toContain(`MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-${RELAY_MALLOC_ARENAS}} tsx sync-server/server.ts`)
    expect(readFileSync(resolve(root, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`^ENV .*\\b${setting}\\b`, 'm'))
    expect(readFileSync(resolve(root, 'docs/deploy.md'), 'utf8')).toMatch(new RegExp(`\\b${setting} node --import tsx sync-server/server\\.ts`))
    const r = await startRelay({ env: { MALLOC_ARENA_MAX: RELAY_MALLOC_ARENAS } })
    running.push(r)
    expect(r.logs.find((l) => l.msg === 'listening')).toMatchObject({ mallocArenaMax: RELAY_MALLOC_ARENAS })
    const env = readFileSync(`/proc/${r.process.pid}/environ`, 'utf8').split('\0')
    expect(env).toContain(setting)
  })

  it('are JSON lines with an ISO time, the level as a word and msg; fields named like a secret are redacted', () => {
    const lines: string[] = []
    const log = createLogger('info', (l) => lines.push(l))
    log.debug('hidden below the level')
    log.info('room created', { room: 'R1', token: 'TOKEN-abc', nested: { secret: 'SECRET-xyz' } })
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(entry).toMatchObject({ level: 'info', msg: 'room created', room: 'R1' })
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time)
    expect(lines[0]).not.toContain('TOKEN-abc')
    expect(lines[0]).not.toContain('SECRET-xyz')
  })
})
