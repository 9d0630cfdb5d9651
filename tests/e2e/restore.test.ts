/**
 * Getting things back, end to end: another program holding the invite (a stock y-websocket client,
 * docs/protocol.md only) removes every activity and writes a version mark (99) that locks every
 * device read-only; one phone, offline, restores the partnership from the copy it kept, and both phones
 * have their activities back and can edit again. Then "Recently deleted" brings back one activity
 * deleted by mistake.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { activityInPlan, addActivity, createOn, goTo, goToPage, inviteCode, joinOn, openActivity, twoPhones, waitForSynced } from './browser'
import { openForeignClient, vandalise } from './foreignClient'

const phones = twoPhones('sb-e2e-restore')
const TITLES = ['Sports day', 'Letters to P5', 'Visit to the farm']
let north: Page
let south: Page
let code: string

function lockNotice(page: Page) {
  return page.getByText('This partnership says it needs version 99 of the app, which no device of the partnership has.', { exact: false })
}

async function expectActivities(page: Page, titles: readonly string[]): Promise<void> {
  await goTo(page, 'Action plan')
  for (const title of titles) await activityInPlan(page, title).waitFor({ timeout: 20_000 })
}

describe('restore the partnership', () => {
  it('two phones share a partnership with three activities; each keeps its own copy', async () => {
    north = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    for (const title of TITLES) await addActivity(north, { title })
    await waitForSynced(north)
    code = await inviteCode(north)
    // the joined phone keeps its first copy when the partnership arrives, activities and all
    south = await joinOn(phones.south, phones.relay.httpUrl, code)
    await expectActivities(south, TITLES)
    await waitForSynced(south)
  })

  it('another program removes every activity and marks version 99: both phones show no activities, read-only, and say why', async () => {
    const foreign = await openForeignClient(phones.relay.wsUrl, code)
    try {
      expect(foreign.doc.getMap('activities').size).toBe(3)
      vandalise(foreign.doc)
      for (const page of [north, south]) {
        await goTo(page, 'Action plan')
        await page.getByText('No activities yet').waitFor({ timeout: 20_000 })
        await lockNotice(page).waitFor({ timeout: 20_000 })
        await expect(page.getByText('It was written by another program, not by Scholenband.').isVisible()).resolves.toBe(true)
      }
    } finally {
      foreign.close()
    }
  })

  it('on one phone, offline, "Restore the partnership" from its own copy brings everything back on both, writable again', async () => {
    // the relay out of reach: the phone's own copies still work
    await phones.south.setOffline(true)
    await south.getByRole('link', { name: 'Restore the partnership', exact: true }).click()
    await south.getByRole('heading', { name: 'Restore the partnership', exact: true }).waitFor()
    await south.getByText('The relay cannot be reached now. The copies on this device still work.').waitFor({ timeout: 15_000 })
    const onDevice = south.getByRole('group', { name: 'Copies on this device' })
    await onDevice.getByRole('radio', { name: /^Copy from / }).first().check()
    const plan = south.getByRole('region', { name: 'What this does' })
    await plan.getByText('Brings back 3 records').waitFor({ timeout: 10_000 })
    await expect(plan.getByText('Removes the version mark 99, which no device of the partnership knows').isVisible()).resolves.toBe(true)
    await plan.getByRole('button', { name: 'Restore the partnership', exact: true }).click()
    await south.getByText(/^The partnership is back as it was on /).waitFor({ timeout: 10_000 })
    await expect(south.getByText('Brought back 3 records').isVisible()).resolves.toBe(true)
    // the copy of how it was just before is there to undo it
    await onDevice.getByRole('radio', { name: /just before a restore$/ }).waitFor()
    await phones.south.setOffline(false)

    await expectActivities(south, TITLES)
    await expectActivities(north, TITLES)
    // writable again: an edit on one phone reaches the other
    await addActivity(north, { title: 'Exchange week' })
    await expectActivities(south, ['Exchange week'])
  })

  it('"Recently deleted" lists an activity deleted by mistake, and "Restore" brings it back on both phones', async () => {
    await openActivity(north, 'Visit to the farm')
    await north.getByRole('button', { name: 'Delete', exact: true }).click()
    await north.getByText('“Visit to the farm” was deleted.').waitFor()
    await goToPage(north, 'Recently deleted')
    await north.getByRole('heading', { name: 'Recently deleted', exact: true }).waitFor()
    const item = north.getByRole('listitem').filter({ hasText: 'Visit to the farm' })
    await expect(item.getByText('Activity', { exact: true }).isVisible()).resolves.toBe(true)
    await expect(item.getByText(/^Deleted by An · /).isVisible()).resolves.toBe(true)
    await item.getByRole('button', { name: 'Restore', exact: true }).click()
    await north.getByText('“Visit to the farm” is back.').waitFor()
    await north.getByText('Nothing has been deleted.').waitFor()

    await expectActivities(north, ['Visit to the farm'])
    await expectActivities(south, ['Visit to the farm'])
  })

  it('Settings leads to both pages', async () => {
    await goTo(south, 'Settings')
    const card = south.getByRole('region', { name: 'Getting things back' })
    await card.getByRole('link', { name: 'Restore the partnership', exact: true }).click()
    await south.getByRole('heading', { name: 'Restore the partnership', exact: true }).waitFor()
    await goTo(south, 'Settings')
    await south.getByRole('region', { name: 'Getting things back' }).getByRole('link', { name: 'Recently deleted', exact: true }).click()
    await south.getByRole('heading', { name: 'Recently deleted', exact: true }).waitFor()
  })
})
