/**
 * Settings → Devices: this device's name, as the other phones' "Devices" list shows it. Empty
 * means the kind of device in each reader's language ("Android phone", shown as the placeholder);
 * saved on this device when the field is left or with Enter, and announced in the document by
 * `useDeviceAnnouncement` (deviceName.ts).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { MAX_DEVICE_NAME_CHARS, saveSetting } from '../../../storage'
import { Field } from '../Field'
import { useThisDeviceName } from './deviceName'

export function DeviceNameField({ onSaved }: { readonly onSaved?: () => void }) {
  const { t } = useTranslation()
  const { name, isDefault } = useThisDeviceName()
  const [draft, setDraft] = useState<string | undefined>()
  const value = draft ?? (isDefault ? '' : name)
  const save = (): void => {
    if (draft === undefined) return
    const next = draft.trim().slice(0, MAX_DEVICE_NAME_CHARS)
    void saveSetting('deviceName', next || undefined).then(() => {
      setDraft(undefined)
      onSaved?.()
    })
  }
  return (
    <Field id="settings-device-name" label={t('devices.nameLabel')} hint={t('devices.nameHint')}>
      {(c) => (
        <input
          {...c}
          type="text"
          maxLength={MAX_DEVICE_NAME_CHARS}
          placeholder={isDefault ? name : undefined}
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save()
          }}
        />
      )}
    </Field>
  )
}
