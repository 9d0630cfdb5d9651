/**
 * The people who share this device (a school's phone passes from teacher to teacher): who they
 * are, which one is using the device now, and their PINs. Kept on this device only; records in a
 * partnership carry the person's name and id (see src/domain/record.ts `Author`).
 *
 * A PIN keeps colleagues from writing in someone else's name. It does not encrypt anything: what
 * is on the phone stays readable to whoever holds it. It is stored as a salted PBKDF2 (SHA-256)
 * hash through WebCrypto, never as digits. A few wrong PINs make the next try wait, longer each time.
 *
 * Trap: these functions do not ask for the PIN themselves. The UI checks it (`checkPin`) before it
 * makes a person with a PIN the current one (`setCurrentPerson`).
 */
import { randomId } from '../domain/ids'
import { CURRENT_PERSON_KEY, PERSON_ROLES, type PersonRole, type PersonRow, type PinHash, type ScholenbandDb } from './db'

export { PERSON_ROLES, type PersonRole, type PersonRow } from './db'

export const PIN_MIN_DIGITS = 4
export const PIN_MAX_DIGITS = 6
/** Wrong PINs in a row before a wait. */
export const PIN_TRIES_BEFORE_WAIT = 3
/** The first wait; each further round of wrong PINs doubles it, up to PIN_MAX_WAIT_MS. */
export const PIN_WAIT_MS = 30_000
export const PIN_MAX_WAIT_MS = 10 * 60_000
/** PBKDF2 rounds: slow enough to make guessing from a copied database cost something, quick on an old phone. */
export const PIN_ITERATIONS = 100_000
export const NAME_MAX_LENGTH = 60

export type PersonProblem = 'nameRequired' | 'nameTooLong' | 'nameTaken' | 'roleUnknown' | 'pinFormat' | 'notFound' | 'noCrypto'

/** A person could not be saved as asked; `code` says why (translated by the UI as `people.errors.<code>`). */
export class PersonError extends Error {
  constructor(readonly code: PersonProblem) {
    super(`person: ${code}`)
    this.name = 'PersonError'
  }
}

export interface DevicePersonInput {
  readonly name: string
  readonly role: PersonRole
}

export type PinCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'wrong'; readonly triesLeft: number }
  /** Too many wrong PINs: nothing is checked before `waitUntil` (ISO). */
  | { readonly ok: false; readonly reason: 'wait'; readonly waitUntil: string }

export function isPersonRole(value: unknown): value is PersonRole {
  return typeof value === 'string' && (PERSON_ROLES as readonly string[]).includes(value)
}

/** 4 to 6 digits. */
export function isValidPin(pin: string): boolean {
  return new RegExp(`^[0-9]{${PIN_MIN_DIGITS},${PIN_MAX_DIGITS}}$`).test(pin)
}

export function hasPin(person: PersonRow | undefined): boolean {
  return person?.pin !== undefined
}

/** Everyone on this device, in the order they were added. */
export async function listDevicePeople(db: ScholenbandDb): Promise<PersonRow[]> {
  return db.people.orderBy('createdAt').toArray()
}

export async function getDevicePerson(db: ScholenbandDb, id: string): Promise<PersonRow | undefined> {
  return db.people.get(id)
}

function cleanName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim()
  if (!clean) throw new PersonError('nameRequired')
  if (clean.length > NAME_MAX_LENGTH) throw new PersonError('nameTooLong')
  return clean
}

async function assertNameFree(db: ScholenbandDb, name: string, exceptId?: string): Promise<void> {
  const key = name.toLocaleLowerCase()
  const taken = await db.people.filter((p) => p.id !== exceptId && p.name.toLocaleLowerCase() === key).count()
  if (taken > 0) throw new PersonError('nameTaken')
}

/** Adds a person (not made current: see `setCurrentPerson`). Two people never share a name. */
export async function addDevicePerson(db: ScholenbandDb, input: DevicePersonInput, now: Date = new Date()): Promise<PersonRow> {
  const name = cleanName(input.name)
  if (!isPersonRole(input.role)) throw new PersonError('roleUnknown')
  return db.transaction('rw', db.people, async () => {
    await assertNameFree(db, name)
    const person: PersonRow = { id: randomId(), name, role: input.role, createdAt: now.toISOString() }
    await db.people.add(person)
    return person
  })
}

/** Renames a person or changes their role. Records written earlier keep the old name. */
export async function updateDevicePerson(db: ScholenbandDb, id: string, patch: Partial<DevicePersonInput>): Promise<PersonRow> {
  const name = patch.name === undefined ? undefined : cleanName(patch.name)
  if (patch.role !== undefined && !isPersonRole(patch.role)) throw new PersonError('roleUnknown')
  return db.transaction('rw', db.people, async () => {
    const person = await db.people.get(id)
    if (!person) throw new PersonError('notFound')
    if (name !== undefined) await assertNameFree(db, name, id)
    const next: PersonRow = { ...person, ...(name !== undefined ? { name } : {}), ...(patch.role !== undefined ? { role: patch.role } : {}) }
    await db.people.put(next)
    return next
  })
}

/**
 * Removes a person from this device. A person with drafts stays unless `discardDrafts` says to
 * delete those drafts too (`'hasDrafts'` is returned then, and nothing changes).
 */
export async function removeDevicePerson(db: ScholenbandDb, id: string, opts: { readonly discardDrafts?: boolean } = {}): Promise<'removed' | 'hasDrafts'> {
  return db.transaction('rw', db.people, db.drafts, db.settings, async () => {
    const drafts = db.drafts.where('personId').equals(id)
    if ((await drafts.count()) > 0) {
      if (!opts.discardDrafts) return 'hasDrafts'
      await drafts.delete()
    }
    await db.people.delete(id)
    const current = await db.settings.get(CURRENT_PERSON_KEY)
    if (current?.value === id) await db.settings.delete(CURRENT_PERSON_KEY)
    return 'removed'
  })
}

/** The id of the person using the device now, if one was chosen (and still exists). */
export async function currentPersonId(db: ScholenbandDb): Promise<string | undefined> {
  return (await currentPerson(db))?.id
}

/** The person using the device now, if one was chosen (and still exists). */
export async function currentPerson(db: ScholenbandDb): Promise<PersonRow | undefined> {
  const row = await db.settings.get(CURRENT_PERSON_KEY)
  return typeof row?.value === 'string' ? db.people.get(row.value) : undefined
}

/**
 * Makes `id` the person using the device (undefined: nobody). Drafts that belong to nobody
 * (written before people existed) go to the first person chosen.
 */
export async function setCurrentPerson(db: ScholenbandDb, id: string | undefined): Promise<void> {
  await db.transaction('rw', db.people, db.settings, db.drafts, async () => {
    if (id === undefined) {
      await db.settings.delete(CURRENT_PERSON_KEY)
      return
    }
    if (!(await db.people.get(id))) throw new PersonError('notFound')
    await db.settings.put({ key: CURRENT_PERSON_KEY, value: id })
    await db.drafts
      .filter((d) => !d.personId)
      .modify((d) => {
        ;(d as { personId?: string }).personId = id
      })
  })
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function fromHex(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return out
}

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) throw new PersonError('noCrypto')
  const key = await subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits'])
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)
  return hex(new Uint8Array(bits))
}

/** Sets (or changes) a person's PIN: 4 to 6 digits, kept only as a salted hash. */
export async function setPin(db: ScholenbandDb, id: string, pin: string): Promise<void> {
  if (!isValidPin(pin)) throw new PersonError('pinFormat')
  const salt = new Uint8Array(16)
  globalThis.crypto.getRandomValues(salt)
  const stored: PinHash = { salt: hex(salt), hash: await derive(pin, salt, PIN_ITERATIONS), iterations: PIN_ITERATIONS }
  const changed = await db.people.update(id, { pin: stored, pinFailures: 0, pinWaitUntil: undefined })
  if (changed === 0) throw new PersonError('notFound')
}

export async function removePin(db: ScholenbandDb, id: string): Promise<void> {
  const changed = await db.people.update(id, { pin: undefined, pinFailures: 0, pinWaitUntil: undefined })
  if (changed === 0) throw new PersonError('notFound')
}

function waitAfter(failures: number): number {
  const rounds = Math.floor(failures / PIN_TRIES_BEFORE_WAIT)
  return Math.min(PIN_WAIT_MS * 2 ** (rounds - 1), PIN_MAX_WAIT_MS)
}

/**
 * Checks a person's PIN. Every PIN_TRIES_BEFORE_WAIT wrong ones in a row make the next check wait
 * (PIN_WAIT_MS, doubling each round); a right one starts the count afresh. A person without a PIN
 * passes.
 */
export async function checkPin(db: ScholenbandDb, id: string, pin: string, now: Date = new Date()): Promise<PinCheck> {
  const person = await db.people.get(id)
  if (!person) throw new PersonError('notFound')
  if (!person.pin) return { ok: true }
  if (person.pinWaitUntil && person.pinWaitUntil > now.toISOString()) return { ok: false, reason: 'wait', waitUntil: person.pinWaitUntil }
  const isRight = isValidPin(pin) && (await derive(pin, fromHex(person.pin.salt), person.pin.iterations)) === person.pin.hash
  if (isRight) {
    if (person.pinFailures || person.pinWaitUntil) await db.people.update(id, { pinFailures: 0, pinWaitUntil: undefined })
    return { ok: true }
  }
  const failures = (person.pinFailures ?? 0) + 1
  if (failures % PIN_TRIES_BEFORE_WAIT === 0) {
    const waitUntil = new Date(now.getTime() + waitAfter(failures)).toISOString()
    await db.people.update(id, { pinFailures: failures, pinWaitUntil: waitUntil })
    return { ok: false, reason: 'wait', waitUntil }
  }
  await db.people.update(id, { pinFailures: failures })
  return { ok: false, reason: 'wrong', triesLeft: PIN_TRIES_BEFORE_WAIT - (failures % PIN_TRIES_BEFORE_WAIT) }
}
