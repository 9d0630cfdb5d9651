/**
 * External partner organisations: a register of the organisations a school works with (or thinks
 * of working with), the six-step check before working with one, the decision taken with the head
 * and colleagues, and feedback afterwards — what made the cooperation smooth or difficult.
 * Records in the `organisations` collection (externe-partners seed).
 *
 * The register holds nothing about individual pupils, and the screen says so: no pupil data is
 * ever shared with an external organisation.
 *
 * Traps:
 * - Each step's notes and the two feedback texts are Y.Text, created with the record (in the same
 *   transaction, by the one device that creates it — the id is random, so no other device can
 *   create the same record), so two colleagues writing notes at once both keep theirs.
 * - Each step is a nested Y.Map keyed by step, so ticking step 2 on one device and step 5 on
 *   another, offline, keeps both.
 * - A go or no-go decision ticks step 4 ("decision together") as well; going back to pending
 *   leaves the tick alone (the talk did take place).
 */
import * as Y from 'yjs'
import { DomainError, ValidationError } from './errors'
import { isIsoDate } from './dates'
import { defineRecordType, emptyFields, nestedMap, readFields, readStamps, writeChangedFields, type FieldValues, type Stamps } from './fields'
import { assertWritable, collection } from './schema'
import { addRecord, deleteRecord, findRecord, listRecords, requireRecord, restoreRecord, stampUpdated, updateRecord, actorName, type Actor } from './record'

/** The six steps of the check, in order (externe-partners seed, "Een stappenplan"). */
export const ORGANISATION_STEPS = ['inform', 'experiences', 'expectations', 'decision', 'ownership', 'feedback'] as const
export type OrganisationStep = (typeof ORGANISATION_STEPS)[number]

export const ORGANISATION_DECISIONS = ['pending', 'go', 'no-go'] as const
export type OrganisationDecision = (typeof ORGANISATION_DECISIONS)[number]

export const ORGANISATION_NAME_MAX_LENGTH = 200

/** One step of the check: a nested Y.Map of its own, so two devices ticking two steps keep both. */
const STEP_FIELDS = {
  isDone: { kind: 'boolean' },
  /** When it was ticked (ISO timestamp), null while not done. */
  doneAt: { kind: 'string', nullable: true },
  doneBy: { kind: 'string', nullable: true },
  notes: { kind: 'text' },
} as const

/** An organisation's fields, declared once: reader, writer, empty form and types derive from it. */
export const ORGANISATION = /* @__PURE__ */ defineRecordType({
  collection: 'organisations',
  nameField: 'name',
  fields: {
    name: { kind: 'string', max: ORGANISATION_NAME_MAX_LENGTH },
    /** e.g. "https://example.org" or "example.org"; '' when not known. */
    website: { kind: 'string' },
    /** Who to contact there, with phone or e-mail, free text. */
    contact: { kind: 'string' },
    themes: { kind: 'strings' },
    /** e.g. "10–12", "3rd grade", free text per entry. */
    ageGroups: { kind: 'strings' },
    /** The six steps, keyed by step; created with the record. */
    steps: { kind: 'records', fields: STEP_FIELDS },
    decision: { kind: 'enum', values: ORGANISATION_DECISIONS, fallback: 'pending' },
    /** Who took it, with the head and colleagues (names, free text). Required for go / no-go. */
    decidedBy: { kind: 'string' },
    /** Required for go / no-go. */
    decidedOn: { kind: 'date' },
    /** Feedback afterwards: what made the cooperation smooth. */
    smooth: { kind: 'text' },
    /** What made it difficult. */
    difficult: { kind: 'text' },
  },
})

type OrganisationFields = FieldValues<typeof ORGANISATION.fields>

/** What a person fills in to register an organisation. */
export type OrganisationInput = Pick<OrganisationFields, 'name' | 'website' | 'contact' | 'themes' | 'ageGroups'>

export type OrganisationStepState = FieldValues<typeof STEP_FIELDS>

export type OrganisationDecisionInput = Pick<OrganisationFields, 'decision' | 'decidedBy' | 'decidedOn'>

export type OrganisationFeedback = Pick<OrganisationFields, 'smooth' | 'difficult'>

export interface Organisation extends Omit<OrganisationFields, 'steps'>, Stamps {
  readonly id: string
  /** Every step; one a record lacks reads as not done. */
  readonly steps: Readonly<Record<OrganisationStep, OrganisationStepState>>
}

export const EMPTY_ORGANISATION: OrganisationInput = /* @__PURE__ */ emptyFields(ORGANISATION.fields)

const EMPTY_STEP: OrganisationStepState = /* @__PURE__ */ emptyFields(STEP_FIELDS)

export function isOrganisationStep(v: unknown): v is OrganisationStep {
  return typeof v === 'string' && (ORGANISATION_STEPS as readonly string[]).includes(v)
}

export function isOrganisationDecision(v: unknown): v is OrganisationDecision {
  return typeof v === 'string' && (ORGANISATION_DECISIONS as readonly string[]).includes(v)
}

/**
 * A website as typed, or '' — with or without `http(s)://`, no other scheme (a `javascript:` link
 * from another device must never become clickable), no spaces, at least one dot.
 */
export function isWebsite(value: string): boolean {
  const v = value.trim()
  if (v === '') return true
  if (/\s/.test(v)) return false
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v)
  if (scheme && !/^https?:\/\//i.test(v)) return false
  const host = v.replace(/^https?:\/\//i, '').split(/[/?#]/)[0] ?? ''
  return /^[^.]+\.[^.]/.test(host)
}

/** The address to link to: the website with `https://` in front when it has no scheme; '' if not a website. */
export function websiteHref(value: string): string {
  const v = value.trim()
  if (!v || !isWebsite(v)) return ''
  return /^https?:\/\//i.test(v) ? v : `https://${v}`
}

function cleanList(list: readonly string[]): string[] {
  const out: string[] = []
  for (const item of list) {
    const v = item.trim()
    if (v && !out.includes(v)) out.push(v)
  }
  return out
}

function normalise(input: OrganisationInput): OrganisationInput {
  return {
    name: input.name.trim(),
    website: input.website.trim(),
    contact: input.contact.trim(),
    themes: cleanList(input.themes),
    ageGroups: cleanList(input.ageGroups),
  }
}

/** Every problem with an organisation as entered (empty when fine). */
export function validateOrganisation(input: OrganisationInput): DomainError[] {
  const issues: DomainError[] = []
  const name = input.name.trim()
  if (!name) issues.push(new DomainError('nameRequired', 'name'))
  else if (name.length > ORGANISATION_NAME_MAX_LENGTH) issues.push(new DomainError('invalidChoice', 'name', 'name too long'))
  if (!isWebsite(input.website)) issues.push(new DomainError('invalidChoice', 'website', 'not a website'))
  return issues
}

/** Every problem with a decision (empty when fine). */
export function validateOrganisationDecision(input: OrganisationDecisionInput): DomainError[] {
  const issues: DomainError[] = []
  if (!isOrganisationDecision(input.decision)) issues.push(new DomainError('invalidChoice', 'decision'))
  if (input.decision !== 'pending') {
    if (!input.decidedBy.trim()) issues.push(new DomainError('required', 'decidedBy'))
    if (!isIsoDate(input.decidedOn)) issues.push(new DomainError('invalidDate', 'decidedOn'))
  } else if (input.decidedOn && !isIsoDate(input.decidedOn)) {
    issues.push(new DomainError('invalidDate', 'decidedOn'))
  }
  return issues
}

function organisations(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return collection(doc, 'organisations')
}

function toOrganisation(id: string, m: Y.Map<unknown>): Organisation {
  const { steps, ...fields } = readFields(ORGANISATION.fields, m)
  const allSteps = Object.fromEntries(ORGANISATION_STEPS.map((s) => [s, steps[s] ?? EMPTY_STEP])) as Record<OrganisationStep, OrganisationStepState>
  return { id, ...fields, steps: allSteps, ...readStamps(m) }
}

function checked(doc: Y.Doc, input: OrganisationInput): OrganisationInput {
  assertWritable(doc)
  const n = normalise(input)
  const issues = validateOrganisation(n)
  if (issues.length > 0) throw new ValidationError(issues)
  return n
}

/** The nested map of `step`, made if a record written by another app lacks it. */
function stepMap(m: Y.Map<unknown>, step: OrganisationStep): Y.Map<unknown> {
  const steps = nestedMap(m, 'steps')
  const existing = steps.get(step)
  if (existing instanceof Y.Map) return existing as Y.Map<unknown>
  const s = new Y.Map<unknown>()
  steps.set(step, s)
  writeChangedFields(STEP_FIELDS, s, undefined, { isDone: false, notes: '' })
  return s
}

/**
 * Changes one step of organisation `id` with `write`, and stamps the organisation, in one change;
 * nothing is stamped when `write` returns false (nothing to change).
 */
function changeStep(doc: Y.Doc, id: string, step: OrganisationStep, actor: Actor, now: Date, write: (s: Y.Map<unknown>) => boolean): void {
  assertWritable(doc)
  if (!isOrganisationStep(step)) throw new ValidationError([new DomainError('invalidChoice', 'step')])
  const m = requireRecord(organisations(doc), id)
  doc.transact(() => {
    if (write(stepMap(m, step))) stampUpdated(m, actor, now)
  })
}

/** Registers an organisation with an empty six-step check and a pending decision. */
export function addOrganisation(doc: Y.Doc, input: OrganisationInput, actor: Actor, now: Date = new Date()): string {
  const n = checked(doc, input)
  const steps = Object.fromEntries(ORGANISATION_STEPS.map((s) => [s, EMPTY_STEP]))
  return addRecord(doc, ORGANISATION, { ...emptyFields(ORGANISATION.fields), ...n, steps }, actor, now)
}

/** Changes the register fields; only those that differ are written. */
export function updateOrganisation(doc: Y.Doc, id: string, patch: Partial<OrganisationInput>, actor: Actor, now: Date = new Date()): void {
  updateRecord(doc, ORGANISATION, id, toOrganisation, actor, now, (prev) => checked(doc, { ...prev, ...patch }))
}

/** Ticks a step of the check (or unticks it). */
export function setOrganisationStepDone(doc: Y.Doc, id: string, step: OrganisationStep, isDone: boolean, actor: Actor, now: Date = new Date()): void {
  changeStep(doc, id, step, actor, now, (s) => {
    if (readFields(STEP_FIELDS, s).isDone === isDone) return false
    writeChangedFields(STEP_FIELDS, s, undefined, { isDone, doneAt: isDone ? now.toISOString() : null, doneBy: isDone ? actorName(actor) : null })
    return true
  })
}

/** Writes a step's notes as a small text edit, so a colleague's concurrent edit is kept. */
export function setOrganisationStepNotes(doc: Y.Doc, id: string, step: OrganisationStep, notes: string, actor: Actor, now: Date = new Date()): void {
  changeStep(doc, id, step, actor, now, (s) => {
    writeChangedFields(STEP_FIELDS, s, undefined, { notes })
    return true
  })
}

/** Records the decision taken with the head and colleagues; go or no-go also ticks step 4. */
export function decideOrganisation(doc: Y.Doc, id: string, input: OrganisationDecisionInput, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = requireRecord(organisations(doc), id)
  const n: OrganisationDecisionInput = { decision: input.decision, decidedBy: input.decidedBy.trim(), decidedOn: input.decidedOn.trim() }
  const issues = validateOrganisationDecision(n)
  if (issues.length > 0) throw new ValidationError(issues)
  const prev = toOrganisation(id, m)
  doc.transact(() => {
    writeChangedFields(ORGANISATION.fields, m, prev, n)
    if (n.decision !== 'pending' && !prev.steps.decision.isDone) {
      writeChangedFields(STEP_FIELDS, stepMap(m, 'decision'), undefined, { isDone: true, doneAt: now.toISOString(), doneBy: actorName(actor) })
    }
    stampUpdated(m, actor, now)
  })
}

/** Feedback afterwards: what made the cooperation smooth, what made it difficult. */
export function setOrganisationFeedback(doc: Y.Doc, id: string, patch: Partial<OrganisationFeedback>, actor: Actor, now: Date = new Date()): void {
  assertWritable(doc)
  const m = requireRecord(organisations(doc), id)
  doc.transact(() => {
    writeChangedFields(ORGANISATION.fields, m, undefined, patch)
    stampUpdated(m, actor, now)
  })
}

export function deleteOrganisation(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  deleteRecord(doc, 'organisations', id, actor, now)
}

export function restoreOrganisation(doc: Y.Doc, id: string, actor: Actor, now: Date = new Date()): void {
  restoreRecord(doc, 'organisations', id, actor, now)
}

export function readOrganisation(doc: Y.Doc, id: string): Organisation | undefined {
  return findRecord(doc, 'organisations', id, toOrganisation)
}

/** The register, by name; deleted organisations left out. */
export function listOrganisations(doc: Y.Doc): Organisation[] {
  return listRecords(doc, 'organisations', toOrganisation).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

/** How many of the six steps are ticked. */
export function organisationStepsDone(o: Organisation): number {
  return ORGANISATION_STEPS.filter((s) => o.steps[s].isDone).length
}
