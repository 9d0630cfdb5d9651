/**
 * Partner organisations, end to end: one school registers an external organisation, goes through
 * steps of the six-step check with notes and records the decision taken with the head and
 * colleagues; the partner school sees all of it on its own device. The reminder that no pupil
 * data goes to external organisations is on screen on both. The built app, served by the real
 * relay; two browser contexts as two phones.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createOn, goToPage, inviteCode, joinOn, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-organisations')
let northPage: Page
let southPage: Page

const ORGANISATION = 'Wereldschool vzw'

async function goToOrganisations(page: Page): Promise<void> {
  await goToPage(page, 'Organisations')
  await page.getByRole('heading', { name: 'Partner organisations', level: 2 }).waitFor()
}

function privacyNote(page: Page) {
  return page.getByRole('main').getByRole('note')
}

describe('partner organisations on two devices', () => {
  it('registers an organisation, ticks steps with notes and records the decision', async () => {
    northPage = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    await goToOrganisations(northPage)
    await expect(privacyNote(northPage).innerText()).resolves.toMatch(/No pupil data for external organisations/)

    await northPage.getByRole('button', { name: 'Add an organisation' }).click()
    await northPage.getByLabel('Name of the organisation').fill(ORGANISATION)
    await northPage.getByLabel('Website').fill('www.wereldschool.be')
    await northPage.getByLabel('Contact', { exact: true }).fill('Els, 09 123 45 67')
    await northPage.getByLabel('Themes').fill('children’s rights, water')
    await northPage.getByLabel('Age groups').fill('10–12 years')
    await northPage.getByRole('button', { name: 'Save organisation' }).click()

    // the check opens for the new organisation
    await northPage.getByRole('button', { name: `Close the check for ${ORGANISATION}` }).waitFor()
    await northPage.getByRole('checkbox', { name: '1. Inform yourself about the organisation' }).check()
    await northPage.getByLabel('Notes on step 1').fill('Fits our vision; recognised by the government.')
    await northPage.getByRole('checkbox', { name: "2. Ask about others' experiences" }).check()
    await northPage.getByRole('button', { name: 'Save the notes' }).click()
    await expect.poll(() => northPage.getByText('Saved.').first().isVisible()).toBe(true)

    await northPage.getByRole('radio', { name: 'We work with them' }).check()
    await northPage.getByLabel('Who decided').fill('Head Mieke, An and Jan')
    await northPage.getByLabel('Decided on').fill('2026-10-12')
    await northPage.getByRole('button', { name: 'Save the decision' }).click()
    // deciding ticks step 4 as well
    await expect.poll(() => northPage.getByRole('checkbox', { name: '4. Decide together with the head and colleagues' }).isChecked()).toBe(true)
    await expect(northPage.getByRole('main').innerText()).resolves.toContain('3 of 6 steps done')
    await waitForSynced(northPage)
  })

  it('shows the organisation, its steps and the decision on the partner school’s device', async () => {
    const code = await inviteCode(northPage)
    southPage = await joinOn(phones.south, phones.relay.httpUrl, code)
    await southPage.getByRole('navigation', { name: 'Partnership sections' }).waitFor({ timeout: 20_000 })
    await goToOrganisations(southPage)
    await expect(privacyNote(southPage).innerText()).resolves.toMatch(/Never share individual pupils' data/)
    await southPage.getByRole('heading', { name: ORGANISATION, level: 4 }).waitFor({ timeout: 20_000 })
    const main = southPage.getByRole('main')
    await expect.poll(() => main.innerText()).toContain('We work with them')
    await expect(main.innerText()).resolves.toContain('3 of 6 steps done')
    await expect(main.innerText()).resolves.toContain('www.wereldschool.be')

    await southPage.getByRole('button', { name: `Open the check for ${ORGANISATION}` }).click()
    await expect(southPage.getByRole('checkbox', { name: '1. Inform yourself about the organisation' }).isChecked()).resolves.toBe(true)
    await expect(southPage.getByRole('checkbox', { name: '3. Clear expectations beforehand' }).isChecked()).resolves.toBe(false)
    await expect(southPage.getByLabel('Notes on step 1').inputValue()).resolves.toBe('Fits our vision; recognised by the government.')
    await expect(main.innerText()).resolves.toMatch(/decided by Head Mieke, An and Jan/)

    // and feedback afterwards, written on the partner's device, reaches the first one
    await southPage.getByLabel('What made the cooperation smooth').fill('A clear programme beforehand.')
    await southPage.getByRole('button', { name: 'Save the feedback' }).click()
    await waitForSynced(southPage)
    await goToPage(northPage, 'Organisations')
    // the check may still be open from before: wait until the screen shows either button
    const openCheck = northPage.getByRole('button', { name: `Open the check for ${ORGANISATION}` })
    const closeCheck = northPage.getByRole('button', { name: `Close the check for ${ORGANISATION}` })
    await openCheck.or(closeCheck).first().waitFor({ timeout: 15_000 })
    if (await openCheck.isVisible()) await openCheck.click()
    await expect.poll(() => northPage.getByLabel('What made the cooperation smooth').inputValue(), { timeout: 20_000 }).toBe('A clear programme beforehand.')
  })
})
