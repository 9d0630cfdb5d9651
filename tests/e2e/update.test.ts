/**
 * A new version of the app: the service worker waits, the page says "A new version is ready",
 * and only the teacher's tap on Reload switches — an open form is never reloaded away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, appendFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { DIST, launch, openApp, phone } from './browser'

let relay: RunningRelay
let browser: Browser
const sites: string[] = []

function copyOfBuild(): string {
  const dir = tempDir('sb-site')
  cpSync(DIST, dir, { recursive: true })
  sites.push(dir)
  return dir
}

beforeAll(async () => {
  relay = await startRelay({ staticDir: copyOfBuild() })
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await relay?.kill()
  for (const s of sites) rmSync(s, { recursive: true, force: true })
})

describe('app updates', () => {
  it('offers the new version and reloads only when asked', async () => {
    const context = await phone(browser)
    const page = await context.newPage()
    await openApp(page, relay.httpUrl)
    await page.evaluate(() => {
      ;(window as unknown as { notReloaded: boolean }).notReloaded = true
    })
    // deploy a new version: same app, a service worker that differs by a byte
    const next = copyOfBuild()
    appendFileSync(join(next, 'sw.js'), '\n// next version\n')
    rmSync(join(next, 'sw.js.br'), { force: true })
    rmSync(join(next, 'sw.js.gz'), { force: true })
    const { port, dataDir } = relay
    await relay.stop()
    relay = await startRelay({ staticDir: next, dataDir, port })
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration()
      await reg?.update()
    })
    const prompt = page.getByText('A new version is ready')
    await prompt.waitFor({ timeout: 30_000 })
    // it waits for the teacher: no reload on its own
    await page.waitForTimeout(1500)
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.getByRole('button', { name: 'Reload' }).click()])
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBeUndefined()
    await expect.poll(() => page.getByText('A new version is ready').count()).toBe(0)
    await context.close()
  })
})
