/**
 * Sync by file, end to end: two phones that joined a partnership and then never reach the relay
 * exchange a letter and an activity edit in both directions with "Share changes as a file" (a
 * download: these phones have no share sheet), one way with "Open a changes file", the other as a
 * file shared to the app (the manifest's share target); each says what arrived and shows it, the
 * photo of a letter too. A file that is not a changes file is refused with its reason. The
 * writer's letter reads "Received by partner school" once the partner's return file is opened, and
 * the partner's own change to an activity shows no delivery state here. Then one phone
 * reaches the relay, and a third phone that joins sees everything, the other phone's changes too.
 * The built app, served by the real relay; browser contexts as phones.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { activityInPlan, addActivity, goTo, goToPage, inviteCode, joinOn, openActivity, partnersOnTwoPhones, phone, syncStatus, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-changes-file')
let northPage: Page
let southPage: Page
let code: string

const NORTH = 'Sint-Jan Gent'
const SOUTH = 'GS Huye'

/** These phones have no share sheet (as a laptop without one): the file is downloaded. */
async function withoutShareSheet(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'canShare', { value: undefined, configurable: true })
    Object.defineProperty(Navigator.prototype, 'share', { value: undefined, configurable: true })
  })
}

async function goToLetters(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
  await page.getByRole('heading', { name: 'Letters', level: 2 }).waitFor()
}

// a 16×12 PNG (the app re-encodes it as JPEG or WebP)
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAABU0lEQVR4nA3LIQHFIBRAUSIgCDCJJACCCC/CBAGQVy4AgggvwgQBJpEEQBCBCP8ff4wxWMNlCIZkEMNtKIbH0AxqeA2fYRq24RiMcVjH5QiO5BDH7SiOx9Ec6ngdn2M6tuO4f/BYz+UJnuQRz+0pnsfTPOp5PZ9nerbn+H+I2MgVCZEUkcgdKZEn0iIaeSNfZEZ25MR/EKxwCUFIggi3UIRHaIIKr/AJU9jCkX/I2MyVCZmUkcydKZkn0zKaeTNfZmZ25uR/AAsXBEggcEOBBxoovPDBhA2Hf6jYylUJlVSRyl0plafSKlp5K19lVnbl1H9QrHIpQUmKKLdSlEdpiiqv8ilT2crRf+jYztUJndSRzt0pnafTOtp5O19ndnbn9H8Y2ME1CIM0kME9KINn0AY6eAffYA724Ix/WNjFtQiLtJDFvSiLZ9EWungX32Iu9uIsflUEBpBsGbC5AAAAAElFTkSuQmCC',
  'base64',
)

async function writeLetter(page: Page, from: string, subject: string, body: string, withPhoto = false): Promise<void> {
  await goToLetters(page)
  await page.getByRole('button', { name: 'Write a letter' }).click()
  await page.getByRole('heading', { name: 'Write a letter', level: 2 }).waitFor()
  await page.getByLabel('Class or person writing').fill(from)
  await page.getByLabel('Class or person it is for').fill('Everyone')
  await page.getByLabel('Language of the letter').selectOption('en')
  await page.getByLabel('Subject').fill(subject)
  await page.getByLabel('Letter', { exact: true }).fill(body)
  if (withPhoto) {
    await page.getByLabel('Add photo').setInputFiles({ name: 'garden.png', mimeType: 'image/png', buffer: PNG })
    await page.getByText(/Photo 1 ·/).waitFor({ timeout: 15_000 })
  }
  await page.getByRole('button', { name: 'Send' }).click()
  await page.getByRole('article', { name: new RegExp(`^Letter from ${from}`) }).waitFor()
}

async function renameActivity(page: Page, from: string, to: string): Promise<void> {
  await openActivity(page, from)
  await page.getByLabel('Title').fill(to)
  await page.getByRole('button', { name: 'Save' }).click()
  await goTo(page, 'Action plan')
  await activityInPlan(page, to).waitFor()
}

/** "Share changes as a file" on the "Changes by file" page; returns the downloaded file. */
async function shareChanges(page: Page, photos?: RegExp): Promise<{ name: string; buffer: Buffer }> {
  await goToPage(page, 'Changes by file')
  const main = page.getByRole('main')
  if (photos) {
    const before = await main.getByTestId('changes-file-size').innerText()
    await main.getByRole('checkbox', { name: photos }).check()
    // the photos' size is added before sharing
    await expect.poll(() => main.getByTestId('changes-file-size').innerText()).not.toBe(before)
  }
  // the size is shown before sharing
  await expect.poll(() => main.getByTestId('changes-file-size').innerText()).toMatch(/^File size: \d+ kB$/)
  const download = page.waitForEvent('download')
  await main.getByRole('button', { name: 'Share changes as a file' }).click()
  const file = await download
  const path = await file.path()
  await expect.poll(() => main.getByRole('status').filter({ hasText: /is in this device's downloads/ }).count()).toBe(1)
  return { name: file.suggestedFilename(), buffer: await readFile(path) }
}

/** "Open a changes file" with `file`; returns what the page says. */
async function openChanges(page: Page, file: { name: string; buffer: Buffer; mimeType?: string }): Promise<string> {
  await goToPage(page, 'Changes by file')
  const main = page.getByRole('main')
  await main.getByRole('button', { name: 'Open a changes file' }).setInputFiles({ name: file.name, mimeType: file.mimeType ?? 'application/json', buffer: file.buffer })
  const said = main.getByTestId('changes-file-opened')
  await expect.poll(() => said.innerText(), { timeout: 15_000 }).not.toBe('')
  return said.innerText()
}

/**
 * What a phone does when a file is shared to the installed app: a navigation that POSTs it as
 * multipart/form-data to the manifest's share_target action (answered by the service worker).
 */
async function openShared(page: Page, file: { name: string; buffer: Buffer }): Promise<string> {
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json() as Promise<{ share_target: { action: string; method: string; enctype: string; params: { files: { name: string; accept: string[] }[] } } }>)
  const target = manifest.share_target
  expect(target).toMatchObject({ method: 'POST', enctype: 'multipart/form-data' })
  expect(target.params.files[0]!.accept).toContain('.json')
  await page.evaluate((t) => {
    const form = document.createElement('form')
    form.method = t.method
    form.enctype = t.enctype
    form.action = t.action
    const input = document.createElement('input')
    input.type = 'file'
    input.name = t.params.files[0]!.name
    input.id = 'shared-file'
    form.append(input)
    document.body.append(form)
  }, target)
  await page.locator('#shared-file').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: file.buffer })
  await page.evaluate(() => (document.querySelector('#shared-file') as HTMLInputElement).form!.submit())
  const said = page.getByRole('main').getByTestId('changes-file-opened')
  await expect.poll(() => said.innerText().catch(() => ''), { timeout: 20_000 }).not.toBe('')
  return said.innerText()
}

describe('sync by file, without the relay', () => {
  it('both phones join and hold the same activity, then lose the relay', async () => {
    await withoutShareSheet(phones.north)
    await withoutShareSheet(phones.south)
    const both = await partnersOnTwoPhones(phones, { name: 'Gent–Huye', ours: NORTH, partner: SOUTH })
    northPage = both.north
    southPage = both.south
    code = await inviteCode(northPage)
    await addActivity(northPage, { title: 'Football match' })
    await waitForSynced(northPage)
    await goTo(southPage, 'Action plan')
    await activityInPlan(southPage, 'Football match').waitFor({ timeout: 20_000 })
    await waitForSynced(southPage)
    await phones.north.setOffline(true)
    await phones.south.setOffline(true)
    await expect.poll(() => syncStatus(northPage).innerText()).toMatch(/^Offline/)
    await expect.poll(() => syncStatus(southPage).innerText()).toMatch(/^Offline/)
  })

  it('a letter and an activity edit go from north to south by file', async () => {
    await writeLetter(northPage, 'Class 5B', 'Our school garden', 'We planted beans this week.', true)
    await renameActivity(northPage, 'Football match', 'Football match in May')
    // a line under the header offers the way by file while the relay cannot be reached
    await expect(northPage.getByRole('main').getByRole('link', { name: 'Changes by file' }).count()).resolves.toBe(1)
    const file = await shareChanges(northPage, /^Include 1 photo \(\d+ kB\)$/)
    expect(file.name).toMatch(/^scholenband-.+\.json$/)

    const said = await openChanges(southPage, file)
    expect(said).toMatch(/^1 letter, 1 activity changed\. 1 photo arrived\./)
    // what came by file waits for the relay like an edit made offline
    await expect.poll(() => syncStatus(southPage).innerText()).toMatch(/^Offline · \d+ changes? saved on this device/)
    await goToLetters(southPage)
    await southPage.getByRole('link', { name: 'Our school garden' }).click()
    const letter = southPage.getByRole('article', { name: `Letter from Class 5B, ${NORTH}` })
    await expect.poll(() => letter.innerText()).toContain('We planted beans this week.')
    // the photo came in the file: shown at once, with no relay to load it from
    await expect.poll(() => letter.getByRole('img').count(), { timeout: 10_000 }).toBe(1)
    await goTo(southPage, 'Action plan')
    await activityInPlan(southPage, 'Football match in May').waitFor()
  })

  it('a file that is not a changes file is refused and changes nothing', async () => {
    const said = await openChanges(southPage, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('See you on Friday!') })
    expect(said).toBe('This is not a Scholenband changes file. Nothing was changed.')
    await expect(southPage.getByRole('main').getByRole('alert').innerText()).resolves.toBe(said)
  })

  it('a letter and an activity edit go back from south to north by file, only what is new', async () => {
    await writeLetter(southPage, 'P5', 'Bonjour from Huye', 'Our football team is ready.')
    await renameActivity(southPage, 'Football match in May', 'Football match on 12 May')
    await goToPage(southPage, 'Changes by file')
    // south opened a file from north: its file holds only what north did not have
    await expect.poll(() => southPage.getByRole('main').getByText(/^The file holds what your partner school did not have/).count()).toBe(1)
    const file = await shareChanges(southPage)

    // this time it reaches the app as a shared file ("Open with": the manifest's share target)
    const said = await openShared(northPage, file)
    expect(said).toMatch(/^1 letter, 1 activity changed\./)
    expect(new URL(northPage.url()).hash).toMatch(/^#\/p\/[0-9a-z]{26}\/changes-file$/)
    await goToLetters(northPage)
    await northPage.getByRole('link', { name: 'Bonjour from Huye' }).click()
    await expect.poll(() => northPage.getByRole('article', { name: `Letter from P5, ${SOUTH}` }).innerText()).toContain('Our football team is ready.')
    await goTo(northPage, 'Action plan')
    await activityInPlan(northPage, 'Football match on 12 May').waitFor()
  })

  it('at 360 px the header says offline and how many changes wait, in full sight', async () => {
    const header = northPage.getByRole('banner')
    // the short form, "Offline · 3 changes"; the whole sentence stays what the status reads out
    const visible = syncStatus(northPage).getByText(/^Offline · \d+ changes?$/)
    await expect.poll(() => visible.isVisible()).toBe(true)
    await expect(syncStatus(northPage).innerText()).resolves.toMatch(/^Offline · \d+ changes? saved on this device/)
    // not cut: neither an ellipsis nor a clipped line
    const fits = await visible.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight)
    expect(fits).toBe(true)
    const box = await visible.boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(360)
    // the way by file is offered in words under the header, which stays at most 64 px tall
    await expect(northPage.getByRole('main').getByRole('link', { name: 'Changes by file' }).isVisible()).resolves.toBe(true)
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(64)
  })

  it('at 360 px what an opened file brought is brought into sight, clear of the header and the bottom bar, and focused', async () => {
    const file = await shareChanges(northPage)
    await openChanges(southPage, file)
    const said = southPage.getByRole('main').getByTestId('changes-file-opened')
    await expect.poll(() => said.evaluate((el) => el === document.activeElement)).toBe(true)
    const box = (await said.boundingBox())!
    const header = (await southPage.getByRole('banner').boundingBox())!
    const bar = (await southPage.getByRole('navigation', { name: 'Partnership sections' }).boundingBox())!
    expect(box.y).toBeGreaterThanOrEqual(header.y + header.height)
    expect(box.y + box.height).toBeLessThanOrEqual(bar.y)
  })

  it("north's letter reads Received by partner school once south's return file is opened, with no relay", async () => {
    await writeLetter(northPage, 'Class 5B', 'Seeds for your garden', 'We send you bean seeds.')
    const said = await openChanges(southPage, await shareChanges(northPage))
    expect(said).toMatch(/^1 letter changed\./)
    // nobody on south opens the letter; south's return file carries only its receipt
    await openChanges(northPage, await shareChanges(southPage))
    await goToLetters(northPage)
    await northPage.getByRole('link', { name: 'Seeds for your garden' }).click()
    const letter = northPage.getByRole('article', { name: `Letter from Class 5B, ${NORTH}` })
    await expect.poll(() => letter.innerText()).toContain('We send you bean seeds.')
    await expect.poll(() => letter.innerText(), { timeout: 10_000 }).toContain('Received by partner school')
    await expect(letter.innerText()).resolves.not.toContain('Read by partner school')
    await expect(syncStatus(northPage).innerText()).resolves.toMatch(/^Offline/)
  })

  it("south's own change to an activity shows no delivery state on north", async () => {
    // south renamed it last: whether south received its own words is nothing to tell north
    await goTo(northPage, 'Action plan')
    const card = northPage.getByRole('main').locator('.activity-card').filter({ hasText: 'Football match on 12 May' })
    await expect(card.innerText()).resolves.toContain('Football match on 12 May')
    await expect(card.innerText()).resolves.not.toMatch(/Saved on this device|On the relay|Received by partner school|Read by partner school/)
    // once north changes it, it is north's to follow again
    await renameActivity(northPage, 'Football match on 12 May', 'Football match on 19 May')
    const renamed = northPage.getByRole('main').locator('.activity-card').filter({ hasText: 'Football match on 19 May' })
    await expect.poll(() => renamed.innerText()).toContain('Saved on this device')
  })

  it('south\'s return file does not offer back the photo north took, which north\'s last file held', async () => {
    await goToPage(southPage, 'Changes by file')
    const main = southPage.getByRole('main')
    const photos = main.getByRole('checkbox', { name: /^Include \d+ photos?/ })
    // the whole partnership (say, for a reinstalled phone) carries every photo on this phone
    await main.getByRole('checkbox', { name: /whole partnership/ }).check()
    await expect.poll(() => photos.count()).toBe(1)
    // only what is new: north took that photo, and its last file held the letter with it
    await main.getByRole('checkbox', { name: /whole partnership/ }).uncheck()
    await expect.poll(() => photos.count()).toBe(0)
  })

  it('north reaches the relay; a third phone joining sees everything, south\'s changes too', async () => {
    await phones.north.setOffline(false)
    await waitForSynced(northPage)
    const third = await phone(phones.browser)
    try {
      const page = await joinOn(third, phones.relay.httpUrl, code, { school: SOUTH, person: 'Marie' })
      await goTo(page, 'Action plan')
      await activityInPlan(page, 'Football match on 19 May').waitFor({ timeout: 20_000 })
      await goToLetters(page)
      await page.getByRole('link', { name: 'Our school garden' }).waitFor({ timeout: 20_000 })
      await page.getByRole('link', { name: 'Bonjour from Huye' }).click()
      await expect.poll(() => page.getByRole('article', { name: `Letter from P5, ${SOUTH}` }).innerText(), { timeout: 20_000 }).toContain('Our football team is ready.')
    } finally {
      await third.close()
    }
  })
})
