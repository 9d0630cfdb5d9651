/**
 * A screen whose part of the app cannot be downloaded (offline before the service worker stored
 * it, or removed by a new version) says so and offers "Try again", instead of a blank page; the
 * partnership's navigation and sync status stay. The service worker is blocked in this phone, so
 * the chunk comes from the network, where the test refuses it. (Chromium keeps a failed module
 * fetch for the page's lifetime, so here Try again reloads the page once the server answers.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DIST, createPartnership, launch, syncStatus, waitForSynced } from './browser'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'

// the Letters page's chunk: every page but This week (vite.config.ts, codeSplitting)
const LETTERS_CHUNK = '**/assets/pages-*.js'

let relay: RunningRelay
let browser: Browser
let context: BrowserContext
let page: Page

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-screen-load') })
  browser = await launch()
  context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: 'en-GB', serviceWorkers: 'block' })
  page = await context.newPage()
})
afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

function nav(name: string) {
  return page.getByRole('navigation').getByRole('link', { name })
}

describe('a screen that cannot be loaded', () => {
  it('says so, with Try again, while navigation and sync status still work', async () => {
    await page.goto(relay.httpUrl)
    await createPartnership(page, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    await waitForSynced(page)

    let refused = 0
    await page.route(LETTERS_CHUNK, (route) => {
      refused++
      return route.abort('internetdisconnected')
    })
    await nav('Letters').click()
    await page.getByRole('heading', { name: 'This screen could not be loaded', level: 2 }).waitFor({ timeout: 15_000 })
    expect(refused).toBeGreaterThan(0)
    await expect(page.getByRole('main').innerText()).resolves.toContain(
      'This device is probably offline, or the app was just updated. Everything already saved stays on this device. Try again once there is a connection.',
    )
    await page.getByRole('button', { name: 'Try again' }).waitFor()

    // the rest of the partnership is still there: its sync status, its navigation, its data
    await expect(syncStatus(page).innerText()).resolves.toMatch(/^Synced/)
    await nav('This week').click()
    await page.getByRole('heading', { name: 'This week', level: 2 }).waitFor()
    await expect(page.getByRole('banner').innerText()).resolves.toContain('Gent–Huye')
    // still refused: the screen says so again
    await nav('Letters').click()
    await page.getByRole('heading', { name: 'This screen could not be loaded', level: 2 }).waitFor()
  })

  it('says when there is still no connection', async () => {
    await context.setOffline(true)
    await page.getByRole('button', { name: 'Try again' }).tap()
    await page.getByText('Still no connection. Try again later.').waitFor({ timeout: 15_000 })
    await page.getByRole('heading', { name: 'This screen could not be loaded', level: 2 }).waitFor()
  })

  it('shows the screen after Try again once its part of the app can be downloaded', async () => {
    await context.setOffline(false)
    await page.unroute(LETTERS_CHUNK)
    await page.getByRole('button', { name: 'Try again' }).tap()
    await page.getByRole('heading', { name: 'Letters', level: 2 }).waitFor({ timeout: 15_000 })
    await page.getByRole('button', { name: 'Write a letter' }).waitFor()
    await expect(page.getByRole('heading', { name: 'This screen could not be loaded' }).count()).resolves.toBe(0)
  })
})
