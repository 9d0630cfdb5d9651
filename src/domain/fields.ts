/**
 * Record field tables: each record type declares its fields once, and the reader, the writer
 * that writes only what changed, the empty value and the kind checks are derived from that one
 * table (as tldraw's `TLPage.ts` declares a record's validator once). History and double edits
 * (history.ts, doubleEdits.ts) use the same tables to know which fields are short values (last
 * writer wins: a double edit is possible) and which are long texts (`Y.Text`: merged by
 * character), and to check a value before they write it back.
 *
 * Traps:
 * - Every value read from a record was written by another device, maybe an older or newer app,
 *   maybe a hostile program: a value of the wrong kind reads as the field's fallback, never as
 *   itself; a nested map entry of the wrong kind is skipped.
 * - The writer writes only fields whose value differs from what the caller read (`prev`), so a
 *   concurrent edit of another field, or of the same nested map's other entries, survives.
 */
import * as Y from 'yjs'
import { isIsoDate } from './dates'
import { writeText } from './text'

/** A field's kind. `text` is long (a `Y.Text`); every other kind is a short value. */
export type FieldSpec =
  /** A string; with `nullable`, null too (not set yet: a time something was ticked off), and null is its fallback. */
  | { readonly kind: 'string'; readonly max?: number; readonly nullable?: boolean }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly fallback: string }
  /** ISO calendar date `YYYY-MM-DD`, or '' when not known. */
  | { readonly kind: 'date' }
  /** A finite number, or null when absent. */
  | { readonly kind: 'number'; readonly min?: number; readonly integer?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'strings' }
  /** `{ amount ≥ 0, currency: ISO 4217 }` as a plain object. */
  | { readonly kind: 'money' }
  | { readonly kind: 'text' }
  /**
   * A plain JSON object checked as a whole by `is` (a photo reference, a contact rhythm), replaced
   * as a whole; null when absent or not one. `is` should be a type guard: the value's type is taken
   * from it.
   */
  | { readonly kind: 'object'; readonly is: (value: unknown) => boolean }
  /** A nested `Y.Map` keyed by an id (a school id, …) whose entries are short values of `of`. */
  | { readonly kind: 'map'; readonly of: ShortSpec }
  /**
   * A nested `Y.Map` keyed by an id whose entries are `Y.Map`s with fields of their own (an
   * organisation's six steps, a letter's translations, a reflection's answers per school). Each
   * entry is read with `fields`; entries are never removed by the writer.
   */
  | { readonly kind: 'records'; readonly fields: { readonly [name: string]: FieldSpec } }

export type ShortSpec = Exclude<FieldSpec, { kind: 'text' } | { kind: 'map' } | { kind: 'records' }>

export type FieldTable = Readonly<Record<string, FieldSpec>>

export interface Money {
  /** A non-negative amount in the currency's main unit (e.g. 12.5 EUR). */
  readonly amount: number
  /** ISO 4217 code, e.g. EUR, CDF, RWF, XOF, USD, MAD. */
  readonly currency: string
}

type ShortValue<S> = S extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : S extends { kind: 'number' }
    ? number | null
    : S extends { kind: 'boolean' }
      ? boolean
      : S extends { kind: 'strings' }
        ? readonly string[]
        : S extends { kind: 'money' }
          ? Money
          : S extends { kind: 'object'; is: (value: unknown) => value is infer V }
            ? V | null
            : S extends { kind: 'string'; nullable: true }
              ? string | null
              : string

/** The typed value of a field of kind S. */
export type FieldValue<S> = S extends { kind: 'map'; of: infer O }
  ? Readonly<Record<string, ShortValue<O>>>
  : S extends { kind: 'records'; fields: infer F extends FieldTable }
    ? Readonly<Record<string, FieldValues<F>>>
    : ShortValue<S>

/** The typed values of a whole table. */
export type FieldValues<T extends FieldTable> = { -readonly [K in keyof T]: FieldValue<T[K]> }

export function isLongField(spec: FieldSpec): boolean {
  return spec.kind === 'text'
}

const CURRENCY = /^[A-Z]{3}$/

/**
 * True when `value` is a valid stored value of a short field of kind `spec` (what a reader
 * accepts as it is). Used before a value from history or a snapshot is written back. Never for
 * a long text or a nested map: those are not one value.
 */
export function isShortValue(spec: FieldSpec, value: unknown): boolean {
  switch (spec.kind) {
    case 'text':
    case 'map':
    case 'records':
      return false
    case 'string':
      return (value === null && spec.nullable === true) || (typeof value === 'string' && value.length <= (spec.max ?? 100_000))
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
    case 'date':
      return value === '' || (typeof value === 'string' && isIsoDate(value))
    case 'number':
      return (
        value === null ||
        (typeof value === 'number' &&
          Number.isFinite(value) &&
          (spec.min === undefined || value >= spec.min) &&
          (!spec.integer || Number.isInteger(value)))
      )
    case 'boolean':
      return typeof value === 'boolean'
    case 'strings':
      return Array.isArray(value) && value.length <= 1000 && value.every((v) => typeof v === 'string')
    case 'money':
      return readMoney(value) !== undefined
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) && spec.is(value)
  }
}

export function readMoney(value: unknown): Money | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.amount !== 'number' || !Number.isFinite(v.amount) || v.amount < 0) return undefined
  if (typeof v.currency !== 'string' || !CURRENCY.test(v.currency)) return undefined
  return { amount: v.amount, currency: v.currency }
}

function fallbackOf(spec: ShortSpec): unknown {
  switch (spec.kind) {
    case 'string':
      return spec.nullable ? null : ''
    case 'object':
      return null
    case 'enum':
      return spec.fallback
    case 'number':
      return null
    case 'boolean':
      return false
    case 'strings':
      return []
    case 'money':
      return undefined
    default:
      return ''
  }
}

/** Reads a short value as its kind, or the kind's fallback. */
function readShort(spec: ShortSpec, value: unknown): unknown {
  if (spec.kind === 'money') return readMoney(value)
  if (spec.kind === 'strings') return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  // a date that is not one reads as "not known"; a string that is too long still reads (it was
  // written; validation on save tells the person)
  if (spec.kind === 'string') return typeof value === 'string' ? value : fallbackOf(spec)
  return isShortValue(spec, value) ? value : fallbackOf(spec)
}

function readField(spec: FieldSpec, value: unknown): unknown {
  if (spec.kind === 'text') return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : ''
  if (spec.kind === 'map') {
    const out: Record<string, unknown> = {}
    if (value instanceof Y.Map) {
      for (const [k, v] of value.entries()) {
        const read = readShort(spec.of, v)
        if (isShortValue(spec.of, read)) out[k] = read
      }
    }
    return out
  }
  if (spec.kind === 'records') {
    const out: Record<string, unknown> = {}
    if (value instanceof Y.Map) {
      for (const [k, v] of value.entries()) if (v instanceof Y.Map) out[k] = readFields(spec.fields, v as Y.Map<unknown>)
    }
    return out
  }
  return readShort(spec, value)
}

/** The record's fields as typed values; values of the wrong kind read as the kind's fallback. */
export function readFields<T extends FieldTable>(table: T, record: Y.Map<unknown>): FieldValues<T> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(table)) out[name] = readField(spec, record.get(name))
  return out as FieldValues<T>
}

/** The value of an empty form: '' for strings, texts and dates, the fallback of each enum, … */
export function emptyFields<T extends FieldTable>(table: T): FieldValues<T> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(table)) {
    out[name] = spec.kind === 'text' ? '' : spec.kind === 'map' || spec.kind === 'records' ? {} : fallbackOf(spec)
  }
  return out as FieldValues<T>
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The plain value stored for a short field (arrays and money as fresh plain objects). */
function stored(value: unknown): unknown {
  if (Array.isArray(value)) return [...(value as unknown[])]
  if (value && typeof value === 'object') return { ...(value as object) }
  return value
}

/** The nested Y.Map at `key` of `parent`, made (empty) when it is missing or not a Y.Map. */
export function nestedMap(parent: Y.Map<unknown>, key: string): Y.Map<unknown> {
  const nested = parent.get(key)
  if (nested instanceof Y.Map) return nested as Y.Map<unknown>
  const made = new Y.Map<unknown>()
  parent.set(key, made)
  return made
}

/**
 * Writes the fields of `next` that differ from `prev` (what the caller read before; undefined
 * for a new record: every field is written). Texts are edited minimally; nested maps entry by
 * entry, removing only entries the caller read and the person removed (an entry this app could
 * not read, from a newer app, is kept).
 */
export function writeChangedFields<T extends FieldTable>(
  table: T,
  record: Y.Map<unknown>,
  prev: Partial<FieldValues<T>> | undefined,
  next: Partial<FieldValues<T>>,
): void {
  for (const [name, spec] of Object.entries(table)) {
    if (!(name in next)) continue
    const value = (next as Record<string, unknown>)[name]
    // a patch `{ notes: undefined }` leaves notes alone (it would otherwise empty a text or a
    // nested map); only a cost estimate is removed by undefined
    if (value === undefined && spec.kind !== 'money') continue
    const before = prev ? (prev as Record<string, unknown>)[name] : undefined
    if (spec.kind === 'text') {
      writeText(record, name, typeof value === 'string' ? value : '')
    } else if (spec.kind === 'map') {
      const m = nestedMap(record, name)
      const entries = (value ?? {}) as Record<string, unknown>
      for (const [k, v] of Object.entries(entries)) if (!sameValue(readShort(spec.of, m.get(k)), v)) m.set(k, stored(v))
      for (const k of Object.keys((before ?? {}) as object)) if (!(k in entries)) m.delete(k)
    } else if (spec.kind === 'records') {
      // entries are only added or edited here: an entry left out of `next` keeps what it holds
      // (removing it would lose what another device wrote into it meanwhile)
      const m = nestedMap(record, name)
      const befores = (before ?? {}) as Record<string, Partial<FieldValues<FieldTable>> | undefined>
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, Partial<FieldValues<FieldTable>>>)) {
        writeChangedFields(spec.fields, nestedMap(m, k), prev ? befores[k] : undefined, v)
      }
    } else if (!prev || !sameValue(before, value)) {
      if (spec.kind === 'money' && value === undefined) record.delete(name)
      else record.set(name, stored(value))
    }
  }
}

/** The who and when every record carries (record.ts writes them). */
export interface Stamps {
  readonly createdBy: string
  readonly createdAt: string
  readonly updatedBy: string
  readonly updatedAt: string
  readonly deletedAt: string | null
  readonly deletedBy: string | null
}

/** Field names of the stamps, with the person and device ids record.ts writes beside them. */
export const STAMP_FIELDS = [
  'createdBy',
  'createdById',
  'createdOn',
  'createdAt',
  'updatedBy',
  'updatedById',
  'updatedOn',
  'updatedAt',
  'deletedBy',
  'deletedById',
  'deletedOn',
] as const

export function readStamps(record: Y.Map<unknown>): Stamps {
  const str = (k: string): string => {
    const v = record.get(k)
    return typeof v === 'string' ? v : ''
  }
  const nullable = (k: string): string | null => {
    const v = record.get(k)
    return typeof v === 'string' ? v : null
  }
  return {
    createdBy: str('createdBy'),
    createdAt: str('createdAt'),
    updatedBy: str('updatedBy'),
    updatedAt: str('updatedAt'),
    deletedAt: nullable('deletedAt'),
    deletedBy: nullable('deletedBy'),
  }
}

/**
 * Every record type of the document: its collection, its field table, and the field that names
 * a record in a list ("Recently deleted", history). Declared in its own file
 * (`defineRecordType`) and listed in recordTypes.ts.
 */
export interface RecordType {
  readonly collection: string
  readonly fields: FieldTable
  /** The field shown as the record's name (title, name, subject, …). */
  readonly nameField?: string
}

/**
 * Declares a record type: returns it as given, typed. Pure (no registry filled as a side effect),
 * so a screen that needs one record type does not load all of them; the list of every record
 * type is `RECORD_TYPES` in recordTypes.ts.
 */
export function defineRecordType<const T extends FieldTable, const C extends string>(type: { collection: C; fields: T; nameField?: keyof T & string }): { collection: C; fields: T; nameField?: string } {
  return type
}
