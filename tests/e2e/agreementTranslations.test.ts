/**
 * The partnership agreement in two languages, on two phones: the north school writes it in Dutch,
 * the partner adds a French translation and its head signs the French text; the north head signs
 * the Dutch original, which freezes the version with both texts. Then the original changes: the
 * French translation says it is out of date, and the French signature no longer counts (it says
 * which text was signed, and that it changed). The printed signed version shows Dutch and French
 * side by side on A4, each column with its section headings in its own language. A head whose name
 * is in Arabic script signs: in the English sentence her name is isolated, so the date stays after it.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { goToPage, partnersOnTwoPhones, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-agreement-languages')

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'
const GOALS_NL = 'De leerlingen van beide scholen leren elkaars leven kennen.'
const GOALS_FR = 'Les élèves des deux écoles découvrent la vie les uns des autres.'
const COMMUNICATION_NL = 'Elke maand een videogesprek.'
const COMMUNICATION_FR = 'Un appel vidéo chaque mois.'

async function goToAgreement(page: Page): Promise<void> {
  await goToPage(page, 'Agreement')
  await page.getByRole('heading', { name: 'Partnership agreement', level: 2 }).waitFor()
}

describe('the partnership agreement in Dutch and French', () => {
  it('a head signs the French translation; when the Dutch original changes, the translation is out of date and the signature does not count; printed side by side on A4', async () => {
    const { north, south } = await partnersOnTwoPhones(phones, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    await goToAgreement(north)
    await goToAgreement(south)

    // the north school writes the agreement in Dutch
    await north.getByLabel('Language of the agreement').selectOption({ label: 'Dutch' })
    await north.getByLabel('Name of the partnership').fill('Twee scholen, één verhaal')
    await north.getByLabel('Goals').fill(GOALS_NL)
    await north.getByLabel('How we communicate').fill(COMMUNICATION_NL)
    await north.getByRole('button', { name: 'Save agreement' }).click()
    await waitForSynced(north)

    // the partner adds a French translation, with its translator
    await expect.poll(() => south.getByLabel('Goals', { exact: true }).inputValue(), { timeout: 20_000 }).toBe(GOALS_NL)
    const southTranslations = south.getByRole('region', { name: 'Translations' })
    await southTranslations.getByRole('button', { name: 'Add a translation' }).click()
    await southTranslations.getByLabel('Language of the translation').selectOption({ label: 'French' })
    await southTranslations.getByLabel('Translated by').fill('Marie Uwase')
    await southTranslations.getByLabel('Name of the partnership (French)').fill('Deux écoles, une histoire')
    await southTranslations.getByLabel('Goals (French)').fill(GOALS_FR)
    await southTranslations.getByLabel('How we communicate and decide (French)').fill(COMMUNICATION_FR)
    await southTranslations.getByRole('button', { name: 'Save translation' }).click()
    const french = southTranslations.getByRole('article', { name: 'Translation · French' })
    await expect.poll(() => french.innerText()).toContain(GOALS_FR)
    await expect(french.innerText()).resolves.toContain('translated by Marie Uwase')

    // the partner's head signs the French text
    await south.getByLabel('Name of the head').fill('Jean Mugabo')
    await south.getByLabel('Text you sign').selectOption({ label: 'Translation · French' })
    await south.getByRole('button', { name: `Sign for ${SOUTH}` }).click()
    const southSignatures = south.getByRole('region', { name: 'Signatures' })
    await expect.poll(() => southSignatures.innerText()).toMatch(/Signed by Jean Mugabo on .+ \(French text\)/)
    await waitForSynced(south)

    // the north head signs the Dutch original: both signed, the version is frozen with both texts
    const northSignatures = north.getByRole('region', { name: 'Signatures' })
    await expect.poll(() => northSignatures.innerText(), { timeout: 20_000 }).toMatch(/Signed by Jean Mugabo on .+ \(French text\)/)
    await north.getByLabel('Name of the head').fill('An Peeters')
    await north.getByRole('button', { name: `Sign for ${NORTH}` }).click()
    await expect.poll(() => northSignatures.innerText()).toMatch(/Signed by An Peeters on .+ \(Dutch text\)/)
    await expect.poll(() => northSignatures.innerText()).toContain('Both heads signed this text')
    const versions = north.getByRole('region', { name: 'Signed versions' })
    await expect.poll(() => versions.innerText()).toContain(GOALS_FR)
    await waitForSynced(north)

    // the Dutch original changes: the French translation is out of date, its signature does not count
    await north.getByLabel('Goals', { exact: true }).fill(`${GOALS_NL} En hun leraren ook.`)
    await north.getByRole('button', { name: 'Save agreement' }).click()
    await expect.poll(() => north.getByRole('article', { name: 'Translation · French' }).innerText()).toContain('Out of date: the original changed')
    await expect.poll(() => northSignatures.innerText()).toMatch(/Jean Mugabo signed the French text of .+; the text has changed since/)
    await expect(northSignatures.innerText()).resolves.not.toContain('Both heads signed this text')
    await waitForSynced(north)
    await expect.poll(() => french.innerText(), { timeout: 20_000 }).toContain('Out of date: the original changed')
    await expect.poll(() => southSignatures.innerText()).toMatch(/Jean Mugabo signed the French text of .+; the text has changed since/)
    await expect(southSignatures.innerText()).resolves.not.toMatch(/Signed by Jean Mugabo/)
    // an out-of-date translation cannot be signed: only the original is offered
    await expect(south.getByLabel('Text you sign').count()).resolves.toBe(0)

    // on paper: the signed version, Dutch and French side by side, on A4
    await north.getByRole('link', { name: /Print the signed version of/ }).click()
    await north.getByRole('heading', { name: 'Twee scholen, één verhaal', level: 2 }).waitFor()
    const main = north.getByRole('main')
    await expect(main.innerText()).resolves.toContain('Original · Dutch')
    await expect(main.innerText()).resolves.toContain('Translation · French · translated by Marie Uwase')
    await expect(main.innerText()).resolves.not.toContain('En hun leraren ook.')
    // each column's headings in its own language, marked with it, though the interface is English
    const dutchColumn = main.locator('[lang="nl"][dir="ltr"]')
    const frenchColumn = main.locator('[lang="fr"][dir="ltr"]')
    await expect.poll(() => frenchColumn.getByRole('heading', { name: 'Objectifs', exact: true, level: 3 }).count()).toBe(1)
    await expect(frenchColumn.getByRole('heading', { name: 'Comment nous communiquons et décidons', level: 3 }).count()).resolves.toBe(1)
    await expect(dutchColumn.getByRole('heading', { name: 'Doelen', exact: true, level: 3 }).count()).resolves.toBe(1)
    await expect(main.getByRole('heading', { name: 'Goals', exact: true }).count()).resolves.toBe(0)
    await expect(north.getByRole('button', { name: 'Print', exact: true }).isEnabled()).resolves.toBe(true)
    await north.setViewportSize({ width: 794, height: 1123 })
    await north.emulateMedia({ media: 'print' })
    const dutch = await main.getByText(GOALS_NL, { exact: true }).boundingBox()
    const frenchGoals = await main.getByText(GOALS_FR, { exact: true }).boundingBox()
    expect(dutch && frenchGoals).toBeTruthy()
    // one row, two columns: the same top, the French column after the Dutch one, neither wider than half the page
    expect(Math.abs(dutch!.y - frenchGoals!.y)).toBeLessThan(2)
    expect(frenchGoals!.x).toBeGreaterThanOrEqual(dutch!.x + dutch!.width)
    expect(dutch!.width).toBeLessThan(794 / 2)
    const pdf = (await north.pdf({ preferCSSPageSize: true })).toString('latin1')
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf)
    // A4 is 595.28 × 841.89 points
    expect(Math.abs(Number(box?.[1]) - 595.28)).toBeLessThan(2)
    expect(Math.abs(Number(box?.[2]) - 841.89)).toBeLessThan(2)
    await north.emulateMedia({ media: 'screen' })
    await north.setViewportSize({ width: 360, height: 740 })

    // a head whose name is in Arabic script signs the original: in the sentence her name is isolated
    // (first strong isolate … pop), so "on <date>" is not pulled into the right-to-left run before it
    await south.getByLabel('Name of the head').fill('فاطمة الزهراء')
    await south.getByRole('button', { name: `Sign for ${SOUTH}` }).click()
    const southText = (): Promise<string> => southSignatures.evaluate((e) => e.textContent ?? '')
    await expect.poll(southText).toContain('Signed by \u2068فاطمة الزهراء\u2069 on ')
    // a Latin name stays exactly as it was
    await expect(southText()).resolves.not.toMatch(/[\u2066-\u2069]Sint-Jan|[\u2066-\u2069]An Peeters/)
  })
})
