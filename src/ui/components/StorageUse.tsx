/**
 * Settings → Storage: how much the app stores on this device (the browser's estimate, the
 * partnerships and photos it holds) and what can be freed: downloaded photos, which are also on
 * the relay and come back when someone opens them. A photo not yet sent to the relay is never
 * freed (storage/blobs.ts `freeDownloadedPhotos`).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLiveQuery } from 'dexie-react-hooks'
import { countPartnerships, freePartnerPhotos, photosOnDevice, storageHealth } from '../../storage'

/** Bytes in kB, MB or GB, in the user's language. */
export function formatBytes(bytes: number, language: string): string {
  const units = [
    ['gigabyte', 1e9],
    ['megabyte', 1e6],
    ['kilobyte', 1e3],
  ] as const
  const [unit, size] = units.find(([, s]) => bytes >= s) ?? units[2]
  const value = bytes <= 0 ? 0 : bytes / size
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 && unit !== 'kilobyte' ? 1 : 0 }).format(
    unit === 'kilobyte' && bytes > 0 ? Math.max(1, value) : value,
  )
}

async function estimate(): Promise<{ usage: number; quota: number } | undefined> {
  try {
    const e = await navigator.storage?.estimate?.()
    return e && typeof e.usage === 'number' && typeof e.quota === 'number' ? { usage: e.usage, quota: e.quota } : undefined
  } catch {
    return undefined
  }
}

export function StorageUse() {
  const { t, i18n } = useTranslation()
  const [generation, setGeneration] = useState(0)
  const [message, setMessage] = useState('')
  const [isFreeing, setIsFreeing] = useState(false)
  const photos = useLiveQuery(() => photosOnDevice(), [])
  const partnerships = useLiveQuery(() => countPartnerships(), [])
  // the browser's figure changes with every write: read again with the counts, and after freeing
  const used = useLiveQuery(() => estimate(), [generation, photos?.bytes, partnerships])
  const lang = i18n.language

  const free = async (): Promise<void> => {
    setIsFreeing(true)
    try {
      const freed = await freePartnerPhotos()
      setMessage(t('settings.space.freed', { count: freed.count, size: formatBytes(freed.bytes, lang) }))
      // space is back: writes the device refused are tried again now
      storageHealth.retryNow()
    } catch {
      setMessage(t('settings.space.freeFailed'))
    } finally {
      setIsFreeing(false)
      setGeneration((g) => g + 1)
    }
  }

  return (
    <div className="storage-use" data-testid="storage-use">
      <h4>{t('settings.space.title')}</h4>
      <p>{used ? t('settings.space.used', { used: formatBytes(used.usage, lang), quota: formatBytes(used.quota, lang) }) : t('settings.space.usedUnknown')}</p>
      <ul>
        {partnerships !== undefined ? <li>{t('settings.space.partnerships', { count: partnerships })}</li> : null}
        {photos ? <li>{t('settings.space.photos', { count: photos.count, size: formatBytes(photos.bytes, lang) })}</li> : null}
      </ul>
      {photos && photos.freeableCount > 0 ? (
        <div className="actions">
          <button type="button" className="button-secondary" disabled={isFreeing} aria-describedby="storage-free-hint" onClick={() => void free()}>
            {t('settings.space.free', { size: formatBytes(photos.freeableBytes, lang) })}
          </button>
        </div>
      ) : photos ? (
        <p className="hint">{t('settings.space.nothingToFree')}</p>
      ) : null}
      <p className="hint" id="storage-free-hint">
        {t('settings.space.freeHint')}
      </p>
      {message ? (
        <p role="status" className="hint">
          {message}
        </p>
      ) : null}
    </div>
  )
}
