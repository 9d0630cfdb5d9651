/**
 * Errors the domain raises. Each carries a stable `code` that the UI turns into a translated
 * message (`errors.<code>` in the locale files), and the field it is about, if any.
 */

export type DomainErrorCode =
  | 'titleRequired'
  | 'endBeforeStart'
  | 'invalidDate'
  | 'invalidNumber'
  | 'invalidTime'
  | 'negativeCost'
  | 'invalidCurrency'
  | 'invalidChoice'
  | 'nameRequired'
  | 'required'
  | 'invalidEmail'
  | 'notFound'
  | 'readOnly'

export class DomainError extends Error {
  readonly code: DomainErrorCode
  readonly field: string | undefined

  constructor(code: DomainErrorCode, field?: string, detail?: string) {
    super(detail ?? (field ? `${code} (${field})` : code))
    this.name = 'DomainError'
    this.code = code
    this.field = field
  }
}

/** Thrown by validation; holds every problem found, not only the first. */
export class ValidationError extends DomainError {
  readonly issues: readonly DomainError[]

  constructor(issues: readonly DomainError[]) {
    const first = issues[0]
    super(first?.code ?? 'invalidChoice', first?.field, issues.map((i) => i.message).join('; '))
    this.name = 'ValidationError'
    this.issues = issues
  }
}
