/**
 * The "Changed on two devices" notice itself (see DoubleEditNotice.tsx): per field, each value
 * with who and when, and "Keep <value>" — the value as the screens show it (a status by its label,
 * a date written out), cut to a readable length in the button. Nothing while there is no double
 * edit; "Kept: …" stays where the notice was once it has gone.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { doubleEditsOf, keepValue, sameValue, type Actor, type DoubleEdit } from '../../domain'
import { shorten, useHistoryText, type HistoryText } from '../historyText'
import { useDocVersion } from '../hooks/useDocVersion'
import { useDomainForm } from '../hooks/useDomainForm'
import type { DoubleEditNoticeProps } from './DoubleEditNotice'
import { useWhoText, Value } from './HistoryPanel'
import '../historyPanel.css'

/** Longest value shown in a "Keep …" button; the whole value is shown above it. */
const KEEP_LABEL_CHARS = 60

export function DoubleEditNoticeView({ doc, records, actor, isReadOnly, isNamingRecords = false }: DoubleEditNoticeProps) {
  const { t } = useTranslation()
  useDocVersion(doc)
  const text = useHistoryText(doc)
  const headingId = useId()
  const form = useDomainForm()
  const [kept, setKept] = useState<string | undefined>()
  // the domain's refusal, or "Kept: …", where the notice was
  const status = form.formError ?? kept
  // read on every render: useDocVersion above renders again whenever the document changes
  const edits = records.flatMap((r) => doubleEditsOf(doc, r.collection, r.record))
  const firstCollection = records[0]?.collection

  const keep = (edit: DoubleEdit, value: unknown, label: string): void => {
    setKept(form.run(() => keepValue(doc, edit, value, actor)) ? t('doubleEdit.kept', { value: shorten(label, KEEP_LABEL_CHARS) }) : undefined)
  }

  if (edits.length === 0 && status === undefined) return null
  return (
    <div className="double-edit-area">
      {edits.length > 0 ? (
        <section className="double-edit" aria-labelledby={headingId}>
          <h3 id={headingId} className="double-edit-title">
            {t('doubleEdit.title')}
          </h3>
          {edits.map((edit) => (
            <EditView
              key={`${edit.collection}:${edit.record}:${edit.field}`}
              edit={edit}
              text={text}
              isNamingRecord={isNamingRecords || edit.collection !== firstCollection}
              actor={actor}
              isReadOnly={isReadOnly}
              onKeep={keep}
            />
          ))}
        </section>
      ) : null}
      <p role="status" className="double-edit-status">
        {status ?? ''}
      </p>
    </div>
  )
}

interface EditProps {
  readonly edit: DoubleEdit
  readonly text: HistoryText
  readonly isNamingRecord: boolean
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly onKeep: (edit: DoubleEdit, value: unknown, label: string) => void
}

function EditView({ edit, text, isNamingRecord, actor, isReadOnly, onKeep }: EditProps) {
  const { t } = useTranslation()
  const whoText = useWhoText()
  const myDevice = typeof actor === 'string' ? undefined : actor.deviceId
  const field = text.fieldLabel(edit.collection, edit.field)
  const intro = isNamingRecord
    ? t('doubleEdit.introNamed', { field, record: shorten(text.recordName(edit.collection, edit.record), 80) })
    : t('doubleEdit.intro', { field })
  return (
    <div className="double-edit-field" role="group" aria-label={intro}>
      <p className="double-edit-intro">{intro}</p>
      <ul className="double-edit-values">
        {edit.values.map((v) => {
          const label = text.valueText(edit.collection, edit.field, v.value) ?? t('history.changed')
          return (
            <li key={v.entryId} className="double-edit-value">
              <p className="double-edit-text">
                <Value text={label} />
                {sameValue(v.value, edit.current) ? <span className="badge double-edit-now">{t('doubleEdit.shownNow')}</span> : null}
              </p>
              <p className="muted double-edit-who">{whoText(v, myDevice)}</p>
              <button type="button" className="button-secondary double-edit-keep" disabled={isReadOnly} onClick={() => onKeep(edit, v.value, label)}>
                {t('doubleEdit.keep', { value: shorten(label, KEEP_LABEL_CHARS) })}
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
