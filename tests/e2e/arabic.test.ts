/**
 * Arabic, right to left, on a 360 px phone (issue 13 §3): the language picker offers العربية;
 * choosing it sets lang="ar" and dir="rtl" on <html> (and the locale script of the build does so
 * before the app's code runs, so the first paint is already mirrored); the main pages have no
 * horizontal overflow, the bottom navigation starts on the right, axe-core finds no violation; a
 * French letter inside the Arabic interface keeps its own left-to-right direction, names put into
 * an Arabic sentence are isolated; dates come through Intl in Arabic. Screenshots of the main pages
 * go to /tmp/ar-<page>.png for a person to look at.
 *
 * The partnership is set up in English (the shared helpers speak English), then the language is
 * switched on the home screen, as a teacher would.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { pageHref, type PageRef } from '../../src/ui/pages'
import { localToday } from '../../src/ui/format'
import ar from '../../src/i18n/locales/ar.json'
import { DIST, addActivity, createPartnership, launch, waitForSynced } from './browser'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
const FRENCH_SUBJECT = 'Notre jardin : des haricots !'

let relay: RunningRelay
let browser: Browser
let context: BrowserContext
let page: Page
let roomId = ''
let letterId = ''

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-arabic') })
  browser = await launch()
  // bypassCSP: axe-core is injected as an inline script by the test, never by the app
  context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: 'en-GB', serviceWorkers: 'block', bypassCSP: true })
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

/** Opens `href` and waits until its screen is there (not the "opening" placeholder) and painted. */
async function show(href: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), href)
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(href)
  await page.locator('main h2, main h1, h1').first().waitFor()
  await expect.poll(() => page.evaluate((opening) => !document.body.innerText.includes(opening), ar.partnership.opening)).toBe(true)
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null)))))
}

async function axeViolations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  return page.evaluate(async (tags) => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }
    const result = await w.axe.run(document, { runOnly: tags })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.map(String).join(' ')).join(', ')}`)
  }, TAGS)
}

/** How far the page scrolls sideways beyond the screen, in px (0: nothing sticks out). */
function overflow(): Promise<number> {
  return page.evaluate(() => {
    const s = document.scrollingElement ?? document.documentElement
    return s.scrollWidth - s.clientWidth
  })
}

describe('Arabic, right to left, at 360 px', () => {
  it('sets up a partnership with an activity and a letter in French', async () => {
    await page.goto(relay.httpUrl)
    await createPartnership(page, { name: 'Gent – Casablanca', ours: 'Sint-Jan Gent', partner: 'École Al Amal' })
    await waitForSynced(page)
    roomId = decodeURIComponent(/#\/p\/([^/]+)/.exec(page.url())?.[1] ?? '')
    expect(roomId).not.toBe('')
    await addActivity(page, { title: 'Journée sportive', description: 'Chaque classe prépare un jeu.', start: localToday() })

    await page.evaluate((h) => (window.location.hash = h), pageHref(roomId, 'letters'))
    await page.getByRole('button', { name: 'Write a letter' }).click()
    await page.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
    await page.getByLabel('Class or person writing').fill('Classe 5B')
    await page.getByLabel('Class or person it is for').fill('CM1')
    await page.getByLabel('Language of the letter').selectOption('fr')
    await page.getByLabel('Subject').fill(FRENCH_SUBJECT)
    await page.getByLabel('Letter', { exact: true }).fill('Chers amis, nous avons planté des haricots cette semaine !')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByRole('article', { name: 'Letter from Classe 5B, Sint-Jan Gent' }).waitFor()
    letterId = decodeURIComponent(page.url().split('/').pop() ?? '')
    expect(letterId).not.toBe('')
  })

  it('offers العربية in the language picker; choosing it sets lang="ar" and dir="rtl" on <html>', async () => {
    await page.evaluate(() => (window.location.hash = '#/'))
    const picker = page.locator('#home-language')
    await expect.poll(() => picker.locator('option[value="ar"]').textContent()).toBe('العربية')
    expect(await page.evaluate(() => document.documentElement.dir || 'ltr')).toBe('ltr')
    await picker.selectOption('ar')
    await expect.poll(() => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl'])
    await page.getByRole('heading', { name: ar.home.listHeading }).waitFor()
  })

  const screens: { name: string; ref: () => string }[] = [
    { name: 'home', ref: () => '#/' },
    { name: 'week', ref: () => pageHref(roomId, 'week') },
    { name: 'plan', ref: () => pageHref(roomId, 'plan') },
    { name: 'letters', ref: () => pageHref(roomId, 'letters') },
    { name: 'letter', ref: () => pageHref(roomId, { name: 'letter', letterId } as PageRef) },
    { name: 'calendar', ref: () => pageHref(roomId, 'calendar') },
    { name: 'contacts', ref: () => pageHref(roomId, 'contacts') },
    { name: 'settings', ref: () => pageHref(roomId, 'settings') },
    { name: 'more', ref: () => pageHref(roomId, 'more') },
  ]

  it('has no horizontal overflow and no axe violation on the main pages (screenshots in /tmp/ar-*.png)', async () => {
    const found: string[] = []
    for (const screen of screens) {
      await show(screen.ref())
      const sticksOut = await overflow()
      if (sticksOut > 0) found.push(`${screen.name}: ${sticksOut} px wider than the screen`)
      for (const v of await axeViolations()) found.push(`${screen.name}: ${v}`)
      await page.screenshot({ path: `/tmp/ar-${screen.name}.png`, fullPage: true })
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl')
    }
    expect(found).toEqual([])
  })

  it('starts the bottom navigation on the right: its first item lies right of its last', async () => {
    await show(pageHref(roomId, 'week'))
    const items = page.getByRole('navigation', { name: ar.nav.label }).getByRole('link')
    const first = await items.first().boundingBox()
    const last = await items.last().boundingBox()
    expect(first && last).toBeTruthy()
    expect(first!.x).toBeGreaterThan(last!.x)
    expect(await items.first().textContent()).toContain(ar.nav.week)
  })

  it('keeps a French letter left to right inside the Arabic interface, and writes its date in Arabic', async () => {
    await show(pageHref(roomId, { name: 'letter', letterId } as PageRef))
    const subject = page.locator('.letter-subject', { hasText: FRENCH_SUBJECT }).first()
    await subject.waitFor()
    // the page is right to left; the French text runs left to right, so "!" and ":" stay at its end
    expect(await subject.evaluate((el) => [getComputedStyle(el.parentElement!).direction, getComputedStyle(el).direction])).toEqual(['rtl', 'ltr'])
    const body = page.locator('.letter-body', { hasText: 'Chers amis' }).first()
    expect(await body.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr')
    // the interface around it stays Arabic and right to left
    await page.getByRole('button', { name: new RegExp(`^${ar.letters.reply} `) }).first().waitFor()
    // "Sent <date>": the month name comes from Intl in Arabic, not in English
    const sent = ar.letters.sentOn.replace('{{date}}', '')
    const sentLine = page.getByText(sent, { exact: false }).first()
    const month = new Intl.DateTimeFormat('ar', { month: 'short', timeZone: 'UTC' }).format(new Date(`${localToday()}T00:00:00Z`))
    await expect.poll(() => sentLine.textContent()).toContain(month)
  })

  it('isolates the French names put into an Arabic sentence, as <bdi> would', async () => {
    await show(pageHref(roomId, 'letters'))
    const route = page.locator('.letter-route').first()
    // "من ⁨Classe 5B⁩، ⁨Sint-Jan Gent⁩ إلى …": each name keeps its own order, the Arabic comma stays outside it
    await expect.poll(() => route.textContent()).toContain('\u2068Classe 5B\u2069')
    expect(await route.textContent()).toContain('\u2068Sint-Jan Gent\u2069')
  })

  it('sets dir="rtl" before the app runs: the locale script of the build mirrors the first paint', async () => {
    const first = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-GB', serviceWorkers: 'block' })
    try {
      // the language this device showed last, as the app mirrors it in localStorage (src/i18n/pick.ts)
      await first.addInitScript(() => localStorage.setItem('scholenband.language', 'ar'))
      const p = await first.newPage()
      // only the locale script may run: the app's own modules never arrive
      await p.route(/\/assets\/(?!locale-).*\.js$/, (route) => route.abort())
      await p.goto(relay.httpUrl)
      await expect.poll(() => p.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl'])
      expect(await p.evaluate(() => document.getElementById('root')?.childElementCount ?? -1)).toBe(0)
    } finally {
      await first.close()
    }
  })
})
