/**
 * The list of records to check on This week and the action plan (see DoubleEditList.tsx): each
 * record's name as a link to where it is edited, with what kind of record it is and which fields.
 *
 * Finding them reads the history of every record (about half a second at 4× CPU for a five-year
 * partnership), so it runs after the screen is drawn, SLICE_MS at a time with a turn for the
 * browser in between, and again after the document changed (once the run before has finished:
 * a stream of changes never keeps the list from appearing).
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { COLLECTIONS, doubleEditsOf, recordMap, recordsWithHistory, whenHistoryIndexed } from '../../domain'
import { nextTask } from '../../storage'
import { shorten, useHistoryText } from '../historyText'
import { useDocVersion } from '../hooks/useDocVersion'
import { pageHref } from '../pages'
import type { DoubleEditListProps } from './DoubleEditList'
import '../historyPanel.css'

/** Every collection with records a person edits, and the communication agreements. */
const ALL_EDITED: readonly string[] = [...COLLECTIONS, 'communication']
/** Time spent finding double edits before the browser gets a turn. */
const SLICE_MS = 20

interface RecordToCheck {
  readonly collection: string
  readonly record: string
  readonly fields: string[]
}

/** One line per record with a double edit, with the fields that were changed on two devices; a slice at a time. */
async function findRecordsToCheck(doc: Y.Doc, collections: readonly string[], isCancelled: () => boolean): Promise<RecordToCheck[] | undefined> {
  const byRecord = new Map<string, RecordToCheck>()
  // the history read a slice at a time too, the first time (~250 ms at 4× CPU in one go)
  await whenHistoryIndexed(doc, nextTask)
  if (isCancelled()) return undefined
  let sliceStart = performance.now()
  for (const { collection, record } of recordsWithHistory(doc)) {
    if (!collections.includes(collection)) continue
    for (const e of doubleEditsOf(doc, collection, record)) {
      const key = `${e.collection}\u0000${e.record}`
      const found = byRecord.get(key)
      if (found) found.fields.push(e.field)
      else byRecord.set(key, { collection: e.collection, record: e.record, fields: [e.field] })
    }
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTask()
      if (isCancelled()) return undefined
      sliceStart = performance.now()
    }
  }
  return [...byRecord.values()]
}

/** The records to check, found again after every change of the document (none until first found). */
function useRecordsToCheck(doc: Y.Doc, collections: readonly string[]): readonly RecordToCheck[] {
  const version = useDocVersion(doc)
  const [found, setFound] = useState<{ readonly doc: Y.Doc; readonly collections: readonly string[]; readonly records: RecordToCheck[] }>()
  // one run at a time per document and collections; a change meanwhile asks for one more run after it
  const [runner, setRunner] = useState<{ readonly doc: Y.Doc; readonly collections: readonly string[]; readonly again: () => void }>()
  useEffect(() => {
    let isGone = false
    let isStale = false
    let isRunning = false
    const again = (): void => {
      isStale = true
      if (isRunning) return
      isRunning = true
      void (async () => {
        while (isStale && !isGone) {
          isStale = false
          // after the screen's first paint
          await nextTask()
          if (isGone) break
          const records = await findRecordsToCheck(doc, collections, () => isGone)
          if (records && !isGone) setFound({ doc, collections, records })
        }
        isRunning = false
      })()
    }
    setRunner({ doc, collections, again })
    return () => {
      isGone = true
    }
  }, [doc, collections])
  // `version` grows with every update of the document: the list is found again then
  useEffect(() => {
    if (runner?.doc === doc && runner.collections === collections) runner.again()
  }, [runner, doc, collections, version])
  return found?.doc === doc && found.collections === collections ? found.records : []
}

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
  const text = useHistoryText(doc)
  const headingId = useId()
  const records = useRecordsToCheck(doc, collections)
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
