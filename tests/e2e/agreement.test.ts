/**
 * The partnership agreement, end to end: the text is written on one phone, each head signs on
 * their own school's phone, the signed version is frozen, and it stays as it was signed when the
 * draft is edited afterwards (the edit makes the signatures "an earlier text").
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { goToPage, partnersOnTwoPhones, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-agreement')
let northPage: Page
let southPage: Page

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'
const GOALS = 'Pupils of both schools learn about each other’s lives.'

async function goToAgreement(page: Page): Promise<void> {
  await goToPage(page, 'Agreement')
  await page.getByRole('heading', { name: 'Partnership agreement', level: 2 }).waitFor()
}

describe('the partnership agreement on two phones', () => {
  it('both heads sign, one on each phone, and the frozen version survives a later edit', async () => {
    const both = await partnersOnTwoPhones(phones, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    northPage = both.north
    southPage = both.south
    await goToAgreement(southPage)

    await goToAgreement(northPage)
    await northPage.getByLabel('Name of the partnership').fill('Two schools, one story')
    await northPage.getByLabel('Goals').fill(GOALS)
    await northPage.getByLabel('Review every (months)').fill('12')
    await northPage.getByRole('button', { name: 'Save agreement' }).click()
    await northPage.getByLabel('Name of the head').fill('An Peeters')
    await northPage.getByRole('button', { name: `Sign for ${NORTH}` }).click()
    const northSignatures = northPage.getByRole('region', { name: 'Signatures' })
    await expect.poll(() => northSignatures.innerText()).toContain('Signed by An Peeters')
    await waitForSynced(northPage)

    await expect.poll(() => southPage.getByLabel('Goals').inputValue(), { timeout: 20_000 }).toBe(GOALS)
    await southPage.getByLabel('Name of the head').fill('Jean Mugabo')
    await southPage.getByRole('button', { name: `Sign for ${SOUTH}` }).click()
    await waitForSynced(southPage)

    // the north phone sees both signatures after the sync and shows the signed version
    const versions = northPage.getByRole('region', { name: 'Signed versions' })
    await expect.poll(() => versions.innerText(), { timeout: 20_000 }).toMatch(/Signed version of/)
    await expect(versions.innerText()).resolves.toContain(GOALS)
    await expect(versions.innerText()).resolves.toMatch(/Next review:/)
    await expect(northSignatures.innerText()).resolves.toContain('Both heads signed this text')

    // a later edit of the draft: the signatures now belong to an earlier text, the version stays
    await northPage.getByLabel('Goals').fill(`${GOALS} And their teachers too.`)
    await northPage.getByRole('button', { name: 'Save agreement' }).click()
    await expect.poll(() => northSignatures.innerText()).toContain('signed an earlier text')
    await expect(versions.innerText()).resolves.toContain(GOALS)
    await expect(versions.innerText()).resolves.not.toContain('And their teachers too.')
    await waitForSynced(northPage)
    const southVersions = southPage.getByRole('region', { name: 'Signed versions' })
    await expect.poll(() => southPage.getByRole('region', { name: 'Signatures' }).innerText(), { timeout: 20_000 }).toContain('signed an earlier text')
    await expect(southVersions.innerText()).resolves.toContain(GOALS)
    await expect(southVersions.innerText()).resolves.not.toContain('And their teachers too.')
    expect((await southVersions.innerText()).match(/Signed version of/g)?.length).toBe(1)

    // printable: the signed version on paper
    await northPage.getByRole('link', { name: /Print the signed version of/ }).click()
    await northPage.getByRole('heading', { name: 'Two schools, one story', level: 2 }).waitFor()
    await expect(northPage.getByRole('main').innerText()).resolves.toContain('Signed by both heads')
    await expect(northPage.getByRole('main').innerText()).resolves.not.toContain('And their teachers too.')
  })

  it('a wrong number is shown at its field when it is left, without pulling the focus back; Save then moves the focus to it', async () => {
    await goToAgreement(northPage)
    const review = northPage.getByLabel('Review every (months)')
    await review.fill('twelve')
    await review.press('Tab')
    await northPage.getByText('Enter a whole number of months, from 0 to 60.').waitFor()
    // the person went on to the next control and stays there
    await expect.poll(() => northPage.evaluate(() => document.activeElement?.id ?? '')).not.toBe('agreement-reviewEveryMonths')
    await northPage.getByRole('button', { name: 'Save agreement' }).click()
    await expect.poll(() => northPage.evaluate(() => document.activeElement?.id ?? '')).toBe('agreement-reviewEveryMonths')
    await review.fill('12')
    await northPage.getByRole('button', { name: 'Save agreement' }).click()
    await expect.poll(() => northPage.getByText('Enter a whole number of months, from 0 to 60.').count()).toBe(0)
  })
})
