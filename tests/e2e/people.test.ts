/**
 * People on a shared phone: the partner school's phone joins and is asked at once for its school
 * and its person; two teachers (Amani, Béatrice) take turns on it with "Switch person", each edit
 * shows who made it on both phones, a PIN guards Béatrice's name, a phone left alone locks, and a
 * letter draft stays with the teacher who writes it.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { activityInPlan, addActivity, addPerson, createOn, goTo, inviteCode, joinPartnership, openActivity, openApp, twoPhones, waitForSynced } from './browser'

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'

const phones = twoPhones('sb-e2e-people')
let northPage: Page
let southPage: Page

function header(page: Page) {
  return page.getByRole('banner')
}

function dialog(page: Page) {
  return page.getByRole('dialog')
}

async function switchTo(page: Page, name: string): Promise<void> {
  await header(page).getByRole('button', { name: 'Switch person', exact: true }).click()
  await dialog(page).getByRole('button', { name, exact: true }).click()
}

async function lastChangedOf(page: Page, title: string): Promise<string> {
  await openActivity(page, title)
  const line = page.getByRole('main').getByText(/^Last changed by /)
  await line.waitFor()
  return line.innerText()
}

async function goToLetters(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
  await page.getByRole('heading', { name: 'Letters', level: 2 }).waitFor()
}

async function writeDraft(page: Page, subject: string): Promise<void> {
  await goToLetters(page)
  await page.getByRole('button', { name: 'Write a letter' }).click()
  await page.getByLabel('Subject', { exact: true }).fill(subject)
  await expect.poll(() => page.getByText('Draft saved').count()).toBeGreaterThan(0)
  await page.getByRole('link', { name: 'All letters' }).click()
  await page.getByRole('heading', { name: 'Letters', level: 2 }).waitFor()
}

function draftNames(page: Page): Promise<string[]> {
  return page.getByRole('region', { name: 'Drafts on this device' }).getByRole('link').allInnerTexts()
}

describe('several people on one phone', () => {
  it('a phone that joins is asked at once which school it speaks for and who is using it', async () => {
    northPage = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH, person: 'An' })
    await addActivity(northPage, { title: 'Letter exchange' })
    await waitForSynced(northPage)
    const code = await inviteCode(northPage)

    southPage = await phones.south.newPage()
    await openApp(southPage, phones.relay.httpUrl)
    await joinPartnership(southPage, code)
    const step = southPage.getByRole('region', { name: 'Before you start' })
    await step.waitFor({ timeout: 20_000 })
    await step.getByRole('heading', { name: 'Which school does this phone speak for?' }).waitFor()
    await step.getByRole('heading', { name: 'Who is using this phone now?' }).waitFor()
    await step.getByRole('button', { name: `We are ${SOUTH}` }).click()
    await expect.poll(() => step.getByRole('button', { name: `We are ${SOUTH}` }).getAttribute('aria-pressed')).toBe('true')
    await addPerson(step, 'Amani')
    await step.waitFor({ state: 'detached' })
    await southPage.getByRole('heading', { name: 'This week', level: 2 }).waitFor()
    await expect.poll(() => header(southPage).innerText()).toContain('Amani')
  })

  it('two people take turns; each edit shows who made it, on both phones', async () => {
    await openActivity(southPage, 'Letter exchange')
    await southPage.getByLabel('Title').fill('Letter exchange, P5')
    await southPage.getByRole('button', { name: 'Save' }).click()
    await activityInPlan(southPage, 'Letter exchange, P5').waitFor()

    await header(southPage).getByRole('button', { name: 'Switch person', exact: true }).click()
    await dialog(southPage).getByRole('heading', { name: 'Who is using this phone?' }).waitFor()
    await addPerson(dialog(southPage), 'Béatrice', 'Head')
    await dialog(southPage).waitFor({ state: 'hidden' })
    await expect.poll(() => header(southPage).innerText()).toContain('Béatrice')
    await addActivity(southPage, { title: 'School garden' })

    await waitForSynced(southPage)
    await waitForSynced(northPage)
    for (const page of [southPage, northPage]) {
      await expect.poll(() => lastChangedOf(page, 'Letter exchange, P5'), { timeout: 20_000 }).toMatch(/^Last changed by Amani,/)
      await expect.poll(() => lastChangedOf(page, 'School garden'), { timeout: 20_000 }).toMatch(/^Last changed by Béatrice,/)
    }
  })

  it('Béatrice sets a PIN; switching back to her asks for it', async () => {
    await header(southPage).getByRole('button', { name: 'Switch person', exact: true }).click()
    const people = dialog(southPage)
    await expect.poll(() => people.innerText()).toContain('does not lock or encrypt what is on this phone')
    await people.getByRole('button', { name: 'Set a PIN', exact: true }).click()
    await people.getByLabel('New PIN').fill('2580')
    await people.getByLabel('The same PIN again').fill('2590')
    await people.getByRole('button', { name: 'Save PIN' }).click()
    await expect.poll(() => people.innerText()).toContain('The two PINs are not the same.')
    await people.getByLabel('The same PIN again').fill('2580')
    await people.getByRole('button', { name: 'Save PIN' }).click()
    await expect.poll(() => people.innerText()).toContain('PIN saved.')
    await people.getByRole('button', { name: 'Amani', exact: true }).click()
    await people.waitFor({ state: 'hidden' })
    await expect.poll(() => header(southPage).innerText()).toContain('Amani')

    await switchTo(southPage, 'Béatrice')
    await people.getByLabel('PIN', { exact: true }).fill('1111')
    await people.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => people.getByRole('alert').innerText()).toContain('That PIN is not right.')
    await expect.poll(() => header(southPage).innerText()).toContain('Amani')
    await people.getByLabel('PIN', { exact: true }).fill('2580')
    await people.getByRole('button', { name: 'Continue' }).click()
    await people.waitFor({ state: 'hidden' })
    await expect.poll(() => header(southPage).innerText()).toContain('Béatrice')
  })

  it('a letter draft stays with the person who writes it', async () => {
    await switchTo(southPage, 'Amani')
    await writeDraft(southPage, 'Draft of Amani')
    await expect.poll(() => draftNames(southPage)).toEqual(['Draft of Amani'])

    await switchTo(southPage, 'Béatrice')
    await dialog(southPage).getByLabel('PIN', { exact: true }).fill('2580')
    await dialog(southPage).getByRole('button', { name: 'Continue' }).click()
    await writeDraft(southPage, 'Draft of Béatrice')
    await expect.poll(() => draftNames(southPage)).toEqual(['Draft of Béatrice'])
  })

  it('left unused for ten minutes, the phone asks for Béatrice’s PIN; what she was typing is still there', async () => {
    await openActivity(southPage, 'School garden')
    await southPage.getByLabel('Description').fill('Half written, not saved yet')
    await southPage.clock.install()
    await southPage.clock.fastForward('11:00')
    // the screen comes back on
    await southPage.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
    const lock = dialog(southPage)
    await lock.getByRole('heading', { name: 'Is this still Béatrice?' }).waitFor()
    await lock.getByLabel('PIN', { exact: true }).fill('2580')
    await lock.getByRole('button', { name: 'Unlock' }).click()
    await lock.waitFor({ state: 'hidden' })
    await expect.poll(() => southPage.getByLabel('Description').inputValue()).toBe('Half written, not saved yet')
    await goTo(southPage, 'Settings')
    await southPage.getByRole('region', { name: 'People on this phone' }).waitFor()
  })
})
