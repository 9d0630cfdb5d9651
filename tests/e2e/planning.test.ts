/**
 * The planning cycle, end to end, as two schools use it: the partner school fills in its exam
 * period on its phone, the other school plans an activity in it and is warned, then prints the
 * year's plan and takes it to a phone calendar as an .ics file.
 */
import { readFileSync } from 'node:fs'
import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { addActivity, createOn, goTo, inviteCode, joinOn, twoPhones, waitForSynced } from './browser'

const phones = twoPhones('sb-e2e-planning')
let northPage: Page
let southPage: Page

const EXAM_WARNING = /During exams at GS Huye: Exams, term 1/

/** A section of the partnership: its tab when the navigation has one, else its address. */
async function openSection(page: Page, name: 'Calendar' | 'Schools', path: 'calendar' | 'schools'): Promise<void> {
  const tab = page.getByRole('navigation').getByRole('link', { name, exact: true })
  if (await tab.isVisible().catch(() => false)) await tab.click()
  else await page.evaluate((p) => (window.location.hash = window.location.hash.replace(/^(#\/p\/[^/]+).*$/, `$1/${p}`)), path)
  await page.getByRole('heading', { name, exact: true, level: 2 }).waitFor({ timeout: 15_000 })
}

/** An activity's row in the action plan: the list item that holds the link to it. */
function planRow(page: Page, title: string) {
  return page.getByRole('main').getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) })
}

describe('the planning cycle on two devices', () => {
  it('0. two schools share a partnership, one device each', async () => {
    northPage = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    const code = await inviteCode(northPage)
    southPage = await joinOn(phones.south, phones.relay.httpUrl, code)
    await southPage.getByRole('navigation').waitFor({ timeout: 20_000 })
    await waitForSynced(southPage)
  })

  it('1. warns, naming the school and the period, about an activity planned in the partner school’s exams', async () => {
    // the partner school, on its own phone, enters its exam period
    await openSection(southPage, 'Calendar', 'calendar')
    await southPage.getByLabel('School', { exact: true }).selectOption({ label: 'GS Huye' })
    await southPage.getByLabel('Kind', { exact: true }).selectOption({ label: 'Exam period' })
    await southPage.getByLabel('Label', { exact: true }).fill('Exams, term 1')
    await southPage.getByLabel('From', { exact: true }).fill('2026-11-16')
    await southPage.getByLabel('To', { exact: true }).fill('2026-11-27')
    await southPage.getByRole('button', { name: 'Add period' }).click()
    await southPage.getByRole('group', { name: 'GS Huye' }).getByRole('button', { name: /Exams, term 1/ }).first().waitFor()
    await waitForSynced(southPage)

    // the other school plans an activity in it: warned while typing the dates, before saving
    await waitForSynced(northPage)
    await goTo(northPage, 'Action plan')
    await northPage.getByRole('button', { name: 'New activity' }).first().click()
    await northPage.getByLabel('Title').fill('Letter exchange')
    await northPage.getByLabel('Start date').fill('2026-11-20')
    await expect.poll(() => northPage.getByRole('note').filter({ hasText: EXAM_WARNING }).count(), { timeout: 20_000 }).toBe(1)
    await northPage.getByLabel('End date').fill('2026-11-25')
    await expect(northPage.getByRole('note').filter({ hasText: EXAM_WARNING }).innerText()).resolves.toMatch(/Nov 16\s*–\s*27, 2026/)
    await northPage.getByRole('button', { name: 'Save' }).click()

    // … and in the action plan, on the activity's row
    const row = planRow(northPage, 'Letter exchange')
    await expect.poll(() => row.getByRole('note').filter({ hasText: EXAM_WARNING }).count()).toBe(1)

    // an activity outside the exam period gets no warning
    await addActivity(northPage, { title: 'Photo exhibition', start: '2027-03-10', end: '2027-03-12' })
    const other = planRow(northPage, 'Photo exhibition')
    await expect(other.getByRole('note').count()).resolves.toBe(0)

    // the partner school sees the same warning on its device
    await waitForSynced(northPage)
    await goTo(southPage, 'Action plan')
    const southRow = planRow(southPage, 'Letter exchange')
    await expect.poll(() => southRow.getByRole('note').filter({ hasText: EXAM_WARNING }).count(), { timeout: 20_000 }).toBe(1)
  })

  it('3. prints the plan of the school year: both schools and every activity of that year', async () => {
    await addActivity(northPage, { title: 'Next year’s kick-off', start: '2027-10-05' })
    await goTo(northPage, 'Action plan')
    await northPage.getByRole('link', { name: 'Print the plan' }).click()
    await northPage.getByLabel('School year', { exact: true }).selectOption({ label: '2026–2027' })
    const sheet = northPage.getByRole('article', { name: 'Action plan 2026–2027' })
    await sheet.waitFor()
    const schools = sheet.getByRole('list', { name: 'The two schools' })
    await expect(schools.getByText('Sint-Jan Gent', { exact: true }).isVisible()).resolves.toBe(true)
    await expect(schools.getByText('GS Huye', { exact: true }).isVisible()).resolves.toBe(true)
    const titles = await sheet.getByRole('heading', { level: 3 }).allInnerTexts()
    expect(titles).toEqual(expect.arrayContaining(['Letter exchange', 'Photo exhibition']))
    expect(titles).not.toContain('Next year’s kick-off')
    // in date order, with the warning and a Print button for the browser's print dialog
    expect(titles.indexOf('Letter exchange')).toBeLessThan(titles.indexOf('Photo exhibition'))
    await expect(sheet.getByRole('note').filter({ hasText: EXAM_WARNING }).count()).resolves.toBe(1)
    await expect(northPage.getByRole('button', { name: 'Print', exact: true }).isVisible()).resolves.toBe(true)
    // on paper: no navigation, no buttons
    await northPage.emulateMedia({ media: 'print' })
    await expect(northPage.getByRole('navigation').isVisible()).resolves.toBe(false)
    await expect(northPage.getByRole('button', { name: 'Print', exact: true }).isVisible()).resolves.toBe(false)
    await northPage.emulateMedia({ media: 'screen' })
  })

  it('4. downloads the school year as an .ics file that a calendar can read', async () => {
    const [download] = await Promise.all([northPage.waitForEvent('download'), northPage.getByRole('button', { name: 'Download calendar (.ics)' }).click()])
    expect(download.suggestedFilename()).toBe('Gent–Huye.ics')
    const path = await download.path()
    const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, 'utf8')))
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v))
    const byTitle = new Map(events.map((e) => [e.summary, e]))
    expect([...byTitle.keys()]).toEqual(expect.arrayContaining(['Letter exchange', 'Photo exhibition']))
    expect(byTitle.has('Next year’s kick-off')).toBe(false)
    const letters = byTitle.get('Letter exchange')!
    expect(letters.startDate.toString()).toBe('2026-11-20')
    expect(letters.endDate.toString()).toBe('2026-11-26') // all-day events end the day after
  })
})

describe('long planning forms on a phone (360 × 740)', () => {
  /** The button is on screen, above the bottom navigation, and a tap there reaches it. */
  async function isInSight(page: Page, name: string): Promise<boolean> {
    const button = page.getByRole('button', { name, exact: true })
    const box = await button.boundingBox()
    const bar = await page.getByRole('navigation').last().boundingBox()
    if (!box || box.y < 0 || box.y + box.height > (bar ? bar.y : 740)) return false
    const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('button')?.textContent ?? '', { x: box.x + box.width / 2, y: box.y + box.height / 2 })
    return hit === name
  }

  it('5. the activity form comes in sections with headings; a wrong amount is said at that school’s amount, which takes the focus', async () => {
    await northPage.setViewportSize({ width: 360, height: 740 })
    await goTo(northPage, 'Action plan')
    await northPage.getByRole('button', { name: 'New activity' }).first().click()
    await northPage.getByLabel('Title').waitFor()
    const sections = { What: 'Title', 'When and who': 'Start date', 'Per school: responsible and cost': 'Cost for GS Huye', Progress: 'Status' }
    for (const [name, field] of Object.entries(sections)) {
      const section = northPage.getByRole('region', { name })
      await expect(section.getByRole('heading', { name, level: 3 }).isVisible()).resolves.toBe(true)
      await expect(section.getByLabel(field, { exact: true }).count()).resolves.toBe(1)
    }

    await northPage.getByLabel('Title').fill('Budget check')
    await northPage.getByLabel('Cost for GS Huye').fill('a lot')
    await northPage.getByRole('button', { name: 'Save' }).click()
    const amount = northPage.getByLabel('Cost for GS Huye')
    await expect.poll(() => amount.evaluate((el) => el === document.activeElement)).toBe(true)
    await expect(amount.getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(northPage.getByText('Enter an amount of zero or more, in numbers.').isVisible()).resolves.toBe(true)
    await expect(northPage.getByRole('alert').innerText()).resolves.toBe('Some fields need a look. Check the marked fields.')
    await northPage.getByRole('link', { name: 'Cancel' }).click()
  })

  it('6. a school profile comes in sections; its Save stays in sight while the form is on screen, and a wrong count is said at the field', async () => {
    await northPage.setViewportSize({ width: 360, height: 740 })
    await goTo(northPage, 'Schools')
    const huye = northPage.getByRole('article', { name: 'GS Huye' })
    await huye.getByLabel('Number of pupils').waitFor()
    for (const name of ['The school', 'Place and practicalities', 'Vision and motivation', 'Means and experience']) {
      await expect(huye.getByRole('region', { name }).getByRole('heading', { name, level: 4 }).isVisible()).resolves.toBe(true)
    }
    const save = 'Save GS Huye'
    await huye.getByLabel('Vision', { exact: true }).scrollIntoViewIfNeeded()
    await expect(isInSight(northPage, save)).resolves.toBe(true)

    const pupils = huye.getByLabel('Number of pupils')
    await pupils.fill('640 pupils')
    await huye.getByLabel('Vision', { exact: true }).fill('Every child reads.')
    await northPage.getByRole('button', { name: save, exact: true }).click()
    await expect.poll(() => pupils.evaluate((el) => el === document.activeElement)).toBe(true)
    await expect(huye.getByText('Enter a whole number of zero or more, in digits.').isVisible()).resolves.toBe(true)
    await pupils.fill('640')
    await northPage.getByRole('button', { name: save, exact: true }).click()
    await huye.getByRole('status').filter({ hasText: 'GS Huye saved.' }).waitFor()
    await expect(huye.getByLabel('Vision', { exact: true }).inputValue()).resolves.toBe('Every child reads.')
  })
})
