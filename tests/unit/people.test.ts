/**
 * People on a shared device (src/storage/people.ts): who they are, who is using the device now,
 * PINs kept as salted hashes, the upgrade of a device that had one "Your name", and drafts that
 * belong to the person who writes them.
 */
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import type { LetterDraft } from '../../src/domain/letters'
import {
  PIN_TRIES_BEFORE_WAIT,
  PIN_WAIT_MS,
  PersonError,
  ScholenbandDb,
  addDevicePerson,
  checkPin,
  currentPerson,
  ensureDeviceId,
  getDevicePerson,
  listDevicePeople,
  readSettings,
  removeDevicePerson,
  removePin,
  setCurrentPerson,
  setPin,
  updateDevicePerson,
} from '../../src/storage'
import { countDrafts, listDrafts, saveDraft } from '../../src/storage/drafts'
import { letterDraft } from '../helpers/letters'

const newDb = (): ScholenbandDb => new ScholenbandDb(`people-${Math.random()}`)

const DRAFT: LetterDraft = letterDraft()

async function reason(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
    return undefined
  } catch (e) {
    return e instanceof PersonError ? e.code : String(e)
  }
}

describe('people on a device', () => {
  it('adds, renames, changes the role of and removes people; one of them is the current person', async () => {
    const db = newDb()
    expect(await currentPerson(db)).toBeUndefined()
    const amani = await addDevicePerson(db, { name: '  Amani  ', role: 'teacher' }, new Date('2026-11-01T08:00:00Z'))
    const beatrice = await addDevicePerson(db, { name: 'Béatrice', role: 'head' }, new Date('2026-11-01T09:00:00Z'))
    expect(amani.name).toBe('Amani')
    expect(amani.id).not.toBe(beatrice.id)
    expect((await listDevicePeople(db)).map((p) => [p.name, p.role])).toEqual([
      ['Amani', 'teacher'],
      ['Béatrice', 'head'],
    ])

    await setCurrentPerson(db, beatrice.id)
    expect((await currentPerson(db))?.name).toBe('Béatrice')
    expect((await readSettings(db)).currentPersonId).toBe(beatrice.id)

    await updateDevicePerson(db, amani.id, { name: 'Amani K.', role: 'coordinator' })
    expect(await getDevicePerson(db, amani.id)).toMatchObject({ name: 'Amani K.', role: 'coordinator' })

    expect(await removeDevicePerson(db, beatrice.id)).toBe('removed')
    expect((await listDevicePeople(db)).map((p) => p.name)).toEqual(['Amani K.'])
    // the current person was removed: nobody is using the device until someone is chosen
    expect(await currentPerson(db)).toBeUndefined()
    db.close()
  })

  it('refuses an empty name, a name already on the device, and an unknown role', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    expect(await reason(addDevicePerson(db, { name: '   ', role: 'teacher' }))).toBe('nameRequired')
    expect(await reason(addDevicePerson(db, { name: 'amani', role: 'head' }))).toBe('nameTaken')
    expect(await reason(addDevicePerson(db, { name: 'Jean', role: 'pupil' as never }))).toBe('roleUnknown')
    const jean = await addDevicePerson(db, { name: 'Jean', role: 'other' })
    expect(await reason(updateDevicePerson(db, jean.id, { name: 'AMANI' }))).toBe('nameTaken')
    // renaming to one's own name with another case is fine
    await updateDevicePerson(db, amani.id, { name: 'AMANI' })
    expect((await listDevicePeople(db)).map((p) => p.name)).toEqual(['AMANI', 'Jean'])
    db.close()
  })
})

describe('PINs', () => {
  it('keeps a salted hash, never the digits, and tells a right PIN from a wrong one', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    const beatrice = await addDevicePerson(db, { name: 'Béatrice', role: 'teacher' })
    await setPin(db, amani.id, '4821')
    await setPin(db, beatrice.id, '4821')
    const a = (await getDevicePerson(db, amani.id))!
    const b = (await getDevicePerson(db, beatrice.id))!
    expect(JSON.stringify(a)).not.toContain('4821')
    expect(a.pin?.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(a.pin?.iterations).toBeGreaterThanOrEqual(100_000)
    // same digits, different salt: different hashes
    expect(a.pin?.salt).not.toBe(b.pin?.salt)
    expect(a.pin?.hash).not.toBe(b.pin?.hash)

    expect(await checkPin(db, amani.id, '4821')).toEqual({ ok: true })
    expect(await checkPin(db, amani.id, '4822')).toEqual({ ok: false, reason: 'wrong', triesLeft: PIN_TRIES_BEFORE_WAIT - 1 })
    expect(await checkPin(db, amani.id, '48210')).toMatchObject({ ok: false, reason: 'wrong' })
    db.close()
  })

  it('accepts only 4 to 6 digits', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    for (const pin of ['123', '1234567', '12a4', '', ' 1234']) expect(await reason(setPin(db, amani.id, pin))).toBe('pinFormat')
    await setPin(db, amani.id, '123456')
    expect(await checkPin(db, amani.id, '123456')).toEqual({ ok: true })
    db.close()
  })

  it('makes the next try wait after a few wrong PINs, and a right one after the wait starts afresh', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    await setPin(db, amani.id, '2468')
    const t0 = new Date('2026-11-01T08:00:00Z')
    for (let i = 1; i < PIN_TRIES_BEFORE_WAIT; i++) expect(await checkPin(db, amani.id, '0000', t0)).toMatchObject({ reason: 'wrong' })
    const blocked = await checkPin(db, amani.id, '0000', t0)
    expect(blocked).toEqual({ ok: false, reason: 'wait', waitUntil: new Date(t0.getTime() + PIN_WAIT_MS).toISOString() })
    // during the wait even the right PIN is not checked
    expect(await checkPin(db, amani.id, '2468', new Date(t0.getTime() + 1000))).toMatchObject({ reason: 'wait' })
    const later = new Date(t0.getTime() + PIN_WAIT_MS + 1)
    expect(await checkPin(db, amani.id, '2468', later)).toEqual({ ok: true })
    expect((await getDevicePerson(db, amani.id))?.pinFailures ?? 0).toBe(0)
    db.close()
  })

  it('removes a PIN: the person then passes without one', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    await setPin(db, amani.id, '2468')
    await removePin(db, amani.id)
    expect((await getDevicePerson(db, amani.id))?.pin).toBeUndefined()
    expect(await checkPin(db, amani.id, '')).toEqual({ ok: true })
    db.close()
  })
})

describe('drafts per person', () => {
  it('lists only the drafts of the person who writes them, per partnership', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    const beatrice = await addDevicePerson(db, { name: 'Béatrice', role: 'teacher' })
    await saveDraft(db, 'room-1', 'd1', { ...DRAFT, subject: 'From Amani' }, amani.id)
    await saveDraft(db, 'room-1', 'd2', { ...DRAFT, subject: 'From Béatrice' }, beatrice.id)
    await saveDraft(db, 'room-2', 'd3', { ...DRAFT, subject: 'Amani elsewhere' }, amani.id)
    expect((await listDrafts(db, 'room-1', amani.id)).map((d) => d.subject)).toEqual(['From Amani'])
    expect((await listDrafts(db, 'room-1', beatrice.id)).map((d) => d.subject)).toEqual(['From Béatrice'])
    expect(await countDrafts(db, amani.id)).toBe(2)
    db.close()
  })

  it('keeps a person with drafts unless the drafts are discarded with them', async () => {
    const db = newDb()
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    const beatrice = await addDevicePerson(db, { name: 'Béatrice', role: 'teacher' })
    await saveDraft(db, 'room-1', 'd1', DRAFT, amani.id)
    await saveDraft(db, 'room-1', 'd2', DRAFT, beatrice.id)
    expect(await removeDevicePerson(db, amani.id)).toBe('hasDrafts')
    expect((await listDevicePeople(db)).map((p) => p.name)).toEqual(['Amani', 'Béatrice'])
    expect(await removeDevicePerson(db, amani.id, { discardDrafts: true })).toBe('removed')
    expect((await listDevicePeople(db)).map((p) => p.name)).toEqual(['Béatrice'])
    expect((await db.drafts.toArray()).map((d) => d.id)).toEqual(['d2'])
    db.close()
  })
})

describe('the device id in a partnership', () => {
  it('is made once and kept on the registry entry', async () => {
    const db = newDb()
    expect(await ensureDeviceId(db, 'r1')).toBeUndefined()
    await db.partnerships.add({ roomId: 'r1', inviteCode: 'SB1-X', name: 'One', origin: 'joined', isKnownToRelay: false, addedAt: '2026-11-01T00:00:00Z' })
    const id = await ensureDeviceId(db, 'r1')
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,}$/)
    expect(await ensureDeviceId(db, 'r1')).toBe(id)
    expect((await db.partnerships.get('r1'))?.deviceId).toBe(id)
    db.close()
  })
})

/** The registry as version 3 left it (before people existed). */
async function version3Device(name: string, settings: { key: string; value: unknown }[], drafts: object[]): Promise<void> {
  const old = new Dexie(name)
  old.version(1).stores({ partnerships: 'roomId, addedAt', settings: 'key', outbox: '++id, roomId' })
  old.version(2).stores({ blobs: 'hash', uploads: '[roomId+hash], roomId' })
  old.version(3).stores({ drafts: 'id, roomId' })
  await old.open()
  await old.table('settings').bulkPut(settings)
  await old.table('drafts').bulkPut(drafts)
  old.close()
}

describe('upgrade of a device from before people', () => {
  it('turns "Your name" into the first person, the current one, with the drafts already written', async () => {
    const name = `people-upgrade-${Math.random()}`
    const draft = { ...DRAFT, id: 'old-draft', roomId: 'room-1', updatedAt: '2026-10-01T10:00:00.000Z' }
    await version3Device(name, [{ key: 'displayName', value: 'Jean Mugabo' }, { key: 'language', value: 'fr' }], [draft])
    const db = new ScholenbandDb(name)
    const people = await listDevicePeople(db)
    expect(people.map((p) => [p.name, p.role])).toEqual([['Jean Mugabo', 'teacher']])
    const settings = await readSettings(db)
    expect(settings.currentPersonId).toBe(people[0]!.id)
    expect(settings.language).toBe('fr')
    expect((await listDrafts(db, 'room-1', people[0]!.id)).map((d) => d.subject)).toEqual(['Bonjour'])
    db.close()
  })

  it('without a name, keeps the drafts for the first person chosen', async () => {
    const name = `people-upgrade-${Math.random()}`
    const draft = { ...DRAFT, id: 'old-draft', roomId: 'room-1', updatedAt: '2026-10-01T10:00:00.000Z' }
    await version3Device(name, [{ key: 'displayName', value: '  ' }], [draft])
    const db = new ScholenbandDb(name)
    expect(await listDevicePeople(db)).toEqual([])
    const amani = await addDevicePerson(db, { name: 'Amani', role: 'teacher' })
    await setCurrentPerson(db, amani.id)
    expect((await listDrafts(db, 'room-1', amani.id)).map((d) => d.id)).toEqual(['old-draft'])
    // the next person does not take them
    const beatrice = await addDevicePerson(db, { name: 'Béatrice', role: 'teacher' })
    await setCurrentPerson(db, beatrice.id)
    expect(await listDrafts(db, 'room-1', beatrice.id)).toEqual([])
    db.close()
  })
})
