/**
 * QR invites, tried as a new user would (issue 13 §2): on phone A, Settings → "Show QR code" draws
 * the invite link as a QR code (read back here from a screenshot by the app's decoder, also in dark
 * mode, within 360 px); phone B, a browser whose camera is fed that screenshot (Chromium's fake
 * camera, a Y4M video made here), taps "Scan QR code" on the join page and joins the partnership.
 * Chromium on Linux has no BarcodeDetector, so B reads the code with the app's own decoder. A phone
 * whose camera cannot be used reads a photo instead; a QR code that is not an invite gets the
 * join form's own error. Screenshots go to /tmp/qr-shots/.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseInviteCode } from '../../src/sync'
import { readQr } from '../../src/ui/qr/readQr'
import { partnershipHref } from '../../src/ui/router'
import { inFrame, qrPicture, readPng, writePng, y4mVideo, type Rgba } from '../helpers/qrPictures'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { CHROME_PATH, CHROMIUM_ARGS, DIST, answerWhoIsHere, createOn, goTo, launch, openApp, phone, waitForSynced } from './browser'

const SHOTS = '/tmp/qr-shots'
const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'

let relay: RunningRelay
let browser: Browser
let cameraBrowser: Browser | undefined
let a: Page
let link = ''
let shown: Rgba

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-qr') })
  browser = await launch()
})
afterAll(async () => {
  await cameraBrowser?.close()
  await browser?.close()
  await relay?.kill()
})

/** "The app now works without a connection." covers the foot of the screen for a while, or until OK. */
async function dismissOfflineNotice(page: Page): Promise<void> {
  const ok = page.getByRole('button', { name: 'OK', exact: true })
  if (await ok.isVisible()) await ok.click()
}

function qrImage(page: Page) {
  return page.getByRole('img', { name: 'QR code of the invite link' })
}

async function screenshotOf(page: Page, name: string): Promise<Rgba> {
  return readPng(await qrImage(page).screenshot({ path: `${SHOTS}/${name}.png` }))
}

/** The join page's "Scan QR code", then the join's first step; This week once the partnership arrived. */
async function joinedThroughScan(page: Page): Promise<void> {
  await answerWhoIsHere(page, { school: SOUTH, person: 'Jean' })
  await page.getByRole('heading', { name: 'This week', level: 2 }).waitFor({ timeout: 20_000 })
}

describe('QR invites', () => {
  it('"Show QR code" in Settings draws the invite link, readable from a screenshot, dark on white also in dark mode', async () => {
    a = await createOn(await phone(browser), relay.httpUrl, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    await waitForSynced(a)
    await goTo(a, 'Settings')
    await dismissOfflineNotice(a)
    link = await a.getByLabel('Invite link').inputValue()
    expect(link).toMatch(/#join=SB1-/)

    const show = a.getByRole('button', { name: 'Show QR code' })
    expect(await show.getAttribute('aria-expanded')).toBe('false')
    await show.click()
    await qrImage(a).waitFor()
    expect(await a.getByRole('button', { name: 'Hide QR code' }).getAttribute('aria-expanded')).toBe('true')

    // large enough to scan from another phone, and the page still fits 360 px
    const box = await qrImage(a).boundingBox()
    expect(box?.width).toBeGreaterThanOrEqual(240)
    expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    shown = await screenshotOf(a, 'qr-light')
    expect(readQr(shown)).toBe(link)
    await a.getByRole('region', { name: 'Invite' }).screenshot({ path: `${SHOTS}/1-show-qr-360.png` })

    await a.emulateMedia({ colorScheme: 'dark' })
    const dark = await screenshotOf(a, 'qr-dark')
    expect(readQr(dark)).toBe(link)
    // the quiet zone is white, not the dark page: a corner pixel inside the border
    expect([...dark.data.subarray(((3 * dark.width) + 3) * 4, ((3 * dark.width) + 3) * 4 + 3)]).toEqual([255, 255, 255])
    await a.getByRole('region', { name: 'Invite' }).screenshot({ path: `${SHOTS}/2-show-qr-dark-360.png` })
    await a.emulateMedia({ colorScheme: 'light' })
  })

  it('a second phone joins through "Scan QR code", its camera pointed at the code the first one shows', async () => {
    const video = join(tempDir('sb-e2e-qr-camera'), 'invite.y4m')
    writeFileSync(video, y4mVideo(inFrame(shown, 640, 480, 200)))
    cameraBrowser = await chromium.launch({
      executablePath: CHROME_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`, '--use-fake-ui-for-media-stream'],
    })
    const context = await phone(cameraBrowser)
    await context.grantPermissions(['camera'], { origin: relay.httpUrl })
    const b = await context.newPage()
    await openApp(b, relay.httpUrl)
    await b.getByRole('button', { name: 'Join partnership' }).click()
    await b.getByRole('button', { name: 'Scan QR code' }).click()
    await b.screenshot({ path: `${SHOTS}/3-scanning-360.png` })
    // the join's first step offers the schools of the partnership phone A made
    await joinedThroughScan(b)
    const invited = parseInviteCode(link)
    expect(invited.ok && b.url().includes(partnershipHref(invited.invite.roomId))).toBe(true)
    // the camera is off again
    expect(await b.locator('video').count()).toBe(0)
    await b.screenshot({ path: `${SHOTS}/4-joined-360.png` })
  })

  it('without a usable camera, a photo of the code joins; a QR code that is not an invite gets the join form’s error', async () => {
    // this browser has no camera: "Scan QR code" says so and offers a photo instead
    const c = await (await phone(browser)).newPage()
    await openApp(c, relay.httpUrl)
    await c.getByRole('button', { name: 'Join partnership' }).click()
    await c.getByRole('button', { name: 'Scan QR code' }).click()
    await c.getByRole('alert').filter({ hasText: /camera/i }).waitFor()
    const photo = c.getByLabel('Or choose a photo of the QR code')

    const menu = 'https://example.org/menu?table=4'
    await photo.setInputFiles({ name: 'menu.png', mimeType: 'image/png', buffer: writePng(inFrame(qrPicture(menu, 6))) })
    await c.getByRole('alert').filter({ hasText: 'This is not a Scholenband invite code.' }).waitFor()
    expect(await c.getByLabel('Invite code').inputValue()).toBe(menu)
    await c.screenshot({ path: `${SHOTS}/5-not-an-invite-360.png` })

    await c.getByRole('button', { name: 'Scan QR code' }).click()
    await c.getByRole('alert').filter({ hasText: /camera/i }).waitFor()
    await photo.setInputFiles({ name: 'invite.png', mimeType: 'image/png', buffer: writePng(inFrame(shown)) })
    await answerWhoIsHere(c, { school: SOUTH, person: 'Lea' })
    await c.getByRole('heading', { name: 'This week', level: 2 }).waitFor({ timeout: 20_000 })
  })

  it('offline after the first visit, a page that never drew one still shows the QR code (its chunk is precached)', async () => {
    const paths = await a.evaluate(async () => {
      const found: string[] = []
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) found.push(new URL(request.url).pathname)
      }
      return found
    })
    expect(paths.filter((p) => /^\/assets\/qr-[\w-]+\.js$/.test(p))).toHaveLength(1)

    await a.context().setOffline(true)
    const fresh = await a.context().newPage()
    await fresh.goto(relay.httpUrl)
    await goTo(fresh, 'Settings')
    await fresh.getByRole('button', { name: 'Show QR code' }).click()
    expect(readQr(await screenshotOf(fresh, 'qr-offline'))).toBe(link)
    await a.context().setOffline(false)
  })
})
