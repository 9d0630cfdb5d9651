/**
 * Changes by file: for partnerships whose phones cannot reach the relay for a while.
 * - **Share changes as a file**: what the partner school may not have yet (a diff against the
 *   state their last file said they held, or the whole partnership), photos optional; the size is
 *   shown before sharing; the phone's share sheet (Web Share API with files), or a download where
 *   there is none.
 * - **Open a changes file**: a file picker; the file is checked (src/sync/changesFile.ts) and
 *   merged like a live sync, then the page says what arrived ("1 letter, 2 activities changed").
 *   A file shared to the app ("Open with", the web manifest's `share_target`) is opened here too.
 */
import { useEffect, useMemo, useRef, useState, type ChangeEvent, type RefObject } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { PhotoRef } from '../../domain'
import type { Arrivals } from '../../domain/arrivals'
import { deviceIdIn, notePartnerHolds, partnerHoldsIn } from '../../storage'
import { CHANGES_FILE_EXTENSION, CHANGES_FILE_MIME, MAX_CHANGES_FILE_BYTES, changesFileSize } from '../../sync/changesFile'
import { changesFileText, openChangesFile, outgoingChanges, type OpenChangesError } from '../../sync/changesExchange'
import { keepPhotosFromFile, partnerPhotos, photosForFile, photosForFileInfo } from '../../sync/changesFilePhotos'
import { formatBytes } from '../components/StorageUse'
import { ScreenSection } from '../components/ScreenSection'
import { formatMoment } from '../format'
import { useDocVersion } from '../hooks/useDocVersion'
import { usePartnership } from '../hooks/usePartnership'
import { changesFileName } from './changesFileName'
import { handOver } from './handOver'
import { takeSharedFile } from './sharedFile'
import './changesFile.css'

type Message = { readonly text: string; readonly isError: boolean }

/** "1 letter, 2 activities" in the person's language; undefined when nothing changed. */
export function arrivalsText(arrived: Arrivals, t: TFunction, language: string): string | undefined {
  const parts = [
    arrived.letters > 0 ? t('changesFile.count.letters', { count: arrived.letters }) : undefined,
    arrived.activities > 0 ? t('changesFile.count.activities', { count: arrived.activities }) : undefined,
    arrived.other > 0 ? t('changesFile.count.other', { count: arrived.other }) : undefined,
  ].filter((p): p is string => p !== undefined)
  if (parts.length === 0) return undefined
  return new Intl.ListFormat(language, { style: 'short', type: 'unit' }).format(parts)
}

/**
 * Brings a result that just appeared into sight and moves focus to it, so a person sees (and a
 * screen reader reads) what happened: on a phone it would otherwise sit below the fold or behind
 * the bottom navigation bar (its scroll margins, changesFile.css, keep it clear of the bars).
 */
function useShowResult(message: Message | undefined): RefObject<HTMLParagraphElement | null> {
  const ref = useRef<HTMLParagraphElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!message || !el) return
    el.focus({ preventScroll: true })
    el.scrollIntoView({ block: 'nearest' })
  }, [message])
  return ref
}

export function ChangesFileScreen() {
  const { t, i18n } = useTranslation()
  const { doc, roomId, meta, entry } = usePartnership()
  const version = useDocVersion(doc)
  const [partner, setPartner] = useState(() => partnerHoldsIn(roomId))
  const [everything, setEverything] = useState(false)
  const [withPhotos, setWithPhotos] = useState(false)
  const [photos, setPhotos] = useState<readonly PhotoRef[]>([])
  const [shareMessage, setShareMessage] = useState<Message | undefined>()
  const [openMessage, setOpenMessage] = useState<Message | undefined>()
  const [isBusy, setIsBusy] = useState(false)
  const shareResult = useShowResult(shareMessage)
  const openResult = useShowResult(openMessage)
  // this device's id in the partnership: written into files, and a file of its own is not the partner's
  const [deviceId, setDeviceId] = useState<string | undefined>()
  useEffect(() => {
    void deviceIdIn(roomId).then((id) => setDeviceId(id ?? ''), () => setDeviceId(''))
  }, [roomId])

  // again whenever the document changes (`version`): the diff grows with every edit
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const changes = useMemo(() => outgoingChanges(doc, everything ? undefined : partner?.holds), [doc, version, partner, everything])
  const photoBytes = photos.reduce((n, p) => n + p.bytes, 0)
  const size = changesFileSize({ ...changes, photos: withPhotos ? photos.map((p) => ({ hash: p.hash, type: p.type, size: p.bytes })) : [] })
  const isTooLarge = size > MAX_CHANGES_FILE_BYTES

  // the photos the partner is known to hold (those of their own letters that their last file held)
  // are not offered again, unless the whole partnership goes; photos of this school's letters that
  // they hold a reference to are offered, with a word that they may have them already
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const held = useMemo(() => partnerPhotos(doc, everything ? undefined : partner?.holds, entry.mySchoolId), [doc, version, partner, everything, entry.mySchoolId])
  const maybeHeld = photos.filter((p) => held.maybe.has(p.hash)).length
  useEffect(() => {
    let isCurrent = true
    void photosForFileInfo(doc, held.known).then((list) => {
      if (isCurrent) setPhotos(list)
    }).catch(() => undefined)
    return () => {
      isCurrent = false
    }
  }, [doc, version, held])

  const errorText = (error: OpenChangesError | 'unreadable'): string => t(`changesFile.errors.${error}`, { size: formatBytes(MAX_CHANGES_FILE_BYTES, i18n.language) })

  const openBytes = async (bytes: Uint8Array): Promise<void> => {
    const result = openChangesFile(doc, roomId, bytes)
    if (!result.ok) {
      setOpenMessage({ text: errorText(result.error), isError: true })
      return
    }
    const own = await deviceIdIn(roomId).catch(() => undefined)
    if (!own || result.device !== own) {
      notePartnerHolds(roomId, result.holds, result.createdAt)
      setPartner(partnerHoldsIn(roomId))
    }
    const kept = result.photos.length > 0 ? await keepPhotosFromFile(doc, roomId, result.photos).catch(() => 0) : 0
    const what = arrivalsText(result.arrived, t, i18n.language)
    const lines: string[] = []
    if (what) lines.push(t('changesFile.arrived', { what }))
    if (kept > 0) lines.push(t('changesFile.photosArrived', { count: kept }))
    if (lines.length === 0) lines.push(t('changesFile.nothingNew'))
    if (result.isIncomplete) lines.push(t('changesFile.incomplete'))
    else if (what) lines.push(t('changesFile.toRelay'))
    setOpenMessage({ text: lines.join(' '), isError: false })
  }

  const openFile = async (file: File): Promise<void> => {
    setIsBusy(true)
    setOpenMessage(undefined)
    try {
      if (file.size > MAX_CHANGES_FILE_BYTES) setOpenMessage({ text: errorText('tooLarge'), isError: true })
      else await openBytes(new Uint8Array(await file.arrayBuffer()))
    } catch {
      setOpenMessage({ text: errorText('unreadable'), isError: true })
    } finally {
      setIsBusy(false)
    }
  }

  // a file shared to the app ("Open with"): the service worker kept it for this page
  useEffect(() => {
    void takeSharedFile().then((file) => {
      if (file) void openFile(file)
    })
    // once, when the page opens
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const onChoose = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file) void openFile(file)
  }

  const share = async (): Promise<void> => {
    setShareMessage(undefined)
    const now = new Date()
    const text = changesFileText(doc, roomId, deviceId ?? '', changes, withPhotos ? await photosForFile(doc, held.known).catch(() => []) : [], now)
    if (!text) {
      setShareMessage({ text: errorText('notReady'), isError: true })
      return
    }
    const name = changesFileName(meta.name, now)
    const file = new File([text], name, { type: CHANGES_FILE_MIME })
    const how = await handOver(file, t('changesFile.shareTitle', { name: meta.name }))
    if (how === 'shared') setShareMessage({ text: t('changesFile.shared', { size: formatBytes(file.size, i18n.language) }), isError: false })
    else if (how === 'downloaded') setShareMessage({ text: t('changesFile.downloaded', { name: `\u2066${name}\u2069`, size: formatBytes(file.size, i18n.language) }), isError: false })
    else if (how === 'failed') setShareMessage({ text: t('changesFile.shareFailed'), isError: true })
  }

  return (
    <ScreenSection headingId="changes-file-heading" title={t('nav.changesFile')} className="changes-file">
      <p>{t('changesFile.intro')}</p>

      <section aria-labelledby="changes-file-share" className="card changes-file-part">
        <h3 id="changes-file-share">{t('changesFile.share')}</h3>
        <p>{partner && !everything ? t('changesFile.sinceKnown', { date: formatMoment(partner.since, i18n.language) }) : t('changesFile.whole')}</p>
        {partner ? (
          <label className="checkbox">
            <input type="checkbox" checked={everything} onChange={(e) => setEverything(e.target.checked)} />
            <span>{t('changesFile.everything')}</span>
          </label>
        ) : null}
        {photos.length > 0 ? (
          <label className="checkbox">
            <input type="checkbox" checked={withPhotos} onChange={(e) => setWithPhotos(e.target.checked)} />
            <span>{t('changesFile.withPhotos', { count: photos.length, size: formatBytes(photoBytes, i18n.language) })}</span>
          </label>
        ) : null}
        {photos.length > 0 && maybeHeld > 0 ? <p className="hint">{t('changesFile.photosMaybeHeld', { count: maybeHeld })}</p> : null}
        <p className="changes-file-size" data-testid="changes-file-size">
          {t('changesFile.size', { size: formatBytes(size, i18n.language) })}
        </p>
        {isTooLarge ? <p className="form-error">{t('changesFile.tooLargeToWrite', { size: formatBytes(MAX_CHANGES_FILE_BYTES, i18n.language) })}</p> : null}
        <button type="button" onClick={() => void share()} disabled={isTooLarge}>
          {t('changesFile.share')}
        </button>
        <p ref={shareResult} tabIndex={-1} role={shareMessage?.isError ? 'alert' : 'status'} className={shareMessage?.isError ? 'form-error' : 'changes-file-result'}>
          {shareMessage?.text ?? ''}
        </p>
      </section>

      <section aria-labelledby="changes-file-open" className="card changes-file-part">
        <h3 id="changes-file-open">{t('changesFile.open')}</h3>
        <p className="hint">{t('changesFile.openHint')}</p>
        <label className="button-link changes-file-pick">
          {t('changesFile.open')}
          <input type="file" accept={`${CHANGES_FILE_EXTENSION},${CHANGES_FILE_MIME}`} onChange={onChoose} disabled={isBusy} />
        </label>
        <p ref={openResult} tabIndex={-1} role={openMessage?.isError ? 'alert' : 'status'} className={openMessage?.isError ? 'form-error' : 'changes-file-result'} data-testid="changes-file-opened">
          {openMessage?.text ?? ''}
        </p>
      </section>
    </ScreenSection>
  )
}
