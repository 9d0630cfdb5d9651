/**
 * Restore the partnership: go back to a copy of the whole partnership from an earlier moment —
 * one kept on this device (src/storage/snapshots.ts: daily, 30 days) or on the relay
 * (src/sync/snapshots.ts). Picking a moment shows what restoring would do (`planRestore`);
 * "Restore the partnership" then keeps a copy of the partnership as it is now on this device (so
 * the restore can be undone here) and writes the differences forward as new edits by the person
 * restoring (`restorePartnership`), which reach every device like any other edit. It also removes
 * a version mark nobody can explain, which is how a partnership locked by a buggy or hostile
 * program gets free again.
 *
 * The relay may be out of reach (offline most of the time): its list is asked for once, and the
 * page says plainly when it cannot be had; the device's own copies work regardless.
 *
 * Traps:
 * - Without the copy of "now" there is no undo, and a full disk would also fail the restore's own
 *   writes: when the copy cannot be kept, nothing is restored, and the page says why.
 * - The plan is worked out again on every render (the parent renders on every change of the
 *   document), so what it says matches what the button does even while the partner's edits arrive.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { DomainError, isLockedByUnknownVersion, isTooNew, planRestore, restorePartnership, type RestoreSummary } from '../../domain'
import { listDeviceSnapshots, readDeviceSnapshot, snapshotDb, takeDeviceSnapshot, type DeviceSnapshotInfo } from '../../storage/snapshots'
import { defaultRelayUrl, type Invite } from '../../sync'
import { fetchRelaySnapshot, listRelaySnapshots, type RelaySnapshotFailure, type RelaySnapshotInfo } from '../../sync/snapshots'
import { formatMoment } from '../format'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { usePartnership } from '../hooks/usePartnership'
import '../restore.css'


/** Relay copies shown before "Show older copies". */
const RELAY_SHOWN = 10

type RelayList =
  | { readonly kind: 'asking' }
  | { readonly kind: 'ok'; readonly snapshots: readonly RelaySnapshotInfo[] }
  | { readonly kind: 'failed'; readonly reason: RelaySnapshotFailure['reason'] }

interface Moment {
  /** `device:<id>` or `relay:<id>`. */
  readonly key: string
  readonly takenAt: string
  readonly load: () => Promise<{ readonly ok: true; readonly update: Uint8Array } | { readonly ok: false; readonly reason: RelaySnapshotFailure['reason'] }>
}

type Chosen =
  | { readonly kind: 'reading'; readonly moment: Moment }
  | { readonly kind: 'ready'; readonly moment: Moment; readonly update: Uint8Array }
  | { readonly kind: 'failed'; readonly moment: Moment; readonly reason: RelaySnapshotFailure['reason'] }

type Outcome =
  | { readonly kind: 'done'; readonly takenAt: string; readonly summary: RestoreSummary }
  | { readonly kind: 'error'; readonly reason: 'full' | 'copyFailed' | 'readOnly' | 'invalid' }

const ERROR_KEYS = { full: 'restore.full', copyFailed: 'restore.copyFailed', readOnly: 'restore.readOnly', invalid: 'restore.fetchFailed.bad' } as const

function planOf(doc: Y.Doc, update: Uint8Array): RestoreSummary | 'unreadable' {
  try {
    return planRestore(doc, update)
  } catch {
    return 'unreadable'
  }
}

/** Labels for the keys of `meta` a restore sets back (version marks are said apart). */
const META_LABELS = ['name', 'schools', 'created', 'other'] as const
type MetaLabel = (typeof META_LABELS)[number]

function metaLabelOf(key: string): MetaLabel | undefined {
  if (/^version:\d+$/.test(key) || key === 'schemaVersion') return undefined
  if (key === 'name') return 'name'
  if (key === 'schoolA' || key === 'schoolB') return 'schools'
  if (key === 'createdAt' || key === 'createdBy') return 'created'
  return 'other'
}

function formatList(items: readonly string[], language: string): string {
  try {
    return new Intl.ListFormat(language, { type: 'conjunction' }).format(items)
  } catch {
    return items.join(', ')
  }
}

function deviceMoment(s: DeviceSnapshotInfo): Moment {
  return {
    key: `device:${s.id}`,
    takenAt: s.takenAt,
    load: async () => {
      const update = await readDeviceSnapshot(snapshotDb(), s.id).catch(() => undefined)
      return update ? { ok: true, update } : { ok: false, reason: 'bad' }
    },
  }
}

function relayMoment(s: RelaySnapshotInfo, invite: Invite): Moment {
  return { key: `relay:${s.id}`, takenAt: s.takenAt, load: () => fetchRelaySnapshot(defaultRelayUrl(), invite, s.id) }
}

/** The lines saying what a restore does (`plan`) or did (`done`); empty when nothing. */
function useSummaryLines(summary: RestoreSummary, tense: 'plan' | 'done'): string[] {
  const { t, i18n } = useTranslation()
  const lines: string[] = []
  const found = new Set(summary.metaKeys.map(metaLabelOf))
  const labels = META_LABELS.filter((l) => found.has(l))
  const what = formatList(
    labels.map((l) => t(`restore.metaKeys.${l}`)),
    i18n.language,
  )
  const versions = formatList(
    summary.removedMarks.map((v) => String(v)),
    i18n.language,
  )
  if (tense === 'plan') {
    if (summary.broughtBack > 0) lines.push(t('restore.plan.broughtBack', { count: summary.broughtBack }))
    if (summary.changed > 0) lines.push(t('restore.plan.changed', { count: summary.changed }))
    if (summary.deleted > 0) lines.push(t('restore.plan.deleted', { count: summary.deleted }))
    if (summary.changesSince > 0) {
      const who = summary.changedBy.length > 0 ? formatList([...summary.changedBy], i18n.language) : t('actor.someone').toLowerCase()
      lines.push(t('restore.plan.changesSince', { count: summary.changesSince, who }))
    }
    if (labels.length > 0) lines.push(t('restore.plan.meta', { what }))
    if (summary.removedMarks.length > 0) lines.push(t('restore.plan.marks', { count: summary.removedMarks.length, versions }))
  } else {
    if (summary.broughtBack > 0) lines.push(t('restore.done.broughtBack', { count: summary.broughtBack }))
    if (summary.changed > 0) lines.push(t('restore.done.changed', { count: summary.changed }))
    if (summary.deleted > 0) lines.push(t('restore.done.deleted', { count: summary.deleted }))
    if (labels.length > 0) lines.push(t('restore.done.meta', { what }))
    if (summary.removedMarks.length > 0) lines.push(t('restore.done.marks', { count: summary.removedMarks.length, versions }))
  }
  return lines
}

export function RestoreScreen() {
  const { doc, roomId, session, actor } = usePartnership()
  const { invite } = session
  const { t, i18n } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const outcomeRef = useRef<HTMLDivElement>(null)
  const deviceCopies = useLiveQuery(() => listDeviceSnapshots(snapshotDb(), roomId), [roomId])
  const [relay, setRelay] = useState<RelayList>({ kind: 'asking' })
  const [relayAsked, setRelayAsked] = useState(0)
  const [isAllRelayShown, setIsAllRelayShown] = useState(false)
  const [chosen, setChosen] = useState<Chosen | undefined>()
  const [outcome, setOutcome] = useState<Outcome | undefined>()
  const [isWorking, setIsWorking] = useState(false)
  const chosenKey = useRef<string | undefined>(undefined)

  useEffect(() => {
    let isCurrent = true
    setRelay({ kind: 'asking' })
    void listRelaySnapshots(defaultRelayUrl(), invite).then((got) => {
      if (isCurrent) setRelay(got.ok ? { kind: 'ok', snapshots: got.snapshots } : { kind: 'failed', reason: got.reason })
    })
    return () => {
      isCurrent = false
    }
  }, [invite, relayAsked])

  const when = (iso: string): string => formatMoment(iso, i18n.language)

  const choose = (moment: Moment): void => {
    chosenKey.current = moment.key
    setOutcome(undefined)
    setChosen({ kind: 'reading', moment })
    void moment.load().then((got) => {
      if (chosenKey.current !== moment.key) return
      setChosen(got.ok ? { kind: 'ready', moment, update: got.update } : { kind: 'failed', moment, reason: got.reason })
    })
  }

  // what restoring the chosen copy would do, against the document as it is now (see the traps)
  const plan = chosen?.kind === 'ready' ? planOf(doc, chosen.update) : undefined

  const isBlockedByNewerApp = isTooNew(doc) && !isLockedByUnknownVersion(doc)

  const apply = async (): Promise<void> => {
    if (chosen?.kind !== 'ready' || isWorking) return
    setIsWorking(true)
    try {
      const before = await takeDeviceSnapshot(snapshotDb(), roomId, doc, 'beforeRestore')
      if (!before.ok) {
        setOutcome({ kind: 'error', reason: before.reason === 'full' ? 'full' : 'copyFailed' })
        return
      }
      try {
        const summary = restorePartnership(doc, chosen.update, actor, chosen.moment.takenAt)
        setOutcome({ kind: 'done', takenAt: chosen.moment.takenAt, summary })
        chosenKey.current = undefined
        setChosen(undefined)
      } catch (e) {
        setOutcome({ kind: 'error', reason: e instanceof DomainError && e.code === 'readOnly' ? 'readOnly' : 'invalid' })
      }
    } finally {
      setIsWorking(false)
      requestAnimationFrame(() => outcomeRef.current?.focus())
    }
  }

  const relayShown = relay.kind === 'ok' ? (isAllRelayShown ? relay.snapshots : relay.snapshots.slice(0, RELAY_SHOWN)) : []

  return (
    <section aria-labelledby="restore-heading" className="restore">
      <h2 id="restore-heading" ref={headingRef} tabIndex={-1}>
        {t('restore.title')}
      </h2>
      <p>{t('restore.intro')}</p>
      <p className="hint">{t('restore.safety')}</p>

      <div ref={outcomeRef} tabIndex={-1} aria-live="polite" className={outcome ? `restore-status${outcome.kind === 'error' ? ' restore-error' : ''}` : undefined}>
        {outcome?.kind === 'done' ? <Done takenAt={when(outcome.takenAt)} summary={outcome.summary} /> : null}
        {outcome?.kind === 'error' ? <p role="alert">{t(ERROR_KEYS[outcome.reason])}</p> : null}
      </div>

      {isBlockedByNewerApp ? (
        <p className="banner banner-warning">{t('restore.readOnly')}</p>
      ) : null}

      <fieldset className="restore-choice">
        <legend>{t('restore.choose')}</legend>

        <div className="restore-group" role="group" aria-labelledby="restore-device-heading">
          <h3 id="restore-device-heading">{t('restore.onDevice')}</h3>
          <p className="hint">{t('restore.onDeviceHint')}</p>
          {deviceCopies === undefined ? null : deviceCopies.length === 0 ? (
            <p className="muted">{t('restore.noDeviceCopies')}</p>
          ) : (
            <ul className="restore-moments">
              {deviceCopies.map((s) => {
                const moment = deviceMoment(s)
                return (
                  <li key={moment.key}>
                    <MomentChoice
                      label={s.reason === 'beforeRestore' ? t('restore.momentBeforeRestore', { when: when(s.takenAt) }) : t('restore.moment', { when: when(s.takenAt) })}
                      isChecked={chosen?.moment.key === moment.key}
                      onChoose={() => choose(moment)}
                    />
                  </li>
                )
              })}
            </ul>
          )}
        </div>

        <div className="restore-group" role="group" aria-labelledby="restore-relay-heading">
          <h3 id="restore-relay-heading">{t('restore.onRelay')}</h3>
          <p className="hint">{t('restore.onRelayHint')}</p>
          {relay.kind === 'asking' ? <p className="muted">{t('restore.relayAsking')}</p> : null}
          {relay.kind === 'failed' ? <p>{t(`restore.relayFailed.${relay.reason}`)}</p> : null}
          {relay.kind === 'failed' && relay.reason === 'offline' ? (
            <button type="button" className="button-quiet" onClick={() => setRelayAsked((n) => n + 1)}>
              {t('restore.askAgain')}
            </button>
          ) : null}
          {relay.kind === 'ok' && relay.snapshots.length === 0 ? <p className="muted">{t('restore.relayNone')}</p> : null}
          {relayShown.length > 0 ? (
            <ul className="restore-moments">
              {relayShown.map((s) => {
                const moment = relayMoment(s, invite)
                return (
                  <li key={moment.key}>
                    <MomentChoice label={t('restore.moment', { when: when(s.takenAt) })} isChecked={chosen?.moment.key === moment.key} onChoose={() => choose(moment)} />
                  </li>
                )
              })}
            </ul>
          ) : null}
          {relay.kind === 'ok' && !isAllRelayShown && relay.snapshots.length > RELAY_SHOWN ? (
            <button type="button" className="button-quiet" onClick={() => setIsAllRelayShown(true)}>
              {t('restore.showOlder')}
            </button>
          ) : null}
        </div>
      </fieldset>

      {chosen ? (
        <section className="card restore-plan" aria-labelledby="restore-plan-heading" aria-live="polite">
          <h3 id="restore-plan-heading">{t('restore.planTitle')}</h3>
          {chosen.kind === 'reading' ? <p className="muted">{t('restore.reading')}</p> : null}
          {chosen.kind === 'failed' ? <p>{t(`restore.fetchFailed.${chosen.reason}`)}</p> : null}
          {plan === 'unreadable' ? <p>{t('restore.fetchFailed.bad')}</p> : null}
          {plan && plan !== 'unreadable' ? <Plan summary={plan} canApply={!isBlockedByNewerApp} isWorking={isWorking} onApply={() => void apply()} /> : null}
        </section>
      ) : null}
    </section>
  )
}

function MomentChoice({ label, isChecked, onChoose }: { readonly label: string; readonly isChecked: boolean; readonly onChoose: () => void }) {
  return (
    <label>
      <input type="radio" name="restore-moment" checked={isChecked} onChange={onChoose} />
      <span>{label}</span>
    </label>
  )
}

function Plan({ summary, canApply, isWorking, onApply }: { readonly summary: RestoreSummary; readonly canApply: boolean; readonly isWorking: boolean; readonly onApply: () => void }) {
  const { t } = useTranslation()
  const lines = useSummaryLines(summary, 'plan')
  if (lines.length === 0) return <p>{t('restore.plan.nothing')}</p>
  return (
    <>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {canApply ? (
        <div className="actions">
          <button type="button" className="button-primary" disabled={isWorking} onClick={onApply}>
            {isWorking ? t('restore.working') : t('restore.confirm')}
          </button>
        </div>
      ) : null}
    </>
  )
}

function Done({ takenAt, summary }: { readonly takenAt: string; readonly summary: RestoreSummary }) {
  const { t } = useTranslation()
  const lines = useSummaryLines(summary, 'done')
  return (
    <>
      <p>
        <strong>{t('restore.done.title', { when: takenAt })}</strong>
      </p>
      {lines.length > 0 ? (
        <ul>
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      <p>{t('restore.done.undo')}</p>
    </>
  )
}
