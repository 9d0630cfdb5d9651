/**
 * A small quiet button that acts on one item of a list (edit, delete, remove), with an accessible
 * name that says which item ("Delete An Peeters"); the name starts with the visible text, so voice
 * control finds it by what it shows.
 */
interface ItemButtonProps {
  /** The visible text, e.g. "Delete". */
  readonly label: string
  /** The accessible name, e.g. "Delete An Peeters". */
  readonly name: string
  readonly disabled?: boolean | undefined
  readonly onClick: () => void
  /** Classes besides `button-quiet button-compact`. */
  readonly className?: string | undefined
}

export function ItemButton({ label, name, disabled, onClick, className }: ItemButtonProps) {
  return (
    <button type="button" className={className ? `button-quiet button-compact ${className}` : 'button-quiet button-compact'} disabled={disabled} aria-label={name} onClick={onClick}>
      {label}
    </button>
  )
}
