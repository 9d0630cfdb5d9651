/**
 * What the relay's answers tell a browser (issue 10, section 1): a photo is never a page (fixed
 * `application/octet-stream` and `nosniff` on every blob answer, file store and PostgreSQL, GET and
 * HEAD), and every page of the app carries the Content-Security-Policy and `no-referrer`.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deriveToken, newInvite } from '../../src/sync/wire'
import { createdRoom } from '../helpers/clients'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { servicesForFile } from '../helpers/services'

const HTML_PHOTO = new TextEncoder().encode('<!doctype html><script>alert(1)</script>')
/** Directives a browser must be told allow this origin and nothing else: no inline script or style, no other site. */
const ONLY_SELF = ['default-src', 'script-src', 'style-src', 'worker-src', 'manifest-src', 'form-action']
/** Directives that must allow nothing: no framing of the app (clickjacking), no `<base>`, no plugins. */
const NOTHING = ['frame-ancestors', 'base-uri', 'object-src']

/** A Content-Security-Policy header as a browser reads it: each directive's name and its sources. */
function directivesOf(csp: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) directives.set(name, sources)
  }
  return directives
}

/** Stores HTML bytes as a photo and checks what GET and HEAD say they are. */
async function expectBlobAnswersAreNotPages(r: RunningRelay): Promise<void> {
  const room = newInvite()
  await createdRoom(r, room)
  const hash = createHash('sha256').update(HTML_PHOTO).digest('hex')
  const url = `${r.httpUrl}/blobs/${room.roomId}/${hash}`
  const auth = { Authorization: `Bearer ${deriveToken(room)}` }
  expect((await fetch(url, { method: 'PUT', headers: { ...auth, 'Content-Type': 'text/html' }, body: HTML_PHOTO as BodyInit })).status).toBe(201)
  for (const method of ['GET', 'HEAD']) {
    const res = await fetch(url, { method, headers: { ...auth, Accept: 'text/html' } })
    expect(res.status, method).toBe(200)
    expect(res.headers.get('content-type'), method).toBe('application/octet-stream')
    expect(res.headers.get('x-content-type-options'), method).toBe('nosniff')
    await res.arrayBuffer()
  }
}

const services = await servicesForFile('PostgreSQL blob headers')

describe('photos on the relay are never pages', () => {
  it('file store: GET and HEAD answer application/octet-stream with nosniff', async () => {
    const r = await startRelay()
    try {
      await expectBlobAnswersAreNotPages(r)
    } finally {
      await r.stop()
    }
  })

  it.skipIf(!services.available)('PostgreSQL store: the same headers', async () => {
    if (!services.available) throw new Error('services unavailable')
    const r = await startRelay({ env: { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl } })
    try {
      await expectBlobAnswersAreNotPages(r)
    } finally {
      await r.stop()
    }
  })
})

describe('the app pages carry a Content-Security-Policy', () => {
  let relay: RunningRelay
  beforeAll(async () => {
    const site = tempDir('sb-csp-site')
    mkdirSync(join(site, 'assets'))
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Scholenband</title><script type="module" src="/assets/app-abc.js"></script>')
    writeFileSync(join(site, 'assets/app-abc.js'), 'console.log("app")')
    relay = await startRelay({ staticDir: site })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  function expectPageHeaders(res: Response, what: string): void {
    expect(res.headers.get('content-type'), what).toMatch(/^text\/html/)
    const csp = res.headers.get('content-security-policy') ?? ''
    const host = new URL(relay.httpUrl).host
    const directives = directivesOf(csp)
    for (const name of ONLY_SELF) expect(directives.get(name), `${what}: ${name}`).toEqual(["'self'"])
    for (const name of NOTHING) expect(directives.get(name), `${what}: ${name}`).toEqual(["'none'"])
    // photos are <img> of blob: URLs; the relay's WebSocket is on this host
    expect(directives.get('img-src'), what).toEqual(["'self'", 'blob:', 'data:'])
    expect(directives.get('connect-src'), what).toEqual(["'self'", `ws://${host}`, `wss://${host}`])
    expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
    expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
  }

  it('GET /, a deep page path, HEAD and a revalidation (304) all carry the policy and no-referrer', async () => {
    const root = await fetch(`${relay.httpUrl}/`, { headers: { Accept: 'text/html' } })
    expect(root.status).toBe(200)
    expectPageHeaders(root, 'GET /')
    const deep = await fetch(`${relay.httpUrl}/p/some-partnership/letters/abc`, { headers: { Accept: 'text/html' } })
    expect(deep.status).toBe(200)
    expect(await deep.text()).toContain('<title>Scholenband</title>')
    expectPageHeaders(deep, 'deep path')
    const head = await fetch(`${relay.httpUrl}/index.html`, { method: 'HEAD' })
    expectPageHeaders(head, 'HEAD /index.html')
    const etag = root.headers.get('etag')!
    const again = await fetch(`${relay.httpUrl}/`, { headers: { Accept: 'text/html', 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(again.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(again.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('a script is no page: no policy needed, but no-referrer too', async () => {
    const js = await fetch(`${relay.httpUrl}/assets/app-abc.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('referrer-policy')).toBe('no-referrer')
  })
})
