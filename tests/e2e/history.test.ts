/**
 * History and double edits on two phones, as two schools meet them: both rename the same activity
 * while offline; once online both phones say it was changed on two devices and show both titles;
 * one phone keeps one and the notice goes away on both. Then a later rename shows in History on
 * the other phone, with who made it, and "Restore this version" brings the earlier title back on
 * both phones.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { activityInPlan, addActivity, createOn, goTo, inviteCode, joinOn, syncStatus, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-history')
let north: Page
let south: Page

const NOTICE = 'Changed on two devices'
const MAY = 'Sports day in May'
const JUNE = 'Sports day in June'

/** The activity's form, opened from the action plan by its title as the plan shows it. */
async function openFromPlan(page: Page, title: string | RegExp): Promise<void> {
  await goTo(page, 'Action plan')
  const link = typeof title === 'string' ? activityInPlan(page, title) : page.getByRole('main').getByRole('link', { name: title }).first()
  await link.waitFor({ timeout: 20_000 })
  await link.click()
  await page.getByLabel('Title').waitFor()
}

async function rename(page: Page, from: string, to: string): Promise<void> {
  await openFromPlan(page, from)
  await page.getByLabel('Title').fill(to)
  await page.getByRole('button', { name: 'Save' }).click()
  await activityInPlan(page, to).waitFor({ timeout: 10_000 })
}

function notice(page: Page) {
  return page.getByRole('region', { name: NOTICE, exact: true })
}

/** The plan's short list of records to check. */
function toCheck(page: Page) {
  return page.getByRole('region', { name: /^Changed on two devices: 1 record to check$/ })
}

describe('history and double edits on two phones', () => {
  it('0. two schools share a partnership with the activity “Sports day”', async () => {
    north = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye', person: 'An' })
    await addActivity(north, { title: 'Sports day' })
    const code = await inviteCode(north)
    south = await joinOn(phones.south, phones.relay.httpUrl, code, { person: 'Jean' })
    await goTo(south, 'Action plan')
    await activityInPlan(south, 'Sports day').waitFor({ timeout: 20_000 })
    await waitForSynced(north)
    await waitForSynced(south)
  })

  it('1. both rename it offline: both phones show “Changed on two devices” with both titles, and the plan lists it', async () => {
    await phones.north.setOffline(true)
    await phones.south.setOffline(true)
    for (const page of [north, south]) await expect.poll(() => syncStatus(page).innerText(), { timeout: 15_000 }).toMatch(/^Offline/)
    await rename(north, 'Sports day', MAY)
    await rename(south, 'Sports day', JUNE)
    await phones.north.setOffline(false)
    await phones.south.setOffline(false)
    await waitForSynced(north)
    await waitForSynced(south)

    for (const page of [north, south]) {
      // the plan lists the record while nobody has chosen
      await goTo(page, 'Action plan')
      await toCheck(page).waitFor({ timeout: 20_000 })
      const link = toCheck(page).getByRole('link', { name: /^Sports day in (May|June)$/ })
      await expect(link.isVisible()).resolves.toBe(true)
      await link.click()
      await notice(page).waitFor({ timeout: 20_000 })
      const text = await notice(page).innerText()
      expect(text).toContain(MAY)
      expect(text).toContain(JUNE)
      expect(text).toMatch(/An, .+, on (this|another) device/)
      expect(text).toMatch(/Jean, .+, on (this|another) device/)
      await expect(notice(page).getByRole('button', { name: `Keep ${MAY}`, exact: true }).isVisible()).resolves.toBe(true)
      await expect(notice(page).getByRole('button', { name: `Keep ${JUNE}`, exact: true }).isVisible()).resolves.toBe(true)
    }
  })

  it('2. “Keep Sports day in May” on one phone: both phones show that title and no notice', async () => {
    await south.getByRole('button', { name: `Keep ${MAY}`, exact: true }).click()
    await expect.poll(() => south.getByRole('status').filter({ hasText: `Kept: ${MAY}` }).count()).toBe(1)
    await expect.poll(() => south.getByLabel('Title').inputValue()).toBe(MAY)
    await expect.poll(() => notice(south).count()).toBe(0)
    await waitForSynced(south)

    // the other phone: the notice goes away where it was shown, and the title is the kept one
    await expect.poll(() => notice(north).count(), { timeout: 20_000 }).toBe(0)
    // its open, untouched form follows: the kept title, and nothing to warn about
    await expect.poll(() => north.getByLabel('Title').inputValue()).toBe(MAY)
    await expect(north.getByText('changed this activity while you had it open', { exact: false }).count()).resolves.toBe(0)
    await openFromPlan(north, MAY)
    await expect(north.getByLabel('Title').inputValue()).resolves.toBe(MAY)
    await expect(notice(north).count()).resolves.toBe(0)
    await goTo(north, 'This week')
    await north.getByRole('heading', { name: 'This week', level: 2 }).waitFor()
    await expect(north.getByRole('region', { name: /^Changed on two devices/ }).count()).resolves.toBe(0)
  })

  it('3. a later rename shows in History on the other phone, and “Restore this version” brings the old title back on both', async () => {
    await rename(north, MAY, 'Sports day 2027')
    await waitForSynced(north)

    await openFromPlan(south, 'Sports day 2027')
    await south.getByRole('button', { name: 'History', exact: true }).click()
    await south.getByRole('dialog', { name: 'History of “Sports day 2027”' }).waitFor()
    // (its heading follows the record's name, which the restore below changes)
    const dialog = south.getByRole('dialog')
    const change = dialog.getByRole('listitem').filter({ hasText: `${MAY} → Sports day 2027` }).first()
    await expect(change.innerText()).resolves.toMatch(/^An, .+, on another device/)
    await expect(change.innerText()).resolves.toContain(`Title: ${MAY} → Sports day 2027`)
    await expect(change.innerText()).resolves.toContain(`Restoring puts back what was there before this change: Title: ${MAY}`)
    await change.getByRole('button', { name: 'Restore this version', exact: true }).click()
    await expect.poll(() => dialog.getByRole('status').innerText()).toBe(`Restored: Title: ${MAY}`)
    // the restore is itself a change, by the person on this phone, newest first
    await expect.poll(() => dialog.getByRole('listitem').first().innerText()).toMatch(/^Jean, .+, on this device\s+An earlier version was put back/)
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    await expect(south.getByLabel('Title').inputValue()).resolves.toBe(MAY)
    await waitForSynced(south)

    await goTo(north, 'Action plan')
    await activityInPlan(north, MAY).waitFor({ timeout: 20_000 })
    await openFromPlan(north, MAY)
    await expect(north.getByLabel('Title').inputValue()).resolves.toBe(MAY)
  })
})
