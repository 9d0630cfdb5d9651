/**
 * Settings: inviting the partner school (code and link), the partnership's devices (remove one) and
 * a new invite code (components/devices/DevicesSettings.tsx), which school this device speaks for, the
 * people who use it (names, roles, PINs), the language, whether the browser promised to keep the data, and the data saver
 * for photos with what is still waiting to be sent and received.
 */
import { useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { PartnershipMeta } from '../../domain'
import { askToKeepStorage, chooseMySchool, saveSetting, type DeviceSettings, type PartnershipEntry } from '../../storage'
import { attachmentTransfer, formatInviteCode, inviteLink, parseInviteCode } from '../../sync'
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
import type { PartnershipSession } from '../session/openSession'
import { InviteCodeField } from '../components/InviteCodeField'
import { CardSection } from '../components/CardSection'
import { Field } from '../components/Field'
import { SchoolSelect } from '../components/SchoolSelect'
import { ScreenTitle } from '../components/ScreenTitle'

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
    navigator.share({ title: t('settings.shareTitle'), text: t('settings.shareText', { code, interpolation: { escapeValue: false } }), url: link }).catch(() => {
      /* the person closed the share sheet */
    })
  }

  return (
    <CardSection id="settings-invite" title={t('settings.invite')} hint={t('settings.inviteHelp')}>
      {relay.list && isInviteReplaced(entry, relay.list) ? (
        <InviteReplaced session={session} list={relay.list} />
      ) : (
        <>
          <InviteCodeField id="settings-invite-code" label={t('settings.inviteCode')} code={code} link={link} />
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
    </CardSection>
  )
}

function PersonSection({ entry, meta }: { readonly entry: PartnershipEntry; readonly meta: PartnershipMeta }) {
  const { t } = useTranslation()
  const schools = [meta.schoolA, meta.schoolB]
  const mySchool = schools.find((s) => s.id === entry.mySchoolId)

  return (
    <CardSection id="settings-you" title={t('settings.you')}>
      <Field id="settings-my-school" label={t('settings.mySchool')} hint={t('settings.mySchoolHint')}>
        {(control) => (
          <SchoolSelect
            control={control}
            schools={schools}
            value={entry.mySchoolId ?? ''}
            emptyLabel={mySchool ? undefined : t('settings.mySchoolUnset')}
            onChange={(schoolId) => void chooseMySchool(entry.roomId, schoolId || undefined)}
          />
        )}
      </Field>
      <LanguagePicker id="settings-language" />
    </CardSection>
  )
}

function StorageSection() {
  const { t } = useTranslation()
  const { persistence } = useDeviceSettings()
  const [isAsking, setIsAsking] = useState(false)
  return (
    <CardSection id="settings-storage" title={t('settings.storage')}>
      <p data-persistence={persistence}>{t(`settings.persistence.${persistence}`)}</p>
      {persistence !== 'granted' && persistence !== 'unsupported' ? (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={isAsking}
            onClick={() => {
              setIsAsking(true)
              void askToKeepStorage().finally(() => setIsAsking(false))
            }}
          >
            {t('settings.askPersistence')}
          </button>
        </div>
      ) : null}
      <StorageUse />
    </CardSection>
  )
}

type BooleanSetting = { [K in keyof DeviceSettings]: DeviceSettings[K] extends boolean ? K : never }[keyof DeviceSettings]

interface SettingCheckboxProps {
  readonly id: string
  readonly setting: BooleanSetting
  readonly checked: boolean
  readonly disabled?: boolean
  readonly label: string
  readonly hint: string
}

/** A yes/no setting of this device, saved as soon as it is ticked, with its hint. */
function SettingCheckbox({ id, setting, checked, disabled, label, hint }: SettingCheckboxProps) {
  return (
    <div className="field">
      <label className="checkbox" htmlFor={id}>
        <input id={id} type="checkbox" checked={checked} disabled={disabled} aria-describedby={`${id}-hint`} onChange={(e) => void saveSetting(setting, e.target.checked)} />
        <span>{label}</span>
      </label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  )
}

function DataSection() {
  const { t, i18n } = useTranslation()
  const { dataSaver, autoDownloadOnUnmetered } = useDeviceSettings()
  const transfer = attachmentTransfer()
  const waiting = useSyncExternalStore(transfer.subscribe, transfer.getSnapshot)
  return (
    <CardSection id="settings-data" title={t('settings.data.title')}>
      <SettingCheckbox id="settings-data-saver" setting="dataSaver" checked={dataSaver} label={t('settings.data.saver')} hint={t('settings.data.saverHint')} />
      <SettingCheckbox
        id="settings-data-wifi"
        setting="autoDownloadOnUnmetered"
        checked={autoDownloadOnUnmetered}
        disabled={!dataSaver}
        label={t('settings.data.autoWifi')}
        hint={t('settings.data.autoWifiHint')}
      />
      <p data-testid="photos-waiting">
        {t('settings.data.waiting', {
          sent: formatPhotoSize(waiting.bytesToSend, i18n.language),
          received: formatPhotoSize(waiting.bytesToReceive, i18n.language),
        })}
      </p>
      {waiting.lastError && waiting.bytesToSend > 0 ? (
        <p className="hint">{t('settings.data.lastError', { reason: t(`photos.errors.${waiting.lastError}`) })}</p>
      ) : null}
    </CardSection>
  )
}

export function SettingsScreen({ session, entry, meta }: Props) {
  const { t } = useTranslation()
  const relay = useRelayDevices(session)
  return (
    <section aria-labelledby="settings-heading" className="settings">
      <ScreenTitle id="settings-heading">{t('settings.title')}</ScreenTitle>
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
