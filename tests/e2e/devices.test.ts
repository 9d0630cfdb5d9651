/**
 * Devices and invites, tried as a new user would (issue 10 §4, "Done when"): two phones at 360 px
 * against the real relay. Phone A removes phone B from "Devices" → B is told it was removed and
 * stops syncing; "New invite code" on A → the old code is refused on a third phone, A keeps
 * working, and the new code lets the third phone in. Screenshots of the Devices section, the
 * confirm step and B's notice go to /tmp/a2-shots/.
 */
import { mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
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
  })

  it('"New invite code" on A: the old code is refused on a third phone, A keeps working, the new code lets it in', async () => {
    await goTo(a, 'Settings')
    await a.getByRole('button', { name: 'New invite code', exact: true }).click()
    await a.getByRole('button', { name: 'Make the new code' }).click()
    const field = a.getByLabel('Invite code', { exact: true })
    await expect.poll(() => field.inputValue(), { timeout: 20_000 }).not.toBe(oldCode)
    const newCode = await field.inputValue()
    expect(newCode).toMatch(/^SB1-/)
    await a.getByText('Done: the new invite code is shown above.').scrollIntoViewIfNeeded()
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
      await expect.poll(() => c.getByRole('alert').first().innerText(), { timeout: 30_000 }).toMatch(/not valid/i)
      await c.screenshot({ path: `${SHOTS}/5-old-code-refused-360.png` })

      const joined = await joinOn(third, phones.relay.httpUrl, newCode, { school: SOUTH, person: 'Claire' })
      await goTo(joined, 'Action plan')
      await activityInPlan(joined, 'After the new code').waitFor({ timeout: 20_000 })
    } finally {
      await third.close()
    }
  })
})
