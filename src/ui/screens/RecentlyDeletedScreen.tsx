/**
 * Recently deleted: every deleted record of the partnership, of every kind, newest first, with
 * its kind, name, who deleted it and when, and "Restore" (a new edit that undoes the tombstone, so
 * it comes back on every device).
 *
 * Records another program removed outright (`isRemoved`: a hard `Y.Map.delete`, which the app
 * never does) cannot be restored one by one: they say so and lead to "Restore the partnership".
 *
 * Each "Restore" button is named "Restore" and described by the record's kind and name
 * (`aria-describedby`), so a screen reader says which one it is.
 */
import { useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recentlyDeleted, restoreDeleted, type DeletedRecord } from '../../domain'
import { formatMoment } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { pageHref } from '../pages'
import { usePartnership } from '../hooks/usePartnership'
import '../restore.css'


export function RecentlyDeletedScreen() {
  const { doc, roomId, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const statusRef = useRef<HTMLParagraphElement>(null)
  const baseId = useId()
  const [status, setStatus] = useState<{ readonly text: string; readonly isError: boolean } | undefined>()
  // read on every render: the parent renders again whenever the document changes
  const records = recentlyDeleted(doc)

  const kindOf = (r: DeletedRecord): string => t(`deleted.kinds.${r.collection}`)

  const restore = (r: DeletedRecord): void => {
    try {
      restoreDeleted(doc, r.collection, r.id, actor)
      setStatus({ text: t('deleted.restored', { name: r.name || kindOf(r) }), isError: false })
    } catch {
      setStatus({ text: t('deleted.failed'), isError: true })
    }
    // the item leaves the list: keep the focus on the page, where the result is said
    requestAnimationFrame(() => statusRef.current?.focus())
  }

  return (
    <section aria-labelledby="deleted-heading" className="deleted">
      <h2 id="deleted-heading" ref={headingRef} tabIndex={-1}>
        {t('deleted.title')}
      </h2>
      <p>{t('deleted.intro')}</p>
      {isReadOnly && records.length > 0 ? <p className="hint">{t('deleted.readOnly')}</p> : null}
      <p ref={statusRef} tabIndex={-1} className={`restore-status${status?.isError ? ' restore-error' : ''}`} aria-live="polite">
        {status?.text ?? ''}
      </p>
      {records.length === 0 ? (
        <div className="empty">
          <p>{t('deleted.empty')}</p>
        </div>
      ) : (
        <ul className="deleted-list">
          {records.map((r, i) => {
            const kindId = `${baseId}-${i}-kind`
            const nameId = `${baseId}-${i}-name`
            const who = r.deletedBy || t('actor.someone')
            return (
              <li key={`${r.collection}:${r.id}`} className={`deleted-item${r.isRemoved ? ' deleted-removed' : ''}`}>
                <p className="deleted-kind" id={kindId}>
                  {kindOf(r)}
                </p>
                <p className="deleted-name" id={nameId}>
                  {r.name || t('deleted.noName')}
                </p>
                {r.isRemoved ? (
                  <>
                    {r.deletedAt ? <p className="card-meta">{formatMoment(r.deletedAt, i18n.language)}</p> : null}
                    <p className="hint">{t('deleted.removed')}</p>
                    <p>
                      <a href={pageHref(roomId, 'restore')}>{t('restore.title')}</a>
                    </p>
                  </>
                ) : (
                  <>
                    <p className="card-meta">
                      {r.deletedAt ? t('deleted.byOn', { who, when: formatMoment(r.deletedAt, i18n.language) }) : t('deleted.by', { who })}
                    </p>
                    {!isReadOnly ? (
                      <div className="actions">
                        <button type="button" aria-describedby={`${kindId} ${nameId}`} onClick={() => restore(r)}>
                          {t('deleted.restore')}
                        </button>
                      </div>
                    ) : null}
                  </>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
