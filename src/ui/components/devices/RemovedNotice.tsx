/**
 * On a device the relay removed from the partnership (close 4403 `removed`): says so plainly, that
 * it no longer syncs, that what is on it stays on it (nothing can be wiped from afar), and what to
 * do — ask for a new invite code and join again with it (JoinScreen makes this device a new one).
 *
 * In full on the first screen where it appears; from the next screen on (and after a reload) it is
 * a one-line banner with "What does this mean?" opening the same text, so it does not push every
 * screen ~450 px down. Which screens it was seen on is kept per room and removal in localStorage.
 *
 * Which device removed it is asked of the relay once with the invite's proof (the device's own is
 * refused now); when that fails too — the invite was replaced — it says "another device".
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { readDevices, readMeta } from '../../../domain'
import type { PartnershipEntry } from '../../../storage'
import { defaultRelayUrl } from '../../../sync'
import { fetchRelayDevices } from '../../../sync/devices'
import type { PartnershipSession } from '../../session/openSession'
import { deviceLabel } from './deviceName'
import { formatMoment } from './moment'
import '../../devices.css'

const SEEN_PREFIX = 'scholenband:removed-notice-seen:'

function wasSeen(key: string): boolean {
  try {
    return localStorage.getItem(SEEN_PREFIX + key) === '1'
  } catch {
    return false
  }
}

function markSeen(key: string): void {
  try {
    localStorage.setItem(SEEN_PREFIX + key, '1')
  } catch {
    /* disabled storage: full again after a reload */
  }
}

export function RemovedNotice({ session, entry }: { readonly session: PartnershipSession; readonly entry: PartnershipEntry }) {
  const { t, i18n } = useTranslation()
  const [removedBy, setRemovedBy] = useState<string | undefined>()
  const [removedAt, setRemovedAt] = useState<string | undefined>(entry.removedAt)
  const { deviceId, roomId } = entry
  const seenKey = `${roomId}:${deviceId ?? ''}`
  const [isCompact, setIsCompact] = useState(() => wasSeen(seenKey))

  useEffect(() => {
    let isCancelled = false
    if (!deviceId) return
    fetchRelayDevices({ relayUrl: defaultRelayUrl(), invite: session.invite }).then(
      (list) => {
        const me = list.devices.find((d) => d.id === deviceId)
        if (isCancelled || !me) return
        if (me.removedBy) setRemovedBy(me.removedBy)
        if (me.removedAt) setRemovedAt(me.removedAt)
      },
      () => undefined,
    )
    return () => {
      isCancelled = true
    }
  }, [session, deviceId])

  // shown in full once; the next screen gets the one-line banner
  useEffect(() => {
    if (isCompact) return
    const onNavigate = (): void => {
      markSeen(seenKey)
      setIsCompact(true)
    }
    window.addEventListener('hashchange', onNavigate)
    return () => window.removeEventListener('hashchange', onNavigate)
  }, [isCompact, seenKey])

  const info = removedBy ? readDevices(session.doc).find((d) => d.deviceId === removedBy) : undefined
  const byName = deviceLabel(t, info, readMeta(session.doc))
  const details = (
    <>
      <p>{t('removed.text', { device: byName ?? t('devices.anotherDevice') })}</p>
      {removedAt ? <p>{t('removed.when', { date: formatMoment(removedAt, i18n.language) })}</p> : null}
      <p>{t('removed.stays')}</p>
      <p>{t('removed.whatToDo')}</p>
      <div className="banner-actions">
        <a className="button-link removed-join" href="#/join">
          {t('removed.joinAgain')}
        </a>
      </div>
    </>
  )

  if (isCompact) {
    return (
      <section className="banner banner-warning removed-notice removed-compact" aria-labelledby="removed-heading">
        <p className="removed-line">
          <strong id="removed-heading">{t('removed.title')}</strong>
        </p>
        <details>
          <summary>{t('removed.whatDoesItMean')}</summary>
          {details}
        </details>
      </section>
    )
  }
  return (
    <section className="banner banner-warning removed-notice" role="alert" aria-labelledby="removed-heading">
      <h2 id="removed-heading">{t('removed.title')}</h2>
      {details}
    </section>
  )
}
