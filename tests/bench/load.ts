/**
 * Page-load figures for `npm run bench:app` (tests/bench/app.bench.ts), for the app and for the
 * bare-stack anchor alike: first-view JS + CSS gzip bytes (computed from the build the way
 * scripts/check-build.mjs does), the service worker's precache (entries and bytes, from the build's
 * sw.js), and in /usr/bin/chromium through playwright-core — a fresh browser per run — Slow 3G
 * (CDP `Network.emulateNetworkConditions`, 2,000 ms, 50,000 B/s, on the page AND on the service
 * worker) at 4× CPU: the time to a usable "Create partnership" and until the precache is complete
 * (the offline cold start of a joined partnership is coldStart.ts). Every wait is bounded and says
 * "timed out" instead of hanging.
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { gzipSync } from 'node:zlib'
import WebSocket from 'ws'
import type Lighthouse from 'lighthouse'
import { CHROME_PATH, CHROMIUM_ARGS } from '../e2e/browser'

/** DevTools' "Slow 3G" of issue 12: 2,000 ms per request, 50,000 B/s each way. */
export const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 } as const
export const CPU_SLOWDOWN = 4
export const CREATE_LABEL = 'Create partnership'

/** A figure that may be missing: the reason is printed in its place. */
export type Maybe = number | { missing: string }

export const isNumber = (m: Maybe | undefined): m is number => typeof m === 'number'

export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Resolves `p`, or `{ missing: 'timed out …' }` after `ms`. */
export async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T | { missing: string }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<{ missing: string }>((r) => (timer = setTimeout(() => r({ missing: `timed out (${what}, ${Math.round(ms / 1000)} s)` }), ms)))
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

// ——— from the build ———

export interface FirstView {
  gzipBytes: number
  files: number
}

/** What the browser fetches for the first view (index.html's scripts and stylesheets and their static imports, and its inlined `<style>`), gzip -9: as scripts/check-build.mjs. */
export function firstViewOf(dist: string): FirstView {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const refs = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
  const seen = new Set<string>()
  const queue = refs.map((r) => r.replace(/^\//, ''))
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const file = queue[i]!
    if (seen.has(file)) continue
    seen.add(file)
    if (!file.endsWith('.js')) continue
    const code = readFileSync(join(dist, file), 'utf8')
    for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      queue.push(join(file, '..', m[1]!).split(sep).join('/'))
    }
  }
  let gzipBytes = 0
  for (const file of seen) gzipBytes += gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
  // the first view's stylesheet inlined into index.html (src/pwa/inlineFirstViewCss.ts) counts too
  const inlineCss = [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)].map((m) => m[1]!).join('')
  if (inlineCss !== '') gzipBytes += gzipSync(inlineCss, { level: 9 }).length
  return { gzipBytes, files: seen.size }
}

export interface Precache {
  /** Paths without the leading slash, as in sw.js. */
  urls: string[]
  rawBytes: number
  /** What the relay sends over http://127.0.0.1 (Chromium asks for gzip, not br, without TLS): the .gz sibling where there is one. */
  wireBytes: number
}

/** The precache manifest in the build's sw.js (workbox generateSW: `precacheAndRoute([{url:"…",revision:…},…])`). */
export function precacheOf(dist: string): Precache {
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8')
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:(?:"[^"]*"|null)\}/g)].map((m) => m[1]!)
  let rawBytes = 0
  let wireBytes = 0
  for (const url of urls) {
    const file = join(dist, url)
    if (!existsSync(file)) continue
    const raw = statSync(file).size
    rawBytes += raw
    wireBytes += existsSync(file + '.gz') ? statSync(file + '.gz').size : raw
  }
  return { urls, rawBytes, wireBytes }
}

// ——— in the browser ———

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROME_PATH)) throw new Error(`No Chromium at ${CHROME_PATH}`)
  return chromium.launch({ executablePath: CHROME_PATH, args: CHROMIUM_ARGS, headless: true })
}

/** A phone-sized Chromium with a new profile of its own and a DevTools port (its number in the profile's DevToolsActivePort). */
export async function launchWithProfile(): Promise<{ context: BrowserContext; profile: string; close: () => Promise<void> }> {
  if (!existsSync(CHROME_PATH)) throw new Error(`No Chromium at ${CHROME_PATH}`)
  const profile = mkdtempSync(join(tmpdir(), 'sb-bench-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROME_PATH,
    args: [...CHROMIUM_ARGS, '--remote-debugging-port=0'],
    headless: true,
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
    locale: 'en-GB',
  })
  return {
    context,
    profile,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** The DevTools port and browser path of a profile launched with `--remote-debugging-port=0`. */
export async function devToolsPort(profile: string): Promise<{ port: number; path: string }> {
  const portFile = join(profile, 'DevToolsActivePort')
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 100))
  const [port, path] = readFileSync(portFile, 'utf8').split('\n')
  return { port: Number(port), path: path ?? '' }
}

export function newPhone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: 'en-GB' })
}

/**
 * Applies Slow 3G to every service worker this browser starts, before its script runs. Playwright's
 * own CDP sessions cannot reach a worker, so this is a second DevTools client on the browser's
 * `--remote-debugging-port` (read from DevToolsActivePort in the profile): browser-level auto-attach
 * pauses each new service worker, sets the network conditions in its session, then lets it run.
 */
async function throttleServiceWorkers(profile: string): Promise<{ attached: () => number; close: () => void }> {
  const { port, path } = await devToolsPort(profile)
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let attached = 0
  let id = 0
  const send = (method: string, params: object = {}, sessionId?: string): void => {
    ws.send(JSON.stringify({ id: ++id, method, params, ...(sessionId ? { sessionId } : {}) }))
  }
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as { method?: string; params?: { sessionId: string; targetInfo: { type: string }; waitingForDebugger: boolean } }
    if (msg.method !== 'Target.attachedToTarget' || !msg.params) return
    const { sessionId, targetInfo, waitingForDebugger } = msg.params
    if (targetInfo.type === 'service_worker') {
      // messages on one session are handled in order: the conditions are set before the worker runs
      send('Network.enable', {}, sessionId)
      send('Network.emulateNetworkConditions', SLOW_3G, sessionId)
      attached++
    }
    if (waitingForDebugger) send('Runtime.runIfWaitingForDebugger', {}, sessionId)
  })
  send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: true,
    filter: [{ type: 'service_worker', exclude: false }, { exclude: true }],
  })
  return { attached: () => attached, close: () => ws.close() }
}

export async function throttlePage(page: Page, network: boolean): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page)
  if (network) {
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G)
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
  return cdp
}

/** In the page, before its scripts: the time (ms since navigation start) a control named `label` is first shown and enabled. */
function markUsable(label: string): void {
  const w = window as unknown as { __usableAt?: number }
  const check = (): void => {
    if (w.__usableAt !== undefined) return
    for (const el of document.querySelectorAll<HTMLButtonElement | HTMLAnchorElement>('button, a')) {
      if (el.textContent?.trim() === label && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0) {
        w.__usableAt = performance.now()
        observer.disconnect()
        return
      }
    }
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true })
}

export interface FirstVisit {
  /** ms from navigation start to "Create partnership" shown and enabled. */
  usableMs: Maybe
  /** ms from navigation start until the worker is active and `caches` holds every precache entry. */
  precacheMs: Maybe
  /** Service workers the Slow 3G conditions were applied to (1 expected). */
  throttledWorkers: number
}

/** One first visit of `url` on Slow 3G and 4× CPU, in a fresh browser (a fresh profile). */
export async function firstVisit(url: string, precacheUrls: string[], timeoutMs = 300_000): Promise<FirstVisit> {
  const { context, profile, close } = await launchWithProfile()
  const workers = await throttleServiceWorkers(profile)
  try {
    await context.addInitScript(markUsable, CREATE_LABEL)
    const page = context.pages()[0] ?? (await context.newPage())
    await throttlePage(page, true)
    const started = Date.now()
    const left = (): number => Math.max(1000, timeoutMs - (Date.now() - started))
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs })
    const control = page.getByRole('button', { name: CREATE_LABEL }).or(page.getByRole('link', { name: CREATE_LABEL })).first()
    const usable = await bounded(
      (async () => {
        await control.waitFor({ state: 'visible', timeout: left() })
        for (let i = 0; i < 600 && !(await control.isEnabled()); i++) await page.waitForTimeout(100)
        return page.evaluate(() => (window as unknown as { __usableAt?: number }).__usableAt ?? performance.now())
      })().catch((e: Error) => ({ missing: `timed out waiting for "${CREATE_LABEL}" (${e.message.split('\n')[0]})` })),
      left(),
      `"${CREATE_LABEL}"`,
    )
    const wanted = precacheUrls.map((u) => '/' + u)
    const precache = await bounded(
      (async () => {
        for (let i = 0; i < 10_000; i++) {
          const at = await page.evaluate(async (paths: string[]) => {
            const reg = await navigator.serviceWorker.getRegistration()
            if (!reg?.active || reg.active.state !== 'activated') return undefined
            const have = new Set<string>()
            for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) have.add(new URL(r.url).pathname)
            return paths.every((p) => have.has(p)) ? performance.now() : undefined
          }, wanted)
          if (at !== undefined) return at
          await page.waitForTimeout(500)
        }
        return { missing: 'timed out (precache)' }
      })(),
      left(),
      'precache complete',
    )
    return { usableMs: usable, precacheMs: precache, throttledWorkers: workers.attached() }
  } finally {
    workers.close()
    await close()
  }
}

/**
 * Lighthouse's mobile performance score (0–100, its default mobile settings and simulated
 * throttling) of `url`, in our Chromium with a new profile; `{ missing }` when the `lighthouse`
 * package cannot be loaded or the run fails. `onMetrics` gets the run's metrics and the audits
 * that cost the most ("FCP 1.9 s, LCP 2.1 s, TBT 1,860 ms, …; losing: bootup-time 2.1 s, …"),
 * so a score that drops says why.
 */
export async function lighthouseScore(url: string, timeoutMs = 180_000, onMetrics?: (line: string) => void): Promise<Maybe> {
  let lighthouse: typeof Lighthouse
  try {
    lighthouse = (await import('lighthouse')).default
  } catch (e) {
    return { missing: `not available (${(e as Error).message.split('\n')[0]})` }
  }
  const { profile, close } = await launchWithProfile()
  try {
    const { port } = await devToolsPort(profile)
    const run = lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] }).then((r) => {
      if (r && onMetrics) onMetrics(lighthouseSummary(r.lhr))
      // BENCH_LIGHTHOUSE_JSON=<prefix>: each run's whole report, to read what a score lost (its LCP element, long tasks)
      if (r && process.env.BENCH_LIGHTHOUSE_JSON) writeFileSync(`${process.env.BENCH_LIGHTHOUSE_JSON}-${Date.now()}.json`, JSON.stringify(r.lhr))
      const score = r?.lhr.categories.performance?.score
      return typeof score === 'number' ? Math.round(score * 100) : { missing: `no score (${r?.lhr.runtimeError?.message ?? 'no result'})` }
    })
    return await bounded(run, timeoutMs, 'Lighthouse')
  } catch (e) {
    return { missing: `failed (${(e as Error).message.split('\n')[0]})` }
  } finally {
    await close()
  }
}

type LighthouseResult = NonNullable<Awaited<ReturnType<typeof Lighthouse>>>['lhr']

/** The five scored metrics of a Lighthouse run, then its failing diagnostics (score below 0.9), worst first. */
function lighthouseSummary(lhr: LighthouseResult): string {
  const metric = (id: string, name: string): string => `${name} ${lhr.audits[id]?.displayValue ?? '?'}`
  const metrics = [
    metric('first-contentful-paint', 'FCP'),
    metric('largest-contentful-paint', 'LCP'),
    metric('total-blocking-time', 'TBT'),
    metric('cumulative-layout-shift', 'CLS'),
    metric('speed-index', 'SI'),
  ].join(', ')
  const losing = Object.values(lhr.audits)
    .filter((a) => typeof a.score === 'number' && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
    .sort((a, b) => (a.score ?? 0) - (b.score ?? 0))
    .slice(0, 6)
    .map((a) => `${a.id}${a.displayValue ? ` ${a.displayValue}` : ''}`)
  return `${metrics}; losing: ${losing.join(', ') || 'nothing'}`
}
