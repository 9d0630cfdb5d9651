/**
 * The partnership on a phone, shaped from the page table (src/ui/pages.tsx): a bottom bar with the
 * weekly sections and More reaches every section in at most two taps at 320 px; the header stays
 * compact (≤ 64 px) and in sight while a long page scrolls, in every language; a long form keeps
 * its Save in sight without scrolling; and a first visit says once that the app now works offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { PAGES, pageHref, type SimplePageName } from '../../src/ui/pages'
import en from '../../src/i18n/locales/en.json'
import nl from '../../src/i18n/locales/nl.json'
import fr from '../../src/i18n/locales/fr.json'
import es from '../../src/i18n/locales/es.json'
import { DIST, createPartnership, launch, openApp, waitForSynced } from './browser'

const LOCALES = { en, nl, fr, es } as const

let relay: RunningRelay
let browser: Browser
let context: BrowserContext
let page: Page
let roomId = ''

/** The English text of a key such as 'nav.plan'. */
function english(key: string): string {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], en) as string
}

function sections(p: Page) {
  return p.getByRole('navigation', { name: 'Partnership sections' })
}

async function open(p: Page, href: string): Promise<void> {
  await p.evaluate((h) => {
    window.location.hash = h
  }, href)
}

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-navigation') })
  browser = await launch()
  context = await browser.newContext({ viewport: { width: 320, height: 640 }, hasTouch: true, isMobile: true, locale: 'en-GB', serviceWorkers: 'block' })
  page = await context.newPage()
})

/** The partnership the tests look at, created on first use (a long name, to be cut short). */
async function partnership(): Promise<void> {
  if (roomId) return
  await page.goto(relay.httpUrl)
  await createPartnership(page, { name: 'Sint-Jan Gent – Groupe Scolaire Huye: een partnerschap', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
  await waitForSynced(page)
  roomId = decodeURIComponent(/#\/p\/([^/]+)/.exec(page.url())?.[1] ?? '')
  expect(roomId).not.toBe('')
}
afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

describe('the sections on a phone', () => {
  it('at 320 px the bottom bar holds at most five destinations and reaches every section in at most two taps', async () => {
    await partnership()
    const visible = sections(page).getByRole('link')
    await expect.poll(() => visible.count()).toBeLessThanOrEqual(5)
    const more = sections(page).getByRole('link', { name: 'More', exact: true })
    await expect(more.isVisible()).resolves.toBe(true)
    // the bar is at the bottom of the screen, and every entry is a full tap target
    const bar = await sections(page).boundingBox()
    expect(bar && bar.y + bar.height).toBeGreaterThan(600)
    for (const link of await visible.all()) {
      const box = await link.boundingBox()
      expect(box?.width).toBeGreaterThanOrEqual(44)
      expect(box?.height).toBeGreaterThanOrEqual(44)
    }

    const destinations = PAGES.filter((p) => p.nav !== undefined && p.name !== 'more')
    expect(destinations.length).toBeGreaterThan(5)
    for (const dest of destinations) {
      await open(page, pageHref(roomId, 'plan'))
      await page.getByRole('heading', { name: 'Action plan', level: 2 }).waitFor()
      const name = english(dest.label)
      let taps = 0
      const direct = sections(page).getByRole('link', { name, exact: true })
      if (await direct.isVisible()) {
        await direct.click()
        taps++
      } else {
        await more.click()
        taps++
        const listed = page.getByRole('main').getByRole('navigation').getByRole('link', { name, exact: true })
        const box = await listed.boundingBox()
        expect(box?.height, name).toBeGreaterThanOrEqual(44)
        await listed.click()
        taps++
      }
      expect(taps).toBeLessThanOrEqual(2)
      await expect.poll(() => page.evaluate(() => window.location.hash), { timeout: 5_000 }).toBe(pageHref(roomId, dest.name as SimplePageName))
      await page.getByRole('main').getByRole('heading', { level: 2 }).first().waitFor()
      if (taps === 2) {
        // More is a menu, not a place: Back returns to the plan
        await page.goBack()
        await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(pageHref(roomId, 'plan'))
      }
    }
  })
})

describe('the header', () => {
  for (const width of [320, 360]) {
    it(`stays at most 64 px tall and in sight while a long page scrolls, at ${width} px in en, nl, fr and es`, async () => {
      await partnership()
      await page.setViewportSize({ width, height: 640 })
      try {
        for (const [code, texts] of Object.entries(LOCALES)) {
          await open(page, '#/')
          await page.locator('#home-language').selectOption(code)
          await open(page, pageHref(roomId, 'schools'))
          const header = page.getByRole('banner')
          await header.getByRole('button', { name: texts.people.switch, exact: true }).waitFor()
          await page.getByRole('main').getByRole('heading', { level: 2 }).first().waitFor()
          const before = await header.boundingBox()
          expect(before?.height, code).toBeLessThanOrEqual(64)
          await page.evaluate(() => window.scrollTo(0, 1500))
          await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(1000)
          const after = await header.boundingBox()
          expect(after?.y, code).toBe(0)
          expect(after?.height, code).toBeLessThanOrEqual(64)
          // name, sync status and Switch person are all in it, nothing pushed outside the screen
          for (const part of [header.getByRole('heading', { level: 1 }), header.getByRole('status'), header.getByRole('button', { name: texts.people.switch, exact: true })]) {
            const box = await part.boundingBox()
            expect(box, code).not.toBeNull()
            expect(box!.x, code).toBeGreaterThanOrEqual(0)
            expect(box!.x + box!.width, code).toBeLessThanOrEqual(width)
            expect(box!.y + box!.height, code).toBeLessThanOrEqual(64)
          }
        }
      } finally {
        await open(page, '#/')
        await page.locator('#home-language').selectOption('en')
        await page.setViewportSize({ width: 320, height: 640 })
      }
    })
  }
})

/** The button is on screen, above the bottom bar, and a tap at its centre reaches it. */
async function expectInSight(p: Page, name: string): Promise<void> {
  const button = p.getByRole('main').getByRole('button', { name, exact: true })
  await button.waitFor()
  const box = await button.boundingBox()
  const bar = await sections(p).boundingBox()
  expect(box).not.toBeNull()
  expect(box!.y).toBeGreaterThanOrEqual(0)
  expect(box!.y + box!.height).toBeLessThanOrEqual(bar ? bar.y : 740)
  expect(box!.height).toBeGreaterThanOrEqual(44)
  const hit = await p.evaluate(
    ({ x, y }) => {
      const el = document.elementFromPoint(x, y)
      return el?.closest('button')?.textContent ?? ''
    },
    { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 },
  )
  expect(hit).toBe(name)
}

describe('long forms on a phone (360 × 740)', () => {
  it('keep Save in sight without scrolling: a new activity, and a letter being written', async () => {
    await partnership()
    await page.setViewportSize({ width: 360, height: 740 })
    await open(page, pageHref(roomId, { name: 'activity', activityId: 'new' }))
    await page.getByLabel('Title').waitFor()
    await expect(page.evaluate(() => document.documentElement.scrollHeight)).resolves.toBeGreaterThan(1500)
    await expectInSight(page, 'Save')

    await open(page, pageHref(roomId, 'letters'))
    await page.getByRole('button', { name: 'Write a letter' }).click()
    await page.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
    await expectInSight(page, 'Send')
  })
})

describe('working offline', () => {
  it('says once, after the service worker has stored the app, that it now works without a connection', async () => {
    const fresh = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: 'en-GB' })
    try {
      const first = await fresh.newPage()
      await first.goto(relay.httpUrl)
      const ready = first.getByText('The app now works without a connection.')
      await ready.waitFor({ timeout: 30_000 })
      // it is true: the worker is there
      await expect(first.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active))).resolves.toBe(true)
      // while it is shown, the language picker at the foot of the home screen can still be reached:
      // scrolled to the end, it sits above the note, and a tap on it lands on it
      await first.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
      const picker = first.getByRole('combobox', { name: 'Language' })
      const pickerBox = await picker.boundingBox()
      const noteBox = await first.locator('.toast').boundingBox()
      expect(pickerBox && noteBox && pickerBox.y + pickerBox.height).toBeLessThanOrEqual(noteBox!.y)
      await expect(
        first.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.id, { x: pickerBox!.x + pickerBox!.width / 2, y: pickerBox!.y + pickerBox!.height / 2 }),
      ).resolves.toBe('home-language')
      await first.getByRole('button', { name: 'OK', exact: true }).click()
      await ready.waitFor({ state: 'detached' })

      // once: the next visit, served by the worker, says nothing about it
      await openApp(first, relay.httpUrl)
      await first.reload()
      await first.getByRole('button', { name: 'Create partnership' }).waitFor()
      await expect(first.getByText('The app now works without a connection.').count()).resolves.toBe(0)
      await expect(first.getByText(/Not ready to work offline yet/).count()).resolves.toBe(0)
    } finally {
      await fresh.close()
    }
  })
})
