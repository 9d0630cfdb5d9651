/**
 * The partnership agreement in two languages: translations beside the draft (the same code as a
 * letter's), out of date when the original changes; signatures naming the language signed and the
 * original's fingerprint; old signatures; values of the wrong shape from another device ignored.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addAgreementTranslation,
  freezeIfSigned,
  initPartnership,
  listSignedAgreements,
  readAgreementDraft,
  signAgreement,
  updateAgreementDraft,
  updateAgreementTranslation,
} from '../../src/domain'

function partnership(): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Kigali', ourSchoolName: 'Sint-Jozef Gent', partnerSchoolName: 'EP Kigali' }, { schoolAId: 'gent', schoolBId: 'kigali' }, 'An')
  return doc
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
}

/** A Dutch draft with a French translation by Marie. */
function dutchWithFrench(): { doc: Y.Doc; frenchId: string } {
  const doc = partnership()
  updateAgreementDraft(doc, { sections: { goals: 'Samen leren.', communication: 'Elke maand bellen.' }, partnershipName: 'Bruggen', language: 'nl' }, 'An')
  const frenchId = addAgreementTranslation(doc, { language: 'fr', translator: ' Marie ', sections: { goals: 'Apprendre ensemble.', communication: 'Appeler chaque mois.' }, partnershipName: 'Ponts' }, 'Jean')
  return { doc, frenchId }
}

describe('translations of the agreement', () => {
  it('reads a translation beside the draft, with its translator, and marks it out of date when the original changes', () => {
    const { doc, frenchId } = dutchWithFrench()
    const draft = readAgreementDraft(doc)
    expect(draft.language).toBe('nl')
    expect(draft.translations).toHaveLength(1)
    expect(draft.translations[0]).toMatchObject({ id: frenchId, language: 'fr', translator: 'Marie', partnershipName: 'Ponts', isOutOfDate: false, createdBy: 'Jean' })
    expect(draft.translations[0]!.sections.goals).toBe('Apprendre ensemble.')

    updateAgreementDraft(doc, { sections: { goals: 'Samen leren, elk jaar.' } }, 'An')
    expect(readAgreementDraft(doc).translations[0]!.isOutOfDate).toBe(true)
    // brought up to date: based on the original as it is now
    updateAgreementTranslation(doc, frenchId, { sections: { goals: 'Apprendre ensemble, chaque année.' } }, 'Jean')
    expect(readAgreementDraft(doc).translations[0]).toMatchObject({ isOutOfDate: false, updatedBy: 'Jean' })
    expect(readAgreementDraft(doc).translations[0]!.sections.goals).toBe('Apprendre ensemble, chaque année.')
  })

  it('refuses a language that is not offered, the original’s own, a second translation in one language, and an empty text', () => {
    const { doc } = dutchWithFrench()
    const input = { translator: '', sections: { goals: 'Learn together.' }, partnershipName: '' }
    expect(() => addAgreementTranslation(doc, { ...input, language: 'xx' }, 'Jean')).toThrow(/invalidChoice \(language\)/)
    expect(() => addAgreementTranslation(doc, { ...input, language: 'nl' }, 'Jean')).toThrow(/invalidChoice \(language\)/)
    expect(() => addAgreementTranslation(doc, { ...input, language: 'fr' }, 'Jean')).toThrow(/invalidChoice \(language\)/)
    expect(() => addAgreementTranslation(doc, { ...input, language: 'en', sections: { goals: '  ' } }, 'Jean')).toThrow(/required \(goals\)/)
    expect(() => updateAgreementDraft(doc, { language: 'klingon' }, 'An')).toThrow(/invalidChoice \(language\)/)
    expect(readAgreementDraft(doc).translations.map((t) => t.language)).toEqual(['fr'])
  })
})

describe('signing the agreement in the language one reads', () => {
  it('a signature on the French translation names French and the original’s fingerprint, and counts with one on the Dutch original', () => {
    const { doc } = dutchWithFrench()
    const fp = readAgreementDraft(doc).fingerprint
    signAgreement(doc, 'gent', { name: 'Mr De Smet', date: '2026-11-20' })
    signAgreement(doc, 'kigali', { name: 'Mme Mukamana', date: '2026-11-21', language: 'fr' })
    const stored = doc.getMap('agreement').get('signature:kigali') as Record<string, unknown>
    expect(stored).toMatchObject({ name: 'Mme Mukamana', language: 'fr', text: fp })
    expect(stored.translation).toMatch(/^[0-9a-f]{16}$/)
    expect((doc.getMap('agreement').get('signature:gent') as Record<string, unknown>).language).toBe('nl')

    const draft = readAgreementDraft(doc)
    expect(Object.keys(draft.signatures).sort()).toEqual(['gent', 'kigali'])
    const versions = listSignedAgreements(doc)
    expect(versions).toHaveLength(1)
    expect(versions[0]).toMatchObject({ language: 'nl', translations: [{ language: 'fr', translator: 'Marie', partnershipName: 'Ponts' }] })
    expect(versions[0]!.translations[0]!.sections.goals).toBe('Apprendre ensemble.')
    expect(versions[0]!.signatures.map((s) => s.language)).toEqual(['nl', 'fr'])
  })

  it('a signature on a translation that is out of date, or was changed since, does not count as signing the current text', () => {
    const { doc, frenchId } = dutchWithFrench()
    signAgreement(doc, 'kigali', { name: 'Mme Mukamana', date: '2026-11-21', language: 'fr' })
    expect(readAgreementDraft(doc).signatures.kigali).toBeDefined()

    // the original changes: the translation is out of date, the signature on it stops counting
    updateAgreementDraft(doc, { sections: { goals: 'Samen leren en spelen.' } }, 'An')
    let draft = readAgreementDraft(doc)
    expect(draft.translations[0]!.isOutOfDate).toBe(true)
    expect(draft.signatures).toEqual({})
    expect(draft.outdatedSignatures).toMatchObject([{ schoolId: 'kigali', language: 'fr', date: '2026-11-21' }])
    // nor does it count again when the translation is brought up to date: she has not read that text
    updateAgreementTranslation(doc, frenchId, { sections: { goals: 'Apprendre et jouer ensemble.' } }, 'Jean')
    draft = readAgreementDraft(doc)
    expect(draft.translations[0]!.isOutOfDate).toBe(false)
    expect(draft.signatures).toEqual({})
    // an out-of-date translation cannot be signed
    updateAgreementDraft(doc, { sections: { goals: 'Samen leren, spelen en lezen.' } }, 'An')
    expect(() => signAgreement(doc, 'kigali', { name: 'Mme Mukamana', date: '2026-11-22', language: 'fr' })).toThrow(/invalidChoice \(language\)/)
    // a translation edited after signing (the original unchanged) is another text too
    updateAgreementTranslation(doc, frenchId, {}, 'Jean')
    signAgreement(doc, 'kigali', { name: 'Mme Mukamana', date: '2026-11-23', language: 'fr' })
    expect(readAgreementDraft(doc).signatures.kigali).toBeDefined()
    updateAgreementTranslation(doc, frenchId, { translator: 'Marie Uwase' }, 'Jean')
    expect(readAgreementDraft(doc).signatures.kigali).toBeUndefined()
    signAgreement(doc, 'gent', { name: 'Mr De Smet', date: '2026-11-23' })
    expect(freezeIfSigned(doc)).toBe(false)
    expect(listSignedAgreements(doc)).toEqual([])
  })

  it('an old signature without a language reads as signed on the original, as before', () => {
    const { doc } = dutchWithFrench()
    const fp = readAgreementDraft(doc).fingerprint
    doc.getMap('agreement').set('signature:gent', { name: 'Mr De Smet', date: '2026-11-20', signedAt: '2026-11-20T09:00:00.000Z', text: fp })
    expect(readAgreementDraft(doc).signatures.gent).toMatchObject({ name: 'Mr De Smet', language: '', translation: '' })
    updateAgreementDraft(doc, { sections: { goals: 'Iets anders.' } }, 'An')
    expect(readAgreementDraft(doc).outdatedSignatures.map((s) => s.name)).toEqual(['Mr De Smet'])
  })

  it('two devices that sign offline, one the original and one the translation, freeze one and the same version', () => {
    const { doc: north } = dutchWithFrench()
    const south = new Y.Doc()
    Y.applyUpdate(south, Y.encodeStateAsUpdate(north))
    signAgreement(north, 'gent', { name: 'Mr De Smet', date: '2026-11-20' }, new Date('2026-11-20T09:00:00Z'))
    signAgreement(south, 'kigali', { name: 'Mme Mukamana', date: '2026-11-21', language: 'fr' }, new Date('2026-11-21T07:00:00Z'))
    sync(north, south)
    expect(freezeIfSigned(north)).toBe(true)
    expect(freezeIfSigned(south)).toBe(true)
    sync(north, south)
    expect(listSignedAgreements(north)).toEqual(listSignedAgreements(south))
    expect(listSignedAgreements(north)).toHaveLength(1)
  })
})

describe('values of the wrong shape from another device', () => {
  it('are ignored: they neither count as signatures nor show as translations', () => {
    const { doc } = dutchWithFrench()
    const fp = readAgreementDraft(doc).fingerprint
    const root = doc.getMap('agreement')
    const garbage = new Y.Map<unknown>()
    root.set('translation:evil', garbage)
    garbage.set('language', '<script>')
    garbage.set('goals', 'x')
    garbage.set('basedOn', fp)
    root.set('translation:notamap', 'text')
    const deleted = new Y.Map<unknown>()
    root.set('translation:deleted', deleted)
    deleted.set('language', 'en')
    deleted.set('deletedAt', '2026-01-01T00:00:00.000Z')
    root.set('signature:gent', { name: 'Mr De Smet', text: fp, language: 'klingon' })
    root.set('signature:kigali', { name: 'Mme Mukamana', text: fp, language: 'fr', translation: 42 })
    root.set('signature:x1', { name: 'A'.repeat(5000), text: fp })
    root.set('signature:x2', { name: 'B', text: 'not a fingerprint' })
    root.set('signature:x3', ['B', fp])
    const draft = readAgreementDraft(doc)
    expect(draft.translations.map((t) => t.language)).toEqual(['fr'])
    expect(draft.signatures).toEqual({})
    expect(draft.outdatedSignatures).toEqual([])
    // a frozen version with a bad language or translation reads them as nothing
    root.set('version:0123456789abcdef', { sections: { goals: 'G' }, language: 'zz', translations: [{ language: 'zz' }, 'x', { language: 'fr', sections: { goals: 7 } }], signatures: [], frozenAt: '2026-01-01T00:00:00Z' })
    const [v] = listSignedAgreements(doc)
    expect(v).toMatchObject({ language: '', translations: [{ language: 'fr', translator: '', partnershipName: '' }] })
    expect(v!.translations[0]!.sections.goals).toBe('')
  })
})
