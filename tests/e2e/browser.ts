/**
 * Browser harness for the end-to-end tests: Debian's Chromium through playwright-core (never a
 * downloaded browser), the real relay serving the built app, and small page helpers that act as
 * a teacher would, through roles and labels.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'

export const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium'
/** The built app; DIST_DIR lets several people build and test side by side without sharing dist/. */
export const DIST = process.env.DIST_DIR ? resolve(process.env.DIST_DIR) : resolve(import.meta.dirname, '../../dist')

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A browser profile on disk: what an installed app has (installability needs one). */
export async function persistentPhone(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROME_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
  })
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROME_PATH)) throw new Error(`No Chromium at ${CHROME_PATH}: run node scripts/ensure-chromium.mjs`)
  if (!existsSync(resolve(DIST, 'index.html'))) throw new Error('No build in dist/: run npm run build')
  return chromium.launch({ executablePath: CHROME_PATH, args: CHROMIUM_ARGS, headless: true })
}

/** A phone: 360 px wide, touch, its own storage (a separate device). */
export function phone(browser: Browser, locale = 'en-GB'): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale })
}

/** Opens the app and waits until the service worker controls the page (needed to work offline). */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url)
  // (waitForFunction would take the Promise an async predicate returns as "true")
  await expect
    .poll(() => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active)), { timeout: 30_000 })
    .toBe(true)
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
    await page.reload()
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 30_000 })
  }
}

/** What a suite with two phones shares: the relay serving the build, one browser, a phone for each school. */
export interface TwoPhones {
  relay: RunningRelay
  browser: Browser
  north: BrowserContext
  south: BrowserContext
}

/**
 * Sets the suite up before its tests (the relay serving the build, its data in a new temporary
 * directory named after `name`; the browser; two phones) and closes it after them. The fields are
 * there once the tests run; a test may replace `relay` (a restart), the one then running is stopped.
 */
export function twoPhones(name: string): TwoPhones {
  const phones = {} as TwoPhones
  beforeAll(async () => {
    phones.relay = await startRelay({ staticDir: DIST, dataDir: tempDir(name) })
    phones.browser = await launch()
    phones.north = await phone(phones.browser)
    phones.south = await phone(phones.browser)
  })
  afterAll(async () => {
    await phones.browser?.close()
    await phones.relay?.kill()
  })
  return phones
}

/**
 * A new page on this phone, the app opened from `url` and a partnership created in it (by
 * `p.person`, default "An", added first when nobody uses the phone yet).
 */
export async function createOn(context: BrowserContext, url: string, p: NewPartnership): Promise<Page> {
  const page = await context.newPage()
  await openApp(page, url)
  await createPartnership(page, p)
  return page
}

/**
 * A new page on this phone, the app opened from `url`, the partnership joined with `code`, and the
 * join's first step answered: the school (`who.school`, default the second school: the partner
 * of the one that created it) and the person (`who.person`, default "Jean").
 */
export async function joinOn(context: BrowserContext, url: string, code: string, who: WhoIsHere = {}): Promise<Page> {
  const page = await context.newPage()
  await openApp(page, url)
  await joinPartnership(page, code)
  await answerWhoIsHere(page, who)
  return page
}

/**
 * One partnership on both phones: created on the north phone (synced, so the relay has it), joined
 * on the south phone for the partner school, which then shows This week.
 */
export async function partnersOnTwoPhones(phones: TwoPhones, p: NewPartnership): Promise<{ north: Page; south: Page }> {
  const north = await createOn(phones.north, phones.relay.httpUrl, p)
  await waitForSynced(north)
  const south = await joinOn(phones.south, phones.relay.httpUrl, await inviteCode(north), { school: p.partner })
  await south.getByRole('heading', { name: 'This week', level: 2 }).waitFor({ timeout: 20_000 })
  return { north, south }
}

export interface NewPartnership {
  name: string
  ours: string
  partner: string
  /** Who creates it, if nobody uses the phone yet (default "An"). */
  person?: string
}

export interface WhoIsHere {
  /** The school this phone speaks for; default the second one offered. */
  school?: string
  /** The person using the phone: chosen if on the phone, else added; default "Jean". */
  person?: string
}

/** A partnership's first step on a phone that joined it: which school, and who. */
export async function answerWhoIsHere(page: Page, who: WhoIsHere = {}): Promise<void> {
  const step = page.getByRole('region', { name: 'Before you start' })
  await step.waitFor({ timeout: 20_000 })
  const schools = step.getByRole('button', { name: /^We are / })
  await (who.school ? step.getByRole('button', { name: `We are ${who.school}`, exact: true }) : schools.nth(1)).click()
  await choosePerson(step, who.person ?? 'Jean')
  await step.waitFor({ state: 'detached', timeout: 10_000 })
}

/** Picks `name` among the people on the phone, or adds them (as a teacher) when not there yet. */
export async function choosePerson(within: Locator, name: string): Promise<void> {
  const existing = within.getByRole('button', { name, exact: true })
  if ((await existing.count()) > 0) {
    await existing.click()
    return
  }
  await addPerson(within, name)
}

/** "Add person" (when the form is not open yet), the name and role, then "Add person" again. */
export async function addPerson(within: Locator, name: string, role = 'Teacher'): Promise<void> {
  const field = within.getByLabel('Name', { exact: true })
  if (!(await field.isVisible())) await within.getByRole('button', { name: 'Add person', exact: true }).click()
  await field.fill(name)
  await within.getByLabel('Role', { exact: true }).selectOption({ label: role })
  await within.getByRole('button', { name: 'Add person', exact: true }).click()
}

export async function createPartnership(page: Page, p: NewPartnership): Promise<void> {
  await page.getByRole('button', { name: 'Create partnership' }).click()
  // nobody uses this phone yet: the create page asks who does first
  const form = page.getByLabel('Partnership name')
  const nameOfPerson = page.getByRole('main').getByLabel('Name', { exact: true })
  await form.or(nameOfPerson).first().waitFor()
  if (await nameOfPerson.isVisible()) await addPerson(page.getByRole('main'), p.person ?? 'An')
  await page.getByLabel('Partnership name').fill(p.name)
  await page.getByLabel('Our school').fill(p.ours)
  await page.getByLabel('Partner school').fill(p.partner)
  await page.getByRole('button', { name: 'Create', exact: true }).click()
  await expect.poll(() => page.getByRole('navigation').count(), { timeout: 15_000 }).toBeGreaterThan(0)
}

export async function joinPartnership(page: Page, code: string): Promise<void> {
  await page.getByRole('button', { name: 'Join partnership' }).click()
  await page.getByLabel('Invite code').fill(code)
  await page.getByRole('button', { name: 'Join', exact: true }).click()
}

export type Section = 'This week' | 'Action plan' | 'Calendar' | 'Feedback' | 'Schools' | 'Contacts' | 'Working group' | 'Settings'

export async function goTo(page: Page, screen: Section): Promise<void> {
  await goToPage(page, screen)
}

/**
 * Opens a section as a teacher would: from the sections bar when it is there (the phone's bottom
 * bar holds the weekly ones, a wide screen all of them), else through More.
 */
export async function goToPage(page: Page, name: string): Promise<void> {
  const sections = page.getByRole('navigation', { name: 'Partnership sections' })
  await sections.waitFor()
  const direct = sections.getByRole('link', { name, exact: true })
  if (await direct.isVisible()) {
    await direct.click()
    return
  }
  await sections.getByRole('link', { name: 'More', exact: true }).click()
  await page.getByRole('main').getByRole('navigation').getByRole('link', { name, exact: true }).click()
}

export async function addActivity(page: Page, a: { title: string; description?: string; start?: string; end?: string }): Promise<void> {
  await goTo(page, 'Action plan')
  await page.getByRole('button', { name: 'New activity' }).first().click()
  await page.getByLabel('Title').fill(a.title)
  if (a.description) await page.getByLabel('Description').fill(a.description)
  if (a.start) await page.getByLabel('Start date').fill(a.start)
  if (a.end) await page.getByLabel('End date').fill(a.end)
  await page.getByRole('button', { name: 'Save' }).click()
  await activityInPlan(page, a.title).waitFor({ timeout: 10_000 })
}

export function activityInPlan(page: Page, title: string) {
  return page.getByRole('main').getByRole('button', { name: new RegExp(escape(title)) }).or(page.getByRole('main').getByRole('link', { name: new RegExp(escape(title)) })).first()
}

export async function openActivity(page: Page, title: string): Promise<void> {
  await goTo(page, 'Action plan')
  await activityInPlan(page, title).click()
  await page.getByLabel('Title').waitFor()
}

export async function inviteCode(page: Page): Promise<string> {
  await goTo(page, 'Settings')
  const field = page.getByLabel('Invite code')
  await expect.poll(() => field.inputValue()).toMatch(/^SB1-/)
  return field.inputValue()
}

export function syncStatus(page: Page) {
  return page.getByRole('status', { name: 'Sync status' })
}

export async function waitForSynced(page: Page, timeout = 30_000): Promise<void> {
  await expect.poll(() => syncStatus(page).innerText(), { timeout }).toMatch(/^Synced/)
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
