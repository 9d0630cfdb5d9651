import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { CLOSE, newInvite } from '../../src/sync/wire'
import { appConnection, protocolsFor, rawSession } from '../helpers/clients'
import { startRelay, tempDir, waitFor, type RunningRelay } from '../helpers/relay'

let relay: RunningRelay
let site: string
const INDEX = '<!doctype html><title>Scholenband</title>'.padEnd(2000, ' ')
const APP_JS = 'console.log("app");'.repeat(200)

beforeAll(async () => {
  site = tempDir('sb-site')
  mkdirSync(join(site, 'assets'))
  writeFileSync(join(site, 'index.html'), INDEX)
  writeFileSync(join(site, 'index.html.br'), brotliCompressSync(INDEX))
  writeFileSync(join(site, 'index.html.gz'), gzipSync(INDEX))
  writeFileSync(join(site, 'assets/app-abc123.js'), APP_JS)
  writeFileSync(join(site, 'assets/app-abc123.js.gz'), gzipSync(APP_JS))
  writeFileSync(join(site, 'sw.js'), 'self.x=1')
  writeFileSync(join(site, 'manifest.webmanifest'), '{}')
  relay = await startRelay({ staticDir: site })
})
afterAll(async () => {
  await relay.stop()
})

describe('serving the app', () => {
  it('answers /healthz with JSON', async () => {
    const res = await fetch(`${relay.httpUrl}/healthz`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(await res.json()).toMatchObject({ status: 'ok' })
  })

  it('sends the brotli file made at build time, and index.html always revalidated', async () => {
    const res = await fetch(`${relay.httpUrl}/`, { headers: { 'accept-encoding': 'br, gzip' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('br')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(await res.text()).toBe(INDEX) // fetch decodes it
    const etag = res.headers.get('etag')!
    const again = await fetch(`${relay.httpUrl}/index.html`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
  })

  it('serves hashed assets gzip-compressed and immutable for a year', async () => {
    const res = await fetch(`${relay.httpUrl}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(Number(res.headers.get('content-length'))).toBeLessThan(APP_JS.length / 5)
    expect(await res.text()).toBe(APP_JS)
    const plain = await fetch(`${relay.httpUrl}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'identity' } })
    expect(plain.headers.get('content-encoding')).toBeNull()
  })

  it('revalidates the service worker and manifest, and falls back to the app for pages', async () => {
    expect((await fetch(`${relay.httpUrl}/sw.js`)).headers.get('cache-control')).toBe('no-cache')
    expect((await fetch(`${relay.httpUrl}/manifest.webmanifest`)).headers.get('cache-control')).toBe('no-cache')
    const page = await fetch(`${relay.httpUrl}/some/page`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(await page.text()).toBe(INDEX)
    expect((await fetch(`${relay.httpUrl}/assets/missing.js`)).status).toBe(404)
    expect((await fetch(`${relay.httpUrl}/../../etc/passwd`)).status).not.toBe(500)
  })
})

describe('bad frames', () => {
  it('closes only the socket that sent garbage; the room carries on', async () => {
    const invite = newInvite()
    const a = appConnection(relay.wsUrl, invite, 'create')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A synced')
    const b = appConnection(relay.wsUrl, invite, 'join')
    await waitFor(() => b.conn.getState().kind === 'synced', 'B synced')
    for (const garbage of [new Uint8Array([0, 2, 200, 1, 5]), new Uint8Array([77]), new Uint8Array([0, 9])]) {
      const r = await rawSession(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { send: [garbage], closeAfterMs: 5000 })
      expect(r.code).toBe(CLOSE.malformed)
    }
    a.doc.getText('t').insert(0, 'still here')
    await waitFor(() => b.doc.getText('t').toString() === 'still here', 'B still syncing')
    const health = (await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { status: string }
    expect(health.status).toBe('ok')
    a.conn.destroy()
    b.conn.destroy()
  })

  it('refuses text frames', async () => {
    const invite = newInvite()
    const r = await new Promise<{ code: number }>((resolve) => {
      void import('ws').then(({ default: WebSocket }) => {
        const ws = new WebSocket(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'create'))
        ws.on('open', () => ws.send('hello'))
        ws.on('close', (code) => resolve({ code }))
      })
    })
    expect(r.code).toBe(CLOSE.malformed)
  })

  it('keeps an update it cannot place yet without losing the room', async () => {
    // an update whose dependencies are missing is held by Yjs, not an error
    const invite = newInvite()
    const a = appConnection(relay.wsUrl, invite, 'create')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A synced')
    const other = new Y.Doc()
    other.getText('t').insert(0, 'one')
    const updates: Uint8Array[] = []
    other.on('update', (u: Uint8Array) => updates.push(u))
    other.getText('t').insert(3, ' two')
    const frame = new Uint8Array([0, 2, updates[0]!.length, ...updates[0]!])
    const r = await rawSession(`${relay.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'), { send: [frame], closeAfterMs: 300 })
    expect(r.code).toBe(1000)
    a.conn.destroy()
  })
})

describe('hostile input does not stop the relay', () => {
  const alive = async (): Promise<void> => {
    const res = await fetch(`${relay.httpUrl}/healthz`)
    expect(res.status).toBe(200)
  }

  it('survives an unmasked frame on a socket without any proof', async () => {
    const { connect } = await import('node:net')
    await new Promise<void>((resolve) => {
      const sock = connect(relay.port, '127.0.0.1', () => {
        sock.write(
          `GET /sync/${newInvite().roomId} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: scholenband.v1\r\n\r\n',
        )
      })
      let sent = false
      sock.on('data', () => {
        if (sent) return
        sent = true
        sock.write(Buffer.from([0x82, 0x01, 0x01])) // a client frame must be masked
      })
      sock.on('close', () => resolve())
      sock.on('error', () => resolve())
      setTimeout(() => sock.destroy(), 1000)
    })
    await alive()
  })

  it('survives a message over the size limit, and the app stops resending it', async () => {
    const limited = await startRelay({ env: { MAX_MESSAGE_BYTES: '65536' } })
    try {
      const invite = newInvite()
      const a = appConnection(limited.wsUrl, invite, 'create')
      await waitFor(() => a.conn.getState().kind === 'synced', 'synced')
      a.doc.getText('t').insert(0, 'x'.repeat(200_000))
      await waitFor(() => a.conn.getState().kind === 'refused', 'refused for size')
      expect(a.conn.getState()).toMatchObject({ kind: 'refused', reason: 'tooLarge' })
      const res = await fetch(`${limited.httpUrl}/healthz`)
      expect(res.status).toBe(200)
      expect(a.doc.getText('t').length).toBe(200_000) // still on the device
      // the operator sees it too
      const metrics = await (await fetch(limited.metricsUrl!)).text()
      expect(metrics).toMatch(/^scholenband_closed_for_limit_total\{reason="message_too_big"\} 1$/m)
      a.conn.destroy()
    } finally {
      await limited.stop()
    }
  })

  it('answers malformed addresses without dying', async () => {
    const { connect } = await import('node:net')
    const raw = (request: string): Promise<string> =>
      new Promise((resolve) => {
        let out = ''
        const sock = connect(relay.port, '127.0.0.1', () => sock.write(request))
        sock.on('data', (d) => (out += d.toString()))
        sock.on('close', () => resolve(out))
        sock.on('error', () => resolve(out))
        setTimeout(() => sock.destroy(), 1000)
      })
    expect((await fetch(`${relay.httpUrl}/%zz`)).status).toBe(404)
    expect(await raw('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    await raw('GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
    await alive()
  })

  it('answers a file removed from the build folder without dying', async () => {
    const { rmSync } = await import('node:fs')
    rmSync(join(site, 'assets/app-abc123.js'))
    rmSync(join(site, 'assets/app-abc123.js.gz'))
    await fetch(`${relay.httpUrl}/assets/app-abc123.js`).then((r) => r.text()).catch(() => 'failed')
    await alive()
  })
})

describe('a new build under a running relay', () => {
  it('serves the new files without a restart', async () => {
    const { writeFileSync: write, rmSync: rm } = await import('node:fs')
    write(join(site, 'assets/app-new456.js'), 'console.log("new build")')
    write(join(site, 'index.html'), '<!doctype html><title>Scholenband v2</title>')
    rm(join(site, 'index.html.br'))
    rm(join(site, 'index.html.gz'))
    const page = await fetch(`${relay.httpUrl}/`)
    expect(await page.text()).toBe('<!doctype html><title>Scholenband v2</title>')
    expect(await (await fetch(`${relay.httpUrl}/assets/app-new456.js`)).text()).toBe('console.log("new build")')
  })
})
