/**
 * On a device the relay removed from the partnership (close 4403 `removed`): says so plainly, that
 * it no longer syncs, that what is on it stays on it (nothing can be wiped from afar), and what to
 * do — ask for a new invite code and join again with it (JoinScreen makes this device a new one).
 *
 * Which device removed it is asked of the relay once with the invite's proof (the device's own is
 * refused now); when that fails too — the invite was replaced — it says "another device".
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { readDevices } from '../../../domain'
import type { PartnershipEntry } from '../../../storage'
import { defaultRelayUrl } from '../../../sync'
import { fetchRelayDevices } from '../../../sync/devices'
import type { PartnershipSession } from '../../hooks/usePartnershipSession'
import { formatMoment } from './moment'
import '../../devices.css'

export function RemovedNotice({ session, entry }: { readonly session: PartnershipSession; readonly entry: PartnershipEntry }) {
  const { t, i18n } = useTranslation()
  const [removedBy, setRemovedBy] = useState<string | undefined>()
  const [removedAt, setRemovedAt] = useState<string | undefined>(entry.removedAt)
  const { deviceId } = entry

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

  const byName = removedBy ? readDevices(session.doc).find((d) => d.deviceId === removedBy)?.name : undefined
  return (
    <section className="banner banner-warning removed-notice" role="alert" aria-labelledby="removed-heading">
      <h2 id="removed-heading">{t('removed.title')}</h2>
      <p>{t('removed.text', { device: byName ?? t('devices.anotherDevice') })}</p>
      {removedAt ? <p>{t('removed.when', { date: formatMoment(removedAt, i18n.language) })}</p> : null}
      <p>{t('removed.stays')}</p>
      <p>{t('removed.whatToDo')}</p>
      <div className="banner-actions">
        <a className="button-link removed-join" href="#/join">
          {t('removed.joinAgain')}
        </a>
      </div>
    </section>
  )
}
