/**
 * Settings → "Devices" and "New invite code" (docs/protocol.md, "Devices and invites").
 *
 * - **Devices** lists the partnership's devices: what each says about itself in the document
 *   (kind, name, school, last person active; src/domain/devices.ts, untrusted, validated there;
 *   the kind shown in the reader's language) joined with the relay's list (`GET /devices`:
 *   registered, last seen on the relay, removed). The last list fetched is kept on this device
 *   (src/sync/devices.ts `saveRelayDeviceList`): offline it is shown "as of" when it was fetched,
 *   so removed devices stay marked removed. Each other device the relay knows has "Remove this
 *   device", with a confirm step; a removed device — this one too — is shown as such.
 * - **New invite code** replaces the invite on the relay (`PUT /invite`) and only then keeps and
 *   shows the new code on this device — in full, right in that section, with Copy and Share,
 *   focused (the short display above would look unchanged: the room id starts the code).
 *
 * The relay's list also tells the invite section when the code on this device was replaced on
 * another device (`inviteChangedAt` later than `inviteSetAt`), so a dead code is not shown as
 * valid. The list is fetched again when the app comes back to the foreground or online.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeviceInfo, PartnershipMeta } from '../../../domain'
import { readDevices, readMeta } from '../../../domain'
import { MAX_DEVICE_NAME_CHARS, registry, writeSetting, type PartnershipEntry } from '../../../storage'
import { SECRET_BYTES, defaultRelayUrl, formatInviteCode, inviteLink, randomBytes, type Invite } from '../../../sync'
import {
  DevicesError,
  fetchRelayDevices,
  loadRelayDeviceList,
  removeRelayDevice,
  replaceRelayInvite,
  saveRelayDeviceList,
  type DevicesErrorCode,
  type RelayDevice,
  type RelayDeviceList,
} from '../../../sync/devices'
import type { PartnershipSession } from '../../hooks/usePartnershipSession'
import { schoolName } from '../../hooks/useActor'
import { deviceLabel, deviceTitle, kindName, useThisDeviceName } from './deviceName'
import { formatMoment } from './moment'
import '../../devices.css'
import { InviteCodeField } from '../InviteCodeField'

export interface RelayDevicesState {
  readonly status: 'loading' | 'ready' | DevicesErrorCode
  /** The relay's list: fetched now, or the last one fetched on this device (see `fetchedAt`). */
  readonly list: RelayDeviceList | undefined
  /** When `list` was fetched (ISO); undefined without a list. */
  readonly fetchedAt: string | undefined
  /** Asks the relay again (after a removal, a new invite, or a tap on "Try again"). */
  readonly reload: () => void
}

function errorCode(err: unknown): DevicesErrorCode {
  return err instanceof DevicesError ? err.code : 'unavailable'
}

/**
 * The relay's list of this partnership's devices: the one kept on this device at once, then the
 * relay's, fetched when Settings opens and again when the app is back in the foreground or online.
 */
export function useRelayDevices(session: PartnershipSession): RelayDevicesState {
  const roomId = session.invite.roomId
  const [state, setState] = useState<Omit<RelayDevicesState, 'reload'>>(() => {
    const kept = loadRelayDeviceList(roomId)
    return { status: 'loading', list: kept?.list, fetchedAt: kept?.fetchedAt }
  })
  const [serial, setSerial] = useState(0)
  const isRemoved = state.status === 'removed'
  useEffect(() => {
    let isCancelled = false
    setState((s) => ({ ...s, status: 'loading' }))
    fetchRelayDevices({ relayUrl: defaultRelayUrl(), invite: session.invite, ...(session.device ? { device: session.device } : {}) }).then(
      (list) => {
        if (isCancelled) return
        const now = new Date()
        saveRelayDeviceList(roomId, list, now)
        setState({ status: 'ready', list, fetchedAt: now.toISOString() })
      },
      (err: unknown) => !isCancelled && setState((s) => ({ ...s, status: errorCode(err) })),
    )
    return () => {
      isCancelled = true
    }
  }, [session, roomId, serial])
  const reload = useCallback(() => setSerial((n) => n + 1), [])
  // back in the foreground or online: the list (and "this code was replaced") may have changed
  useEffect(() => {
    if (isRemoved) return
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') reload()
    }
    window.addEventListener('online', reload)
    window.addEventListener('focus', reload)
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      window.removeEventListener('online', reload)
      window.removeEventListener('focus', reload)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [reload, isRemoved])
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
  /** What the device says about itself in the document; undefined when it wrote nothing. */
  readonly info: DeviceInfo | undefined
  readonly school: string | undefined
  readonly relay: RelayDevice | undefined
  readonly isMe: boolean
  /** When the relay removed it (ISO), from the relay's list or, for this device, from its own refusal. */
  readonly removedAt: string | undefined
}

/** The document's devices joined with the relay's: this device first, then the most recently seen; removed ones last. */
function deviceRows(session: PartnershipSession, entry: PartnershipEntry, meta: PartnershipMeta, list: RelayDeviceList | undefined): Row[] {
  const fromDoc = new Map(readDevices(session.doc).map((d) => [d.deviceId, d]))
  const fromRelay = new Map((list?.devices ?? []).map((d) => [d.id, d]))
  const ids = new Set([...fromRelay.keys(), ...fromDoc.keys()])
  if (entry.deviceId) ids.add(entry.deviceId)
  const rows: Row[] = [...ids].map((id) => {
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
  const rank = (r: Row): number => (r.isMe ? 0 : r.removedAt ? 2 : 1)
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
  const { t, i18n } = useTranslation()
  const [confirming, setConfirming] = useState<string | undefined>()
  const [busy, setBusy] = useState<string | undefined>()
  const [failure, setFailure] = useState<{ id: string; code: DevicesErrorCode } | undefined>()
  const [removedHere, setRemovedHere] = useState<string | undefined>()
  const rows = deviceRows(session, entry, meta, relay.list)
  const isListed = relay.list !== undefined
  const isFresh = relay.status === 'ready'
  const lang = i18n.language
  const titleOf = (r: Row): string => deviceTitle(t, r.info) ?? t('devices.unnamed')
  const labelOf = (r: Row): string => deviceLabel(t, r.info, meta) ?? t('devices.unnamed')

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
      <ListProblem relay={relay} />
      <ul className="device-list">
        {rows.map((r) => {
          const { removedAt } = r
          const isConfirming = confirming === r.id
          const headingId = `device-${r.id}`
          const namedKind = r.info?.name && r.info.kind ? kindName(t, r.info.kind) : undefined
          return (
            <li key={r.id} className={removedAt ? 'device device-removed' : 'device'} aria-labelledby={headingId}>
              {/* "<kind> · <school> · <last person>": two phones of one kind are told apart at a glance (and by name for a screen reader) */}
              <p className="device-name" id={headingId}>
                <strong>{titleOf(r)}</strong>
                {namedKind ? <span className="device-kind"> ({namedKind})</span> : null}
                {r.school ? <span> · {r.school}</span> : null}
                {r.info?.person ? <span> · {r.info.person}</span> : null}
                {r.isMe ? <span className="device-me"> {t('devices.thisDevice')}</span> : null}
              </p>
              <dl className="device-facts">
                <div>
                  <dt>{t('devices.lastSeen')}</dt>
                  <dd>
                    {r.relay ? formatMoment(r.relay.lastSeenAt, lang) : isListed && isFresh ? t('devices.notRegistered') : t('devices.unknown')}
                  </dd>
                </div>
              </dl>
              {removedAt ? (
                <p className="device-removed-note">
                  <strong>{r.isMe ? t('devices.thisRemovedOn', { date: formatMoment(removedAt, lang) }) : t('devices.removedOn', { date: formatMoment(removedAt, lang) })}</strong>
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
                    <strong>{t('devices.confirmTitle', { name: labelOf(r) })}</strong>
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


/** The new code, in full, where the person just made it: Copy, Share, and focus on it. */
function NewCode({ invite }: { readonly invite: Invite }) {
  const { t } = useTranslation()
  const code = formatInviteCode(invite)
  const link = inviteLink(window.location.origin, invite)
  const canShare = typeof navigator.share === 'function'

  const share = (): void => {
    navigator.share({ title: t('settings.shareTitle'), text: t('settings.shareText', { code }), url: link }).catch(() => {
      /* the person closed the share sheet */
    })
  }

  return (
    <div className="banner new-code" role="status">
      <p>
        <strong>{t('newInvite.done')}</strong>
      </p>
      <InviteCodeField id="settings-new-invite-code" label={t('newInvite.newCodeLabel')} code={code} isFocused />
      {canShare ? (
        <div className="banner-actions">
          <button type="button" className="button-secondary" onClick={share}>
            {t('settings.share')}
          </button>
        </div>
      ) : null}
      <p>{t('newInvite.doneOld')}</p>
    </div>
  )
}

export function NewInviteSection({ session, entry, relay }: Omit<SectionProps, 'meta'>) {
  const { t } = useTranslation()
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy' | 'done'>('idle')
  const [failure, setFailure] = useState<DevicesErrorCode | undefined>()
  const [made, setMade] = useState<Invite | undefined>()
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
      setMade(next)
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
      {step === 'done' && made ? <NewCode invite={made} /> : null}
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
  const info = list.inviteChangedBy ? readDevices(session.doc).find((d) => d.deviceId === list.inviteChangedBy) : undefined
  const by = deviceLabel(t, info, readMeta(session.doc))
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
