/**
 * The planning cycle, end to end, as two schools use it: This week shows the open next step and
 * the next contact day; both schools answer the same reflection while offline, and after
 * reconnecting both answers stand side by side on both devices. The built app, served by the
 * real relay; two browser contexts as two phones.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { nextContactDay } from '../../src/domain'
import { localToday } from '../../src/ui/format'
import { createOn, goTo, inviteCode, joinOn, syncStatus, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-cycle')
let northPage: Page
let southPage: Page

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'
const MOMENT = 'End of the first term'

function weekSection(page: Page, name: string) {
  return page.getByRole('main').getByRole('region', { name, exact: true })
}

describe('the planning cycle on two devices', () => {
  it('opens a new partnership on This week, with empty states', async () => {
    northPage = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    await northPage.getByRole('heading', { name: 'This week', level: 2 }).waitFor()
    await expect(weekSection(northPage, 'Next contact day').innerText()).resolves.toMatch(/No regular contact day agreed yet/)
    await expect(weekSection(northPage, 'Open next steps').innerText()).resolves.toMatch(/No open next steps/)
  })

  it('shows the next contact day and an open next step on This week, and ticks it off there', async () => {
    await goTo(northPage, 'Contacts')
    await northPage.getByLabel('How often').selectOption({ label: 'Once a month' })
    await northPage.getByLabel('Which one').selectOption({ label: 'first' })
    await northPage.getByLabel('Day', { exact: true }).selectOption({ label: 'Tuesday' })
    await northPage.getByRole('button', { name: 'Save contact day' }).click()
    await northPage.getByLabel('Who', { exact: true }).fill('An Peeters')
    await northPage.getByLabel('To whom').fill(SOUTH)
    await northPage.getByLabel('What', { exact: true }).fill('Send the class photos')
    await northPage.getByRole('button', { name: 'Add next step' }).click()
    await northPage.getByRole('checkbox', { name: 'Done: Send the class photos' }).waitFor()

    await goTo(northPage, 'This week')
    const today = localToday()
    const day = nextContactDay({ kind: 'monthly', nth: 1, weekday: 1 }, today)!
    const expected =
      day === today
        ? 'Today'
        : await northPage.evaluate(
            (iso) => new Intl.DateTimeFormat('en', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)),
            day,
          )
    await expect.poll(() => weekSection(northPage, 'Next contact day').innerText()).toContain(expected)
    const step = weekSection(northPage, 'Open next steps').getByRole('checkbox', { name: 'Done: Send the class photos' })
    await expect(step.isChecked()).resolves.toBe(false)
    await expect(weekSection(northPage, 'Open next steps').innerText()).resolves.toContain(`An Peeters, to ${SOUTH}`)

    await step.check()
    // it stays in sight, ticked, until the screen is left
    await expect(step.isChecked()).resolves.toBe(true)
    await goTo(northPage, 'Contacts')
    await expect.poll(() => northPage.getByRole('region', { name: 'Next steps' }).innerText()).toMatch(/Done \(1\)/)
    await goTo(northPage, 'This week')
    await expect.poll(() => weekSection(northPage, 'Open next steps').innerText()).toMatch(/No open next steps/)
  })

  it('both schools answer the same reflection offline, and see both answers side by side after reconnecting', async () => {
    await goTo(northPage, 'Feedback')
    await northPage.getByLabel('Title').fill(MOMENT)
    await northPage.getByLabel('Date').fill(localToday())
    await northPage.getByRole('button', { name: 'Add feedback moment' }).click()
    await northPage.getByRole('button', { name: `Start reflection: ${MOMENT}` }).click()
    await northPage.getByRole('heading', { name: `Reflection: ${MOMENT}` }).waitFor()
    await waitForSynced(northPage)

    const code = await inviteCode(northPage)
    await northPage.goBack()
    await northPage.getByRole('heading', { name: `Reflection: ${MOMENT}` }).waitFor()
    southPage = await joinOn(phones.south, phones.relay.httpUrl, code, { school: SOUTH })
    await southPage.getByRole('heading', { name: 'This week', level: 2 }).waitFor({ timeout: 20_000 })
    await goTo(southPage, 'Feedback')
    await southPage.getByRole('link', { name: new RegExp(`Reflection: ${MOMENT}`) }).click()
    await southPage.getByLabel(`What went well — ${SOUTH}`).waitFor()
    await waitForSynced(southPage)

    await phones.north.setOffline(true)
    await phones.south.setOffline(true)
    await northPage.getByLabel(`What went well — ${NORTH}`).fill('The pupils loved writing letters.')
    await northPage.getByRole('button', { name: `Save answers of ${NORTH}` }).click()
    await southPage.getByLabel(`What went well — ${SOUTH}`).fill('Our P5 read the letters aloud in class.')
    await southPage.getByLabel(`What was difficult — ${SOUTH}`).fill('The post took five weeks.')
    await southPage.getByRole('button', { name: `Save answers of ${SOUTH}` }).click()
    for (const page of [northPage, southPage]) {
      await expect.poll(() => syncStatus(page).innerText(), { timeout: 15_000 }).toMatch(/^Offline/)
      await expect(page.getByText('Saved on this device.').isVisible()).resolves.toBe(true)
    }
    // offline, each device shows only its own answers
    await expect(northPage.getByRole('region', { name: SOUTH, exact: true }).innerText()).resolves.toMatch(/No answers from GS Huye yet/)

    await phones.north.setOffline(false)
    await phones.south.setOffline(false)
    await waitForSynced(northPage)
    await waitForSynced(southPage)

    await expect.poll(() => northPage.getByRole('region', { name: SOUTH, exact: true }).innerText(), { timeout: 20_000 }).toContain('Our P5 read the letters aloud in class.')
    await expect(northPage.getByRole('region', { name: SOUTH, exact: true }).innerText()).resolves.toContain('The post took five weeks.')
    await expect(northPage.getByLabel(`What went well — ${NORTH}`).inputValue()).resolves.toBe('The pupils loved writing letters.')
    await expect.poll(() => southPage.getByRole('region', { name: NORTH, exact: true }).innerText(), { timeout: 20_000 }).toContain('The pupils loved writing letters.')
    await expect(southPage.getByLabel(`What went well — ${SOUTH}`).inputValue()).resolves.toBe('Our P5 read the letters aloud in class.')

    // on a wider screen the two schools stand next to each other, our own answers first
    await southPage.setViewportSize({ width: 1024, height: 800 })
    const ours = await southPage.getByRole('region', { name: SOUTH, exact: true }).boundingBox()
    const theirs = await southPage.getByRole('region', { name: NORTH, exact: true }).boundingBox()
    expect(ours && theirs && Math.abs(ours.y - theirs.y) < 2 && theirs.x >= ours.x + ours.width).toBe(true)
  })

  it('lists the reflection under What was said, answered by both schools', async () => {
    await goTo(northPage, 'Feedback')
    const said = northPage.getByRole('region', { name: 'What was said' })
    await expect.poll(() => said.innerText()).toContain(`${NORTH} answered · ${SOUTH} answered`)
  })
})
