import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  ORGANISATION_STEPS,
  ValidationError,
  addOrganisation,
  decideOrganisation,
  deleteOrganisation,
  isWebsite,
  listOrganisations,
  organisationStepsDone,
  readOrganisation,
  restoreOrganisation,
  setOrganisationFeedback,
  setOrganisationStepDone,
  setOrganisationStepNotes,
  updateOrganisation,
  websiteHref,
} from '../../src/domain'
import { newPartnership, sync } from '../helpers/devices'

const NOW = new Date('2026-10-05T08:30:00.000Z')

const partnership = (): Y.Doc => newPartnership({ schoolAId: 'gent', schoolBId: 'huye', author: 'An' })

const WORLD_SCHOOL = { name: ' Wereldschool vzw ', website: 'wereldschool.be', contact: 'Els, 09 123 45 67', themes: ['children’s rights', ' water ', 'water'], ageGroups: ['10–12'] }

describe('partner organisations', () => {
  it('registers an organisation with an empty six-step check and a pending decision', () => {
    const doc = partnership()
    const id = addOrganisation(doc, WORLD_SCHOOL, 'An', NOW)
    const o = readOrganisation(doc, id)!
    expect(o).toMatchObject({ name: 'Wereldschool vzw', website: 'wereldschool.be', themes: ['children’s rights', 'water'], ageGroups: ['10–12'], decision: 'pending', decidedBy: '', smooth: '', difficult: '', createdBy: 'An' })
    expect(ORGANISATION_STEPS.map((s) => o.steps[s].isDone)).toEqual([false, false, false, false, false, false])
    expect(organisationStepsDone(o)).toBe(0)
    // the notes are Y.Text from the start, so two colleagues' notes merge
    const steps = doc.getMap('organisations').get(id) as Y.Map<Y.Map<unknown>>
    expect((steps.get('steps') as unknown as Y.Map<Y.Map<unknown>>).get('inform')!.get('notes')).toBeInstanceOf(Y.Text)
    expect(steps.get('smooth')).toBeInstanceOf(Y.Text)
  })

  it('refuses a nameless organisation and a website that is not one', () => {
    const doc = partnership()
    expect(() => addOrganisation(doc, { ...WORLD_SCHOOL, name: '  ' }, 'An')).toThrow(ValidationError)
    try {
      addOrganisation(doc, { ...WORLD_SCHOOL, website: 'javascript:alert(1)' }, 'An')
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.field)).toEqual(['website'])
    }
    expect(listOrganisations(doc)).toEqual([])
  })

  it('accepts websites with or without https, and links only to http(s)', () => {
    expect(isWebsite('')).toBe(true)
    expect(isWebsite('www.example.org/schools')).toBe(true)
    expect(isWebsite('https://example.org')).toBe(true)
    expect(isWebsite('example')).toBe(false)
    expect(isWebsite('ftp://example.org')).toBe(false)
    expect(isWebsite('data:text/html,hi.there')).toBe(false)
    expect(websiteHref('example.org')).toBe('https://example.org')
    expect(websiteHref('http://example.org')).toBe('http://example.org')
    expect(websiteHref('javascript:alert(1)')).toBe('')
  })

  it('ticks steps with notes; two devices ticking different steps offline keep both', () => {
    const north = partnership()
    const id = addOrganisation(north, WORLD_SCHOOL, 'An', NOW)
    const south = new Y.Doc()
    sync(north, south)
    setOrganisationStepDone(north, id, 'inform', true, 'An', NOW)
    setOrganisationStepNotes(north, id, 'inform', 'Fits our vision; recognised by the Flemish government.', 'An', NOW)
    setOrganisationStepDone(south, id, 'experiences', true, 'Jan', NOW)
    setOrganisationStepNotes(south, id, 'inform', 'Also works with GS Huye.', 'Jan', NOW)
    sync(north, south)
    for (const doc of [north, south]) {
      const o = readOrganisation(doc, id)!
      expect(o.steps.inform).toMatchObject({ isDone: true, doneBy: 'An' })
      expect(o.steps.experiences).toMatchObject({ isDone: true, doneBy: 'Jan' })
      expect(o.steps.inform.notes).toContain('Fits our vision')
      expect(o.steps.inform.notes).toContain('Also works with GS Huye.')
      expect(organisationStepsDone(o)).toBe(2)
    }
    setOrganisationStepDone(north, id, 'inform', false, 'An', NOW)
    expect(readOrganisation(north, id)!.steps.inform).toMatchObject({ isDone: false, doneAt: null, doneBy: null })
  })

  it('records the decision with who and when, and ticks step 4 with it', () => {
    const doc = partnership()
    const id = addOrganisation(doc, WORLD_SCHOOL, 'An', NOW)
    expect(() => decideOrganisation(doc, id, { decision: 'go', decidedBy: '', decidedOn: '' }, 'An')).toThrow(ValidationError)
    decideOrganisation(doc, id, { decision: 'go', decidedBy: 'Head Mieke, An, Jan', decidedOn: '2026-10-12' }, 'An', NOW)
    const o = readOrganisation(doc, id)!
    expect(o).toMatchObject({ decision: 'go', decidedBy: 'Head Mieke, An, Jan', decidedOn: '2026-10-12' })
    expect(o.steps.decision.isDone).toBe(true)
    decideOrganisation(doc, id, { decision: 'pending', decidedBy: '', decidedOn: '' }, 'An', NOW)
    expect(readOrganisation(doc, id)!.decision).toBe('pending')
  })

  it('keeps feedback afterwards: what made the cooperation smooth or difficult', () => {
    const doc = partnership()
    const id = addOrganisation(doc, WORLD_SCHOOL, 'An', NOW)
    setOrganisationFeedback(doc, id, { smooth: 'Clear programme beforehand.', difficult: 'Too long for the youngest.' }, 'An', NOW)
    setOrganisationFeedback(doc, id, { smooth: 'Clear programme beforehand; friendly guide.' }, 'Jan', NOW)
    expect(readOrganisation(doc, id)).toMatchObject({ smooth: 'Clear programme beforehand; friendly guide.', difficult: 'Too long for the youngest.', updatedBy: 'Jan' })
  })

  it('edits, deletes and restores; reads a record from an older or odd writer without failing', () => {
    const doc = partnership()
    const id = addOrganisation(doc, WORLD_SCHOOL, 'An', NOW)
    updateOrganisation(doc, id, { contact: 'Els Peeters', themes: ['water'] }, 'Jan', NOW)
    expect(readOrganisation(doc, id)).toMatchObject({ contact: 'Els Peeters', themes: ['water'], name: 'Wereldschool vzw' })
    deleteOrganisation(doc, id, 'Jan', NOW)
    expect(listOrganisations(doc)).toEqual([])
    restoreOrganisation(doc, id, 'Jan', NOW)
    expect(listOrganisations(doc).map((o) => o.id)).toEqual([id])
    const odd = new Y.Map<unknown>()
    doc.getMap('organisations').set('odd', odd)
    odd.set('name', 'Odd')
    odd.set('decision', 'maybe')
    odd.set('themes', 'not a list')
    const o = readOrganisation(doc, 'odd')!
    expect(o).toMatchObject({ decision: 'pending', themes: [], smooth: '' })
    expect(o.steps.feedback.isDone).toBe(false)
    // a step map it lacks is made when ticked
    setOrganisationStepDone(doc, 'odd', 'feedback', true, 'An', NOW)
    expect(readOrganisation(doc, 'odd')!.steps.feedback.isDone).toBe(true)
  })

  it('writes nothing into a document newer than the app', () => {
    const doc = partnership()
    doc.getMap('meta').set('version:99', true)
    expect(() => addOrganisation(doc, WORLD_SCHOOL, 'An')).toThrow(/newer/)
  })
})
