/**
 * What the people dialog shows, and the idle lock, shared by the header buttons, the dialog and
 * the partnership's first step (a tiny store read with useSyncExternalStore).
 *
 * The lock: a person with a PIN who has not used the app for IDLE_LOCK_MS is locked; the app then
 * asks for the PIN (or another person) before anything else. Only taps and keys while the page is
 * visible count as use, so time with the screen off or another app in front counts as no use.
 * The moment of last use is kept in localStorage, so reopening the app later still asks.
 */

/** How long without use before a person with a PIN is asked for it again. */
export const IDLE_LOCK_MS = 10 * 60_000

const LAST_USE_KEY = 'sb-people-last-use'
/** Writes of the last use at most this often (a tap per write would be wasteful). */
const NOTE_EVERY_MS = 5_000

export interface PeopleUiState {
  /** The "Switch person" dialog was opened from a header. */
  readonly isSwitcherOpen: boolean
  /** The person locked for lack of use, if any. */
  readonly lockedPersonId: string | undefined
}

let state: PeopleUiState = { isSwitcherOpen: false, lockedPersonId: undefined }
const listeners = new Set<() => void>()
let lastUse: number | undefined
let lastWrite = 0

function set(next: Partial<PeopleUiState>): void {
  state = { ...state, ...next }
  for (const l of listeners) l()
}

export function subscribePeopleUi(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function getPeopleUi(): PeopleUiState {
  return state
}

export function openSwitcher(): void {
  set({ isSwitcherOpen: true })
}

export function closeSwitcher(): void {
  set({ isSwitcherOpen: false })
}

export function lockPerson(personId: string): void {
  if (state.lockedPersonId !== personId) set({ lockedPersonId: personId })
}

/** The person proved who they are (PIN) or another one took over: no lock, and now counts as use. */
export function unlock(): void {
  noteUse(true)
  if (state.lockedPersonId !== undefined) set({ lockedPersonId: undefined })
}

function readLastUse(): number | undefined {
  try {
    const v = Number(localStorage.getItem(LAST_USE_KEY))
    return Number.isFinite(v) && v > 0 ? v : undefined
  } catch {
    return undefined
  }
}

/** A tap or a key: the person is using the app. */
export function noteUse(force = false): void {
  const now = Date.now()
  lastUse = now
  if (!force && now - lastWrite < NOTE_EVERY_MS) return
  lastWrite = now
  try {
    localStorage.setItem(LAST_USE_KEY, String(now))
  } catch {
    /* storage full or refused: the lock then counts from this page's load */
  }
}

/** Milliseconds since the app was last used (on this device, in any tab); Infinity if never. */
export function idleFor(now = Date.now()): number {
  const stored = readLastUse()
  const last = Math.max(lastUse ?? 0, stored ?? 0)
  return last > 0 ? now - last : Number.POSITIVE_INFINITY
}
