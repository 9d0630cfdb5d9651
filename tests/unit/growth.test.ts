import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  EMPTY_ACTIVITY,
  INDICATORS,
  addMeeting,
  addNextStep,
  addPartnerInput,
  addPerson,
  answerReflection,
  computeGrowth,
  createActivity,
  growthYear,
  growthYearContaining,
  growthYears,
  initPartnership,
  readGrowthNote,
  setGrowthNote,
  setNextStepDone,
  setSchoolYearStartMonth,
  signAgreement,
  updateAgreementDraft,
  startReflection,
  updateAgreements,
  type ActivityInput,
  type GrowthIndicator,
  type IndicatorKey,
} from '../../src/domain'

const IN_YEAR = new Date('2026-10-05T08:30:00.000Z')
const LAST_YEAR = new Date('2025-10-05T08:30:00.000Z')

function partnership(): Y.Doc {
  const doc = new Y.Doc()
  initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId: 'gent', schoolBId: 'huye' }, 'An')
  return doc
}

function person(doc: Y.Doc, schoolId: string, name: string, isWorkingGroupMember = true): void {
  addPerson(doc, { schoolId, name, role: '', phone: '', email: '', isContactPerson: false, isFollowing: true, isWorkingGroupMember }, 'An')
}

function activity(doc: Y.Doc, patch: Partial<ActivityInput>, actor = 'An'): string {
  return createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Letters', startDate: '2026-10-05', ...patch }, actor, IN_YEAR)
}

function indicator(doc: Y.Doc, key: IndicatorKey, firstYear = 2026): GrowthIndicator {
  return computeGrowth(doc, growthYear(doc, firstYear)).find((i) => i.key === key)!
}

function factCount(i: GrowthIndicator, key: string, school?: string): number | undefined {
  return i.facts.find((f) => f.key === key && (school === undefined || f.names[0] === school))?.count
}

describe('school years for growth', () => {
  it('follows the partnership’s start month', () => {
    const doc = partnership()
    expect(growthYear(doc, 2026)).toEqual({ label: '2026–2027', firstYear: 2026, from: '2026-09-01', to: '2027-08-31' })
    expect(growthYearContaining(doc, '2027-03-01').label).toBe('2026–2027')
    setSchoolYearStartMonth(doc, 1)
    expect(growthYearContaining(doc, '2027-03-01')).toMatchObject({ label: '2027', from: '2027-01-01', to: '2027-12-31' })
  })

  it('lists the years from the oldest activity to this one', () => {
    const doc = partnership()
    activity(doc, { startDate: '2024-11-01' })
    const years = growthYears(doc, '2026-10-10').map((y) => y.label)
    expect(years[0]).toBe('2024–2025')
    expect(years.at(-1)).toBe('2026–2027')
  })

  it('gives every indicator, in order, with not yet on an empty partnership', () => {
    const doc = partnership()
    const all = computeGrowth(doc, growthYear(doc, 2026))
    expect(all.map((i) => i.key)).toEqual([...INDICATORS])
    expect(all.every((i) => i.status === 'not-yet')).toBe(true)
  })
})

describe('growth indicators', () => {
  it('regular contact: a rhythm and next steps ticked off in the year', () => {
    const doc = partnership()
    updateAgreements(doc, { rhythm: { kind: 'monthly', nth: 1, weekday: 1 } }, 'An')
    expect(indicator(doc, 'contact').status).toBe('partly')
    for (const what of ['Send photos', 'Answer letters', 'Call the head']) {
      setNextStepDone(doc, addNextStep(doc, { who: 'An', what, toWhom: 'GS Huye', dueDate: '', sourceId: '' }, 'An'), true, 'An', IN_YEAR)
    }
    // one done last year does not count this year
    setNextStepDone(doc, addNextStep(doc, { who: 'An', what: 'Old', toWhom: '', dueDate: '', sourceId: '' }, 'An'), true, 'An', LAST_YEAR)
    const i = indicator(doc, 'contact')
    expect(i.status).toBe('reached')
    expect(factCount(i, 'stepsDone')).toBe(3)
    expect(indicator(doc, 'contact', 2025).status).toBe('partly')
  })

  it('joint plan: shared activities, reached when people on both sides are responsible', () => {
    const doc = partnership()
    person(doc, 'huye', 'Claudine')
    activity(doc, { kind: 'own-school', title: 'Our own fair' })
    expect(indicator(doc, 'jointPlan').status).toBe('not-yet')
    activity(doc, { kind: 'joint', title: 'Letters', responsible: { gent: 'An' } }, 'Claudine')
    expect(indicator(doc, 'jointPlan').status).toBe('partly')
    activity(doc, { kind: 'with-partner', title: 'Photos', responsible: { gent: 'An', huye: 'Claudine' } }, 'Sint-Jan Gent')
    const i = indicator(doc, 'jointPlan')
    expect(i.status).toBe('reached')
    expect(i.facts.find((f) => f.key === 'bothResponsible')?.names).toEqual(['Photos'])
    // Claudine is a person of GS Huye; "Sint-Jan Gent" is the school's own name
    expect(i.facts.find((f) => f.key === 'planWrittenBy')?.names).toEqual(['Sint-Jan Gent', 'GS Huye'])
    expect(indicator(doc, 'jointPlan', 2025).status).toBe('not-yet')
  })

  it('feedback moments: reflections answered by both schools, several in a year', () => {
    const doc = partnership()
    const a = activity(doc, { title: 'Letters' })
    const b = activity(doc, { title: 'Photos' })
    const ra = startReflection(doc, { activityId: a, date: '2026-11-01' }, 'An')
    answerReflection(doc, ra, 'gent', { wentWell: 'The pupils loved it.' }, 'An')
    expect(indicator(doc, 'feedback').status).toBe('partly')
    answerReflection(doc, ra, 'huye', { learned: 'Write smaller letters.' }, 'Claudine')
    const rb = startReflection(doc, { activityId: b, date: '2027-03-01' }, 'An')
    answerReflection(doc, rb, 'gent', { wentWell: 'Fine' }, 'An')
    answerReflection(doc, rb, 'huye', { difficult: 'Slow post' }, 'Claudine')
    const i = indicator(doc, 'feedback')
    expect(i.status).toBe('reached')
    expect(factCount(i, 'reflectionsBothAnswered')).toBe(2)
  })

  it('agreement: signed by both heads, and reviewed on time', () => {
    const doc = partnership()
    expect(indicator(doc, 'agreement').status).toBe('not-yet')
    updateAgreementDraft(doc, { sections: { goals: 'Learn from each other.' }, reviewEveryMonths: 12 }, 'An', IN_YEAR)
    signAgreement(doc, 'gent', { name: 'Mieke', date: '2026-10-05' }, IN_YEAR)
    expect(indicator(doc, 'agreement').status).toBe('partly')
    expect(indicator(doc, 'agreement').facts[0]).toMatchObject({ key: 'agreementDraft', count: 1, names: ['Mieke'] })
    signAgreement(doc, 'huye', { name: 'Jean-Pierre', date: '2026-10-20' }, new Date('2026-10-20T09:00:00.000Z'))
    const i = indicator(doc, 'agreement')
    expect(i.status).toBe('reached')
    expect(i.facts).toEqual([
      { key: 'agreementSigned', count: 1, names: ['Mieke', 'Jean-Pierre'], date: '2026-10-20' },
      { key: 'agreementNextReview', count: 12, names: [], date: '2027-10-20' },
    ])
    // not signed yet in the year before; next year the review (October 2027) is still ahead
    expect(indicator(doc, 'agreement', 2025).status).toBe('partly')
    expect(indicator(doc, 'agreement', 2027).status).toBe('reached')
    // two years on, the review is overdue
    expect(indicator(doc, 'agreement', 2028).status).toBe('partly')
  })

  it('working group: members on both sides and meetings in the year', () => {
    const doc = partnership()
    person(doc, 'gent', 'An')
    expect(indicator(doc, 'workingGroup').status).toBe('partly')
    person(doc, 'huye', 'Claudine')
    person(doc, 'huye', 'Eric', false)
    addMeeting(doc, { date: '2026-10-01', notes: '', decisions: '' }, 'An')
    expect(indicator(doc, 'workingGroup').status).toBe('partly')
    addMeeting(doc, { date: '2027-02-01', notes: '', decisions: '' }, 'An')
    const i = indicator(doc, 'workingGroup')
    expect(i.status).toBe('reached')
    expect(i.facts.find((f) => f.key === 'membersAt' && f.names[0] === 'GS Huye')).toEqual({ key: 'membersAt', count: 1, names: ['GS Huye', 'Claudine'], date: '' })
    expect(factCount(i, 'meetings')).toBe(2)
  })

  it('activities in classes: with a target group, done in the year', () => {
    const doc = partnership()
    activity(doc, { title: 'Staff visit', status: 'done' })
    expect(indicator(doc, 'classActivities').status).toBe('not-yet')
    activity(doc, { title: 'Letters', targetGroup: 'Class 5', status: 'planned' })
    expect(indicator(doc, 'classActivities').status).toBe('partly')
    activity(doc, { title: 'Photos', targetGroup: 'P5', status: 'done' })
    const i = indicator(doc, 'classActivities')
    expect(i.status).toBe('reached')
    expect(i.facts.find((f) => f.key === 'classActivitiesDone')?.names).toEqual(['Photos'])
  })

  it('both schools contribute and gain: responsibilities or costs on both sides, input asked of both', () => {
    const doc = partnership()
    const a = activity(doc, { title: 'Letters', responsible: { gent: 'An' }, cost: { huye: { amount: 2000, currency: 'RWF' } } })
    expect(indicator(doc, 'reciprocity').status).toBe('partly')
    addPartnerInput(doc, { activityId: a, kind: 'answer-letters', description: '', fromSchoolId: 'huye', dueDate: '' }, 'An')
    expect(indicator(doc, 'reciprocity').status).toBe('partly')
    addPartnerInput(doc, { activityId: a, kind: 'photos', description: '', fromSchoolId: 'gent', dueDate: '' }, 'An')
    const i = indicator(doc, 'reciprocity')
    expect(i.status).toBe('reached')
    expect(factCount(i, 'costAt', 'GS Huye')).toBe(1)
    expect(factCount(i, 'costAt', 'Sint-Jan Gent')).toBe(0)
    expect(factCount(i, 'responsibleAt', 'Sint-Jan Gent')).toBe(1)
    expect(indicator(doc, 'reciprocity', 2025).status).toBe('not-yet')
  })
})

describe('growth notes', () => {
  it('keeps a note per indicator per school year, last writer wins', () => {
    const doc = partnership()
    setGrowthNote(doc, '2026–2027', 'agreement', ' Signed by both heads in October. ')
    expect(readGrowthNote(doc, '2026–2027', 'agreement')).toBe('Signed by both heads in October.')
    expect(readGrowthNote(doc, '2025–2026', 'agreement')).toBe('')
    expect(indicator(doc, 'agreement').note).toBe('Signed by both heads in October.')
    expect(doc.getMap('growth').get('2026–2027:agreement')).toBe('Signed by both heads in October.')
    expect(() => setGrowthNote(doc, 'next year', 'agreement', 'x')).toThrow()
    expect(() => setGrowthNote(doc, '2026–2027', 'nonsense' as IndicatorKey, 'x')).toThrow()
  })
})
