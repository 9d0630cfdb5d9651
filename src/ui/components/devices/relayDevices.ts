/**
 * The relay's side of Settings → Devices (docs/protocol.md, "Devices and invites"): the request
 * that proves this device to the relay, the relay's list of the partnership's devices as a hook
 * (the list kept on this device at once, then the relay's, fetched again when the app is back in
 * the foreground or online), and whether the invite code on this device was replaced elsewhere.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PartnershipEntry } from '../../../storage'
import { defaultRelayUrl } from '../../../sync'
import {
  DevicesError,
  fetchRelayDevices,
  loadRelayDeviceList,
  saveRelayDeviceList,
  type DevicesErrorCode,
  type DevicesRequest,
  type RelayDeviceList,
} from '../../../sync/devices'
import type { PartnershipSession } from '../../session/openSession'

/** What the relay's device endpoints are asked with: this relay, the invite and, once it has one, this device's key. */
export function relayRequest(session: PartnershipSession): DevicesRequest {
  return { relayUrl: defaultRelayUrl(), invite: session.invite, ...(session.device ? { device: session.device } : {}) }
}

export function errorCode(err: unknown): DevicesErrorCode {
  return err instanceof DevicesError ? err.code : 'unavailable'
}

export interface RelayDevicesState {
  readonly status: 'loading' | 'ready' | DevicesErrorCode
  /** The relay's list: fetched now, or the last one fetched on this device (see `fetchedAt`). */
  readonly list: RelayDeviceList | undefined
  /** When `list` was fetched (ISO); undefined without a list. */
  readonly fetchedAt: string | undefined
  /** Asks the relay again (after a removal, a new invite, or a tap on "Try again"). */
  readonly reload: () => void
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
    fetchRelayDevices(relayRequest(session)).then(
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
