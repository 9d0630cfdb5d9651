/**
 * Settings → "Devices" and "New invite code" (docs/protocol.md, "Devices and invites").
 *
 * - **Devices** lists the partnership's devices: what each says about itself in the document
 *   (name, school, last person active; src/domain/devices.ts, untrusted, validated there) joined
 *   with the relay's list (`GET /devices`: registered, last seen on the relay, removed). Offline,
 *   it says the relay's list could not be fetched and shows the document's. Each other device the
 *   relay knows has "Remove this device", with a confirm step; a removed device is shown as such.
 * - **New invite code** replaces the invite on the relay (`PUT /invite`) and only then keeps and
 *   shows the new code on this device. Codes shared before stop working for devices that have not
 *   joined yet; devices already in the partnership keep working.
 *
 * The relay's list also tells the invite section when the code on this device was replaced on
 * another device (`inviteChangedAt` later than `inviteSetAt`), so a dead code is not shown as valid.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PartnershipMeta } from '../../../domain'
import { readDevices } from '../../../domain'
import { MAX_DEVICE_NAME_CHARS, registry, writeSetting, type PartnershipEntry } from '../../../storage'
import { SECRET_BYTES, defaultRelayUrl, formatInviteCode, randomBytes, type Invite } from '../../../sync'
import {
  DevicesError,
  fetchRelayDevices,
  removeRelayDevice,
  replaceRelayInvite,
  type DevicesErrorCode,
  type RelayDevice,
  type RelayDeviceList,
} from '../../../sync/devices'
import type { PartnershipSession } from '../../hooks/usePartnershipSession'
import { schoolName } from '../../hooks/useActor'
import { useThisDeviceName } from './deviceName'
import { formatMoment } from './moment'
import '../../devices.css'

export interface RelayDevicesState {
  readonly status: 'loading' | 'ready' | DevicesErrorCode
  readonly list: RelayDeviceList | undefined
  /** Asks the relay again (after a removal, a new invite, or a tap on "Try again"). */
  readonly reload: () => void
}

function errorCode(err: unknown): DevicesErrorCode {
  return err instanceof DevicesError ? err.code : 'unavailable'
}

/** The relay's list of this partnership's devices, fetched when Settings opens. */
export function useRelayDevices(session: PartnershipSession): RelayDevicesState {
  const [state, setState] = useState<{ status: RelayDevicesState['status']; list: RelayDeviceList | undefined }>({ status: 'loading', list: undefined })
  const [serial, setSerial] = useState(0)
  useEffect(() => {
    let isCancelled = false
    setState((s) => ({ ...s, status: 'loading' }))
    fetchRelayDevices({ relayUrl: defaultRelayUrl(), invite: session.invite, ...(session.device ? { device: session.device } : {}) }).then(
      (list) => !isCancelled && setState({ status: 'ready', list }),
      (err: unknown) => !isCancelled && setState((s) => ({ status: errorCode(err), list: s.list })),
    )
    return () => {
      isCancelled = true
    }
  }, [session, serial])
  const reload = useCallback(() => setSerial((n) => n + 1), [])
  return { ...state, reload }
}

/** True when the relay says the invite changed after this device got the code it holds. */
export function isInviteReplaced(entry: PartnershipEntry, list: RelayDeviceList | undefined): boolean {
  if (!list?.inviteChangedAt) return false
  const setAt = Date.parse(entry.inviteSetAt ?? entry.addedAt)
  return Number.isNaN(setAt) || Date.parse(list.inviteChangedAt) > setAt
}

interface Row {
  readonly id: string
  readonly name: string | undefined
  readonly school: string | undefined
  readonly person: string | undefined
  readonly relay: RelayDevice | undefined
  readonly isMe: boolean
}

/** The document's devices joined with the relay's: this device first, then the most recently seen; removed ones last. */
function deviceRows(session: PartnershipSession, entry: PartnershipEntry, meta: PartnershipMeta, list: RelayDeviceList | undefined): Row[] {
  const fromDoc = new Map(readDevices(session.doc).map((d) => [d.deviceId, d]))
  const fromRelay = new Map((list?.devices ?? []).map((d) => [d.id, d]))
  const ids = new Set([...fromRelay.keys(), ...fromDoc.keys()])
  if (entry.deviceId) ids.add(entry.deviceId)
  const rows: Row[] = [...ids].map((id) => {
    const d = fromDoc.get(id)
    return {
      id,
      name: d?.name,
      school: schoolName(meta, d?.schoolId),
      person: d?.person,
      relay: fromRelay.get(id),
      isMe: id === entry.deviceId,
    }
  })
  const rank = (r: Row): number => (r.isMe ? 0 : r.relay?.removedAt ? 2 : 1)
  const seen = (r: Row): number => Date.parse(r.relay?.lastSeenAt ?? '') || 0
  return rows.sort((a, b) => rank(a) - rank(b) || seen(b) - seen(a))
}

function DeviceName({ onSaved }: { readonly onSaved?: () => void }) {
  const { t } = useTranslation()
  const { name, isDefault } = useThisDeviceName()
  const [draft, setDraft] = useState<string | undefined>()
  const value = draft ?? (isDefault ? '' : name)
  const save = (): void => {
    if (draft === undefined) return
    const next = draft.trim().slice(0, MAX_DEVICE_NAME_CHARS)
    void writeSetting(registry(), 'deviceName', next || undefined).then(() => {
      setDraft(undefined)
      onSaved?.()
    })
  }
  return (
    <div className="field">
      <label htmlFor="settings-device-name">{t('devices.nameLabel')}</label>
      <p className="hint" id="settings-device-name-hint">
        {t('devices.nameHint')}
      </p>
      <input
        id="settings-device-name"
        type="text"
        maxLength={MAX_DEVICE_NAME_CHARS}
        placeholder={isDefault ? name : undefined}
        aria-describedby="settings-device-name-hint"
        value={value}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save()
        }}
      />
    </div>
  )
}

interface SectionProps {
  readonly session: PartnershipSession
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  readonly relay: RelayDevicesState
}

export function DevicesSection({ session, entry, meta, relay }: SectionProps) {
  const { t, i18n } = useTranslation()
  const [confirming, setConfirming] = useState<string | undefined>()
  const [busy, setBusy] = useState<string | undefined>()
  const [failure, setFailure] = useState<{ id: string; code: DevicesErrorCode } | undefined>()
  const [removedHere, setRemovedHere] = useState<string | undefined>()
  const rows = deviceRows(session, entry, meta, relay.list)
  const isListed = relay.list !== undefined
  const lang = i18n.language
  const nameOf = (r: Row): string => r.name ?? t('devices.unnamed')

  const remove = async (id: string): Promise<void> => {
    setBusy(id)
    setFailure(undefined)
    try {
      await removeRelayDevice({ relayUrl: defaultRelayUrl(), invite: session.invite, ...(session.device ? { device: session.device } : {}) }, id)
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
      <DeviceName />
      {relay.status === 'loading' && !isListed ? <p className="muted">{t('devices.loading')}</p> : null}
      {relay.status !== 'ready' && relay.status !== 'loading' ? (
        <div className="banner banner-warning" role="status">
          <p>{t(`devices.listFailed.${relay.status}`)}</p>
          <div className="banner-actions">
            <button type="button" className="button-small" onClick={relay.reload}>
              {t('devices.tryAgain')}
            </button>
          </div>
        </div>
      ) : null}
      <ul className="device-list">
        {rows.map((r) => {
          const removedAt = r.relay?.removedAt
          const isConfirming = confirming === r.id
          const headingId = `device-${r.id}`
          return (
            <li key={r.id} className={removedAt ? 'device device-removed' : 'device'} aria-labelledby={headingId}>
              <p className="device-name" id={headingId}>
                <strong>{nameOf(r)}</strong>
                {r.isMe ? <span className="device-me"> {t('devices.thisDevice')}</span> : null}
              </p>
              <dl className="device-facts">
                <div>
                  <dt>{t('devices.school')}</dt>
                  <dd>{r.school ?? t('devices.unknown')}</dd>
                </div>
                <div>
                  <dt>{t('devices.person')}</dt>
                  <dd>{r.person ?? t('devices.unknown')}</dd>
                </div>
                <div>
                  <dt>{t('devices.lastSeen')}</dt>
                  <dd>
                    {r.relay ? formatMoment(r.relay.lastSeenAt, lang) : isListed ? t('devices.notRegistered') : t('devices.unknown')}
                  </dd>
                </div>
              </dl>
              {removedAt ? (
                <p className="device-removed-note">
                  <strong>{t('devices.removedOn', { date: formatMoment(removedAt, lang) })}</strong>
                </p>
              ) : null}
              {removedAt && removedHere === r.id ? (
                <p className="hint" role="status">
                  {t('devices.removedHint')}
                </p>
              ) : null}
              {!r.isMe && r.relay && !removedAt && !isConfirming ? (
                <div className="actions">
                  <button
                    type="button"
                    className="button-secondary"
                    onClick={() => {
                      setFailure(undefined)
                      setConfirming(r.id)
                    }}
                  >
                    {t('devices.remove')}
                  </button>
                </div>
              ) : null}
              {isConfirming && !removedAt ? (
                <div className="confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
                  <p id={`${headingId}-confirm`}>
                    <strong>{t('devices.confirmTitle', { name: nameOf(r) })}</strong>
                  </p>
                  <p>{t('devices.confirmText')}</p>
                  <p>{t('devices.confirmWipe')}</p>
                  {failure?.id === r.id ? (
                    <p className="field-error" role="alert">
                      {t(`devices.removeFailed.${failure.code}`)}
                    </p>
                  ) : null}
                  <div className="actions">
                    <button type="button" className="button-danger" disabled={busy === r.id} onClick={() => void remove(r.id)}>
                      {t('devices.confirmRemove')}
                    </button>
                    <button type="button" className="button-secondary" disabled={busy === r.id} onClick={() => setConfirming(undefined)}>
                      {t('devices.cancel')}
                    </button>
                  </div>
                </div>
              ) : null}
            </li>
          )
        })}
      </ul>
      <p className="hint">{t('devices.cannotWipe')}</p>
    </section>
  )
}

export function NewInviteSection({ session, entry, relay }: Omit<SectionProps, 'meta'>) {
  const { t } = useTranslation()
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy' | 'done'>('idle')
  const [failure, setFailure] = useState<DevicesErrorCode | undefined>()
  const confirmRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (step === 'confirm') confirmRef.current?.focus()
  }, [step])

  const make = async (): Promise<void> => {
    setStep('busy')
    setFailure(undefined)
    const next: Invite = { roomId: entry.roomId, secret: randomBytes(SECRET_BYTES) }
    try {
      const { inviteChangedAt } = await replaceRelayInvite(
        { relayUrl: defaultRelayUrl(), invite: session.invite, ...(session.device ? { device: session.device } : {}) },
        next,
      )
      // only now, with the relay's word, does this device keep and show the new code
      await registry().partnerships.update(entry.roomId, { inviteCode: formatInviteCode(next), inviteSetAt: inviteChangedAt })
      setStep('done')
      relay.reload()
    } catch (err) {
      setFailure(errorCode(err))
      setStep('confirm')
    }
  }

  return (
    // not labelled by its heading: "New invite code" would also answer to the label "Invite code"
    <section className="card new-invite">
      <h3 id="settings-new-invite-heading">{t('newInvite.title')}</h3>
      <p className="hint">{t('newInvite.intro')}</p>
      {step === 'done' ? (
        <p className="banner" role="status">
          {t('newInvite.done')}
        </p>
      ) : null}
      {step === 'idle' || step === 'done' ? (
        <div className="actions">
          <button type="button" className="button-secondary" onClick={() => setStep('confirm')}>
            {t('newInvite.button')}
          </button>
        </div>
      ) : (
        <div className="confirm">
          <p id="settings-new-invite-confirm">
            <strong>{t('newInvite.confirmTitle')}</strong>
          </p>
          <p>{t('newInvite.confirmText')}</p>
          {failure ? (
            <p className="field-error" role="alert">
              {t(`newInvite.failed.${failure}`)}
            </p>
          ) : null}
          <div className="actions">
            <button ref={confirmRef} type="button" className="button-primary" disabled={step === 'busy'} onClick={() => void make()}>
              {t('newInvite.confirm')}
            </button>
            <button type="button" className="button-secondary" disabled={step === 'busy'} onClick={() => setStep('idle')}>
              {t('newInvite.cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  )
}

/** In the invite section, instead of a dead code: when, and on which device, it was replaced. */
export function InviteReplaced({ session, list }: { readonly session: PartnershipSession; readonly list: RelayDeviceList }) {
  const { t, i18n } = useTranslation()
  const by = list.inviteChangedBy ? readDevices(session.doc).find((d) => d.deviceId === list.inviteChangedBy)?.name : undefined
  return (
    <div className="banner banner-warning" role="status">
      <p>
        <strong>{t('newInvite.replacedTitle')}</strong>
      </p>
      <p>
        {t('newInvite.replacedText', {
          date: formatMoment(list.inviteChangedAt ?? undefined, i18n.language),
          device: by ?? t('devices.anotherDevice'),
        })}
      </p>
    </div>
  )
}
