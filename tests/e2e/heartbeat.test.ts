/**
 * A link that dies without the phone noticing (issue 13 §4): the app is served and synced through
 * a TCP proxy on 127.0.0.1 that then stops forwarding — no reset, no close, the browser still
 * believes the socket open. The sync indicator says "Offline" within 10 s (the heartbeat), and
 * "Synced" again once the proxy forwards again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { CutProxy } from '../helpers/cutProxy'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { DIST, createOn, launch, phone, syncStatus, waitForSynced } from './browser'

let relay: RunningRelay
let proxy: CutProxy
let browser: Browser

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-heartbeat') })
  proxy = await CutProxy.start(relay)
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  await proxy?.close()
  await relay?.kill()
})

describe('a dead link the phone does not notice', () => {
  it('shows Offline within 10 s, and Synced once the link carries again', async () => {
    const context = await phone(browser)
    const page = await createOn(context, proxy.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan', partner: 'GS Huye' })
    await waitForSynced(page)
    proxy.cut()
    const cutAt = Date.now()
    // "Offline", with the changes the app wrote meanwhile counted after it ("Offline · 2 changes saved on this device")
    await expect.poll(() => syncStatus(page).innerText(), { timeout: 10_000, interval: 100 }).toMatch(/^Offline( ·|$)/)
    process.stdout.write(`"Offline" shown ${((Date.now() - cutAt) / 1000).toFixed(1)} s after the link died\n`)
    proxy.restore()
    await waitForSynced(page, 45_000)
  })
})
