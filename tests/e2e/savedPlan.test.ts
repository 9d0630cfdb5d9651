/**
 * The plan's saved view on a cold start (issue 12): a teacher opens the action plan, the phone goes
 * offline and the app is reloaded; while the document is still loading, the plan shows the cards it
 * showed before, marked "Showing the action plan as it was at … — loading; you can edit once it has loaded.", with
 * nothing to edit and nothing that fails WCAG AA (axe);
 * once the document is loaded the live plan takes its place, and editing works.
 *
 * Holding the load: a five-year partnership takes seconds to load on a cheap phone; here the page's
 * IndexedDB is made slow instead, and only where the document's rows are read (the `updates` store
 * of an `sb-doc-*` database): the keys' answer is held, with the transaction kept alive, until the
 * test lets it go — as a slow disk would. Screenshots at 360 px: /tmp/saved-plan-en.png, -ar.png.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import ar from '../../src/i18n/locales/ar.json'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { DIST, addActivity, createPartnership, launch, openApp, phone, waitForSynced } from './browser'
import type { Browser } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

let relay: RunningRelay
let browser: Browser
let context: BrowserContext
let page: Page

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-saved-plan') })
  browser = await launch()
  context = await phone(browser)
  // before the app's scripts, on every load: the document's rows are not read until released
  await context.addInitScript(() => {
    const w = window as unknown as { __releaseDocLoad: () => void; __docLoadHeld: number }
    let held = true
    w.__docLoadHeld = 0
    w.__releaseDocLoad = () => {
      held = false
    }
    const original = IDBObjectStore.prototype.getAllKeys
    IDBObjectStore.prototype.getAllKeys = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['getAllKeys']>) {
      const req = original.apply(this, args)
      if (!held || this.name !== 'updates' || !this.transaction.db.name.startsWith('sb-doc-')) return req
      w.__docLoadHeld++
      let appHandler: ((this: IDBRequest, ev: Event) => unknown) | null = null
      Object.defineProperty(req, 'onsuccess', {
        configurable: true,
        get: () => appHandler,
        set: (h: typeof appHandler) => {
          appHandler = h
        },
      })
      req.addEventListener('success', (ev) => {
        const deliver = (): void => void appHandler?.call(req, ev)
        if (!held) return deliver()
        // keep the transaction alive (a request at a time) until released
        const keepAlive = (): void => {
          if (!held) return deliver()
          this.count().onsuccess = keepAlive
        }
        keepAlive()
      })
      return req
    }
  })
  page = await context.newPage()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

const TITLES = ['School garden day', 'Letters across the sea', 'Football in the rain']

/** Reloads offline with the document's load held; waits until the app asked for the rows. */
async function reloadHeld(): Promise<void> {
  await page.reload()
  await expect.poll(() => page.evaluate(() => (window as unknown as { __docLoadHeld?: number }).__docLoadHeld ?? 0), { timeout: 20_000 }).toBeGreaterThan(0)
}

/** Lets the held document load go on (the live plan follows). */
const release = (): Promise<void> => page.evaluate(() => (window as unknown as { __releaseDocLoad: () => void }).__releaseDocLoad())

/** How far below the top of `above` the top of `below` is drawn, in px. */
async function offsetBelow(above: Locator, below: Locator): Promise<number> {
  // both read in one layout: read one after the other, the offline strip appearing in between
  // (above both) moved the second by its 83 px
  const b = await below.elementHandle()
  if (!b) throw new Error('not drawn')
  return above.evaluate((a, el) => el.getBoundingClientRect().top - a.getBoundingClientRect().top, b)
}

/** The saved view kept on this device for the open partnership (what the next cold start shows), or null. */
function storedView(): Promise<string | null> {
  return page.evaluate(async () => {
    const roomId = decodeURIComponent(/#\/p\/([^/]+)/.exec(location.hash)?.[1] ?? '')
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(`sb-doc-${roomId}`)
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    const value = await new Promise<unknown>((resolve) => {
      const req = db.transaction(['custom'], 'readonly').objectStore('custom').get('scholenband:planView')
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(null)
    })
    db.close()
    return typeof value === 'string' ? value : null
  })
}

describe('the action plan on a cold start, before the document is loaded', () => {
  it('a teacher plans three activities; the plan keeps what it shows on the device', async () => {
    await openApp(page, relay.httpUrl)
    await release()
    await createPartnership(page, { name: 'Gent – Kigali', ours: 'Sint-Jan Gent', partner: 'GS Kigali' })
    for (const [i, title] of TITLES.entries()) await addActivity(page, { title, start: `2026-12-0${i + 1}` })
    await waitForSynced(page)
    await expect.poll(() => storedView(), { timeout: 20_000 }).toContain(TITLES[2])
  })

  it('offline, reloaded: shows the saved cards, marked and read-only, while the document loads', async () => {
    await context.setOffline(true)
    await reloadHeld()
    const main = page.getByRole('main')
    const notice = main.getByRole('status').filter({ hasText: /^Showing the action plan as it was at \d{1,2}:\d{2}(\s?[AP]M)? — loading; you can edit once it has loaded\.$/ })
    await notice.waitFor({ timeout: 20_000 })
    for (const title of TITLES) await main.getByText(title, { exact: true }).waitFor()
    // nothing to edit or follow: no link to an activity, "New activity" disabled, the filters too, no field to type in
    for (const title of TITLES) expect(await main.getByRole('link', { name: title }).count()).toBe(0)
    expect(await main.getByRole('button', { name: 'New activity' }).isDisabled()).toBe(true)
    expect(await main.getByLabel('Status', { exact: true }).isDisabled()).toBe(true)
    expect(await main.getByRole('textbox').count()).toBe(0)
    expect(await main.locator('section[aria-busy="true"]').count()).toBe(1)
    // readable as it is: the saved cards once failed colour contrast (faded with opacity)
    expect(await axeViolations()).toEqual([])
    // the document really is still loading: the rows were asked for and not answered
    await page.screenshot({ path: '/tmp/saved-plan-en.png' })
    const heading = main.getByRole('heading', { name: 'Action plan', level: 2 })
    const savedOffset = await offsetBelow(heading, main.getByText(TITLES[0]!, { exact: true }))

    await release()
    // the live plan takes its place: links, "New activity" works, the mark is gone
    await main.getByRole('link', { name: TITLES[0], exact: true }).waitFor({ timeout: 20_000 })
    expect(await notice.count()).toBe(0)
    expect(await main.locator('[aria-busy="true"]').count()).toBe(0)
    // the live plan is drawn exactly where the saved one was: the mark over the page leaves no gap
    // (only the offline strip above the plan, which comes with the connection's state, may move both)
    expect(Math.abs((await offsetBelow(heading, main.getByRole('link', { name: TITLES[0], exact: true }))) - savedOffset)).toBeLessThan(2)
    await main.getByRole('button', { name: 'New activity' }).click()
    await page.getByLabel('Title').fill('Written while offline')
    await page.getByRole('button', { name: 'Save' }).click()
    await main.getByRole('link', { name: 'Written while offline', exact: true }).waitFor({ timeout: 10_000 })
  })

  it('in Arabic too: the mark is translated and the saved view reads right to left', async () => {
    // the teacher chooses العربية on the home screen and opens the plan again
    const planHash = await page.evaluate(() => location.hash)
    await page.evaluate(() => (window.location.hash = '#/'))
    await page.locator('#home-language').selectOption('ar')
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await page.evaluate((h) => (window.location.hash = h), planHash)
    await page.getByRole('main').getByRole('link', { name: 'Written while offline', exact: true }).waitFor({ timeout: 20_000 })
    await expect.poll(() => storedView(), { timeout: 20_000 }).toContain('Written while offline')

    await reloadHeld()
    const prefix = ar.plan.savedNotice.split('{{time}}')[0]!
    const notice = page.getByRole('main').getByRole('status').filter({ hasText: prefix })
    await notice.waitFor({ timeout: 20_000 })
    // the whole sentence after the time, as the Arabic locale says it
    expect(await notice.innerText()).toContain(ar.plan.savedNotice.split('{{time}}')[1]!)
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await page.getByRole('main').getByText('Written while offline', { exact: true }).waitFor()
    // what the saved view says itself is in the language shown now
    expect(await page.locator('#plan-filter-year option').first().textContent()).toBe(ar.plan.allSchoolYears)
    await page.screenshot({ path: '/tmp/saved-plan-ar.png' })
    await release()
    await page.getByRole('main').getByRole('link', { name: 'Written while offline', exact: true }).waitFor({ timeout: 20_000 })
    expect(await notice.count()).toBe(0)
  })
})

/** WCAG A/AA violations axe-core finds on the page (evaluated through DevTools, so the app's CSP does not apply). */
async function axeViolations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async (tags) => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }
    const result = await w.axe.run(document, { runOnly: tags })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.map(String).join(' ')).join(', ')}`)
  }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
}
