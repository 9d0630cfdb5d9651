import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DomainError, EMPTY_ACTIVITY, ValidationError, createActivity, initPartnership } from '../../src/domain'
import { issuesOf, placeProblems } from '../../src/ui/forms/problems'

describe('a form sorting the domain’s problems', () => {
  it('shows each problem at the control of its place and the first without a control at the form', () => {
    const issues = [new DomainError('titleRequired', 'title'), new DomainError('invalidDate', 'startDate'), new DomainError('required', 'title'), new DomainError('notFound', 'id')]
    const placed = placeProblems(issues, (place) => place === 'title' || place === 'startDate')
    expect([...placed.atFields]).toEqual([
      ['title', 'titleRequired'],
      ['startDate', 'invalidDate'],
    ])
    expect(placed.unplaced).toBe('notFound')
  })

  it('places an issue where the form says (a cost field by school and kind)', () => {
    const issues = [new DomainError('invalidCurrency', 'cost.s1'), new DomainError('negativeCost', 'cost.s2')]
    const placeOf = (issue: DomainError): string =>
      issue.field?.startsWith('cost.') ? `${issue.code === 'invalidCurrency' ? 'currency' : 'amount'}:${issue.field.slice(5)}` : (issue.field ?? '')
    const placed = placeProblems(issues, () => true, placeOf)
    expect([...placed.atFields]).toEqual([
      ['currency:s1', 'invalidCurrency'],
      ['amount:s2', 'negativeCost'],
    ])
    expect(placed.unplaced).toBeUndefined()
  })

  it('reads a refused domain write as its problems and rethrows anything else', () => {
    const doc = new Y.Doc()
    initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId: 'sa', schoolBId: 'sb' }, 'An')
    let refused: unknown
    try {
      createActivity(doc, { ...EMPTY_ACTIVITY, title: ' ', leadSchoolId: 'sa' }, 'An')
    } catch (error) {
      refused = error
    }
    const placed = placeProblems(issuesOf(refused), (place) => place === 'title')
    expect(placed.atFields.get('title')).toBe('titleRequired')
    expect(issuesOf(new DomainError('readOnly')).map((i) => i.code)).toEqual(['readOnly'])
    expect(issuesOf(new ValidationError([new DomainError('required', 'name')]))).toHaveLength(1)
    expect(() => issuesOf(new TypeError('bug'))).toThrow(TypeError)
  })
})
