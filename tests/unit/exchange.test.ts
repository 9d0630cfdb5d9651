import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addTranslation,
  deleteLetter,
  deliveryState,
  editLetter,
  freezeIfSigned,
  initPartnership,
  letterPhotoRefs,
  letterRecord,
  listLetterThreads,
  listNextSteps,
  listSignedAgreements,
  readAgreementDraft,
  readLetter,
  receivedBySchools,
  sendLetter,
  signAgreement,
  updateAgreementDraft,
  updateTranslation,
  writeReceipt,
  type LetterDraft,
} from '../../src/domain'

function partnership(): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Kigali', ourSchoolName: 'Sint-Jozef Gent', partnerSchoolName: 'EP Kigali' }, { schoolAId: 'gent', schoolBId: 'kigali' }, 'An')
  return doc
}

function fork(doc: Y.Doc): Y.Doc {
  const d = new Y.Doc()
  Y.applyUpdate(d, Y.encodeStateAsUpdate(doc))
  return d
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
}

const draft: LetterDraft = {
  kind: 'class',
  fromSchoolId: 'gent',
  fromWho: 'Class 5B',
  toSchoolId: 'kigali',
  toWho: 'P5',
  language: 'nl',
  subject: 'Hallo uit Gent',
  body: 'Wij zijn klas 5B. Wij spelen graag voetbal.',
  activityId: '',
  replyTo: '',
  photos: [],
  nextStep: { who: 'P5 Kigali', what: 'Answer the letter', toWhom: 'Class 5B', dueDate: '2026-12-15' },
}

describe('letters', () => {
  it('sends a letter whose next step joins the list of next steps', () => {
    const doc = partnership()
    const id = sendLetter(doc, draft, 'Ms Peeters')
    const letter = readLetter(doc, id)!
    expect(letter).toMatchObject({ subject: 'Hallo uit Gent', fromWho: 'Class 5B', language: 'nl' })
    expect(listNextSteps(doc).map((s) => [s.what, s.sourceId])).toEqual([['Answer the letter', id]])
  })

  it('refuses a letter without subject or text, and a half-filled next step', () => {
    const doc = partnership()
    expect(() => sendLetter(doc, { ...draft, subject: ' ' }, 'An')).toThrow(/required/)
    expect(() => sendLetter(doc, { ...draft, nextStep: { ...draft.nextStep, what: '' } }, 'An')).toThrow(/required/)
    expect(() => sendLetter(doc, { ...draft, language: 'Dutch' }, 'An')).toThrow(/invalidChoice/)
  })

  it('threads replies under the first letter', () => {
    const doc = partnership()
    const first = sendLetter(doc, draft, 'An', new Date('2026-11-01T10:00:00Z'))
    const reply = sendLetter(doc, { ...draft, fromSchoolId: 'kigali', toSchoolId: 'gent', language: 'fr', subject: 'Bonjour', body: 'Merci !', replyTo: first }, 'Jean', new Date('2026-11-20T10:00:00Z'))
    const answer = sendLetter(doc, { ...draft, subject: 'Re', body: 'Tot snel', replyTo: reply }, 'An', new Date('2026-11-25T10:00:00Z'))
    const threads = listLetterThreads(doc)
    expect(threads).toHaveLength(1)
    expect(threads[0]!.letter.id).toBe(first)
    expect(threads[0]!.replies.map((l) => l.id)).toEqual([reply, answer])
  })
})

describe('translations', () => {
  it('marks a translation out of date when the original changes, until someone updates it', () => {
    const doc = partnership()
    const id = sendLetter(doc, draft, 'An')
    const t = addTranslation(doc, id, { language: 'fr', translator: 'Mme Uwase', subject: 'Bonjour de Gand', body: 'Nous sommes la classe 5B.' }, 'Alice')
    expect(readLetter(doc, id)!.translations[0]).toMatchObject({ id: t, language: 'fr', translator: 'Mme Uwase', isOutOfDate: false })
    editLetter(doc, id, { body: 'Wij zijn klas 5B. Wij spelen graag voetbal en basketbal.' }, 'An')
    expect(readLetter(doc, id)!.translations[0]!.isOutOfDate).toBe(true)
    updateTranslation(doc, id, t, { body: 'Nous sommes la classe 5B. Nous aimons le football et le basket.' }, 'Alice')
    expect(readLetter(doc, id)!.translations[0]!.isOutOfDate).toBe(false)
  })

  it('stays out of date when the original changed on another device while the translator worked', () => {
    const north = partnership()
    const id = sendLetter(north, draft, 'An')
    const t = addTranslation(north, id, { language: 'fr', translator: 'Mme Uwase', subject: 'Bonjour', body: 'Nous sommes la classe 5B.' }, 'Alice')
    const south = fork(north)
    editLetter(north, id, { subject: 'Hallo uit Gent!' }, 'An')
    updateTranslation(south, id, t, { body: 'Nous sommes la 5B.' }, 'Alice')
    sync(north, south)
    expect(readLetter(north, id)!.translations[0]!.isOutOfDate).toBe(true)
    expect(readLetter(south, id)!.translations[0]!.isOutOfDate).toBe(true)
  })
})

describe('receipts', () => {
  it('shows a letter as received by the partner school once a device of theirs has synced it', () => {
    const north = partnership()
    const south = fork(north)
    const id = sendLetter(north, draft, 'An')
    const record = letterRecord(north, id)!
    expect(deliveryState(north, record, 'gent', () => false)).toBe('saved-local')
    expect(deliveryState(north, record, 'gent', () => true)).toBe('on-relay')
    // the partner's device receives it and writes its receipt
    sync(north, south)
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(true)
    sync(north, south)
    expect(receivedBySchools(north, record)).toEqual(['kigali'])
    expect(deliveryState(north, record, 'gent', () => true)).toBe('received-by-partner')
    // an edit after that is not received yet
    editLetter(north, id, { body: 'Een nieuwe versie.' }, 'An')
    expect(deliveryState(north, letterRecord(north, id)!, 'gent', () => true)).toBe('on-relay')
  })

  it('never ping-pongs: another device’s receipt is not news', () => {
    const north = partnership()
    const south = fork(north)
    sendLetter(north, draft, 'An')
    sync(north, south)
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(true)
    sync(north, south)
    expect(writeReceipt(north, { schoolId: 'gent', deviceId: 'laptop-1' })).toBe(true)
    sync(north, south)
    // each now only sees the other's receipt: nothing to answer
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(false)
    expect(writeReceipt(north, { schoolId: 'gent', deviceId: 'laptop-1' })).toBe(false)
  })

  it('counts a change the partner made last (a translation) as received by the partner', () => {
    const north = partnership()
    const south = fork(north)
    const id = sendLetter(north, draft, 'An')
    sync(north, south)
    addTranslation(south, id, { language: 'fr', translator: 'Mme Uwase', subject: 'Bonjour', body: 'Nous sommes la 5B.' }, 'Alice')
    writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })
    sync(north, south)
    expect(receivedBySchools(north, letterRecord(north, id)!)).toContain('kigali')
  })

  it('never claims the partner received anything when this device does not know its school', () => {
    const north = partnership()
    const south = fork(north)
    const id = sendLetter(north, draft, 'An')
    sync(north, south)
    writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })
    sync(north, south)
    expect(deliveryState(north, letterRecord(north, id)!, '', () => true)).toBe('on-relay')
  })

  it('writes a receipt only when something arrived from another device (no loop on its own writes)', () => {
    const north = partnership()
    const south = fork(north)
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(true)
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(false)
    sendLetter(south, { ...draft, fromSchoolId: 'kigali', toSchoolId: 'gent' }, 'Jean')
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(false)
    sendLetter(north, draft, 'An')
    sync(north, south)
    expect(writeReceipt(south, { schoolId: 'kigali', deviceId: 'tablet-1' })).toBe(true)
  })
})

describe('the partnership agreement', () => {
  it('freezes one version when both heads sign offline on their own devices, then merge', () => {
    const north = partnership()
    updateAgreementDraft(north, { sections: { goals: 'Learn from each other.', communication: 'Monthly call.' }, partnershipName: 'Bridges', reviewEveryMonths: 12 }, 'An')
    const south = fork(north)
    signAgreement(north, 'gent', { name: 'Mr De Smet', date: '2026-11-20' }, new Date('2026-11-20T09:00:00Z'))
    signAgreement(south, 'kigali', { name: 'Mme Mukamana', date: '2026-11-21' }, new Date('2026-11-21T07:00:00Z'))
    expect(listSignedAgreements(north)).toEqual([])
    sync(north, south)
    // both devices see both signatures and freeze: the same key and value
    expect(freezeIfSigned(north)).toBe(true)
    expect(freezeIfSigned(south)).toBe(true)
    sync(north, south)
    for (const d of [north, south]) {
      const versions = listSignedAgreements(d)
      expect(versions).toHaveLength(1)
      expect(versions[0]).toMatchObject({ partnershipName: 'Bridges', frozenAt: '2026-11-21T07:00:00.000Z', nextReview: '2027-11-21' })
      expect(versions[0]!.sections.goals).toBe('Learn from each other.')
      expect(versions[0]!.signatures.map((s) => s.name).sort()).toEqual(['Mme Mukamana', 'Mr De Smet'])
    }
  })

  it('keeps the signed version exactly when the draft is edited later, and asks to sign again', () => {
    const doc = partnership()
    updateAgreementDraft(doc, { sections: { goals: 'Learn from each other.' } }, 'An')
    signAgreement(doc, 'gent', { name: 'Mr De Smet', date: '2026-11-20' })
    signAgreement(doc, 'kigali', { name: 'Mme Mukamana', date: '2026-11-21' })
    expect(listSignedAgreements(doc)).toHaveLength(1)
    updateAgreementDraft(doc, { sections: { goals: 'Learn from each other, every year.' } }, 'An')
    const draft = readAgreementDraft(doc)
    expect(draft.signatures).toEqual({})
    expect(draft.outdatedSignatures).toHaveLength(2)
    expect(listSignedAgreements(doc)[0]!.sections.goals).toBe('Learn from each other.')
    signAgreement(doc, 'gent', { name: 'Mr De Smet', date: '2027-11-20' }, new Date('2027-11-20T09:00:00Z'))
    signAgreement(doc, 'kigali', { name: 'Mme Mukamana', date: '2027-11-21' }, new Date('2027-11-21T09:00:00Z'))
    const versions = listSignedAgreements(doc)
    expect(versions.map((v) => v.sections.goals)).toEqual(['Learn from each other, every year.', 'Learn from each other.'])
  })

  it('a signature made on another text does not count', () => {
    const north = partnership()
    updateAgreementDraft(north, { sections: { goals: 'A' } }, 'An')
    const south = fork(north)
    signAgreement(north, 'gent', { name: 'Mr De Smet', date: '2026-11-20' })
    updateAgreementDraft(south, { sections: { goals: 'A and B' } }, 'Jean')
    signAgreement(south, 'kigali', { name: 'Mme Mukamana', date: '2026-11-21' })
    sync(north, south)
    expect(freezeIfSigned(north)).toBe(false)
    expect(listSignedAgreements(north)).toEqual([])
  })

  it('makes one draft when both devices start it offline', () => {
    const north = partnership()
    const south = fork(north)
    updateAgreementDraft(north, { sections: { goals: 'Goals from Gent.' } }, 'An')
    updateAgreementDraft(south, { sections: { priorities: 'Priorities from Kigali.' } }, 'Jean')
    sync(north, south)
    const d = readAgreementDraft(north)
    expect(d.sections.goals).toBe('Goals from Gent.')
    expect(d.sections.priorities).toBe('Priorities from Kigali.')
  })
})

describe('letterPhotoRefs', () => {
  const photo = (n: number) => ({ hash: n.toString(16).padStart(64, '0'), bytes: 1000 + n, width: 640, height: 480, type: 'image/jpeg' as const })

  it('lists each photo of the live letters once, and skips deleted letters and entries that are no photo', () => {
    const doc = partnership()
    sendLetter(doc, { ...draft, photos: [photo(1), photo(2)] }, 'An')
    sendLetter(doc, { ...draft, subject: 'Nog eens', photos: [photo(2), photo(3)] }, 'An')
    const gone = sendLetter(doc, { ...draft, subject: 'Weg', photos: [photo(4)] }, 'An')
    deleteLetter(doc, gone, 'An')
    // written by another program: no photo at all
    const someone = letterRecord(doc, sendLetter(doc, { ...draft, subject: 'Vreemd' }, 'An'))!
    ;(someone.get('photos') as Y.Map<unknown>).set('x', { hash: '<script>', bytes: 'lots' })
    expect(letterPhotoRefs(doc).map((p) => p.bytes).sort()).toEqual([1001, 1002, 1003])
  })
})
