/**
 * A photo in a letter. Shown at once when its bytes are on this device; otherwise, with the data
 * saver on, a button that tells what it costs ("Load photo · 140 kB") and downloads it on a tap.
 * Downloads without a tap only when the settings allow it (data saver off, or Wi-Fi allowed and
 * the phone is on Wi-Fi). A failed download says why and the button stays, to try again.
 */
import { useEffect, useState } from 'react'
import { useLiveQuery } from 'dexie-react-hooks'
import { useTranslation } from 'react-i18next'
import { blobOf, photoOnDevice } from '../../storage'
import { PhotoError, attachmentTransfer, shouldAutoDownload, type PhotoErrorCode, type PhotoRef } from '../../sync'
import type { Invite } from '../../sync'
import { useDeviceSettings } from '../hooks/useDeviceSettings'
import { FormError } from './FormActions'
import '../photos.css'

/** A size as people read it: "140 kB" (Intl, unit kilobyte = 1000 bytes; at least 1 for a non-empty file). */
export function formatPhotoSize(bytes: number, language: string): string {
  const kb = bytes <= 0 ? 0 : Math.max(1, Math.round(bytes / 1000))
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 0 }).format(kb)
}

export function photoErrorCode(err: unknown): PhotoErrorCode | 'unknown' {
  return err instanceof PhotoError ? err.code : 'unknown'
}

interface Props {
  readonly photo: PhotoRef
  /** The open partnership (its room and invite: the relay's proof). */
  readonly session: { readonly roomId: string; readonly invite: Invite }
  /** What the photo shows, for screen readers; "Photo" when nothing better is known. */
  readonly alt?: string
}

type Status = { readonly kind: 'idle' } | { readonly kind: 'loading' } | { readonly kind: 'error'; readonly code: PhotoErrorCode | 'unknown' }

export function Photo({ photo, session, alt }: Props) {
  const { t, i18n } = useTranslation()
  const settings = useDeviceSettings()
  const transfer = attachmentTransfer()
  // undefined while looking, false when not on this device
  const row = useLiveQuery(async () => (await photoOnDevice(photo.hash)) ?? false, [photo.hash])
  const [src, setSrc] = useState<string | undefined>()
  // the bytes on this device are not a JPEG or WebP, whatever the letter says: never shown
  const [isUnshowable, setIsUnshowable] = useState(false)
  const [status, setStatus] = useState<Status>({ kind: 'idle' })
  const { roomId, invite } = session

  useEffect(() => transfer.register(invite), [transfer, invite])

  useEffect(() => {
    if (!row) {
      setSrc(undefined)
      setIsUnshowable(false)
      return undefined
    }
    const blob = blobOf(row)
    setIsUnshowable(!blob)
    if (!blob) {
      setSrc(undefined)
      return undefined
    }
    const url = URL.createObjectURL(blob)
    setSrc(url)
    return () => URL.revokeObjectURL(url)
  }, [row])

  const isMissing = row === false
  const load = (): void => {
    setStatus({ kind: 'loading' })
    transfer.fetchPhoto(roomId, photo).then(
      () => setStatus({ kind: 'idle' }),
      (err: unknown) => setStatus({ kind: 'error', code: photoErrorCode(err) }),
    )
  }

  useEffect(() => {
    if (isMissing) transfer.expect(photo)
  }, [isMissing, transfer, photo])

  const isAuto = isMissing && status.kind === 'idle' && shouldAutoDownload(settings)
  useEffect(() => {
    if (!isAuto) return
    setStatus({ kind: 'loading' })
    transfer.fetchPhoto(roomId, photo).then(
      () => setStatus({ kind: 'idle' }),
      (err: unknown) => setStatus({ kind: 'error', code: photoErrorCode(err) }),
    )
  }, [isAuto, transfer, roomId, photo])

  // The placeholder takes the place the photo will take: as wide as the photo but never wider than
  // the page (a percentage, not a fixed 1,600 px, so a grid or flex parent cannot grow to fit it),
  // as tall as its proportions make it.
  const placeholderStyle = {
    aspectRatio: photo.width > 0 && photo.height > 0 ? `${photo.width} / ${photo.height}` : undefined,
    width: photo.width > 0 ? `min(100%, ${photo.width}px)` : undefined,
  }
  if (row && isUnshowable) {
    return (
      <div className="photo photo-placeholder" style={placeholderStyle}>
        <p role="status">{t('photos.unavailable')}</p>
      </div>
    )
  }
  if (row && src) {
    return (
      <figure className="photo">
        <img src={src} alt={alt ?? t('photos.alt')} width={photo.width || undefined} height={photo.height || undefined} decoding="async" />
      </figure>
    )
  }
  if (row === undefined || row) {
    // still looking on this device: keep the place, say nothing yet
    return <div className="photo photo-placeholder" style={placeholderStyle} aria-hidden="true" />
  }
  const isLoading = status.kind === 'loading'
  return (
    <div className="photo photo-placeholder" style={placeholderStyle}>
      <button type="button" className="button-secondary" onClick={load} disabled={isLoading} aria-busy={isLoading}>
        {isLoading ? t('photos.loading') : t('photos.load', { size: formatPhotoSize(photo.bytes, i18n.language) })}
      </button>
      <FormError message={status.kind === 'error' ? t(`photos.errors.${status.code}`) : undefined} />
    </div>
  )
}
