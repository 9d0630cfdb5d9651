/**
 * Accessibility, measured: axe-core (WCAG 2.0 and 2.1, levels A and AA) over every page of the page
 * table (src/ui/pages.tsx) plus the home, create and join screens, on a 320 px phone, in every
 * language the app speaks (en, nl, fr, es, and ar: right to left). The partnership holds some data
 * first (an activity, a reflection, a sent letter and a letter draft), so the pages show their
 * lists and forms rather than only their empty states. A failure lists each violation as rule id, page, language and the
 * elements (axe's CSS targets) it was found on.
 *
 * axe-core is a dev dependency injected into the page by the test (the context bypasses the app's
 * Content-Security-Policy for that one inline script); it is never part of the app.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { PAGES, pageHref, type PageRef } from '../../src/ui/pages'
import { localToday } from '../../src/ui/format'
import en from '../../src/i18n/locales/en.json'
import nl from '../../src/i18n/locales/nl.json'
import fr from '../../src/i18n/locales/fr.json'
import es from '../../src/i18n/locales/es.json'
import ar from '../../src/i18n/locales/ar.json'
import { DIST, addActivity, createPartnership, goTo, launch, waitForSynced } from './browser'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const LANGUAGES = ['en', 'nl', 'fr', 'es', 'ar'] as const
const OPENING = [en, nl, fr, es, ar].map((l) => l.partnership.opening)
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

interface Found {
  readonly rule: string
  readonly page: string
  readonly language: string
  readonly targets: readonly string[]
}

let relay: RunningRelay
let browser: Browser
let context: BrowserContext
let page: Page
let roomId = ''
/** The ids of the records the pages with a parameter show. */
const ids = { activityId: '', reflectionId: '', letterId: '', draftId: '' }

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-axe') })
  browser = await launch()
  context = await browser.newContext({ viewport: { width: 320, height: 640 }, hasTouch: true, isMobile: true, locale: 'en-GB', serviceWorkers: 'block', bypassCSP: true })
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

function lastSegment(url: string): string {
  return decodeURIComponent(url.split('/').pop() ?? '')
}

/** A partnership with an activity, a reflection, a sent letter and a draft, written as a teacher would. */
async function partnershipWithData(): Promise<void> {
  await page.goto(relay.httpUrl)
  await createPartnership(page, { name: 'Sint-Jan Gent – GS Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
  await waitForSynced(page)
  roomId = decodeURIComponent(/#\/p\/([^/]+)/.exec(page.url())?.[1] ?? '')
  expect(roomId).not.toBe('')

  await addActivity(page, { title: 'Letters to Huye', description: 'Each pupil writes a letter.', start: localToday() })
  await page.getByRole('main').getByRole('link', { name: /Letters to Huye/ }).or(page.getByRole('main').getByRole('button', { name: /Letters to Huye/ })).first().click()
  await page.getByLabel('Title').waitFor()
  ids.activityId = lastSegment(page.url())

  await goTo(page, 'Feedback')
  await page.getByLabel('Title').fill('End of the first term')
  await page.getByLabel('Date').fill(localToday())
  await page.getByRole('button', { name: 'Add feedback moment' }).click()
  await page.getByRole('button', { name: 'Start reflection: End of the first term' }).click()
  await page.getByRole('heading', { name: 'Reflection: End of the first term' }).waitFor()
  ids.reflectionId = lastSegment(page.url())

  await page.evaluate((h) => (window.location.hash = h), pageHref(roomId, 'letters'))
  await page.getByRole('button', { name: 'Write a letter' }).click()
  await page.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
  await page.getByLabel('Class or person writing').fill('Class 5B')
  await page.getByLabel('Class or person it is for').fill('P5')
  await page.getByLabel('Language of the letter').selectOption('en')
  await page.getByLabel('Subject').fill('Our school garden')
  await page.getByLabel('Letter', { exact: true }).fill('Dear friends, we planted beans this week.')
  await page.getByRole('button', { name: 'Send' }).click()
  await page.getByRole('article', { name: 'Letter from Class 5B, Sint-Jan Gent' }).waitFor()
  ids.letterId = lastSegment(page.url())

  await page.evaluate((h) => (window.location.hash = h), pageHref(roomId, 'letters'))
  await page.getByRole('button', { name: 'Write a letter' }).click()
  await page.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
  await page.getByLabel('Subject').fill('Our sports day')
  await expect.poll(() => page.getByText('Draft saved on this device.').isVisible()).toBe(true)
  ids.draftId = lastSegment(page.url())
  await waitForSynced(page)
}

/** Every page of the table, with the data's ids for the pages that take one. */
function partnershipPages(): { name: string; href: string }[] {
  return PAGES.map((def) => {
    const ref = (() => {
      switch (def.name) {
        case 'activity':
          return { name: 'activity', activityId: ids.activityId } as const
        case 'reflection':
          return { name: 'reflection', reflectionId: ids.reflectionId } as const
        case 'letter':
          return { name: 'letter', letterId: ids.letterId } as const
        case 'letterDraft':
          return { name: 'letterDraft', draftId: ids.draftId } as const
        case 'agreementPrint':
          return { name: 'agreementPrint', version: '' } as const
        default:
          return def.name
      }
    })() as PageRef
    return { name: def.name, href: pageHref(roomId, ref) }
  })
}

/** Opens `href` and waits until its screen is there (not the "opening" placeholder) and painted. */
async function show(href: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), href)
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(href)
  await page.locator('main h2, main h1, h1').first().waitFor()
  await expect
    .poll(() => page.evaluate((opening) => !opening.some((o) => document.body.innerText.includes(o)), OPENING))
    .toBe(true)
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null)))))
}

async function runAxe(name: string, language: string): Promise<Found[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  const violations = await page.evaluate(async (tags) => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; nodes: { target: unknown[]; any: { message: string }[]; all: { message: string }[]; none: { message: string }[] }[] }[] }> } }
    const result = await w.axe.run(document, { runOnly: tags })
    return result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => `${n.target.map(String).join(' ')} (${[...n.any, ...n.all, ...n.none][0]?.message ?? ''})`) }))
  }, TAGS)
  return violations.map((v) => ({ rule: v.id, page: name, language, targets: v.targets }))
}

/**
 * Tap targets smaller than the issue allows, on the page as it is: a link inside running text
 * (a sentence in a paragraph or list item) at least 24 px tall, every other control at least
 * 44 × 44 px (a checkbox or radio counts with its label, which takes the tap too).
 */
async function smallTargets(name: string, language: string): Promise<Found[]> {
  const small = await page.evaluate(() => {
    const out: string[] = []
    const describe = (el: Element, box: DOMRect): string =>
      `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || (el as HTMLInputElement).name || '').trim().slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`
    for (const el of document.querySelectorAll('a[href], button, select, input:not([type=hidden]), textarea, summary, [role=button], [role=link]')) {
      const style = getComputedStyle(el)
      if (style.visibility === 'hidden' || style.display === 'none') continue
      let target: Element = el
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) target = el.closest('label') ?? (el.id ? document.querySelector(`label[for="${el.id}"]`) : null) ?? el
      // a card's link stretched over the whole card (an ::after laid over it) takes taps on all of it
      const after = getComputedStyle(el, '::after')
      if (after.content !== 'none' && after.position === 'absolute' && el instanceof HTMLElement && el.offsetParent) target = el.offsetParent
      const box = target.getBoundingClientRect()
      if (box.width === 0 && box.height === 0) continue
      const isInText = style.display === 'inline' && el.tagName === 'A' && (el.parentElement?.closest('p, li, dd, td') !== null) && ((el.parentElement?.textContent ?? '').trim().length > (el.textContent ?? '').trim().length)
      if (isInText ? box.height < 24 : box.height < 44 || box.width < 44) out.push(`${isInText ? 'in text ' : ''}${describe(el, box)}`)
    }
    return out
  })
  return small.length > 0 ? [{ rule: 'target-size', page: name, language, targets: small }] : []
}

function describeAll(found: readonly Found[]): string {
  return found.map((f) => `${f.rule} · ${f.page} · ${f.language} · ${f.targets.join(', ')}`).join('\n')
}

describe('axe-core at 320 px', () => {
  it('sets up a partnership with data', async () => {
    await partnershipWithData()
  })

  for (const language of LANGUAGES) {
    it(`finds no WCAG 2.2 A/AA violation and no small tap target on home, create, join and every page of the table, in ${language}`, async () => {
      expect(roomId).not.toBe('')
      await page.evaluate(() => (window.location.hash = '#/'))
      await page.locator('#home-language').selectOption(language)
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language)
      const found: Found[] = []
      for (const screen of [
        { name: 'home', href: '#/' },
        { name: 'create', href: '#/create' },
        { name: 'join', href: '#/join' },
        ...partnershipPages(),
      ]) {
        await show(screen.href)
        found.push(...(await runAxe(screen.name, language)), ...(await smallTargets(screen.name, language)))
      }
      expect(describeAll(found)).toBe('')
    })
  }
})
