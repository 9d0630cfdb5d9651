/**
 * "Add photo": takes a picture or picks one, makes it small on this device (preparePhoto), keeps it
 * here, queues it for the relay, then hands its reference to the letter (`onAdded`). The photo is
 * stored before the letter mentions it, so a letter never points at a photo this device lacks.
 * When the device is full, the prepared photo stays in memory with a button to try again.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attachmentTransfer, preparePhoto, type PhotoErrorCode, type PhotoRef } from '../../sync'
import type { Invite } from '../../sync'
import { photoErrorCode } from './Photo'
import '../photos.css'

interface Props {
  readonly session: { readonly roomId: string; readonly invite: Invite }
  readonly onAdded: (ref: PhotoRef) => void
  readonly disabled?: boolean
}

type Prepared = Awaited<ReturnType<typeof preparePhoto>>

type Status =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working' }
  | { readonly kind: 'error'; readonly code: PhotoErrorCode | 'unknown'; readonly prepared?: Prepared }

export function PhotoPicker({ session, onAdded, disabled = false }: Props) {
  const { t } = useTranslation()
  const id = useId()
  const [status, setStatus] = useState<Status>({ kind: 'idle' })
  const { roomId, invite } = session

  const save = async (prepared: Prepared): Promise<void> => {
    setStatus({ kind: 'working' })
    const transfer = attachmentTransfer()
    transfer.register(invite)
    try {
      await transfer.addPhoto(roomId, prepared)
    } catch (err) {
      // nothing stored: keep the prepared photo for another try
      setStatus({ kind: 'error', code: photoErrorCode(err), prepared })
      return
    }
    setStatus({ kind: 'idle' })
    onAdded(prepared.ref)
  }

  const pick = async (file: File): Promise<void> => {
    setStatus({ kind: 'working' })
    let prepared: Prepared
    try {
      prepared = await preparePhoto(file)
    } catch (err) {
      setStatus({ kind: 'error', code: photoErrorCode(err) })
      return
    }
    await save(prepared)
  }

  const isWorking = status.kind === 'working'
  const pending = status.kind === 'error' ? status.prepared : undefined
  return (
    <div className="photo-picker">
      <label htmlFor={id}>{t('photos.add')}</label>
      <input
        id={id}
        type="file"
        accept="image/*"
        disabled={disabled || isWorking}
        aria-describedby={status.kind === 'idle' ? undefined : `${id}-status`}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          // the same file can be chosen again after an error
          e.currentTarget.value = ''
          if (file) void pick(file)
        }}
      />
      {isWorking ? (
        <p id={`${id}-status`} role="status">
          {t('photos.preparing')}
        </p>
      ) : null}
      {status.kind === 'error' ? (
        <p id={`${id}-status`} role="alert" className="form-error">
          {t(`photos.errors.${status.code}`)}
        </p>
      ) : null}
      {pending ? (
        <button type="button" className="button-secondary" onClick={() => void save(pending)}>
          {t('photos.retrySave')}
        </button>
      ) : null}
    </div>
  )
}
