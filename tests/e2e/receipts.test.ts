/**
 * Honest receipts (issue 13 §4), end to end: on the writer's phone a letter says "Received by
 * partner school" once the partner's phone holds it — while nobody there has opened it — and
 * "Read by partner school" only after a person on the partner's phone opened it. The built app,
 * served by the real relay; two browser contexts as two phones.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { partnersOnTwoPhones, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-receipts')
let northPage: Page
let southPage: Page

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'
const SUBJECT = 'Sports day'
const BODY = 'Dear friends, our sports day is on Friday. What games do you play?'

async function goToLetters(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
  await page.getByRole('heading', { name: 'Letters', level: 2 }).waitFor()
}

const card = (page: Page) => page.getByRole('article', { name: `Letter from Class 5B, ${NORTH}` })

describe('delivery receipts between two phones', () => {
  it('both phones open the partnership and know their school', async () => {
    const both = await partnersOnTwoPhones(phones, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    northPage = both.north
    southPage = both.south
    await waitForSynced(southPage)
  })

  it("says Received by partner school once the partner's phone holds the letter, before anyone opened it", async () => {
    await goToLetters(northPage)
    await northPage.getByRole('button', { name: 'Write a letter' }).click()
    await northPage.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
    await northPage.getByLabel('Class or person writing').fill('Class 5B')
    await northPage.getByLabel('Class or person it is for').fill('P5')
    await northPage.getByLabel('Language of the letter').selectOption('en')
    await northPage.getByLabel('Subject').fill(SUBJECT)
    await northPage.getByLabel('Letter', { exact: true }).fill(BODY)
    await northPage.getByRole('button', { name: 'Send' }).click()
    await card(northPage).waitFor()

    // the partner's phone stays on This week: it syncs the letter, nobody opens it
    await expect.poll(() => card(northPage).innerText(), { timeout: 30_000 }).toContain('Received by partner school')
    await expect(card(northPage).innerText()).resolves.not.toContain('Read by partner school')
    // the partner's letters list shows the letter; the list is not the letter
    await goToLetters(southPage)
    await southPage.getByRole('link', { name: SUBJECT }).waitFor({ timeout: 20_000 })
    await waitForSynced(southPage)
    await expect(card(northPage).innerText()).resolves.toContain('Received by partner school')
  })

  it('says Read by partner school after a person on the partner phone opened the letter', async () => {
    await southPage.getByRole('link', { name: SUBJECT }).click()
    await expect.poll(() => card(southPage).innerText(), { timeout: 20_000 }).toContain(BODY)
    await expect.poll(() => card(northPage).innerText(), { timeout: 30_000 }).toContain('Read by partner school')
    await expect(card(northPage).innerText()).resolves.not.toContain('Received by partner school')
  })
})
