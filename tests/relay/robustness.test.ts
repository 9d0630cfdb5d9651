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
