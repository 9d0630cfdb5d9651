/**
 * Settings → "Devices" (docs/protocol.md, "Devices and invites"): the partnership's devices, what
 * each says about itself in the document (kind, name, school, last person active;
 * src/domain/devices.ts, untrusted, validated there) joined with the relay's list (`GET /devices`:
 * registered, last seen on the relay, removed). Offline the last list fetched is shown "as of" when
 * it was fetched (relayDevices.ts), so removed devices stay marked removed. Each other device the
 * relay knows can be removed, with a confirm step (DeviceItem.tsx); this device's name is set here
 * too (DeviceNameField.tsx).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { readDevices, type PartnershipMeta } from '../../../domain'
import type { PartnershipEntry } from '../../../storage'
import { removeRelayDevice, type DevicesErrorCode, type RelayDeviceList } from '../../../sync/devices'
import type { PartnershipSession } from '../../session/openSession'
import { schoolName } from '../../hooks/useActor'
import { DeviceItem, type DeviceRow } from './DeviceItem'
import { DeviceNameField } from './DeviceNameField'
import { formatMoment } from './moment'
import { errorCode, relayRequest, type RelayDevicesState } from './relayDevices'
import '../../devices.css'

export interface SectionProps {
  readonly session: PartnershipSession
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  readonly relay: RelayDevicesState
}

/** The document's devices joined with the relay's: this device first, then the most recently seen; removed ones last. */
function deviceRows(session: PartnershipSession, entry: PartnershipEntry, meta: PartnershipMeta, list: RelayDeviceList | undefined): DeviceRow[] {
  const fromDoc = new Map(readDevices(session.doc).map((d) => [d.deviceId, d]))
  const fromRelay = new Map((list?.devices ?? []).map((d) => [d.id, d]))
  const ids = new Set([...fromRelay.keys(), ...fromDoc.keys()])
  if (entry.deviceId) ids.add(entry.deviceId)
  const rows: DeviceRow[] = [...ids].map((id) => {
    const info = fromDoc.get(id)
    const relay = fromRelay.get(id)
    const isMe = id === entry.deviceId
    return {
      id,
      info,
      school: schoolName(meta, info?.schoolId),
      relay,
      isMe,
      removedAt: relay?.removedAt ?? (isMe ? entry.removedAt : undefined),
    }
  })
  const rank = (r: DeviceRow): number => (r.isMe ? 0 : r.removedAt ? 2 : 1)
  const seen = (r: DeviceRow): number => Date.parse(r.relay?.lastSeenAt ?? '') || 0
  return rows.sort((a, b) => rank(a) - rank(b) || seen(b) - seen(a))
}

/** Why the relay's list is not fresh, what is shown instead, and (unless pointless) "Try again". */
function ListProblem({ relay }: { readonly relay: RelayDevicesState }) {
  const { t, i18n } = useTranslation()
  if (relay.status === 'ready' || relay.status === 'loading') return null
  return (
    <div className="banner banner-warning" role="status">
      <p>{t(`devices.listFailed.${relay.status}`)}</p>
      <p>
        {relay.list && relay.fetchedAt
          ? t('devices.shownAsOf', { date: formatMoment(relay.fetchedAt, i18n.language) })
          : t('devices.shownFromDocument')}
      </p>
      {/* a removed device is refused for good: asking again changes nothing */}
      {relay.status !== 'removed' ? (
        <div className="banner-actions">
          <button type="button" className="button-secondary" onClick={relay.reload}>
            {t('devices.tryAgain')}
          </button>
        </div>
      ) : null}
    </div>
  )
}

export function DevicesSection({ session, entry, meta, relay }: SectionProps) {
  const { t } = useTranslation()
  const [confirming, setConfirming] = useState<string | undefined>()
  const [busy, setBusy] = useState<string | undefined>()
  const [failure, setFailure] = useState<{ id: string; code: DevicesErrorCode } | undefined>()
  const [removedHere, setRemovedHere] = useState<string | undefined>()
  const rows = deviceRows(session, entry, meta, relay.list)
  const isListed = relay.list !== undefined

  const remove = async (id: string): Promise<void> => {
    setBusy(id)
    setFailure(undefined)
    try {
      await removeRelayDevice(relayRequest(session), id)
      setRemovedHere(id)
      setConfirming(undefined)
      relay.reload()
    } catch (err) {
      setFailure({ id, code: errorCode(err) })
    } finally {
      setBusy(undefined)
    }
  }

  return (
    <section className="card devices" aria-labelledby="settings-devices-heading">
      <h3 id="settings-devices-heading">{t('devices.title')}</h3>
      <p className="hint">{t('devices.intro')}</p>
      <DeviceNameField />
      {relay.status === 'loading' && !isListed ? <p className="muted">{t('devices.loading')}</p> : null}
      <ListProblem relay={relay} />
      <ul className="device-list">
        {rows.map((r) => (
          <DeviceItem
            key={r.id}
            row={r}
            meta={meta}
            isListed={isListed}
            isFresh={relay.status === 'ready'}
            isConfirming={confirming === r.id}
            isBusy={busy === r.id}
            failure={failure?.id === r.id ? failure.code : undefined}
            isRemovedHere={removedHere === r.id}
            onAsk={() => {
              setFailure(undefined)
              setConfirming(r.id)
            }}
            onConfirm={() => void remove(r.id)}
            onCancel={() => setConfirming(undefined)}
          />
        ))}
      </ul>
      <p className="hint">{t('devices.cannotWipe')}</p>
    </section>
  )
}
