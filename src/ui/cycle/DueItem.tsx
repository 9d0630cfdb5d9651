/**
 * Something to reflect on, in a list of what is due (This week, Feedback): its title, when, and the
 * button that starts the reflection.
 */
import { useTranslation } from 'react-i18next'

interface DueItemProps {
  readonly title: string
  /** "Was on 12 October", "Activity finished"; none: the title alone. */
  readonly when?: string | undefined
  readonly isReadOnly: boolean
  readonly onStart: () => void
}

export function DueItem({ title, when, isReadOnly, onStart }: DueItemProps) {
  const { t } = useTranslation()
  return (
    <li className="due-item due-now">
      <p>
        <strong>{title}</strong>
        {when ? (
          <>
            <br />
            <span className="muted">{when}</span>
          </>
        ) : null}
      </p>
      <button type="button" className="button-secondary" disabled={isReadOnly} onClick={onStart}>
        {t('feedback.startFor', { title })}
      </button>
    </li>
  )
}
