/**
 * At start, after a changes file was shared to the app (sharedFile.ts): opens the "Changes by
 * file" page of the partnership the file names, or — when that partnership is not on this device
 * — of another one, where opening the file says it belongs to another partnership. Loaded only
 * then (main.tsx imports it dynamically), so the first view does not carry it.
 */
import { listPartnerships } from '../../storage'
import { pageHref } from '../pages'
import { roomOfSharedFile } from './sharedFile'

export async function landSharedFile(): Promise<void> {
  const room = await roomOfSharedFile()
  const entries = await listPartnerships().catch(() => [])
  const target = entries.find((e) => e.roomId === room) ?? entries[entries.length - 1]
  window.history.replaceState(null, '', target ? pageHref(target.roomId, 'changesFile') : '#/')
}
