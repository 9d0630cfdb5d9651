/**
 * Settings → "New invite code" (docs/protocol.md, "Devices and invites"): replaces the invite on
 * the relay (`PUT /invite`) and only then keeps and shows the new code on this device — in full,
 * right in that section, with Copy and Share, focused (the short display above would look
 * unchanged: the room id starts the code). `InviteReplaced` is what the invite section shows
 * instead of a code the relay says was replaced on another device (`inviteChangedAt` later than
 * this device's `inviteSetAt`), so a dead code is not shown as valid.
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { readDevices, readMeta } from '../../../domain'
import { replaceInviteCode } from '../../../storage'
import { SECRET_BYTES, formatInviteCode, inviteLink, randomBytes, type Invite } from '../../../sync'
import { replaceRelayInvite, type DevicesErrorCode, type RelayDeviceList } from '../../../sync/devices'
import type { PartnershipSession } from '../../session/openSession'
import { InviteCodeField } from '../InviteCodeField'
import type { SectionProps } from './DevicesSection'
import { deviceLabel } from './deviceName'
import { formatMoment } from './moment'
import { errorCode, relayRequest } from './relayDevices'
import '../../devices.css'

/** The new code, in full, where the person just made it: Copy, Share, and focus on it. */
function NewCode({ invite }: { readonly invite: Invite }) {
  const { t } = useTranslation()
  const code = formatInviteCode(invite)
  const link = inviteLink(window.location.origin, invite)
  const canShare = typeof navigator.share === 'function'

  const share = (): void => {
    navigator.share({ title: t('settings.shareTitle'), text: t('settings.shareText', { code, interpolation: { escapeValue: false } }), url: link }).catch(() => {
      /* the person closed the share sheet */
    })
  }

  return (
    <div className="banner new-code" role="status">
      <p>
        <strong>{t('newInvite.done')}</strong>
      </p>
      <InviteCodeField id="settings-new-invite-code" label={t('newInvite.newCodeLabel')} code={code} link={link} isFocused />
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
      const { inviteChangedAt } = await replaceRelayInvite(relayRequest(session), next)
      // only now, with the relay's word, does this device keep and show the new code
      await replaceInviteCode(entry.roomId, formatInviteCode(next), inviteChangedAt)
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
