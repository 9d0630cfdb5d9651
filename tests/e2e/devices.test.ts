/**
 * Devices and invites, tried as a new user would (issue 10 §4, "Done when"): two phones at 360 px
 * against the real relay. Phone A removes phone B from "Devices" → B is told it was removed and
 * stops syncing; "New invite code" on A → the old code is refused on a third phone, A keeps
 * working, and the new code lets the third phone in. Offline, A still shows which device was
 * removed ("as of" when the relay's list was fetched), with a readable "Try again". Screenshots of
 * the Devices section, the confirm step and B's notice go to /tmp/a2-shots/.
 */
import { mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { activityInPlan, addActivity, createOn, goTo, inviteCode, joinOn, joinPartnership, openApp, phone, syncStatus, twoPhones, waitForSynced } from './browser'

const SHOTS = '/tmp/a2-shots'
const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'

const phones = twoPhones('sb-e2e-devices')
let a: Page
let b: Page
let oldCode: string

function devicesSection(page: Page) {
  return page.getByRole('region', { name: 'Devices', exact: true })
}

/** WCAG contrast of an element's text against the first opaque background it sits on. */
function contrastOf(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
    const channel = (v: number): number => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
    const lum = (c: number[]): number => 0.2126 * channel(c[0]!) + 0.7152 * channel(c[1]!) + 0.0722 * channel(c[2]!)
    let at: Element | null = node
    let bg = getComputedStyle(node).backgroundColor
    while (at && (bg === 'transparent' || /rgba\(.*, 0\)$/.test(bg))) {
      at = at.parentElement
      bg = at ? getComputedStyle(at).backgroundColor : 'rgb(255, 255, 255)'
    }
    const [hi, lo] = [lum(rgb(getComputedStyle(node).color)), lum(rgb(bg))].sort((x, y) => y - x)
    return (hi! + 0.05) / (lo! + 0.05)
  })
}

async function nameThisDevice(page: Page, name: string): Promise<void> {
  await goTo(page, 'Settings')
  const field = page.getByLabel('Name of this device')
  await field.fill(name)
  await field.press('Enter')
}

describe('devices and invites on two phones', () => {
  it('both phones work together and each is listed under "Devices" with its name, school and person', async () => {
    mkdirSync(SHOTS, { recursive: true })
    a = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH, person: 'An' })
    oldCode = await inviteCode(a)
    b = await joinOn(phones.south, phones.relay.httpUrl, oldCode, { school: SOUTH, person: 'Jean' })
    await nameThisDevice(a, 'Phone A')
    await nameThisDevice(b, 'Phone B')
    await addActivity(b, { title: 'Letters from Huye' })
    await waitForSynced(b)
    await goTo(a, 'Action plan')
    await activityInPlan(a, 'Letters from Huye').waitFor({ timeout: 20_000 })

    await goTo(a, 'Settings')
    const devices = devicesSection(a)
    const rowB = devices.getByRole('listitem').filter({ hasText: 'Phone B' })
    // the relay's list arrives after the document's: "last seen on the relay" is a date then
    await expect.poll(() => rowB.innerText(), { timeout: 20_000 }).toMatch(/Last seen on the relay\s*[^\n]*\d{4}/)
    expect(await rowB.innerText()).toContain(SOUTH)
    expect(await rowB.innerText()).toContain('Jean')
    const rowA = devices.getByRole('listitem').filter({ hasText: 'Phone A' })
    expect(await rowA.innerText()).toContain('(this device)')
    expect(await rowA.getByRole('button', { name: 'Remove this device' }).count()).toBe(0)
    await devices.scrollIntoViewIfNeeded()
    await devices.screenshot({ path: `${SHOTS}/1-devices-section-360.png` })
  })

  it('A removes B: B is told, stops syncing, and keeps what it has', async () => {
    const rowB = devicesSection(a).getByRole('listitem').filter({ hasText: 'Phone B' })
    await rowB.getByRole('button', { name: 'Remove this device' }).click()
    const confirm = rowB.getByRole('group')
    await expect.poll(() => confirm.innerText()).toContain('cannot be wiped from afar')
    await rowB.screenshot({ path: `${SHOTS}/2-remove-confirm-360.png` })
    await rowB.getByRole('button', { name: 'Yes, remove' }).click()
    await expect.poll(() => rowB.innerText(), { timeout: 20_000 }).toMatch(/Removed on /)

    const notice = b.getByRole('alert').filter({ hasText: 'This device was removed from the partnership' })
    await notice.waitFor({ timeout: 20_000 })
    expect(await notice.innerText()).toContain('It was removed on Phone A')
    expect(await notice.innerText()).toContain('cannot be wiped from afar')
    expect(await syncStatus(b).innerText()).toMatch(/^Removed from the partnership/)
    // what is on B stays on B
    await goTo(b, 'Action plan')
    await activityInPlan(b, 'Letters from Huye').waitFor()
    await b.screenshot({ path: `${SHOTS}/3-removed-notice-360.png`, fullPage: true })
    // B's edits no longer reach A
    await addActivity(b, { title: 'Written after removal' })
    await addActivity(a, { title: 'A still works' })
    await waitForSynced(a)
    expect(await syncStatus(b).innerText()).toMatch(/^Removed/)
    await goTo(a, 'Action plan')
    expect(await activityInPlan(a, 'Written after removal').count()).toBe(0)

    // on the next screen B's notice is one line, with the full text behind "What does this mean?"
    const compact = b.locator('.removed-notice')
    await b.getByText('What does this mean?').waitFor()
    expect((await compact.boundingBox())!.height).toBeLessThan(120)
    // B's own card says it was removed, and there is no pointless "Try again"
    await goTo(b, 'Settings')
    const mine = devicesSection(b).getByRole('listitem').filter({ hasText: '(this device)' })
    await expect.poll(() => mine.innerText(), { timeout: 20_000 }).toMatch(/This device was removed on /)
    await expect.poll(() => devicesSection(b).innerText(), { timeout: 20_000 }).toContain('the relay no longer gives it the list')
    expect(await devicesSection(b).getByRole('button', { name: 'Try again' }).count()).toBe(0)
  })

  it('offline, A still tells the removed device apart, "as of" when the list was fetched, with a readable "Try again"', async () => {
    await goTo(a, 'Action plan')
    await phones.north.setOffline(true)
    try {
      await goTo(a, 'Settings')
      const devices = devicesSection(a)
      const problem = devices.getByRole('status').filter({ hasText: 'could not be fetched' })
      await expect.poll(() => problem.innerText(), { timeout: 20_000 }).toMatch(/Shown: the relay’s list as of [^\n]*\d{4}/)
      const rowB = devices.getByRole('listitem').filter({ hasText: 'Phone B' })
      expect(await rowB.innerText()).toMatch(/Removed on /)
      expect(await rowB.getByRole('button', { name: 'Remove this device' }).count()).toBe(0)
      expect(await contrastOf(problem.getByRole('button', { name: 'Try again' }))).toBeGreaterThanOrEqual(4.5)
      await devices.screenshot({ path: `${SHOTS}/3b-devices-offline-360.png` })
    } finally {
      await phones.north.setOffline(false)
    }
  })

  it('"New invite code" on A: the old code is refused on a third phone, A keeps working, the new code lets it in', async () => {
    await goTo(a, 'Settings')
    await a.getByRole('button', { name: 'New invite code', exact: true }).click()
    await a.getByRole('button', { name: 'Make the new code' }).click()
    const field = a.getByLabel('Invite code', { exact: true })
    await expect.poll(() => field.inputValue(), { timeout: 20_000 }).not.toBe(oldCode)
    const newCode = await field.inputValue()
    expect(newCode).toMatch(/^SB1-/)
    // the new code in full where it was made, focused (the short display above starts the same)
    const shown = a.getByLabel('The new invite code', { exact: true })
    expect(await shown.inputValue()).toBe(newCode)
    expect(await shown.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await a.locator('.new-invite').getByRole('button', { name: 'Copy' }).count()).toBe(1)
    await a.screenshot({ path: `${SHOTS}/4-new-invite-done-360.png` })

    // A keeps working without typing anything
    await addActivity(a, { title: 'After the new code' })
    await waitForSynced(a)

    const third = await phone(phones.browser)
    try {
      const c = await third.newPage()
      await openApp(c, phones.relay.httpUrl)
      await joinPartnership(c, oldCode)
      // the relay refuses the old code; the app takes the phone back to the join screen and says why
      await expect.poll(() => c.getByRole('alert').first().innerText(), { timeout: 30_000 }).toMatch(/not valid for this partnership\. It may have been replaced by a new code/)
      await c.screenshot({ path: `${SHOTS}/5-old-code-refused-360.png` })

      const joined = await joinOn(third, phones.relay.httpUrl, newCode, { school: SOUTH, person: 'Claire' })
      await goTo(joined, 'Action plan')
      await activityInPlan(joined, 'After the new code').waitFor({ timeout: 20_000 })
    } finally {
      await third.close()
    }
  })
})
