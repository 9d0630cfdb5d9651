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
import { PageIcon } from '../pages'
import '../syncfile/syncFileLink.css'

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

/**
 * The indicator's words in short, for the narrow header: the state and the number of changes
 * waiting ("Offline · 5 changes"), which fit on two lines at 320 px in every language. The full
 * sentence (syncStateText) stays in the title and is what a screen reader reads.
 */
export function syncStateShortText(state: SyncState, t: TFunction, health: StorageHealthState = { kind: 'ok' }): string {
  const full = syncStateText(state, t, health)
  if (state.kind !== 'refused' && health.kind !== 'ok') return full
  const waiting = (head: string, pending: number): string => (pending > 0 ? `${head} · ${t('sync.changesCount', { count: pending })}` : head)
  switch (state.kind) {
    case 'offline':
      return waiting(t('sync.offline'), state.pending)
    case 'connecting':
      return waiting(state.lastError ? t('sync.waitingShort') : t('sync.connecting'), state.pending)
    case 'saved-local':
      return waiting(t('sync.savedLocalShort'), state.pending)
    default:
      return full
  }
}

/** The relay cannot be reached: the moment to offer changes by file. */
function isUnreachable(state: SyncState): boolean {
  return state.kind === 'offline' || (state.kind === 'connecting' && state.lastError !== undefined)
}

export function SyncIndicator({ conn }: { readonly conn: PartnershipConnection }) {
  const { t } = useTranslation()
  const state = useSyncExternalStore(conn.subscribe, conn.getState)
  const health = useSyncExternalStore(storageHealth.subscribe, storageHealth.getState)
  const text = syncStateText(state, t, health)
  const short = syncStateShortText(state, t, health)
  return (
    <div className="sync">
      <div role="status" aria-label={t('sync.label')} className="sync-status" data-state={state.kind} data-storage={health.kind} title={text}>
        <span className="sync-dot" aria-hidden="true" />
        {short === text ? (
          <span className="sync-text">{text}</span>
        ) : (
          <>
            <span className="visually-hidden">{text}</span>
            <span className="sync-text sync-text-short" aria-hidden="true">{short}</span>
          </>
        )}
      </div>
      {state.kind === 'refused' ? (
        <button type="button" className="button-small" onClick={() => conn.retry()}>
          {t('sync.retry')}
        </button>
      ) : null}
    </div>
  )
}

/**
 * Under the header while the relay cannot be reached: a labelled way to "Changes by file" (`href`),
 * saying why it is offered. Not in the header itself, where at 360 px it took the room the status
 * needs and made the header taller than 64 px.
 */
export function SyncFileStrip({ conn, href }: { readonly conn: PartnershipConnection; readonly href: string }) {
  const { t } = useTranslation()
  const state = useSyncExternalStore(conn.subscribe, conn.getState)
  if (!isUnreachable(state)) return null
  return (
    <p className="sync-file-strip">
      <PageIcon name="changesFile" />
      <span>
        {t('sync.fileStrip')} <a href={href}>{t('nav.changesFile')}</a>
      </span>
    </p>
  )
}
