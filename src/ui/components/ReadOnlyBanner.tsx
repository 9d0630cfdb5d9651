/**
 * Why a partnership is read-only, at the top of every page of it:
 *
 * - a device of the partnership runs a newer app (its version mark is explained by an entry in
 *   `devices`): update the app;
 * - a version mark nobody can explain (`isLockedByUnknownVersion`): written by a buggy or hostile
 *   program, it would lock every device for good. The banner names the mark and who wrote it (the
 *   name from the document's history, or "another program") and leads to "Restore the
 *   partnership", which removes it.
 *
 * The writer's name comes from the document: untrusted text, shown as text and allowed to wrap.
 */
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { futureVersionMarks, isLockedByUnknownVersion } from '../../domain'
import type { PartnershipPage } from '../pages'
import { pageHref } from '../pages'
import '../restore.css'

interface Props {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly page: PartnershipPage['name']
}

function formatList(items: readonly string[], language: string): string {
  try {
    return new Intl.ListFormat(language, { type: 'conjunction' }).format(items)
  } catch {
    return items.join(', ')
  }
}

export function ReadOnlyBanner({ doc, roomId, page }: Props) {
  const { t, i18n } = useTranslation()
  if (!isLockedByUnknownVersion(doc)) {
    return (
      <div className="banner banner-warning">
        <p>{t('partnership.tooNew')}</p>
      </div>
    )
  }
  const marks = futureVersionMarks(doc)
  const versions = formatList(
    marks.map((m) => String(m.version)),
    i18n.language,
  )
  const writers = [...new Set(marks.map((m) => m.writtenBy).filter(Boolean))]
  return (
    <div className="banner banner-warning lock-banner" data-testid="version-lock">
      <p>
        {t('restore.lock.mark', { count: marks.length, versions })}{' '}
        {writers.length > 0 ? t('restore.lock.by', { who: formatList(writers, i18n.language) }) : t('restore.lock.byProgram')}
      </p>
      <p>{t('restore.lock.readOnly')}</p>
      {page !== 'restore' ? (
        <div className="banner-actions">
          <a className="restore-action" href={pageHref(roomId, 'restore')}>
            {t('restore.title')}
          </a>
        </div>
      ) : null}
    </div>
  )
}
