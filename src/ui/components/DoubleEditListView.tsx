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
import { pageHref } from '../pages'
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
      return pageHref(roomId, { name: 'activity', activityId: record })
    case 'partnerInput':
      return str('activityId') ? pageHref(roomId, { name: 'activity', activityId: str('activityId') }) : pageHref(roomId, 'plan')
    case 'calendar':
      return pageHref(roomId, 'calendar')
    case 'letters':
      return pageHref(roomId, { name: 'letter', letterId: record })
    case 'feedback':
      return str('kind') === 'reflection' ? pageHref(roomId, { name: 'reflection', reflectionId: record }) : pageHref(roomId, 'feedback')
    case 'meetings':
      return pageHref(roomId, 'group')
    case 'contacts':
    case 'nextSteps':
    case 'communication':
      return pageHref(roomId, 'contacts')
    case 'organisations':
      return pageHref(roomId, 'organisations')
    case 'schools':
      return pageHref(roomId, 'schools')
    case 'agreement':
      return pageHref(roomId, 'agreement')
    default:
      return pageHref(roomId, 'week')
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
