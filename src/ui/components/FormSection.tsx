/**
 * One part of a long form with its visible heading, so a phone shows the form in pieces it can
 * take ("What", "When and who", …). A <section> named by its heading: the fields inside keep
 * their own labels; the form's Save stays in sight below (`.form-long`).
 */
import type { ReactNode } from 'react'

interface FormSectionProps {
  /** The heading's id, unique on the page. */
  readonly id: string
  readonly title: string
  /** The heading's level: one below the heading of what holds the form. */
  readonly level?: 3 | 4
  readonly children: ReactNode
}

export function FormSection({ id, title, level = 3, children }: FormSectionProps) {
  const Heading = level === 3 ? 'h3' : 'h4'
  return (
    <section className="form-section" aria-labelledby={id}>
      <Heading id={id} className="form-section-title">
        {title}
      </Heading>
      {children}
    </section>
  )
}
