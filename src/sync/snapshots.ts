/**
 * The relay's snapshots of a partnership (docs/protocol.md, "Snapshots"): moments "Restore the
 * partnership" can go back to, besides those kept on this device. The relay takes one daily and
 * one before each compaction of the room's log, and keeps them for at least 90 days.
 *
 * Both calls send the room proof the way photos do (attachments.ts) and never throw: a failure is
 * `{ ok: false, reason }` — `offline` (no answer, or the relay cannot answer now: try later),
 * `refused` (the relay does not accept this invite), `notFound` (no such partnership or snapshot
 * on the relay), `bad` (an answer or an argument that makes no sense).
 *
 * What the relay sends is untrusted: the list is checked entry by entry and anything malformed is
 * dropped; a snapshot's bytes must decode as a Yjs update.
 */
import * as Y from 'yjs'
import { proofHeaders, relayHttpUrl } from './relayHttp'
import { acceptedDeviceCredential } from './devices'
import { authorizationHeader, type DeviceCredential, type Invite } from './wire'

export type RelaySnapshotReason = 'daily' | 'compaction'

export interface RelaySnapshotInfo {
  /** Opaque; pass it to `fetchRelaySnapshot`. */
  readonly id: string
  /** When it was taken, ISO 8601 (UTC). */
  readonly takenAt: string
  /** `daily`: the state before the room's first change of a UTC day; `compaction`: before the relay merged the room's log. */
  readonly reason: RelaySnapshotReason
  /** Size of the update in bytes. */
  readonly bytes: number
}

export type RelaySnapshotFailure = { readonly ok: false; readonly reason: 'offline' | 'refused' | 'notFound' | 'bad' }

export interface RelaySnapshotOptions {
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch
  /** This device's credential; by default the one the relay accepted in this session (devices.ts), else the invite's proof. */
  readonly device?: DeviceCredential
}

export const MAX_SNAPSHOT_ID_LENGTH = 64
const SNAPSHOT_ID = /^[A-Za-z0-9_-]+$/
const MAX_DATE_LENGTH = 40
/** Entries read from one list; the relay keeps about 200 per room. */
const MAX_LISTED = 2000
/** Characters of list JSON read at most. */
const MAX_LIST_CHARS = 1024 * 1024

const REASONS: readonly string[] = ['daily', 'compaction'] satisfies RelaySnapshotReason[]

function isSnapshotId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SNAPSHOT_ID_LENGTH && SNAPSHOT_ID.test(value)
}

/** One entry of the relay's list, or undefined when any field is missing or malformed. */
function readEntry(value: unknown): RelaySnapshotInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { id, takenAt, reason, bytes } = value as Record<string, unknown>
  if (!isSnapshotId(id)) return undefined
  if (typeof takenAt !== 'string' || takenAt.length > MAX_DATE_LENGTH || !Number.isFinite(Date.parse(takenAt))) return undefined
  if (typeof reason !== 'string' || !REASONS.includes(reason)) return undefined
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) return undefined
  return { id, takenAt, reason: reason as RelaySnapshotReason, bytes }
}

/**
 * The valid entries of a list the relay sent (`{ "snapshots": [...] }`), newest first, each id
 * once; undefined when the answer is not such an object at all.
 */
export function readSnapshotList(body: unknown): RelaySnapshotInfo[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const list = (body as Record<string, unknown>).snapshots
  if (!Array.isArray(list)) return undefined
  const seen = new Set<string>()
  const out: RelaySnapshotInfo[] = []
  for (const value of list.slice(0, MAX_LISTED)) {
    const entry = readEntry(value)
    if (!entry || seen.has(entry.id)) continue
    seen.add(entry.id)
    out.push(entry)
  }
  return out.sort((a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt))
}

function failure(reason: RelaySnapshotFailure['reason']): RelaySnapshotFailure {
  return { ok: false, reason }
}

/** Why a request was not answered with 200. */
function failureOf(status: number): RelaySnapshotFailure {
  if (status === 401 || status === 403) return failure('refused')
  if (status === 404) return failure('notFound')
  if (status === 400) return failure('bad')
  return failure('offline') // 429, 503, a proxy's 502: the relay cannot answer now
}

/** GET `<relay>/snapshots/<room>[/<id>]` with the room proof: a 200 answer, or why not. */
async function get(
  relayHttpBase: string,
  invite: Invite,
  path: string,
  options: RelaySnapshotOptions,
): Promise<{ readonly ok: true; readonly response: Response } | RelaySnapshotFailure> {
  let url: string
  try {
    url = `${relayHttpUrl(relayHttpBase)}/snapshots/${encodeURIComponent(invite.roomId)}${path}`
  } catch {
    return failure('bad')
  }
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  let response: Response
  try {
    const device = options.device ?? acceptedDeviceCredential(invite.roomId)
    response = await doFetch(url, { headers: proofHeaders(authorizationHeader(invite, device)), cache: 'no-store' })
  } catch {
    return failure('offline')
  }
  return response.status === 200 ? { ok: true, response } : failureOf(response.status)
}

/** The relay's snapshots of this partnership, newest first. */
export async function listRelaySnapshots(
  relayHttpBase: string,
  invite: Invite,
  options: RelaySnapshotOptions = {},
): Promise<{ readonly ok: true; readonly snapshots: RelaySnapshotInfo[] } | RelaySnapshotFailure> {
  const got = await get(relayHttpBase, invite, '', options)
  if (!got.ok) return got
  let text: string
  try {
    text = await got.response.text()
  } catch {
    return failure('offline')
  }
  if (text.length > MAX_LIST_CHARS) return failure('bad')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return failure('bad')
  }
  const snapshots = readSnapshotList(body)
  return snapshots ? { ok: true, snapshots } : failure('bad')
}

/**
 * One snapshot's bytes: the partnership's whole document at that moment as one Yjs update
 * (`Y.applyUpdate` it to a fresh `Y.Doc` to compare it with now).
 */
export async function fetchRelaySnapshot(
  relayHttpBase: string,
  invite: Invite,
  id: string,
  options: RelaySnapshotOptions = {},
): Promise<{ readonly ok: true; readonly update: Uint8Array } | RelaySnapshotFailure> {
  if (!isSnapshotId(id)) return failure('bad')
  const got = await get(relayHttpBase, invite, `/${id}`, options)
  if (!got.ok) return got
  let update: Uint8Array
  try {
    update = new Uint8Array(await got.response.arrayBuffer())
  } catch {
    return failure('offline')
  }
  try {
    Y.decodeUpdate(update)
  } catch {
    return failure('bad')
  }
  return { ok: true, update }
}
