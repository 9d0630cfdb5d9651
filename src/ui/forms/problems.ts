/**
 * The domain's validation problems, as a form shows them: one problem per place (a field, or a
 * key of the form's own such as `amount:<schoolId>`), and what has no place shown at the form.
 * Pure, so tests/unit/forms.test.ts can check it without a browser; `useDomainForm`
 * (../hooks/useDomainForm.ts) is the React side. Imports domain/errors alone: the people forms on the
 * first view use it, and the domain index would pull the whole domain into that view.
 */
import { DomainError, ValidationError, type DomainErrorCode } from '../../domain/errors'

/** Place → problem code; the key '' holds a problem that belongs to no field. */
export type Problems = ReadonlyMap<string, DomainErrorCode>

export const NO_PROBLEMS: Problems = new Map()

/** The domain's problems in a thrown error; anything that is not a DomainError is rethrown. */
export function issuesOf(error: unknown): readonly DomainError[] {
  if (error instanceof ValidationError) return error.issues
  if (error instanceof DomainError) return [error]
  throw error
}

export interface PlacedProblems {
  /** Place → problem, only for places that have a control, in the order the domain reported them. */
  readonly atFields: Problems
  /** The first problem with no control to show it, if any. */
  readonly unplaced: DomainErrorCode | undefined
}

/**
 * Sorts a failed write's problems into those a control shows and the first that none does.
 * `placeOf` names the place of an issue (default: its field); `hasControl` says whether the form
 * has a control there.
 */
export function placeProblems(
  issues: readonly DomainError[],
  hasControl: (place: string) => boolean,
  placeOf: (issue: DomainError) => string = (issue) => issue.field ?? '',
): PlacedProblems {
  const atFields = new Map<string, DomainErrorCode>()
  let unplaced: DomainErrorCode | undefined
  for (const issue of issues) {
    const place = placeOf(issue)
    if (place && hasControl(place)) {
      if (!atFields.has(place)) atFields.set(place, issue.code)
    } else unplaced ??= issue.code
  }
  return { atFields, unplaced }
}
