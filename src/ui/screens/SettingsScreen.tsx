/**
 * Settings: inviting the partner school (code and link), the partnership's devices (remove one) and
 * a new invite code (components/devices/DevicesSettings.tsx), which school this device speaks for, the
 * people who use it (names, roles, PINs), the language, whether the browser promised to keep the data, and the data saver
 * for photos with what is still waiting to be sent and received.
 */
import { useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { PartnershipMeta } from '../../domain'
import { registry, requestPersistence, writeSetting, type PartnershipEntry } from '../../storage'
import { formatInviteCode, inviteLink, parseInviteCode } from '../../sync'
import { attachmentTransfer } from '../../sync'
import { formatPhotoSize } from '../components/Photo'
import { LanguagePicker } from '../components/LanguagePicker'
import { PeopleSettings } from '../components/people/PeopleSettings'
import { RecoveryLinks } from '../components/RecoveryLinks'
import {
  DevicesSection,
  InviteReplaced,
  NewInviteSection,
  isInviteReplaced,
  useRelayDevices,
  type RelayDevicesState,
} from '../components/devices/DevicesSettings'
import { StorageUse } from '../components/StorageUse'
import { useDeviceSettings } from '../hooks/useDeviceSettings'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import type { PartnershipSession } from '../hooks/usePartnershipSession'
import { InviteCodeField } from '../components/InviteCodeField'

interface Props {
  readonly session: PartnershipSession
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
}


interface InviteProps {
  readonly session: PartnershipSession
  readonly entry: PartnershipEntry
  readonly relay: RelayDevicesState
}

function InviteSection({ session, entry, relay }: InviteProps) {
  const { t } = useTranslation()
  // the code kept on this device: after "New invite code" it is the new one, while the session still uses the old
  const parsed = parseInviteCode(entry.inviteCode)
  const invite = parsed.ok && parsed.invite.roomId === session.invite.roomId ? parsed.invite : session.invite
  const link = inviteLink(window.location.origin, invite)
  const code = formatInviteCode(invite)
  const canShare = typeof navigator.share === 'function'

  const share = (): void => {
    navigator.share({ title: t('settings.shareTitle'), text: t('settings.shareText', { code }), url: link }).catch(() => {
      /* the person closed the share sheet */
    })
  }

  return (
    <section className="card" aria-labelledby="settings-invite-heading">
      <h3 id="settings-invite-heading">{t('settings.invite')}</h3>
      <p className="hint">{t('settings.inviteHelp')}</p>
      {relay.list && isInviteReplaced(entry, relay.list) ? (
        <InviteReplaced session={session} list={relay.list} />
      ) : (
        <>
          <InviteCodeField id="settings-invite-code" label={t('settings.inviteCode')} code={code} />
          <div className="field">
            <label htmlFor="settings-invite-link">{t('settings.inviteLink')}</label>
            <input id="settings-invite-link" type="text" readOnly value={link} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
          </div>
          {canShare ? (
            <div className="actions">
              <button type="button" className="button-secondary" onClick={share}>
                {t('settings.share')}
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  )
}

function PersonSection({ entry, meta }: { readonly entry: PartnershipEntry; readonly meta: PartnershipMeta }) {
  const { t } = useTranslation()
  const mySchool = [meta.schoolA, meta.schoolB].find((s) => s.id === entry.mySchoolId)

  return (
    <section className="card" aria-labelledby="settings-you-heading">
      <h3 id="settings-you-heading">{t('settings.you')}</h3>
      <div className="field">
        <label htmlFor="settings-my-school">{t('settings.mySchool')}</label>
        <p className="hint" id="settings-my-school-hint">
          {t('settings.mySchoolHint')}
        </p>
        <select
          id="settings-my-school"
          aria-describedby="settings-my-school-hint"
          value={entry.mySchoolId ?? ''}
          onChange={(e) => {
            const mySchoolId = e.target.value || undefined
            void registry().partnerships.update(entry.roomId, { mySchoolId })
          }}
        >
          {!mySchool ? <option value="">{t('settings.mySchoolUnset')}</option> : null}
          {[meta.schoolA, meta.schoolB].map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <LanguagePicker id="settings-language" />
    </section>
  )
}

function StorageSection() {
  const { t } = useTranslation()
  const { persistence } = useDeviceSettings()
  const [isAsking, setIsAsking] = useState(false)
  return (
    <section className="card" aria-labelledby="settings-storage-heading">
      <h3 id="settings-storage-heading">{t('settings.storage')}</h3>
      <p data-persistence={persistence}>{t(`settings.persistence.${persistence}`)}</p>
      {persistence !== 'granted' && persistence !== 'unsupported' ? (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={isAsking}
            onClick={() => {
              setIsAsking(true)
              void requestPersistence(registry()).finally(() => setIsAsking(false))
            }}
          >
            {t('settings.askPersistence')}
          </button>
        </div>
      ) : null}
      <StorageUse />
    </section>
  )
}

function DataSection() {
  const { t, i18n } = useTranslation()
  const { dataSaver, autoDownloadOnUnmetered } = useDeviceSettings()
  const transfer = attachmentTransfer(registry())
  const waiting = useSyncExternalStore(transfer.subscribe, transfer.getSnapshot)
  return (
    <section className="card" aria-labelledby="settings-data-heading">
      <h3 id="settings-data-heading">{t('settings.data.title')}</h3>
      <div className="field">
        <label className="checkbox" htmlFor="settings-data-saver">
          <input
            id="settings-data-saver"
            type="checkbox"
            checked={dataSaver}
            aria-describedby="settings-data-saver-hint"
            onChange={(e) => void writeSetting(registry(), 'dataSaver', e.target.checked)}
          />
          <span>{t('settings.data.saver')}</span>
        </label>
        <p className="hint" id="settings-data-saver-hint">
          {t('settings.data.saverHint')}
        </p>
      </div>
      <div className="field">
        <label className="checkbox" htmlFor="settings-data-wifi">
          <input
            id="settings-data-wifi"
            type="checkbox"
            checked={autoDownloadOnUnmetered}
            disabled={!dataSaver}
            aria-describedby="settings-data-wifi-hint"
            onChange={(e) => void writeSetting(registry(), 'autoDownloadOnUnmetered', e.target.checked)}
          />
          <span>{t('settings.data.autoWifi')}</span>
        </label>
        <p className="hint" id="settings-data-wifi-hint">
          {t('settings.data.autoWifiHint')}
        </p>
      </div>
      <p data-testid="photos-waiting">
        {t('settings.data.waiting', {
          sent: formatPhotoSize(waiting.bytesToSend, i18n.language),
          received: formatPhotoSize(waiting.bytesToReceive, i18n.language),
        })}
      </p>
      {waiting.lastError && waiting.bytesToSend > 0 ? (
        <p className="hint">{t('settings.data.lastError', { reason: t(`photos.errors.${waiting.lastError}`) })}</p>
      ) : null}
    </section>
  )
}

export function SettingsScreen({ session, entry, meta }: Props) {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const relay = useRelayDevices(session)
  return (
    <section aria-labelledby="settings-heading" className="settings">
      <h2 id="settings-heading" ref={headingRef} tabIndex={-1}>
        {t('settings.title')}
      </h2>
      <InviteSection session={session} entry={entry} relay={relay} />
      <DevicesSection session={session} entry={entry} meta={meta} relay={relay} />
      <NewInviteSection session={session} entry={entry} relay={relay} />
      <PersonSection entry={entry} meta={meta} />
      <PeopleSettings />
      <StorageSection />
      <DataSection />
      <RecoveryLinks roomId={entry.roomId} />
    </section>
  )
}
