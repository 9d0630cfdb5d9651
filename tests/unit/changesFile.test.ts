/**
 * Changes files (src/sync/changesFile.ts, changesExchange.ts): a file written on one device opens
 * on another device of the same partnership and brings what it holds; a file of another
 * partnership, a damaged or forged file, one from a newer version and a file that is not one at
 * all are refused with their reason and change nothing.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities, listLetterThreads, sendLetter, updateActivity, type LetterDraft } from '../../src/domain'
import {
  CHANGES_FILE_VERSION,
  MAX_CHANGES_FILE_BYTES,
  changesFileKey,
  changesFileSize,
  hmacSha256,
  readChangesFile,
  roomOfChangesFile,
  writeChangesFile,
} from '../../src/sync/changesFile'
import { changesFileText, openChangesFile, outgoingChanges } from '../../src/sync/changesExchange'
import { newInvite } from '../../src/sync/wire'

const ROOM = newInvite().roomId

function partnership(schoolB = 'kigali'): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Kigali', ourSchoolName: 'Sint-Jozef Gent', partnerSchoolName: 'EP Kigali' }, { schoolAId: 'gent', schoolBId: schoolB }, 'An')
  return doc
}

function fork(doc: Y.Doc): Y.Doc {
  const d = new Y.Doc()
  Y.applyUpdate(d, Y.encodeStateAsUpdate(doc))
  return d
}

/** A letter from Gent to Kigali, without a next step. */
const draft: LetterDraft = { kind: 'class', fromSchoolId: 'gent', fromWho: 'Class 5B', toSchoolId: 'kigali', toWho: 'P5', language: 'nl', subject: 'Hallo uit Gent', body: 'Wij zijn klas 5B.', activityId: '', replyTo: '', photos: [], nextStep: { who: '', what: '', toWhom: '', dueDate: '' } }

function fileFrom(doc: Y.Doc, roomId = ROOM, partnerHolds?: Uint8Array): string {
  const text = changesFileText(doc, roomId, 'device-north-1', outgoingChanges(doc, partnerHolds), [], new Date('2026-12-01T10:00:00Z'))
  if (!text) throw new Error('no file key')
  return text
}

describe('changes files', () => {
  it('HMAC-SHA256 matches the standard (RFC 4231 and node:crypto)', () => {
    const key = new TextEncoder().encode('Jefe')
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
    expect(hex(hmacSha256(key, new TextEncoder().encode('what do ya want for nothing?')))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
    const long = new Uint8Array(131).fill(0xaa)
    const message = new Uint8Array(1000).map((_, i) => i & 255)
    expect(hex(hmacSha256(long, message))).toBe(createHmac('sha256', long).update(message).digest('hex'))
  })

  it('round trip: a letter and an activity edit written on one device arrive on the other, both ways', () => {
    const north = partnership()
    const activity = createActivity(north, { ...EMPTY_ACTIVITY, title: 'Football match' }, 'An')
    const south = fork(north)

    sendLetter(north, draft, 'An')
    updateActivity(north, activity, { title: 'Football match in May' }, 'An')
    const file = fileFrom(north)
    expect(roomOfChangesFile(file)).toBe(ROOM)
    const opened = openChangesFile(south, ROOM, file)
    expect(opened).toMatchObject({ ok: true, arrived: { letters: 1, activities: 1 }, isIncomplete: false, device: 'device-north-1' })
    expect(listLetterThreads(south).map((t) => t.letter.subject)).toEqual(['Hallo uit Gent'])
    expect(listActivities(south).map((a) => a.title)).toEqual(['Football match in May'])

    // the other way, as a diff against what the north phone said it held
    sendLetter(south, { ...draft, fromSchoolId: 'kigali', toSchoolId: 'gent', language: 'fr', subject: 'Bonjour de Kigali' }, 'Jean')
    const back = fileFrom(south, ROOM, opened.ok ? opened.holds : undefined)
    expect(back.length).toBeLessThan(fileFrom(south).length)
    expect(openChangesFile(north, ROOM, back)).toMatchObject({ ok: true, arrived: { letters: 1, activities: 0, other: 0 } })
    expect(listLetterThreads(north).map((t) => t.letter.subject).sort()).toEqual(['Bonjour de Kigali', 'Hallo uit Gent'])
    expect(Y.encodeStateVector(north)).toEqual(Y.encodeStateVector(south))

    // opening the same file again brings nothing new
    expect(openChangesFile(north, ROOM, back)).toMatchObject({ ok: true, arrived: { letters: 0, activities: 0, other: 0 } })
  })

  it('the size shown before sharing is the size of the file written', () => {
    const north = partnership()
    sendLetter(north, draft, 'An')
    const changes = outgoingChanges(north, undefined)
    const written = fileFrom(north).length
    const estimate = changesFileSize({ ...changes, photos: [] })
    expect(Math.abs(estimate - written)).toBeLessThan(200)
  })

  it('a file of another partnership is refused and changes nothing', () => {
    const other = partnership()
    sendLetter(other, draft, 'An')
    const file = fileFrom(other, newInvite().roomId)
    const south = partnership()
    const before = Y.encodeStateVector(south)
    expect(openChangesFile(south, ROOM, file)).toEqual({ ok: false, error: 'otherPartnership' })
    expect(Y.encodeStateVector(south)).toEqual(before)
  })

  it('a file made with another key (same room id, other school ids: forged) is refused as damaged', () => {
    const forger = partnership('someone-else')
    sendLetter(forger, { ...draft, toSchoolId: 'someone-else' }, 'An')
    const south = partnership()
    const before = Y.encodeStateVector(south)
    expect(openChangesFile(south, ROOM, fileFrom(forger))).toEqual({ ok: false, error: 'damaged' })
    expect(Y.encodeStateVector(south)).toEqual(before)
  })

  it('a damaged file (a changed character, a cut file, a changed field) is refused and changes nothing', () => {
    const north = partnership()
    const south = fork(north)
    sendLetter(north, draft, 'An')
    const file = fileFrom(north)
    const before = Y.encodeStateVector(south)
    const o = JSON.parse(file) as Record<string, string>
    const update = o.update!
    const flipped = update.slice(0, 40) + (update[40] === 'A' ? 'B' : 'A') + update.slice(41)
    expect(openChangesFile(south, ROOM, JSON.stringify({ ...o, update: flipped }))).toEqual({ ok: false, error: 'damaged' })
    expect(openChangesFile(south, ROOM, file.slice(0, Math.floor(file.length / 2)))).toEqual({ ok: false, error: 'damaged' })
    expect(openChangesFile(south, ROOM, JSON.stringify({ ...o, createdAt: '2027-01-01T00:00:00.000Z' }))).toEqual({ ok: false, error: 'damaged' })
    expect(openChangesFile(south, ROOM, JSON.stringify({ ...o, proof: 'x' }))).toEqual({ ok: false, error: 'damaged' })
    expect(openChangesFile(south, ROOM, JSON.stringify({ ...o, device: 'device-south-1' }))).toEqual({ ok: false, error: 'damaged' })
    expect(Y.encodeStateVector(south)).toEqual(before)
  })

  it('a file from a newer version is refused as such, even when every other field differs', () => {
    const north = partnership()
    const o = JSON.parse(fileFrom(north)) as Record<string, unknown>
    const south = fork(north)
    expect(openChangesFile(south, ROOM, JSON.stringify({ ...o, version: CHANGES_FILE_VERSION + 1 }))).toEqual({ ok: false, error: 'newerVersion' })
    expect(openChangesFile(south, ROOM, JSON.stringify({ format: 'scholenband-changes', version: 7, payload: 'future' }))).toEqual({ ok: false, error: 'newerVersion' })
  })

  it('something that is not a changes file (a photo, a text, other JSON) is refused as such', () => {
    const south = partnership()
    const before = Y.encodeStateVector(south)
    expect(openChangesFile(south, ROOM, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]))).toEqual({ ok: false, error: 'notAFile' })
    expect(openChangesFile(south, ROOM, 'Dear friends, see you soon!')).toEqual({ ok: false, error: 'notAFile' })
    expect(openChangesFile(south, ROOM, '{"name":"package","version":1}')).toEqual({ ok: false, error: 'notAFile' })
    expect(openChangesFile(south, ROOM, '')).toEqual({ ok: false, error: 'notAFile' })
    expect(Y.encodeStateVector(south)).toEqual(before)
  })

  it('a file over the size limit is not read', () => {
    const south = partnership()
    expect(readChangesFile(new Uint8Array(MAX_CHANGES_FILE_BYTES + 1), ROOM, changesFileKey(ROOM, 'gent', 'kigali'))).toEqual({ ok: false, error: 'tooLarge' })
    expect(openChangesFile(south, ROOM, ' '.repeat(MAX_CHANGES_FILE_BYTES + 1))).toEqual({ ok: false, error: 'tooLarge' })
  })

  it('a device that has not received the partnership yet cannot open one', () => {
    expect(openChangesFile(new Y.Doc(), ROOM, fileFrom(partnership()))).toEqual({ ok: false, error: 'notReady' })
  })

  it('carries photos, checked by the proof', () => {
    const key = changesFileKey(ROOM, 'gent', 'kigali')
    const photo = { hash: 'a'.repeat(64), type: 'image/jpeg', data: new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]) }
    const text = writeChangesFile({ roomId: ROOM, createdAt: '2026-12-01T10:00:00.000Z', device: '', holds: new Uint8Array([0]), since: new Uint8Array(0), update: Y.encodeStateAsUpdate(new Y.Doc()), photos: [photo] }, key)
    const read = readChangesFile(text, ROOM, key)
    expect(read.ok && read.file.photos).toEqual([photo])
    const o = JSON.parse(text) as { photos: { type: string }[] }
    o.photos[0]!.type = 'image/webp'
    expect(readChangesFile(JSON.stringify(o), ROOM, key)).toEqual({ ok: false, error: 'damaged' })
  })
})
