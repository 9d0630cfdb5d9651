/**
 * One device in Settings → Devices: "<name or kind> (<kind>) · <school> · <last person>" (two
 * phones of one kind told apart at a glance, and by name for a screen reader), when the relay
 * last saw it, whether it was removed, and for another device the relay knows "Remove this
 * device" with its confirm step. The list and the removal itself are DevicesSection.tsx.
 */
import { useTranslation } from 'react-i18next'
import type { DeviceInfo, PartnershipMeta } from '../../../domain'
import type { DevicesErrorCode, RelayDevice } from '../../../sync/devices'
import { deviceLabel, deviceTitle, kindName } from './deviceName'
import { formatMoment } from './moment'

export interface DeviceRow {
  readonly id: string
  /** What the device says about itself in the document; undefined when it wrote nothing. */
  readonly info: DeviceInfo | undefined
  readonly school: string | undefined
  readonly relay: RelayDevice | undefined
  readonly isMe: boolean
  /** When the relay removed it (ISO), from the relay's list or, for this device, from its own refusal. */
  readonly removedAt: string | undefined
}

interface Props {
  readonly row: DeviceRow
  readonly meta: PartnershipMeta
  /** What is known of the relay's list: none yet, an older one, or fresh. */
  readonly isListed: boolean
  readonly isFresh: boolean
  readonly isConfirming: boolean
  readonly isBusy: boolean
  /** Why the last removal of this device failed. */
  readonly failure: DevicesErrorCode | undefined
  /** Removed from here just now: says what that does. */
  readonly isRemovedHere: boolean
  readonly onAsk: () => void
  readonly onConfirm: () => void
  readonly onCancel: () => void
}

export function DeviceItem({ row: r, meta, isListed, isFresh, isConfirming, isBusy, failure, isRemovedHere, onAsk, onConfirm, onCancel }: Props) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const { removedAt } = r
  const headingId = `device-${r.id}`
  const namedKind = r.info?.name && r.info.kind ? kindName(t, r.info.kind) : undefined
  return (
    <li className={removedAt ? 'device device-removed' : 'device'} aria-labelledby={headingId}>
      <p className="device-name" id={headingId}>
        <strong>{deviceTitle(t, r.info) ?? t('devices.unnamed')}</strong>
        {namedKind ? <span className="device-kind"> ({namedKind})</span> : null}
        {r.school ? <span> · {r.school}</span> : null}
        {r.info?.person ? <span> · {r.info.person}</span> : null}
        {r.isMe ? <span className="device-me"> {t('devices.thisDevice')}</span> : null}
      </p>
      <dl className="device-facts">
        <div>
          <dt>{t('devices.lastSeen')}</dt>
          <dd>{r.relay ? formatMoment(r.relay.lastSeenAt, lang) : isListed && isFresh ? t('devices.notRegistered') : t('devices.unknown')}</dd>
        </div>
      </dl>
      {removedAt ? (
        <p className="device-removed-note">
          <strong>{r.isMe ? t('devices.thisRemovedOn', { date: formatMoment(removedAt, lang) }) : t('devices.removedOn', { date: formatMoment(removedAt, lang) })}</strong>
        </p>
      ) : null}
      {removedAt && isRemovedHere ? (
        <p className="hint" role="status">
          {t('devices.removedHint')}
        </p>
      ) : null}
      {!r.isMe && r.relay && !removedAt && !isConfirming ? (
        <div className="actions">
          <button type="button" className="button-secondary" onClick={onAsk}>
            {t('devices.remove')}
          </button>
        </div>
      ) : null}
      {isConfirming && !removedAt ? (
        <div className="confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
          <p id={`${headingId}-confirm`}>
            <strong>{t('devices.confirmTitle', { name: deviceLabel(t, r.info, meta) ?? t('devices.unnamed') })}</strong>
          </p>
          <p>{t('devices.confirmText')}</p>
          <p>{t('devices.confirmWipe')}</p>
          {failure ? (
            <p className="field-error" role="alert">
              {t(`devices.removeFailed.${failure}`)}
            </p>
          ) : null}
          <div className="actions">
            <button type="button" className="button-danger" disabled={isBusy} onClick={onConfirm}>
              {t('devices.confirmRemove')}
            </button>
            <button type="button" className="button-secondary" disabled={isBusy} onClick={onCancel}>
              {t('devices.cancel')}
            </button>
          </div>
        </div>
      ) : null}
    </li>
  )
}
