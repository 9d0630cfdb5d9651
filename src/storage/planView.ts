/**
 * The action plan as it was last shown on this device ("saved view"): the first page of cards in
 * the plan's order and what the header needs, kept beside the partnership's document (its database
 * `sb-doc-<roomId>`, store `custom`, key PLAN_VIEW_KEY, a JSON string) so a cold start can show the
 * plan at once, marked as old and read-only, while the document itself is still being loaded
 * (seconds on a cheap phone for a partnership of several years). Removing the document removes it.
 *
 * It is a picture, never a source: nothing is written to the document from it, and the live plan
 * replaces it as soon as the document is loaded. Its values came from the document (untrusted: a
 * hostile member writes titles too) and from storage another version may have written, so reading
 * checks everything: a string of at most PLAN_VIEW_MAX_CHARS, this version, the shape, every
 * string's length, the counts, enum values and dates. Anything else reads as "no saved view".
 */
import { isActivityKind, isActivityStatus, isIsoDate, type ActivityKind, type ActivityStatus } from '../domain'
import { openDatabase } from './docRows'
import { docName } from './docStore'

/** Raised whenever the stored shape changes: an older or newer saved view is ignored. */
export const PLAN_VIEW_VERSION = 1
export const PLAN_VIEW_KEY = 'scholenband:planView'
/** The stored JSON's length at most (a page of cards is a few KB). */
export const PLAN_VIEW_MAX_CHARS = 64 * 1024
/** Cards kept at most (the plan's first page is PLAN_PAGE whole months, a little more than 40). */
export const PLAN_VIEW_MAX_CARDS = 60
const MAX_MONTHS = 60
const MAX_TEXT = 300
const MAX_PER_SCHOOL = 2
const MAX_COUNT = 1_000_000

export interface SavedPlanMoney {
  readonly amount: number
  /** ISO 4217 code. */
  readonly currency: string
}

export interface SavedPlanSchoolPart {
  readonly school: string
  /** Who is responsible at that school ('' when nobody is named). */
  readonly who: string
  readonly cost: SavedPlanMoney | null
}

export interface SavedPlanCard {
  readonly id: string
  readonly title: string
  readonly status: ActivityStatus
  readonly kind: ActivityKind
  /** YYYY-MM-DD or ''. */
  readonly startDate: string
  readonly endDate: string
  /** The lead school's name, '' when none. */
  readonly lead: string
  readonly perSchool: readonly SavedPlanSchoolPart[]
}

export interface SavedPlanMonth {
  /** YYYY-MM; '' for the undated activities. */
  readonly month: string
  readonly cards: readonly SavedPlanCard[]
}

export interface SavedPlanView {
  readonly version: typeof PLAN_VIEW_VERSION
  /** When the plan showed this (ms since 1970). */
  readonly savedAt: number
  /** The partnership's name (the header). */
  readonly name: string
  /** The school year filter's label as it was shown ('' for every school year, said in the language shown). */
  readonly yearLabel: string
  /** Cards of the plan before and after the months kept ("Show earlier/more activities"). */
  readonly earlier: number
  readonly later: number
  readonly months: readonly SavedPlanMonth[]
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT
const isDateOrEmpty = (v: unknown): v is string => v === '' || (typeof v === 'string' && isIsoDate(v))
const isMonthOrEmpty = (v: unknown): v is string => v === '' || (typeof v === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(v))

function moneyOf(v: unknown): SavedPlanMoney | null | undefined {
  if (v === null) return null
  if (!isObject(v)) return undefined
  const { amount, currency } = v
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > 1e12) return undefined
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return undefined
  return { amount, currency }
}

function schoolPartOf(v: unknown): SavedPlanSchoolPart | undefined {
  if (!isObject(v) || !isText(v.school) || !isText(v.who)) return undefined
  const cost = moneyOf(v.cost)
  return cost === undefined ? undefined : { school: v.school, who: v.who, cost }
}

function cardOf(v: unknown): SavedPlanCard | undefined {
  if (!isObject(v)) return undefined
  const { id, title, status, kind, startDate, endDate, lead, perSchool } = v
  if (!isText(id, 64) || !isText(title) || !isActivityStatus(status) || !isActivityKind(kind)) return undefined
  if (!isDateOrEmpty(startDate) || !isDateOrEmpty(endDate) || !isText(lead)) return undefined
  if (!Array.isArray(perSchool) || perSchool.length > MAX_PER_SCHOOL) return undefined
  const parts = perSchool.map(schoolPartOf)
  if (parts.some((p) => p === undefined)) return undefined
  return { id, title, status, kind, startDate, endDate, lead, perSchool: parts as SavedPlanSchoolPart[] }
}

/**
 * The saved view in `stored` (what IndexedDB returned), or undefined when it is not one this
 * version wrote: not a string, too long, not JSON, another version, or any value out of shape.
 */
export function parsePlanView(stored: unknown): SavedPlanView | undefined {
  if (typeof stored !== 'string' || stored.length > PLAN_VIEW_MAX_CHARS) return undefined
  let v: unknown
  try {
    v = JSON.parse(stored)
  } catch {
    return undefined
  }
  if (!isObject(v) || v.version !== PLAN_VIEW_VERSION) return undefined
  const { savedAt, name, yearLabel, earlier, later, months } = v
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt) || savedAt < 0) return undefined
  if (!isText(name) || !isText(yearLabel, 100) || !isCount(earlier) || !isCount(later)) return undefined
  if (!Array.isArray(months) || months.length > MAX_MONTHS) return undefined
  const out: SavedPlanMonth[] = []
  let cardCount = 0
  for (const m of months) {
    if (!isObject(m) || !isMonthOrEmpty(m.month) || !Array.isArray(m.cards)) return undefined
    cardCount += m.cards.length
    if (cardCount > PLAN_VIEW_MAX_CARDS) return undefined
    const cards = m.cards.map(cardOf)
    if (cards.some((c) => c === undefined)) return undefined
    out.push({ month: m.month, cards: cards as SavedPlanCard[] })
  }
  return { version: PLAN_VIEW_VERSION, savedAt, name, yearLabel, earlier, later, months: out }
}

/** The stored form of `view`, or undefined when it would not be read back (too big, out of shape). */
export function serializePlanView(view: SavedPlanView): string | undefined {
  const text = JSON.stringify(view)
  return parsePlanView(text) ? text : undefined
}

/**
 * Opens the document's database only if it exists: reading a saved view must not create an empty
 * database (in the wrong layout) for a partnership that is not on this device.
 */
function openIfExists(name: string): Promise<IDBDatabase | undefined> {
  return new Promise((resolve) => {
    let req: IDBOpenDBRequest
    try {
      req = indexedDB.open(name)
    } catch {
      resolve(undefined)
      return
    }
    req.onupgradeneeded = () => req.transaction?.abort()
    req.onsuccess = () => {
      const db = req.result
      db.onversionchange = () => db.close()
      resolve(db)
    }
    req.onerror = () => resolve(undefined)
    req.onblocked = () => resolve(undefined)
  })
}

/** The saved view of a partnership's plan on this device, if there is a readable one. Never throws. */
export async function readPlanView(roomId: string): Promise<SavedPlanView | undefined> {
  const db = await openIfExists(docName(roomId))
  if (!db) return undefined
  try {
    if (!db.objectStoreNames.contains('custom')) return undefined
    const stored = await new Promise<unknown>((resolve) => {
      const req = db.transaction(['custom'], 'readonly').objectStore('custom').get(PLAN_VIEW_KEY)
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(undefined)
    })
    return parsePlanView(stored)
  } catch {
    return undefined
  } finally {
    db.close()
  }
}

/** Keeps `view` as the plan's saved view; false when it is out of shape or IndexedDB refused it (nothing else changes). */
export async function savePlanView(roomId: string, view: SavedPlanView): Promise<boolean> {
  const text = serializePlanView(view)
  if (text === undefined) return false
  let db: IDBDatabase | undefined
  try {
    db = await openDatabase(docName(roomId))
    const database = db
    return await new Promise<boolean>((resolve) => {
      const tx = database.transaction(['custom'], 'readwrite')
      tx.objectStore('custom').put(text, PLAN_VIEW_KEY)
      tx.oncomplete = () => resolve(true)
      tx.onabort = () => resolve(false)
      tx.onerror = () => undefined
    })
  } catch {
    return false
  } finally {
    db?.close()
  }
}
