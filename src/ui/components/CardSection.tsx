/**
 * A card of a screen: a section named by its h3 (`<id>-heading`), so it is a region a screen reader
 * can jump to and a test can find by name, with an optional hint under the heading, an optional
 * action (a button) beside it and an optional footer (a link to more).
 */
import type { ReactNode } from 'react'

interface CardSectionProps {
  /** The heading's id is `<id>-heading`. */
  readonly id: string
  readonly title: ReactNode
  readonly hint?: string | undefined
  /** Beside the heading, e.g. "Add a meeting"; `null` keeps the heading's row while it is hidden. */
  readonly action?: ReactNode
  /** Under the content, e.g. a link to the page with all of it. */
  readonly footer?: ReactNode
  /** Classes besides `card`. */
  readonly className?: string | undefined
  readonly children?: ReactNode
}

export function CardSection({ id, title, hint, action, footer, className, children }: CardSectionProps) {
  const headingId = `${id}-heading`
  const heading = <h3 id={headingId}>{title}</h3>
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={headingId}>
      {action !== undefined ? (
        <div className="section-head">
          {heading}
          {action}
        </div>
      ) : (
        heading
      )}
      {hint ? <p className="hint">{hint}</p> : null}
      {children}
      {footer ? <p className="card-footer">{footer}</p> : null}
    </section>
  )
}
