/**
 * The first screen of a first visit (what Lighthouse measures, issue 12): its stylesheet comes
 * inside index.html (src/pwa/inlineFirstViewCss.ts) — no stylesheet is asked for before the home
 * screen shows, the relay's Content-Security-Policy allows exactly that `<style>` by its hash
 * (sync-server/static.ts), and the styles still apply when the service worker serves index.html
 * offline. It is drawn whole in one change of the page, not the welcome first and the ways in once
 * the device's (empty) list of partnerships has been read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { DIST, launch, openApp, phone } from './browser'

const WELCOME = 'Welcome to Scholenband'
/** The top bar's colour (app.css `--green`): set only by the first view's stylesheet. */
const TOP_BAR_GREEN = 'rgb(31, 111, 92)'

let relay: RunningRelay
let browser: Browser

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-first-view') })
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

/** Collects, from before the page's own scripts, the Content-Security-Policy violations it reports. */
async function recordViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __violations: string[] }
    w.__violations = []
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
}

const violations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)
const topBarColour = (page: Page): Promise<string> => page.evaluate(() => getComputedStyle(document.querySelector('.topbar')!).backgroundColor)

describe('the first screen', () => {
  it('is styled by index.html itself: no stylesheet fetched, no policy violation, online and offline', async () => {
    const context = await phone(browser)
    try {
      await recordViolations(context)
      const page = await context.newPage()
      const stylesheets: string[] = []
      page.on('request', (request) => {
        if (request.resourceType() === 'stylesheet') stylesheets.push(new URL(request.url()).pathname)
      })
      await openApp(page, `${relay.httpUrl}/`)
      await page.getByRole('heading', { name: WELCOME }).waitFor()
      expect(await topBarColour(page)).toBe(TOP_BAR_GREEN)
      expect(stylesheets).toEqual([])
      expect(await violations(page)).toEqual([])

      // index.html from the service worker's precache, the network gone
      await context.setOffline(true)
      await page.reload()
      await page.getByRole('heading', { name: WELCOME }).waitFor()
      expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true)
      expect(await topBarColour(page)).toBe(TOP_BAR_GREEN)
      expect(await violations(page)).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('appears whole in one change of the page: welcome, both ways in and the language picker together', async () => {
    const context = await phone(browser)
    try {
      // what #root held each time the page changed, from before the app's own scripts
      await context.addInitScript(() => {
        const w = window as unknown as { __states: string[] }
        w.__states = []
        new MutationObserver(() => {
          const root = document.getElementById('root')
          if (!root || root.childElementCount === 0) return
          const buttons = [...root.querySelectorAll('button')].map((b) => b.textContent?.trim())
          const state = [
            root.querySelector('h1')?.textContent?.trim() ?? '-',
            buttons.includes('Create partnership') ? 'create' : '-',
            buttons.includes('Join partnership') ? 'join' : '-',
            root.querySelector('select') ? 'language' : '-',
          ].join(' | ')
          if (w.__states.at(-1) !== state) w.__states.push(state)
        }).observe(document, { childList: true, subtree: true })
      })
      const page = await context.newPage()
      await page.goto(`${relay.httpUrl}/`)
      await page.getByRole('button', { name: 'Create partnership' }).waitFor()
      const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states)
      expect(states[0]).toBe(`${WELCOME} | create | join | language`)
    } finally {
      await context.close()
    }
  })
})
