/**
 * The plan's saved view (src/storage/planView.ts): what a cold start shows before the document is
 * loaded. It round-trips through the document's database, and whatever else is found there (too
 * big, another version, hostile values, not JSON) reads as "no saved view" instead of being shown.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  PLAN_VIEW_KEY,
  PLAN_VIEW_MAX_CARDS,
  PLAN_VIEW_MAX_CHARS,
  PLAN_VIEW_VERSION,
  deleteLocalDocument,
  docName,
  readPlanView,
  savePlanView,
  type SavedPlanCard,
  type SavedPlanView,
} from '../../src/storage'
import { openDatabase } from '../../src/storage/docRows'

const ROOM = 'room-plan-view'

function card(i: number, over: Partial<SavedPlanCard> = {}): SavedPlanCard {
  return {
    id: `activity-${i}`,
    title: `Activity ${i}`,
    status: 'planned',
    kind: 'joint',
    startDate: '2026-12-03',
    endDate: '',
    lead: 'Sint-Jozef',
    perSchool: [{ school: 'Sint-Jozef', who: 'An', cost: { amount: 12.5, currency: 'EUR' } }],
    ...over,
  }
}

function view(cards: readonly SavedPlanCard[], over: Partial<SavedPlanView> = {}): SavedPlanView {
  return { version: PLAN_VIEW_VERSION, savedAt: Date.UTC(2026, 11, 2, 14, 32), name: 'Gent – Kigali', yearLabel: '2026–2027', earlier: 3, later: 900, months: [{ month: '2026-12', cards }], ...over }
}

/** Puts `value` where the saved view is kept, as another version or a hostile program could. */
async function storeRaw(value: unknown): Promise<void> {
  const db = await openDatabase(docName(ROOM))
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['custom'], 'readwrite')
    tx.objectStore('custom').put(value, PLAN_VIEW_KEY)
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error)
  })
  db.close()
}

afterEach(async () => {
  await deleteLocalDocument(ROOM)
})

describe('the saved view of the plan', () => {
  it('reads back what was saved, per partnership', async () => {
    const saved = view([card(1), card(2, { startDate: '', endDate: '', lead: '', perSchool: [{ school: 'Kigali', who: '', cost: null }] })], {
      months: [
        { month: '2026-12', cards: [card(1)] },
        { month: '', cards: [card(2, { startDate: '', endDate: '', lead: '', perSchool: [{ school: 'Kigali', who: '', cost: null }] })] },
      ],
    })
    expect(await savePlanView(ROOM, saved)).toBe(true)
    expect(await readPlanView(ROOM)).toEqual(saved)
    expect(await readPlanView('another-room')).toBeUndefined()
  })

  it('reading a partnership that is not on this device creates no database', async () => {
    expect(await readPlanView('not-here')).toBeUndefined()
    const names = (await indexedDB.databases()).map((d) => d.name)
    expect(names).not.toContain(docName('not-here'))
  })

  it('a newer save replaces the older one, and removing the partnership removes it', async () => {
    await savePlanView(ROOM, view([card(1)]))
    await savePlanView(ROOM, view([card(7)], { savedAt: Date.UTC(2026, 11, 3) }))
    expect((await readPlanView(ROOM))?.months[0]?.cards.map((c) => c.id)).toEqual(['activity-7'])
    await deleteLocalDocument(ROOM)
    expect(await readPlanView(ROOM)).toBeUndefined()
  })

  it('a saved view of another version is ignored', async () => {
    await storeRaw(JSON.stringify({ ...view([card(1)]), version: PLAN_VIEW_VERSION + 1 }))
    expect(await readPlanView(ROOM)).toBeUndefined()
    await storeRaw(JSON.stringify({ ...view([card(1)]), version: undefined }))
    expect(await readPlanView(ROOM)).toBeUndefined()
  })

  it('what does not parse or is out of shape is ignored', async () => {
    const hostile: unknown[] = [
      'not json {',
      JSON.stringify(null),
      JSON.stringify([view([card(1)])]),
      view([card(1)]), // an object, not the JSON string this version writes
      JSON.stringify(view([card(1, { title: 'x'.repeat(5000) })])),
      JSON.stringify(view([card(1, { status: 'hacked' as never })])),
      JSON.stringify(view([card(1, { kind: '<img src=x onerror=alert(1)>' as never })])),
      JSON.stringify(view([card(1, { startDate: '2026-13-45' })])),
      JSON.stringify(view([card(1, { perSchool: [1, 2, 3] as never })])),
      JSON.stringify(view([card(1, { perSchool: [{ school: 'A', who: 'B', cost: { amount: -1, currency: 'EUR' } }] })])),
      JSON.stringify(view([card(1, { perSchool: [{ school: 'A', who: 'B', cost: { amount: 1, currency: 'euro' } }] })])),
      JSON.stringify(view([card(1)], { earlier: -1 })),
      JSON.stringify(view([card(1)], { name: { toString: 'x' } as never })),
      JSON.stringify(view([card(1)], { months: [{ month: '2026-12-01', cards: [card(1)] }] })),
    ]
    for (const value of hostile) {
      await storeRaw(value)
      expect(await readPlanView(ROOM), JSON.stringify(value).slice(0, 120)).toBeUndefined()
    }
  })

  it('an oversized saved view is neither read nor written', async () => {
    const tooMany = Array.from({ length: PLAN_VIEW_MAX_CARDS + 1 }, (_, i) => card(i))
    expect(await savePlanView(ROOM, view(tooMany))).toBe(false)
    expect(await readPlanView(ROOM)).toBeUndefined()
    await storeRaw(JSON.stringify(view(tooMany)))
    expect(await readPlanView(ROOM)).toBeUndefined()
    // a string longer than the limit is not even parsed
    await storeRaw(JSON.stringify(view([card(1)])) + ' '.repeat(PLAN_VIEW_MAX_CHARS))
    expect(await readPlanView(ROOM)).toBeUndefined()
    // a failed save leaves the previous view as it was
    await savePlanView(ROOM, view([card(3)]))
    expect(await savePlanView(ROOM, view(tooMany))).toBe(false)
    expect((await readPlanView(ROOM))?.months[0]?.cards.map((c) => c.id)).toEqual(['activity-3'])
  })

  it('a title that looks like markup comes back as the same text', async () => {
    const title = '<script>alert(1)</script> & "quotes"'
    await savePlanView(ROOM, view([card(1, { title })]))
    expect((await readPlanView(ROOM))?.months[0]?.cards[0]?.title).toBe(title)
  })
})
