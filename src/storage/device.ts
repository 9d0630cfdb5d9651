/**
 * What the app does with this device's own storage, by name: the partnerships on this device,
 * its settings, the people who use it, their letter drafts and the photos it holds. Each
 * operation works on the one registry database (`registry()`), so screens say what they do
 * ("forget this partnership on this device") instead of reaching into Dexie tables; the
 * functions below it that take a `db` stay for tests and for the sync layer.
 * Model: Actual Budget's `useCategoryMutations.ts` (one named function per change).
 */
import { registry, type PartnershipEntry } from './db'
import { readSettings, requestPersistence, writeSetting, type DeviceSettings } from './settings'
import {
  addDevicePerson,
  checkPin,
  currentPerson,
  currentPersonId,
  listDevicePeople,
  removeDevicePerson,
  removePin,
  setCurrentPerson,
  setPin,
  updateDevicePerson,
  type DevicePersonInput,
} from './people'
import { countDrafts, deleteDraft, listDrafts, saveDraft } from './drafts'
import { ensureDeviceCredential, ensureDeviceId, rejoinWithNewInvite } from './deviceId'
import { dexieOutbox } from './outbox'
import { freeDownloadedPhotos, getBlob, hasBlob, photoStorage } from './blobs'
import type { LetterDraft } from '../domain/letters'

// ---- partnerships on this device ----

/** Every partnership on this device, oldest first. */
export const listPartnerships = (): Promise<PartnershipEntry[]> => registry().partnerships.orderBy('addedAt').toArray()

export const getPartnership = (roomId: string): Promise<PartnershipEntry | undefined> => registry().partnerships.get(roomId)

export const countPartnerships = (): Promise<number> => registry().partnerships.count()

/** Adds a partnership made or joined here. Fails (Dexie ConstraintError) when it is already here. */
export async function addPartnership(entry: PartnershipEntry): Promise<void> {
  await registry().partnerships.add(entry)
}

/** Removes a partnership from this device's list together with its changes not yet sent and the relay position it remembered. */
export async function forgetPartnership(roomId: string): Promise<void> {
  const db = registry()
  await db.transaction('rw', db.partnerships, db.outbox, db.relayPositions, async () => {
    await db.partnerships.delete(roomId)
    await db.outbox.where('roomId').equals(roomId).delete()
    await db.relayPositions.delete(roomId)
  })
}

/** The school this device speaks for in the partnership. */
export async function chooseMySchool(roomId: string, schoolId: string | undefined): Promise<void> {
  await registry().partnerships.update(roomId, { mySchoolId: schoolId })
}

/** The partnership's name as the list shows it, taken from the document. */
export async function renamePartnership(roomId: string, name: string): Promise<void> {
  await registry().partnerships.update(roomId, { name })
}

/** The relay accepted this device's proof; `isNowRegistered`: for the first time with its own key. */
export async function noteAcceptedByRelay(roomId: string, isNowRegistered: boolean, now: Date = new Date()): Promise<void> {
  await registry().partnerships.update(roomId, { isKnownToRelay: true, ...(isNowRegistered ? { deviceRegisteredAt: now.toISOString() } : {}) })
}

/** The relay said this device was removed from the partnership. */
export async function noteRemovedByRelay(roomId: string, now: Date = new Date()): Promise<void> {
  await registry().partnerships.update(roomId, { removedAt: now.toISOString() })
}

/** The relay acknowledged everything this device had. */
export async function noteFullySynced(roomId: string, now: Date = new Date()): Promise<void> {
  await registry().partnerships.update(roomId, { lastSyncedAt: now.toISOString() })
}

/** This device made a new invite code (the relay's time of the change). */
export async function replaceInviteCode(roomId: string, inviteCode: string, changedAt: string): Promise<void> {
  await registry().partnerships.update(roomId, { inviteCode, inviteSetAt: changedAt })
}

/** Someone was chosen after joining: opening no longer asks who is using the device. */
export async function stopAskingForPerson(roomId: string): Promise<void> {
  await registry().partnerships.update(roomId, { askPerson: undefined })
}

/** After this device was removed: join again with a new code, keeping what is here. */
export const rejoinWithCode = (roomId: string, inviteCode: string): Promise<void> => rejoinWithNewInvite(registry(), roomId, inviteCode)

/** This device's id in the partnership (made on first use). */
export const deviceIdIn = (roomId: string): Promise<string | undefined> => ensureDeviceId(registry(), roomId)

/** This device's id and key in the partnership (made on first use). */
export const deviceCredentialIn = (roomId: string) => ensureDeviceCredential(registry(), roomId)

/** The changes of the partnership not yet acknowledged by the relay, kept across restarts. */
export const outboxOf = (roomId: string) => dexieOutbox(registry(), roomId)

// ---- settings ----

export const loadSettings = (): Promise<DeviceSettings> => readSettings(registry())

export const saveSetting = <K extends keyof DeviceSettings>(key: K, value: DeviceSettings[K]): Promise<void> => writeSetting(registry(), key, value)

/** Asks the browser to keep this site's storage (after a user action); returns its answer. */
export const askToKeepStorage = (): Promise<DeviceSettings['persistence']> => requestPersistence(registry())

// ---- people on this device ----

export const listPeople = () => listDevicePeople(registry())
export const personUsingDevice = () => currentPerson(registry())
export const personIdUsingDevice = () => currentPersonId(registry())
export const addPerson = (input: DevicePersonInput) => addDevicePerson(registry(), input)
export const updatePerson = (id: string, patch: Partial<DevicePersonInput>) => updateDevicePerson(registry(), id, patch)
export const removePerson = (id: string, opts: { readonly discardDrafts?: boolean } = {}) => removeDevicePerson(registry(), id, opts)
export const choosePerson = (id: string | undefined) => setCurrentPerson(registry(), id)
export const setPersonPin = (id: string, pin: string) => setPin(registry(), id, pin)
export const removePersonPin = (id: string) => removePin(registry(), id)
export const checkPersonPin = (id: string, pin: string) => checkPin(registry(), id, pin)

// ---- letter drafts ----

export const readLetterDraft = (id: string) => registry().drafts.get(id)
export const listLetterDrafts = (roomId: string, personId: string) => listDrafts(registry(), roomId, personId)
export const countLetterDrafts = (personId: string) => countDrafts(registry(), personId)
export const saveLetterDraft = (roomId: string, id: string, draft: LetterDraft, personId: string) => saveDraft(registry(), roomId, id, draft, personId)
export const deleteLetterDraft = (id: string) => deleteDraft(registry(), id)

// ---- photos on this device ----

export const photoOnDevice = (hash: string) => getBlob(registry(), hash)
export const isPhotoOnDevice = (hash: string) => hasBlob(registry(), hash)
export const photosOnDevice = () => photoStorage(registry())
export const freePartnerPhotos = () => freeDownloadedPhotos(registry())
