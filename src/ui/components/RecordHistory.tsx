/**
 * "History" on a record: a button that opens the record's changes, newest first, in a dialog —
 * who changed which field from what to what, when, on which device; creation, deletion and undo
 * of deletion as a sentence; changes made by a program that keeps no history; and "Restore this
 * version" on each change that has earlier values to write back. Restoring writes those values as
 * a new change by the person using this device (domain `restoreVersion`), so it reaches every
 * device like any other edit; the document is never rewound.
 *
 * The list (HistoryPanel.tsx) follows the document live (another device's change shows while the
 * dialog is open) and is loaded when History is first opened, so the first view stays small.
 * Everything shown comes from the document and is untrusted: text only, long values cut with
 * "Show all", an earlier long text behind a disclosure.
 *
 * Trap: the dialog is a native <dialog> opened with showModal(), so the rest of the page is inert
 * while it is open and Escape closes it; its `close` event is the one place that closes it in
 * React state, so Escape, Close and a click on the backdrop end the same way.
 */
import { lazy, Suspense, useEffect, useId, useRef, useState, type MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import type { Actor } from '../../domain'
import '../history.css'

/** The list itself is loaded when History is first opened: the first view stays small. */
const HistoryPanel = lazy(() => import('./HistoryPanel').then((m) => ({ default: m.HistoryPanel })))

interface Props {
  readonly doc: Y.Doc
  readonly collection: string
  readonly record: string
  readonly actor: Actor
  readonly isReadOnly: boolean
  /**
   * Which record, read out after "History" (which stays the button's name) where a page shows
   * several: "Ms Uwase", "Meeting of 3 Mar 2026".
   */
  readonly about?: string
}

export function RecordHistory({ doc, collection, record, actor, isReadOnly, about }: Props) {
  const { t } = useTranslation()
  const [isOpen, setIsOpen] = useState(false)
  const dialogRef = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const aboutId = useId()

  useEffect(() => {
    const dialog = dialogRef.current
    if (isOpen && dialog && !dialog.open) dialog.showModal()
  }, [isOpen])

  const close = (): void => dialogRef.current?.close()
  // a click on the backdrop (the dialog element itself, outside its content) closes it
  const onDialogClick = (event: MouseEvent<HTMLDialogElement>): void => {
    if (event.target === dialogRef.current) close()
  }

  return (
    <>
      <button type="button" className="history-button" aria-haspopup="dialog" aria-describedby={about ? aboutId : undefined} onClick={() => setIsOpen(true)}>
        {t('history.open')}
      </button>
      {about ? (
        <span id={aboutId} hidden>
          {about}
        </span>
      ) : null}
      {isOpen ? (
        <dialog ref={dialogRef} className="history-dialog" aria-labelledby={titleId} onClose={() => setIsOpen(false)} onClick={onDialogClick}>
          <Suspense fallback={<p className="muted history-loading">{t('partnership.opening')}</p>}>
            <HistoryPanel doc={doc} collection={collection} record={record} actor={actor} isReadOnly={isReadOnly} titleId={titleId} onClose={close} />
          </Suspense>
        </dialog>
      ) : null}
    </>
  )
}
