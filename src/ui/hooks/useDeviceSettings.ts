/** This device's settings (name, language, storage persistence), live from the registry. */
import { useLiveQuery } from 'dexie-react-hooks'
import { DEFAULT_SETTINGS, readSettings, registry, type DeviceSettings } from '../../storage'

export function useDeviceSettings(): DeviceSettings {
  return useLiveQuery(() => readSettings(registry()), [], DEFAULT_SETTINGS)
}
