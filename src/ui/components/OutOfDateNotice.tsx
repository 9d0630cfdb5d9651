/**
 * "The original changed after this translation": the notice beside a translation that is out of
 * date (a letter's, the agreement's), with "Update translation" (edit it) and "Still correct"
 * (confirm it as it is) when the person may change it. Written in the reader's language (`ui`).
 */
import { useTranslation } from 'react-i18next'

interface Props {
  /** Show the two buttons (not on a read-only copy, nor while the translation is being edited). */
  readonly canAct: boolean
  /** Accessible names of the two buttons, naming the translation they act on. */
  readonly updateLabel: string
  readonly confirmLabel: string
  readonly onUpdate: () => void
  readonly onConfirm: () => void
}

export function OutOfDateNotice({ canAct, updateLabel, confirmLabel, onUpdate, onConfirm }: Props) {
  const { t, i18n } = useTranslation()
  const ui = i18n.resolvedLanguage ?? i18n.language
  return (
    <div className="outdated" lang={ui}>
      <p className="outdated-text">{t('letters.outOfDate')}</p>
      {canAct ? (
        <div className="outdated-actions">
          <button type="button" className="button-secondary button-compact" aria-label={updateLabel} onClick={onUpdate}>
            {t('letters.updateTranslation')}
          </button>
          <button type="button" className="button-quiet button-compact" aria-label={confirmLabel} onClick={onConfirm}>
            {t('letters.stillCorrect')}
          </button>
        </div>
      ) : null}
    </div>
  )
}
