/**
 * The service worker's precache: after a first visit it holds the whole app in few entries (Workbox
 * installs them one at a time, a round trip each on a slow link), and with the network gone every
 * page of the partnership opens — pages this phone never opened before — and every language
 * still switches. The locale is asked for by index.html's first script (src/i18n/localePreload.ts). The relay is stopped for the offline part: nothing can come from the network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { PAGES } from '../../src/ui/pages'
import { partnershipHref } from '../../src/ui/router'
import en from '../../src/i18n/locales/en.json'
import nl from '../../src/i18n/locales/nl.json'
import fr from '../../src/i18n/locales/fr.json'
import es from '../../src/i18n/locales/es.json'
import { DIST, createPartnership, launch, openApp, waitForSynced } from './browser'

/** The most entries the precache may hold (scripts/check-build.mjs checks the build's manifest too). */
const MAX_ENTRIES = 15

let relay: RunningRelay | undefined
let browser: Browser
let context: BrowserContext
let page: Page
let roomId = ''
/** Requests for the app's own files that failed (nothing served them: not precached). */
const failed: string[] = []

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-precache') })
  browser = await launch()
  context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: 'en-GB' })
  page = await context.newPage()
  page.on('requestfailed', (request) => {
    const url = new URL(request.url())
    if (url.pathname.startsWith('/assets/') || url.pathname === '/' || url.pathname.endsWith('.html')) failed.push(url.pathname)
  })
})
afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

/** The paths in the service worker's precache (Cache Storage, as the page sees it). */
function precached(p: Page): Promise<string[]> {
  return p.evaluate(async () => {
    const paths: string[] = []
    for (const name of await caches.keys()) {
      if (!name.includes('precache')) continue
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname)
    }
    return paths
  })
}

/** A page's address with made-up parameters (`activity/:activityId` → `activity/none`). */
function hrefOf(path: string): string {
  const rest = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? 'none' : seg))
    .join('/')
  return `${partnershipHref(roomId)}/${rest}`
}

describe('the precache', () => {
  it(`holds the app in at most ${MAX_ENTRIES} entries after a first visit, and nothing offline use does not need`, async () => {
    await openApp(page, relay!.httpUrl)
    const paths = await precached(page)
    expect(paths.length).toBeGreaterThan(0)
    expect(paths.length, paths.join('\n')).toBeLessThanOrEqual(MAX_ENTRIES)
    expect(paths.filter((p) => /\.(br|gz|png|txt)(\?|$)/.test(p))).toEqual([])
    expect(paths.some((p) => p.startsWith('/index.html'))).toBe(true)
  })

  it("asks for the locale from index.html's first script, not after the app's code ran", async () => {
    // that script adds a modulepreload for the language shown, and the app's own import reuses it
    const seen = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      preloads: [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]')].map((l) => new URL(l.href).pathname),
      fetched: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
    }))
    expect(seen.lang).toBe('en')
    expect(seen.preloads).toEqual([expect.stringMatching(/^\/assets\/en-[\w-]+\.js$/)])
    expect(seen.fetched.filter((p) => p === seen.preloads[0])).toHaveLength(1)
  })

  it('opens every page offline, pages never opened before included', async () => {
    await createPartnership(page, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    await waitForSynced(page)
    roomId = decodeURIComponent(/#\/p\/([^/]+)/.exec(page.url())?.[1] ?? '')
    expect(roomId).not.toBe('')

    // the network is gone: the browser is offline and the relay has stopped; and what the browser's
    // HTTP cache kept from this visit is dropped, so that only the service worker can serve the app
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.clearBrowserCache')
    await context.setOffline(true)
    await relay!.kill()
    relay = undefined
    await page.reload()
    await page.getByRole('navigation', { name: 'Partnership sections' }).waitFor({ timeout: 15_000 })

    // from the home screen, so that the first page is a new one too
    await page.evaluate(() => {
      window.location.hash = '#/'
    })
    await page.getByRole('button', { name: 'Create partnership' }).waitFor()
    const main = page.getByRole('main')
    for (const def of PAGES) {
      // the headings of the page before are marked: the next page's own heading is one without the mark
      await page.evaluate((h) => {
        for (const el of document.querySelectorAll('main h1, main h2')) el.setAttribute('data-before', '')
        window.location.hash = h
      }, hrefOf(def.path))
      await main.locator('h1:not([data-before]), h2:not([data-before])').first().waitFor({ timeout: 15_000 })
      await expect.poll(() => main.innerText(), { timeout: 15_000, message: def.name }).not.toMatch(/Opening…/)
      await expect(main.getByRole('heading', { name: 'This screen could not be loaded' }).count(), def.name).resolves.toBe(0)
    }
    expect(failed).toEqual([])
  })

  it('switches to each language offline', async () => {
    await page.evaluate(() => {
      window.location.hash = '#/'
    })
    // the home screen's language picker is labelled in the language it shows
    for (const [code, from, to] of [['nl', en, nl], ['fr', nl, fr], ['es', fr, es], ['en', es, en]] as const) {
      await page.getByLabel(from.settings.language, { exact: true }).selectOption(code)
      await page.getByRole('button', { name: to.create.title, exact: true }).waitFor({ timeout: 15_000 })
    }
    expect(failed).toEqual([])
  })
})
