/**
 * The sync indicator in the partnership header: always visible, in plain words.
 * "Synced" appears only when the connection says so (the relay holds every local change),
 * never merely because the socket is open.
 */
import { useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { PartnershipConnection, SyncState } from '../../sync'
import { storageHealth, type StorageHealthState } from '../../storage'

/**
 * The indicator's words. A write IndexedDB refused (`health`, see storage/health.ts) comes before
 * everything but a refusal by the relay: "Saved on this device" would not be true.
 */
export function syncStateText(state: SyncState, t: TFunction, health: StorageHealthState = { kind: 'ok' }): string {
  if (state.kind !== 'refused' && health.kind === 'full') return t('sync.storageFull')
  if (state.kind !== 'refused' && health.kind === 'failing') return t('sync.storageFailing')
  switch (state.kind) {
    case 'offline':
      return state.pending > 0 ? t('sync.offlineWithChanges', { count: state.pending }) : t('sync.offline')
    case 'connecting': {
      // while the relay is away, say why and that nothing is lost
      if (state.lastError) {
        const reason = t(`sync.refusedReason.${state.lastError}`)
        return state.pending > 0 ? t('sync.waitingWithChanges', { reason, count: state.pending }) : reason
      }
      return state.pending > 0 ? t('sync.connectingWithChanges', { count: state.pending }) : t('sync.connecting')
    }
    case 'saved-local':
      return t('sync.savedLocal', { count: state.pending })
    case 'synced':
      return t('sync.synced')
    case 'refused':
      return t('sync.refused', { reason: t(`sync.refusedReason.${state.reason}`) })
    case 'removed':
      return t('sync.removed')
  }
}

export function SyncIndicator({ conn }: { readonly conn: PartnershipConnection }) {
  const { t } = useTranslation()
  const state = useSyncExternalStore(conn.subscribe, conn.getState)
  const health = useSyncExternalStore(storageHealth.subscribe, storageHealth.getState)
  const text = syncStateText(state, t, health)
  return (
    <div className="sync">
      <div role="status" aria-label={t('sync.label')} className="sync-status" data-state={state.kind} data-storage={health.kind} title={text}>
        <span className="sync-dot" aria-hidden="true" />
        <span>{text}</span>
      </div>
      {state.kind === 'refused' ? (
        <button type="button" className="button-small" onClick={() => conn.retry()}>
          {t('sync.retry')}
        </button>
      ) : null}
    </div>
  )
}
