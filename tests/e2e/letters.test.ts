/**
 * Letters between two schools, end to end: a letter with a photo written offline on one phone
 * arrives on the other, where the photo is shown only after "Load photo"; the writer's phone says
 * "Read by partner school" once a person on the partner's phone opened it (receipts.test.ts has
 * "Received" before that); a translation made on the
 * partner's phone is marked out of date there after the writer changes the original. The built
 * app, served by the real relay; two browser contexts as two phones.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { goTo, partnersOnTwoPhones, syncStatus, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-letters')
let northPage: Page
let southPage: Page

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'
const SUBJECT = 'Our school garden'
const BODY = 'Dear friends, we planted beans and tomatoes this week.'

// a 16×12 PNG: enough for the photo pipeline (decode, resize, store)
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAABU0lEQVR4nA3LIQHFIBRAUSIgCDCJJACCCC/CBAGQVy4AgggvwgQBJpEEQBCBCP8ff4wxWMNlCIZkEMNtKIbH0AxqeA2fYRq24RiMcVjH5QiO5BDH7SiOx9Ec6ngdn2M6tuO4f/BYz+UJnuQRz+0pnsfTPOp5PZ9nerbn+H+I2MgVCZEUkcgdKZEn0iIaeSNfZEZ25MR/EKxwCUFIggi3UIRHaIIKr/AJU9jCkX/I2MyVCZmUkcydKZkn0zKaeTNfZmZ25uR/AAsXBEggcEOBBxoovPDBhA2Hf6jYylUJlVSRyl0plafSKlp5K19lVnbl1H9QrHIpQUmKKLdSlEdpiiqv8ilT2crRf+jYztUJndSRzt0pnafTOtp5O19ndnbn9H8Y2ME1CIM0kME9KINn0AY6eAffYA724Ix/WNjFtQiLtJDFvSiLZ9EWungX32Iu9uIsflUEBpBsGbC5AAAAAElFTkSuQmCC',
  'base64',
)

async function goToLetters(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
  await page.getByRole('heading', { name: 'Letters', level: 2 }).waitFor()
}

function letterCard(page: Page, heading: string) {
  return page.getByRole('article', { name: heading })
}

describe('letters between two phones', () => {
  it('both phones open the partnership and know their school', async () => {
    const both = await partnersOnTwoPhones(phones, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    northPage = both.north
    southPage = both.south
    await goToLetters(southPage)
    await waitForSynced(southPage)
  })

  it('a letter with a photo written offline is received on the other phone, the photo shown after Load photo', async () => {
    await phones.north.setOffline(true)
    await goToLetters(northPage)
    await northPage.getByRole('button', { name: 'Write a letter' }).click()
    await northPage.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
    await northPage.getByLabel('Class or person writing').fill('Class 5B')
    await northPage.getByLabel('Class or person it is for').fill('P5')
    await northPage.getByLabel('Language of the letter').selectOption('en')
    await northPage.getByLabel('Subject').fill(SUBJECT)
    await northPage.getByLabel('Letter', { exact: true }).fill(BODY)
    // the draft is kept on this device as it is typed
    await expect.poll(() => northPage.getByText('Draft saved on this device.').isVisible()).toBe(true)
    await northPage.getByLabel('Add photo').setInputFiles({ name: 'garden.png', mimeType: 'image/png', buffer: PNG })
    await northPage.getByText(/Photo 1 ·/).waitFor({ timeout: 15_000 })
    await northPage.getByLabel('Who', { exact: true }).fill(SOUTH)
    await northPage.getByLabel('What', { exact: true }).fill('Answer with a drawing of the school')
    await northPage.getByRole('button', { name: 'Send' }).click()
    const card = letterCard(northPage, `Letter from Class 5B, ${NORTH}`)
    await card.waitFor()
    await expect(card.innerText()).resolves.toContain('Saved on this device')
    await expect.poll(() => syncStatus(northPage).innerText(), { timeout: 15_000 }).toMatch(/^Offline/)

    await phones.north.setOffline(false)
    await waitForSynced(northPage)
    await expect.poll(() => card.innerText(), { timeout: 20_000 }).toMatch(/On the relay|Received by partner school/)

    // before anyone opens the letter, Settings already counts its photo as waiting to be received
    await goTo(southPage, 'Settings')
    await expect.poll(() => southPage.getByTestId('photos-waiting').innerText(), { timeout: 20_000 }).toMatch(/^Waiting to be sent: 0 kB · Waiting to be received: [1-9]\d* kB$/)
    await goToLetters(southPage)
    await southPage.getByRole('link', { name: SUBJECT }).click()
    const received = letterCard(southPage, `Letter from Class 5B, ${NORTH}`)
    await expect.poll(() => received.innerText(), { timeout: 20_000 }).toContain(BODY)
    // the photo is not downloaded until asked for
    await expect(received.getByRole('img').count()).resolves.toBe(0)
    await received.getByRole('button', { name: /Load photo/ }).click()
    await expect.poll(() => received.getByRole('img').count(), { timeout: 20_000 }).toBe(1)
  })

  it("says Read by partner school on the writer's phone after the letter was opened on the partner's phone", async () => {
    const card = letterCard(northPage, `Letter from Class 5B, ${NORTH}`)
    await expect.poll(() => card.innerText(), { timeout: 30_000 }).toContain('Read by partner school')
  })

  it('marks a translation out of date on the other phone after the original changes', async () => {
    const received = letterCard(southPage, `Letter from Class 5B, ${NORTH}`)
    await received.getByRole('button', { name: `Add translation of “${SUBJECT}”` }).click()
    await received.getByLabel('Language of the translation').selectOption('fr')
    await received.getByLabel('Translated by').fill('Mr Habimana')
    await received.getByLabel('Subject in translation').fill('Notre jardin')
    await received.getByLabel('Translation', { exact: true }).fill('Chers amis, nous avons planté des haricots et des tomates cette semaine.')
    await received.getByRole('button', { name: 'Save translation' }).click()
    // on a phone one text at a time, with a switch of languages
    const french = received.getByRole('button', { name: /^French/ })
    await french.waitFor()
    await expect(french.getAttribute('aria-pressed')).resolves.toBe('false')
    await expect(received.getByRole('region', { name: 'Translation · French' }).isVisible()).resolves.toBe(false)
    await waitForSynced(southPage)

    const card = letterCard(northPage, `Letter from Class 5B, ${NORTH}`)
    // the translation arrived: the writer's phone offers it in the switch
    await card.getByRole('button', { name: /^French/ }).waitFor({ timeout: 20_000 })
    await card.getByRole('button', { name: `Edit letter: “${SUBJECT}”` }).click()
    await card.getByLabel('Letter', { exact: true }).fill(`${BODY} And carrots.`)
    await card.getByRole('button', { name: 'Save letter' }).click()
    await waitForSynced(northPage)

    // the switch says so while the original is shown; the translation itself says it clearly
    await expect.poll(() => french.innerText(), { timeout: 20_000 }).toContain('Translation out of date')
    await french.click()
    await expect(french.getAttribute('aria-pressed')).resolves.toBe('true')
    await expect(received.getByRole('region', { name: 'Translation · French' }).isVisible()).resolves.toBe(true)
    await expect(received.getByRole('region', { name: 'Original · English' }).isVisible()).resolves.toBe(false)
    await expect(received.innerText()).resolves.toContain('Out of date: the original changed')
    await received.getByRole('button', { name: `Update translation: French, “${SUBJECT}”` }).waitFor()
    await received.getByRole('button', { name: `Still correct: French translation of “${SUBJECT}”` }).click()
    await expect.poll(() => received.innerText()).not.toContain('Out of date')

    // on a laptop original and translation stand side by side
    await southPage.setViewportSize({ width: 1280, height: 800 })
    const original = await received.getByRole('region', { name: 'Original · English' }).boundingBox()
    const translation = await received.getByRole('region', { name: 'Translation · French' }).boundingBox()
    expect(original && translation && Math.abs(original.y - translation.y) < 2 && translation.x >= original.x + original.width).toBe(true)
  })
})
