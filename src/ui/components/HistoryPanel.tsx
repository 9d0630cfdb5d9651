/**
 * The inside of a record's History dialog (RecordHistory.tsx), loaded when the dialog first opens
 * so the first view stays small: the changes newest first, each with who, when and on which
 * device, and "Restore this version" where there are earlier values to write back. Also the pieces
 * the "Changed on two devices" notice shares: who-and-when in words, and a long value cut with
 * "Show all".
 *
 * Every value shown comes from the document: text only, never HTML.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type * as Y from 'yjs'
import { entriesOf, foreignChanges, restorableFields, restoreVersion, sameValue, type Actor, type HistoryEntry } from '../../domain'
import { formatMoment } from '../format'
import { isShownField, shorten, SHORT_VALUE_CHARS, useHistoryText, type HistoryText } from '../historyText'
import { useDocVersion } from '../hooks/useDocVersion'
import { useDomainForm } from '../hooks/useDomainForm'
import '../history.css'
import '../historyPanel.css'

/** Changes shown at first; "Show older changes" adds as many again. */
const PAGE_SIZE = 20

export interface PanelProps {
  readonly doc: Y.Doc
  readonly collection: string
  readonly record: string
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly titleId: string
  readonly onClose: () => void
}

/** What "Restore this version" writes back, in words: "Title: Sports day · Description (the earlier text)". */
function whatRestoreWrites(entry: HistoryEntry, collection: string, text: HistoryText, t: TFunction): string {
  const { fields, texts } = restorableFields(entry)
  return [
    ...fields.filter(isShownField).map((f) => `${text.fieldLabel(collection, f)}: ${shorten(text.valueText(collection, f, entry.fields[f]?.old) ?? t('history.changed'), 60)}`),
    ...texts.filter(isShownField).map((f) => t('history.earlierTextOf', { field: text.fieldLabel(collection, f) })),
  ].join(' · ')
}

export function HistoryPanel({ doc, collection, record, actor, isReadOnly, titleId, onClose }: PanelProps) {
  const { t } = useTranslation()
  useDocVersion(doc)
  const text = useHistoryText(doc)
  const [limit, setLimit] = useState(PAGE_SIZE)
  const form = useDomainForm()
  const [restored, setRestored] = useState<string | undefined>()
  // the domain's refusal, or what was restored
  const status = form.formError ?? restored
  const myDevice = typeof actor === 'string' ? undefined : actor.deviceId
  // read on every render: useDocVersion above renders again whenever the document changes
  const entries = entriesOf(doc, collection, record)
    .filter(isWorthShowing)
    .reverse()
  const foreign = foreignChanges(doc, collection, record).filter((c) => isShownField(c.field))
  const name = text.recordName(collection, record)

  const restore = (entry: HistoryEntry): void => {
    const what = whatRestoreWrites(entry, collection, text, t)
    setRestored(form.run(() => restoreVersion(doc, entry.id, actor)) ? t('history.restored', { what: what || text.recordKind(collection) }) : undefined)
  }

  return (
    <div className="history-panel">
      <div className="history-head">
        <h2 id={titleId} className="history-title">
          {t('history.titleOf', { name: shorten(name, 40) })}
        </h2>
        <button type="button" className="history-close" onClick={onClose}>
          {t('history.close')}
        </button>
      </div>
      <p role="status" className="history-status">
        {status ?? ''}
      </p>
      {entries.length === 0 && foreign.length === 0 ? <p className="muted history-none">{t('history.none')}</p> : null}
      <ol className="history-list">
        {foreign.length > 0 ? (
          <li className="history-entry history-foreign">
            <p className="history-sentence">{t('history.foreign')}</p>
            <ul className="history-changes">
              {foreign.map((c) => (
                <li key={c.field}>
                  {c.kind === 'text' ? (
                    <TextChangeLine label={text.fieldLabel(collection, c.field)} old={undefined} />
                  ) : (
                    <ChangeLine label={text.fieldLabel(collection, c.field)} old={text.valueText(collection, c.field, c.recorded)} now={text.valueText(collection, c.field, c.now)} />
                  )}
                </li>
              ))}
            </ul>
          </li>
        ) : null}
        {entries.slice(0, limit).map((e) => (
          <EntryView key={e.id} entry={e} collection={collection} text={text} myDevice={myDevice} isReadOnly={isReadOnly} onRestore={() => restore(e)} />
        ))}
      </ol>
      {entries.length > limit ? (
        <p className="history-older">
          <button type="button" className="button-secondary" onClick={() => setLimit((l) => l + PAGE_SIZE)}>
            {t('history.showOlder')}
          </button>
        </p>
      ) : null}
    </div>
  )
}

/** An entry with something to say: a sentence (created, deleted, …) or a field worth a line. */
function isWorthShowing(e: HistoryEntry): boolean {
  if (e.action !== 'edit' && e.action !== 'restore' && e.action !== 'settle') return true
  return Object.keys(e.fields).some(isShownField) || Object.keys(e.texts).some(isShownField)
}

/** "An, 3 Oct 2026, 10:15, on this device". */
export function useWhoText(): (who: { readonly by: string; readonly at: string; readonly on: string | null }, myDevice: string | undefined) => string {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  return (who, myDevice) => {
    const name = who.by || t('actor.someone')
    const when = formatMoment(who.at, language)
    // a change without a device id (an older app, an import) names no device rather than guess
    if (who.on === null) return t('history.byWhen', { name, when })
    return t('history.byWhenWhere', { name, when, device: who.on === myDevice ? t('history.onThisDevice') : t('history.onAnotherDevice') })
  }
}

interface EntryProps {
  readonly entry: HistoryEntry
  readonly collection: string
  readonly text: HistoryText
  readonly myDevice: string | undefined
  readonly isReadOnly: boolean
  readonly onRestore: () => void
}

function EntryView({ entry: e, collection, text, myDevice, isReadOnly, onRestore }: EntryProps) {
  const { t } = useTranslation()
  const whoText = useWhoText()
  const summaryId = useId()
  const isSentence = e.action !== 'edit'
  const fields = e.isCreation || e.action === 'remove' ? [] : Object.entries(e.fields).filter(([f]) => isShownField(f))
  const texts = e.isCreation || e.action === 'remove' ? [] : Object.entries(e.texts).filter(([f]) => isShownField(f))
  const { fields: canFields, texts: canTexts } = restorableFields(e)
  // a value written again unchanged (the one kept after a double edit) has nothing to go back to
  const isRestorable = canTexts.length > 0 || canFields.some((f) => !sameValue(e.fields[f]?.old ?? null, e.fields[f]?.new ?? null))
  return (
    <li className="history-entry">
      <div id={summaryId}>
        <p className="history-who">{whoText(e, myDevice)}</p>
        {isSentence ? <p className="history-sentence">{t(`history.action.${e.action}`)}</p> : null}
      </div>
      {fields.length + texts.length > 0 ? (
        <ul className="history-changes">
          {fields.map(([f, c]) => (
            <li key={f}>
              {c.big ? (
                <span>
                  <span className="history-field">{t('history.fieldSays', { field: text.fieldLabel(collection, f) })}</span> {t('history.changed')}
                </span>
              ) : sameValue(c.old, c.new) ? (
                <KeptLine label={text.fieldLabel(collection, f)} value={text.valueText(collection, f, c.new)} />
              ) : (
                <ChangeLine label={text.fieldLabel(collection, f)} old={text.valueText(collection, f, c.old)} now={text.valueText(collection, f, c.new)} />
              )}
            </li>
          ))}
          {texts.map(([f, c]) => (
            <li key={f}>
              <TextChangeLine label={text.fieldLabel(collection, f)} old={c.old} />
            </li>
          ))}
        </ul>
      ) : null}
      {isRestorable ? (
        <p className="hint history-restore-hint">
          {t('history.restoreHint', { what: whatRestoreWrites(e, collection, text, t) })}
        </p>
      ) : null}
      {isRestorable ? (
        <button type="button" className="button-secondary history-restore" disabled={isReadOnly} aria-describedby={summaryId} onClick={onRestore}>
          {t('history.restore')}
        </button>
      ) : null}
    </li>
  )
}

/** "Title: Sports day in May → Sports day 2027" (a value of unknown shape reads "changed"). */
function ChangeLine({ label, old, now }: { readonly label: string; readonly old: string | undefined; readonly now: string | undefined }) {
  const { t } = useTranslation()
  if (old === undefined || now === undefined) {
    return (
      <span>
        <span className="history-field">{t('history.fieldSays', { field: label })}</span> {t('history.changed')}
      </span>
    )
  }
  return (
    <span>
      <span className="history-field">{t('history.fieldSays', { field: label })}</span> <Value text={old} /> <span className="history-arrow">→</span> <Value text={now} />
    </span>
  )
}

/** "Title: Sports day in May": a value written again as it was (kept after a double edit). */
function KeptLine({ label, value }: { readonly label: string; readonly value: string | undefined }) {
  const { t } = useTranslation()
  return (
    <span>
      <span className="history-field">{t('history.fieldSays', { field: label })}</span> {value === undefined ? t('history.changed') : <Value text={value} />}
    </span>
  )
}

/** "Description: text edited", with the earlier text behind a disclosure. `old` undefined: not known. */
function TextChangeLine({ label, old }: { readonly label: string; readonly old: string | null | undefined }) {
  const { t } = useTranslation()
  return (
    <span>
      <span className="history-field">{t('history.fieldSays', { field: label })}</span> {t('history.textEdited')}
      {old === undefined ? null : old === null ? (
        <span className="muted"> {t('history.earlierTooLong')}</span>
      ) : (
        <details className="history-earlier">
          <summary>{t('history.showEarlierText')}</summary>
          {old ? <div className="history-earlier-text">{old}</div> : <p className="muted">{t('history.earlierEmpty')}</p>}
        </details>
      )}
    </span>
  )
}

/** A value as text; a long one cut, with "Show all". */
export function Value({ text }: { readonly text: string }) {
  const { t } = useTranslation()
  const [isFull, setIsFull] = useState(false)
  // each value isolated (<bdi>), so "old → new" keeps its order in a right-to-left page
  if (text.length <= SHORT_VALUE_CHARS) return <bdi className="history-value">{text}</bdi>
  return (
    <span className="history-value">
      <bdi>{isFull ? text : shorten(text, SHORT_VALUE_CHARS - 20)}</bdi>{' '}
      <button type="button" className="history-more" aria-expanded={isFull} onClick={() => setIsFull((x) => !x)}>
        {isFull ? t('history.showLess') : t('history.showAll')}
      </button>
    </span>
  )
}
