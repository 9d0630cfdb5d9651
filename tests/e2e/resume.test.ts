/**
 * Resuming from a relay position in the browser (docs/protocol.md "Resuming from a relay
 * position"): the position of the relay's last ack is kept on the device (Dexie), so after a
 * reload the app's socket offers it, the relay answers with only what changed, and "Synced"
 * shows again — with an edit made offline in between acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startRelay, tempDir, type RunningRelay } from '../helpers/relay'
import { DIST, activityInPlan, addActivity, createOn, launch, phone, syncStatus, waitForSynced } from './browser'

let relay: RunningRelay
let browser: Browser

beforeAll(async () => {
  relay = await startRelay({ staticDir: DIST, dataDir: tempDir('sb-e2e-resume') })
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  await relay?.kill()
})

describe('a device that comes back', () => {
  it('offers the relay position it kept on the device after a reload, and shows Synced once the relay acknowledged its offline edit', async () => {
    const context = await phone(browser)
    const page = await createOn(context, relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan', partner: 'GS Huye' })
    await waitForSynced(page)
    // what each socket offers, as the browser sends it
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    const offered: string[] = []
    cdp.on('Network.webSocketWillSendHandshakeRequest', (e: { request: { headers: Record<string, string> } }) => {
      const headers = e.request.headers
      offered.push(headers['Sec-WebSocket-Protocol'] ?? headers['sec-websocket-protocol'] ?? '')
    })
    const received: string[] = []
    cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => {
      // binary frames come base64: the first byte is the message type
      received.push(String(Buffer.from(e.response.payloadData, 'base64')[0]))
    })
    await context.setOffline(true)
    await expect.poll(() => syncStatus(page).innerText(), { timeout: 15_000 }).toMatch(/^Offline/)
    await addActivity(page, { title: 'Made offline' })
    await page.reload()
    await expect.poll(() => syncStatus(page).innerText(), { timeout: 15_000 }).toMatch(/^Offline/)
    await expect.poll(() => activityInPlan(page, 'Made offline').isVisible(), { timeout: 15_000 }).toBe(true)
    await context.setOffline(false)
    await waitForSynced(page, 45_000)
    const last = offered.at(-1) ?? ''
    expect(last).toMatch(/(^|, ?)sb\.at\.[0-9a-f]{16}\.\d+(,|$)/)
    // the relay resumed from it: its state vector after the position (103), not a whole sync step 1
    expect(received).toContain('103')
  })
})
