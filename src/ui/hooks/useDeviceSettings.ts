/** This device's settings (name, language, storage persistence), live from the registry. */
import { useLiveQuery } from 'dexie-react-hooks'
import { DEFAULT_SETTINGS, loadSettings, type DeviceSettings } from '../../storage'

export function useDeviceSettings(): DeviceSettings {
  return useLiveQuery(loadSettings, [], DEFAULT_SETTINGS)
}
