/**
 * "Download calendar (.ics)": the plan of one school year as an iCalendar file a phone or laptop
 * calendar imports (the domain's `buildIcs`). Built on the device, so it works offline; the
 * browser saves it through a Blob and a temporary `<a download>`.
 */
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { buildIcs } from '../../domain'
import { safeFileName } from '../planning/schoolYear'

interface Props {
  readonly doc: Y.Doc
  readonly partnershipName: string
  readonly range: { readonly from: string; readonly to: string }
  readonly className?: string
}

export function IcsDownload({ doc, partnershipName, range, className }: Props) {
  const { t } = useTranslation()
  const download = (): void => {
    const text = buildIcs(doc, {
      from: range.from,
      to: range.to,
      labels: { contactDay: t('ics.contactDay'), feedbackMoment: t('ics.feedbackMoment') },
    })
    const url = URL.createObjectURL(new Blob([text], { type: 'text/calendar;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `${safeFileName(partnershipName, t('ics.fileName'))}.ics`
    document.body.append(a)
    a.click()
    a.remove()
    // some browsers read the URL after click() returns; give them a moment
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
  return (
    <button type="button" className={className ?? 'button-secondary'} onClick={download}>
      {t('ics.download')}
    </button>
  )
}
