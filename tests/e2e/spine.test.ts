/**
 * The spine, end to end, as two schools use it: the built app served by the real relay, two
 * browser contexts as two devices, offline and online.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startRelay, tempDir } from '../helpers/relay'
import {
  DIST,
  activityInPlan,
  addActivity,
  createOn,
  goTo,
  inviteCode,
  joinOn,
  joinPartnership,
  openActivity,
  openApp,
  persistentPhone,
  phone,
  syncStatus,
  twoPhones,
  waitForSynced,
} from './browser'

const phones = twoPhones('sb-e2e')
let northPage: Page
let southPage: Page
let code: string

describe('one partnership on two devices', () => {
  it('1. creates a partnership, adds an activity, and still has it after an offline reload', async () => {
    northPage = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    await addActivity(northPage, { title: 'Letter exchange', description: 'Class 5 writes to P5.', start: '2026-10-05', end: '2026-10-30' })
    await waitForSynced(northPage)
    await phones.north.setOffline(true)
    await northPage.reload()
    await expect.poll(() => syncStatus(northPage).innerText(), { timeout: 15_000 }).toMatch(/^Offline/)
    await expect(activityInPlan(northPage, 'Letter exchange').isVisible()).resolves.toBe(true)
    await phones.north.setOffline(false)
  })

  it('2. the partner school joins with the invite code and sees the activity', async () => {
    code = await inviteCode(northPage)
    // the joining phone fetches the partnership over HTTP first (docs/protocol.md "Joining over HTTP")
    const joins: { status: number; type: string | undefined }[] = []
    phones.south.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/join/')) joins.push({ status: r.status(), type: r.headers()['content-type'] })
    })
    southPage = await joinOn(phones.south, phones.relay.httpUrl, code)
    await goTo(southPage, 'Action plan')
    await activityInPlan(southPage, 'Letter exchange').waitFor({ timeout: 20_000 })
    await waitForSynced(southPage)
    expect(joins).toContainEqual({ status: 200, type: 'application/vnd.scholenband.join' })
  })

  it('3. both edit offline (title on one, description on the other) and both keep both edits', async () => {
    await phones.north.setOffline(true)
    await phones.south.setOffline(true)
    await openActivity(northPage, 'Letter exchange')
    await northPage.getByLabel('Title').fill('Letter exchange, classes 5 and 6')
    await northPage.getByRole('button', { name: 'Save' }).click()
    await openActivity(southPage, 'Letter exchange')
    await southPage.getByLabel('Description').fill('Class 5 writes to P5 about family and food.')
    await southPage.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => syncStatus(northPage).innerText()).toMatch(/^Offline/)
    await phones.north.setOffline(false)
    await phones.south.setOffline(false)
    await waitForSynced(northPage)
    await waitForSynced(southPage)
    for (const page of [northPage, southPage]) {
      await openActivity(page, 'Letter exchange, classes 5 and 6')
      await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('Class 5 writes to P5 about family and food.')
    }
  })

  it('keeps an edit when the tab is closed at once, offline', async () => {
    await phones.north.setOffline(true)
    await openActivity(northPage, 'Letter exchange, classes 5 and 6')
    await northPage.getByLabel('Title').fill('Letter exchange, saved then closed')
    await northPage.getByRole('button', { name: 'Save' }).click()
    await northPage.close({ runBeforeUnload: false })
    northPage = await phones.north.newPage()
    await northPage.goto(phones.relay.httpUrl)
    await goTo(northPage, 'Action plan').catch(async () => {
      // the home screen lists the partnership first
      await northPage.getByRole('link', { name: /Gent–Huye/ }).or(northPage.getByRole('button', { name: /Gent–Huye/ })).first().click()
      await goTo(northPage, 'Action plan')
    })
    await activityInPlan(northPage, 'Letter exchange, saved then closed').waitFor({ timeout: 15_000 })
    await phones.north.setOffline(false)
    await waitForSynced(northPage)
  })

  it('4. stores and forwards: one edits while the other is closed, the relay restarts, the other gets it', async () => {
    await southPage.close()
    await openActivity(northPage, 'Letter exchange, saved then closed')
    await northPage.getByLabel('Title').fill('Letter exchange (store and forward)')
    await northPage.getByRole('button', { name: 'Save' }).click()
    await waitForSynced(northPage)
    const { port, dataDir } = phones.relay
    await phones.relay.stop()
    phones.relay = await startRelay({ staticDir: DIST, dataDir, port })
    southPage = await phones.south.newPage()
    await southPage.goto(phones.relay.httpUrl)
    const entry = southPage.getByRole('link', { name: /Gent–Huye/ }).or(southPage.getByRole('button', { name: /Gent–Huye/ })).first()
    if (await entry.isVisible().catch(() => false)) await entry.click()
    await goTo(southPage, 'Action plan')
    await activityInPlan(southPage, 'Letter exchange (store and forward)').waitFor({ timeout: 30_000 })
  })

  it('5. a wrong invite code gives a clear message and no partnership', async () => {
    const stranger = await phone(phones.browser)
    const page = await stranger.newPage()
    await page.goto(phones.relay.httpUrl)
    await joinPartnership(page, 'SB1-HELLO-TEACH')
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/typing mistake|not a Scholenband invite|could not be read/i)
    // a well-formed code for a partnership the relay does not know
    const real = code.replace(/^SB1-/, '')
    const other = await (async () => {
      const { formatInviteCode, newInvite } = await import('../../src/sync/wire')
      return formatInviteCode(newInvite())
    })()
    expect(other).not.toBe(real)
    await page.getByLabel('Invite code').fill(other)
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 20_000 }).toMatch(/No partnership was found/)
    const stored = await page.evaluate(async () => {
      const dbs = await indexedDB.databases()
      return dbs.map((d) => d.name).filter((n) => n?.startsWith('sb-doc-'))
    })
    expect(stored).toEqual([])
    await expect(page.getByRole('navigation').count()).resolves.toBe(0)
    await stranger.close()
  })

  it('6. Chromium reports no installability errors', async () => {
    const profile = await persistentPhone(tempDir('sb-profile'))
    try {
      const page = profile.pages()[0] ?? (await profile.newPage())
      await openApp(page, phones.relay.httpUrl)
      const cdp = await profile.newCDPSession(page)
      await expect
        .poll(async () => ((await cdp.send('Page.getAppManifest')) as { url: string }).url)
        .toMatch(/manifest\.webmanifest$/)
      const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[] }
      expect(manifest.errors).toEqual([])
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] }
      expect(installabilityErrors).toEqual([])
    } finally {
      await profile.close()
    }
  })
})
