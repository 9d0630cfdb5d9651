/**
 * A photo can never run script in the app's origin (issue 10, section 1). Another program holding
 * the invite writes letters whose photos are HTML and SVG with a script — typed as what they are
 * (`text/html`, `image/svg+xml`) or disguised as a JPEG — and puts those bytes on the relay. On
 * the phone the letters open, every photo there is loaded and every image opened in a page of its
 * own: no dialog ever appears, and the disguised one says it cannot be shown.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Dialog, Page } from 'playwright-core'
import { createOn, inviteCode, twoPhones, waitForSynced } from './browser'
import { openForeignClient, roomProof } from './foreignClient'

const phones = twoPhones('sb-e2e-photo-script')
const enc = new TextEncoder()
const HTML = enc.encode('<!doctype html><html><body><script>alert(1)</script><img src=x onerror="alert(2)"></body></html>')
const SVG = enc.encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(3)"><script>alert(4)</script></svg>')
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

const LETTERS = [
  { subject: 'A page typed text/html', bytes: HTML, type: 'text/html' },
  { subject: 'A drawing typed image/svg+xml', bytes: SVG, type: 'image/svg+xml' },
  { subject: 'A page disguised as a JPEG', bytes: HTML, type: 'image/jpeg' },
] as const

let page: Page
const dialogs: string[] = []
const onDialog = (d: Dialog): void => {
  dialogs.push(d.message())
  void d.dismiss()
}

/** A letter as docs/schema.md describes it, written with Yjs alone. */
function writeLetter(doc: Y.Doc, schools: string[], l: (typeof LETTERS)[number]): void {
  const at = new Date().toISOString()
  const m = new Y.Map<unknown>()
  doc.getMap('letters').set(`foreign-${sha(enc.encode(l.subject)).slice(0, 12)}`, m)
  const hash = sha(l.bytes)
  const photos = new Y.Map<unknown>()
  photos.set(hash, { hash, bytes: l.bytes.byteLength, width: 400, height: 300, type: l.type })
  const body = new Y.Text()
  body.insert(0, `A photo from another program: ${l.subject}.`)
  const fields: Record<string, unknown> = {
    kind: 'class', fromSchoolId: schools[0], fromWho: 'Class 5B', toSchoolId: schools[1], toWho: 'P5', language: 'en',
    subject: l.subject, body, activityId: '', replyTo: '', photos, translations: new Y.Map(), nextStepId: '', sentAt: at,
    createdBy: 'Another program', createdAt: at, updatedBy: 'Another program', updatedAt: at,
  }
  for (const [k, v] of Object.entries(fields)) m.set(k, v)
}

describe('a photo that is a page runs nothing', () => {
  it('another program writes letters with HTML and SVG photos and puts the bytes on the relay', async () => {
    page = await createOn(phones.north, phones.relay.httpUrl, { name: 'Gent–Huye', ours: 'Sint-Jan Gent', partner: 'GS Huye' })
    phones.north.on('page', (p) => p.on('dialog', onDialog))
    page.on('dialog', onDialog)
    await waitForSynced(page)
    const code = await inviteCode(page)

    const { roomId, token } = roomProof(code)
    for (const bytes of [HTML, SVG]) {
      const res = await fetch(`${phones.relay.httpUrl}/blobs/${roomId}/${sha(bytes)}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: bytes as BodyInit })
      expect(res.status).toBe(201)
    }
    const foreign = await openForeignClient(phones.relay.wsUrl, code)
    try {
      const schools = [...foreign.doc.getMap('schools').keys()].sort()
      expect(schools).toHaveLength(2)
      foreign.doc.transact(() => {
        for (const l of LETTERS) writeLetter(foreign.doc, schools, l)
      })
      await expect.poll(() => foreign.doc.getMap('letters').size).toBe(3)
      await new Promise((r) => setTimeout(r, 500))
    } finally {
      foreign.close()
    }
  })

  it("the app's page runs no inline script (its Content-Security-Policy is in force, also when the service worker serves it)", async () => {
    await page.reload()
    await page.getByRole('navigation').getByRole('link', { name: 'Letters' }).waitFor()
    expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true)
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script')
      s.textContent = 'window.__inlineRan = true'
      document.head.append(s)
      await new Promise((r) => setTimeout(r, 100))
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true
    })
    expect(ran).toBe(false)
  })

  for (const l of LETTERS) {
    it(`${l.subject}: loaded and opened, it runs nothing`, async () => {
      await page.getByRole('navigation').getByRole('link', { name: 'Letters' }).click()
      await page.getByRole('link', { name: l.subject }).click({ timeout: 20_000 })
      const letter = page.getByRole('article', { name: /Letter from Class 5B/ })
      await expect.poll(() => letter.innerText(), { timeout: 20_000 }).toContain(`A photo from another program: ${l.subject}.`)

      // load whatever photo the letter offers, then open every image it shows in a page of its own
      if (l.type === 'image/jpeg') {
        // offered as a photo (with the data saver, a tap loads it; without, it loads by itself)
        const unavailable = letter.getByText('This photo cannot be shown: what arrived is not a JPEG or WebP picture.')
        const load = letter.getByRole('button', { name: /Load photo/ })
        await load.or(unavailable).first().waitFor({ timeout: 20_000 })
        if (await load.isVisible()) await load.click()
        await unavailable.waitFor({ timeout: 20_000 })
      } else {
        // not a photo at all: the letter shows none and offers none to load (were one offered, load it)
        await page.waitForTimeout(1000)
        for (const load of await letter.getByRole('button', { name: /Load photo/ }).all()) await load.click()
      }
      await page.waitForTimeout(1000)
      const sources = await letter.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src))
      for (const src of sources) {
        const tab = await phones.north.newPage()
        await tab.goto(src).catch(() => undefined)
        await tab.waitForTimeout(1000)
        await tab.close()
      }
      await letter.locator('img').first().click({ timeout: 1000 }).catch(() => undefined)
      await page.waitForTimeout(500)

      expect(dialogs).toEqual([])
      expect(sources).toEqual([])
      await expect(letter.getByRole('button', { name: /Load photo/ }).count()).resolves.toBe(0)
      expect(await page.locator('[src^="blob:"]').count()).toBe(0)
    })
  }
})
