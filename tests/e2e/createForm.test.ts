/**
 * The create form, as a person who presses Create too early meets it: every empty field says what
 * is missing, the form says to check the marked fields (read out as an alert), the focus is on the
 * first field with a problem, and nothing is created until the fields are filled in.
 */
import { describe, expect, it } from 'vitest'
import { addPerson, openApp, twoPhones } from './browser'

const phones = twoPhones('sb-e2e-create-form')

describe('creating a partnership with fields left empty', () => {
  it('marks each empty field, says so at the form, focuses the first, and creates once they are filled', async () => {
    const page = await phones.north.newPage()
    await openApp(page, phones.relay.httpUrl)
    await page.getByRole('button', { name: 'Create partnership' }).click()
    await addPerson(page.getByRole('main'), 'An')
    await page.getByLabel('Partnership name').waitFor()
    await page.getByLabel('Our school').fill('Sint-Jan Gent')
    await page.getByRole('button', { name: 'Create', exact: true }).click()

    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Some fields need a look. Check the marked fields.')
    await expect(page.getByRole('textbox', { name: 'Partnership name' }).getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(page.getByRole('textbox', { name: 'Partner school' }).getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(page.getByRole('textbox', { name: 'Our school' }).getAttribute('aria-invalid')).resolves.toBeNull()
    await expect(page.locator('.field-error').allInnerTexts()).resolves.toEqual(['Fill in a name.', 'Fill in a name.'])
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('create-name')
    expect(await page.evaluate(() => window.location.hash)).toBe('#/create')

    await page.getByLabel('Partnership name').fill('Gent–Huye')
    await page.getByLabel('Partner school').fill('GS Huye')
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    await expect.poll(() => page.evaluate(() => window.location.hash), { timeout: 10_000 }).toMatch(/^#\/p\//)
    await page.getByRole('heading', { name: 'Gent–Huye', level: 1 }).waitFor({ timeout: 10_000 })
    await page.close()
  })
})
