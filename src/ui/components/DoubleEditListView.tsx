/**
 * The list of records to check on This week and the action plan (see DoubleEditList.tsx): each
 * record's name as a link to where it is edited, with what kind of record it is and which fields.
 */
import { useId, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { COLLECTIONS, listDoubleEdits, recordMap } from '../../domain'
import { shorten, useHistoryText } from '../historyText'
import { useDocVersion } from '../hooks/useDocVersion'
import {
  activityHref,
  agreementHref,
  calendarHref,
  contactsHref,
  feedbackHref,
  groupHref,
  letterHref,
  organisationsHref,
  planHref,
  reflectionHref,
  schoolsHref,
  weekHref,
} from '../router'
import type { DoubleEditListProps } from './DoubleEditList'
import '../historyPanel.css'

/** Every collection with records a person edits, and the communication agreements. */
const ALL_EDITED: readonly string[] = [...COLLECTIONS, 'communication']

/** Where a record is shown and edited. */
function hrefOf(doc: Y.Doc, roomId: string, collection: string, record: string): string {
  const map = recordMap(doc, collection, record)
  const str = (key: string): string => {
    const v = map?.get(key)
    return typeof v === 'string' ? v : ''
  }
  switch (collection) {
    case 'activities':
      return activityHref(roomId, record)
    case 'partnerInput':
      return str('activityId') ? activityHref(roomId, str('activityId')) : planHref(roomId)
    case 'calendar':
      return calendarHref(roomId)
    case 'letters':
      return letterHref(roomId, record)
    case 'feedback':
      return str('kind') === 'reflection' ? reflectionHref(roomId, record) : feedbackHref(roomId)
    case 'meetings':
      return groupHref(roomId)
    case 'contacts':
    case 'nextSteps':
    case 'communication':
      return contactsHref(roomId)
    case 'organisations':
      return organisationsHref(roomId)
    case 'schools':
      return schoolsHref(roomId)
    case 'agreement':
      return agreementHref(roomId)
    default:
      return weekHref(roomId)
  }
}

export function DoubleEditListView({ doc, roomId, collections = ALL_EDITED }: DoubleEditListProps) {
  const { t } = useTranslation()
  const version = useDocVersion(doc)
  const text = useHistoryText(doc)
  const headingId = useId()
  // one line per record, with the fields that were changed on two devices
  const records = useMemo(() => {
    const byRecord = new Map<string, { collection: string; record: string; fields: string[] }>()
    for (const e of listDoubleEdits(doc, collections)) {
      const key = `${e.collection}\u0000${e.record}`
      const found = byRecord.get(key)
      if (found) found.fields.push(e.field)
      else byRecord.set(key, { collection: e.collection, record: e.record, fields: [e.field] })
    }
    return [...byRecord.values()]
    // `version` grows with every update of the document: the list is read again then
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, version, collections])
  if (records.length === 0) return null
  return (
    <section className="card double-edit-list" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('doubleEdit.listTitle', { count: records.length })}</h3>
      <p className="hint">{t('doubleEdit.listHint')}</p>
      <ul>
        {records.map((r) => (
          <li key={`${r.collection}:${r.record}`}>
            <a href={hrefOf(doc, roomId, r.collection, r.record)}>{shorten(text.recordName(r.collection, r.record), 80)}</a>
            <span className="muted double-edit-list-what">
              {t('doubleEdit.listItem', { kind: text.recordKind(r.collection), fields: r.fields.map((f) => text.fieldLabel(r.collection, f)).join(', ') })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
