/**
 * A photo not loaded yet (data saver) keeps the letter page within a phone's screen: its
 * placeholder is never wider than the page, and "Load photo" is where a finger taps it. The photo
 * is 1,600 px wide, the largest the app keeps; the partner's phones are 320 and 360 px wide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DIST, createOn, inviteCode, joinOn, launch, waitForSynced } from './browser'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'
const SUBJECT = 'Our new playground'

// the writer on a laptop; each partner phone is a new device (nothing downloaded yet)
const suite = {} as { relay: RunningRelay; browser: Browser; north: BrowserContext }
beforeAll(async () => {
  suite.relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-photo-placeholder') })
  suite.browser = await launch()
  suite.north = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
})
afterAll(async () => {
  await suite.browser?.close()
  await suite.relay?.kill()
})

/** A 1600×1200 JPEG drawn on a canvas in the page (a photo as a phone camera makes it, after the app's shrink). */
async function bigJpeg(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 1600
    canvas.height = 1200
    const g = canvas.getContext('2d')!
    const gradient = g.createLinearGradient(0, 0, 1600, 1200)
    gradient.addColorStop(0, '#2e7d32')
    gradient.addColorStop(1, '#fbc02d')
    g.fillStyle = gradient
    g.fillRect(0, 0, 1600, 1200)
    g.fillStyle = '#ffffff'
    g.font = 'bold 160px sans-serif'
    g.fillText('1600 × 1200', 200, 650)
    return canvas.toDataURL('image/jpeg', 0.85).split(',')[1]!
  })
  return Buffer.from(base64, 'base64')
}

let code = ''

async function partnerPhone(width: number): Promise<BrowserContext> {
  return suite.browser.newContext({ viewport: { width, height: 740 }, hasTouch: true, isMobile: true, locale: 'en-GB' })
}

describe('a photo not loaded yet on a narrow phone', () => {
  it('a letter with a 1,600 px wide photo is sent', async () => {
    const north = await createOn(suite.north, suite.relay.httpUrl, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    await waitForSynced(north)
    code = await inviteCode(north)
    await north.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
    await north.getByRole('button', { name: 'Write a letter' }).click()
    await north.getByLabel('Class or person writing').fill('Class 5B')
    await north.getByLabel('Class or person it is for').fill('P5')
    await north.getByLabel('Language of the letter').selectOption('en')
    await north.getByLabel('Subject').fill(SUBJECT)
    await north.getByLabel('Letter', { exact: true }).fill('Dear friends, here is our new playground.')
    await north.getByLabel('Add photo').setInputFiles({ name: 'playground.jpg', mimeType: 'image/jpeg', buffer: await bigJpeg(north) })
    await north.getByText(/Photo 1 ·/).waitFor({ timeout: 15_000 })
    await north.getByRole('button', { name: 'Send' }).click()
    await north.getByRole('article', { name: `Letter from Class 5B, ${NORTH}` }).waitFor()
    await waitForSynced(north)
    await expect.poll(() => north.getByRole('article').innerText(), { timeout: 20_000 }).toMatch(/On the relay|Received by partner school/)
  })

  for (const width of [320, 360]) {
    it(`at ${width} px the letter page fits the screen and a tap on Load photo loads the photo`, async () => {
      const context = await partnerPhone(width)
      try {
        const south = await joinOn(context, suite.relay.httpUrl, code, { school: SOUTH })
        await south.getByRole('heading', { name: 'This week', level: 2 }).waitFor({ timeout: 20_000 })
        await south.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
        await south.getByRole('link', { name: SUBJECT }).click()
        const letter = south.getByRole('article', { name: `Letter from Class 5B, ${NORTH}` })
        const load = letter.getByRole('button', { name: /^Load photo · \d+ kB$/ })
        await load.waitFor({ timeout: 20_000 })

        // (a page wider than the phone also makes the mobile browser zoom out: innerWidth grows with it)
        const widths = await south.evaluate(() => ({ page: document.documentElement.scrollWidth, layoutViewport: window.innerWidth }))
        expect(widths).toEqual({ page: expect.any(Number), layoutViewport: width })
        expect(widths.page).toBeLessThanOrEqual(width)

        await load.tap()
        const img = letter.getByRole('img', { name: 'Photo' })
        await img.waitFor({ timeout: 20_000 })
        await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1600)
        expect(await south.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
      } finally {
        await context.close()
      }
    })
  }
})
