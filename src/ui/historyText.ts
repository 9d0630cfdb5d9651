/**
 * A record's fields and values in words, for its History and for "Changed on two devices":
 * field labels (one translation per field name, shared by every record where it means the same),
 * enum values with the labels the screens use, dates, money, yes/no, school and activity names
 * instead of ids, and a record's name for lists ("Sports day", "Meeting of 3 Mar 2026").
 *
 * Traps:
 * - Every path and value comes from the document: another device, another app version, maybe a
 *   hostile program. Nothing here is ever HTML; values are turned into plain strings, and a value
 *   of a shape we do not know reads as "changed", never as its raw JSON.
 * - Keys passed to t() must be visible to tests/unit/i18nKeys.test.ts: literal, or a template over
 *   a union of literals (the domain's const arrays), or a value of FIELD_LABELS below.
 */
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  ACTIVITY_KINDS,
  ACTIVITY_STATUSES,
  CHANNELS,
  COMMUNICATION_MEANS,
  INPUT_KINDS,
  LETTER_KINDS,
  ORGANISATION_DECISIONS,
  ORGANISATION_STEPS,
  PERIOD_KINDS,
  PROMPTS,
  STARTING_POINT_KEYS,
  fieldSpec,
  isRhythm,
  readActivity,
  readMeta,
  readMoney,
  recordMap,
  recordType,
  valueAt,
  type Rhythm,
} from '../domain'
import type { TranslationKey } from '../i18n/keys'
import { formatDate, formatMoment, formatMoney, formatMonth, weekdayNames } from './format'
import { languageLabel } from './exchange/letters'

/** Field name → its label. A field missing here shows its own name. */
export const FIELD_LABELS = {
  title: 'history.field.title',
  description: 'history.field.description',
  expectedResults: 'history.field.expectedResults',
  targetGroup: 'history.field.targetGroup',
  kind: 'history.field.kind',
  leadSchoolId: 'history.field.leadSchool',
  startDate: 'history.field.startDate',
  endDate: 'history.field.endDate',
  status: 'history.field.status',
  schoolType: 'history.field.schoolType',
  educationOffered: 'history.field.educationOffered',
  pupils: 'history.field.pupils',
  teachers: 'history.field.teachers',
  town: 'history.field.town',
  country: 'history.field.country',
  timeZone: 'history.field.timeZone',
  languages: 'history.field.languages',
  currency: 'history.field.currency',
  vision: 'history.field.vision',
  motivation: 'history.field.motivation',
  infrastructure: 'history.field.infrastructure',
  communicationMeans: 'history.field.communicationMeans',
  internationalExperience: 'history.field.internationalExperience',
  schoolId: 'history.field.school',
  label: 'history.field.label',
  from: 'history.field.from',
  to: 'history.field.to',
  activityId: 'history.field.activity',
  momentId: 'history.field.moment',
  fromSchoolId: 'history.field.fromSchool',
  toSchoolId: 'history.field.toSchool',
  dueDate: 'history.field.dueDate',
  isReceived: 'history.field.received',
  name: 'history.field.name',
  role: 'history.field.role',
  phone: 'history.field.phone',
  email: 'history.field.email',
  isContactPerson: 'history.field.isContactPerson',
  isFollowing: 'history.field.isFollowing',
  isWorkingGroupMember: 'history.field.isWorkingGroupMember',
  rhythm: 'history.field.rhythm',
  whoWithWhom: 'history.field.whoWithWhom',
  workingGroupRhythm: 'history.field.workingGroupRhythm',
  who: 'history.field.who',
  what: 'history.field.what',
  toWhom: 'history.field.toWhom',
  isDone: 'history.field.done',
  date: 'history.field.date',
  notes: 'history.field.notes',
  decisions: 'history.field.decisions',
  fromWho: 'history.field.fromWho',
  toWho: 'history.field.toWho',
  language: 'history.field.language',
  subject: 'history.field.subject',
  body: 'history.field.body',
  translator: 'history.field.translator',
  sentAt: 'history.field.sentAt',
  goals: 'history.field.goals',
  principles: 'history.field.principles',
  expectations: 'history.field.expectations',
  priorities: 'history.field.priorities',
  communication: 'history.field.communication',
  partnershipName: 'history.field.partnershipName',
  reviewEveryMonths: 'history.field.reviewEveryMonths',
  website: 'history.field.website',
  contact: 'history.field.contact',
  themes: 'history.field.themes',
  ageGroups: 'history.field.ageGroups',
  decision: 'history.field.decision',
  decidedBy: 'history.field.decidedBy',
  decidedOn: 'history.field.decidedOn',
  smooth: 'history.field.smooth',
  difficult: 'history.field.difficult',
  schoolA: 'history.field.schoolName',
  schoolB: 'history.field.schoolName',
  schoolYearStartMonth: 'history.field.schoolYearStartMonth',
} as const satisfies Record<string, TranslationKey>

type LabelledField = keyof typeof FIELD_LABELS

function isLabelled(field: string): field is LabelledField {
  return Object.hasOwn(FIELD_LABELS, field)
}

/**
 * Fields kept beside another one and shown through it (when a step was ticked, the fingerprint a
 * translation was based on, the starting point of a calendar label), or shown as the entry's
 * sentence (deleted). An entry that changed only these shows nothing of them.
 */
const QUIET_FIELDS: ReadonlySet<string> = new Set(['deletedAt', 'receivedAt', 'doneAt', 'doneBy', 'basedOn', 'labelKey', 'schemaVersion', 'createdAt', 'createdBy', 'replyTo', 'sourceId', 'nextStepId'])

/** True when a change of `path` is worth a line in the history. */
export function isShownField(path: string): boolean {
  if (path.startsWith('version:')) return false
  const last = path.slice(path.lastIndexOf('.') + 1)
  return !QUIET_FIELDS.has(last)
}

/** Values longer than this are cut, with "Show all". */
export const SHORT_VALUE_CHARS = 120

function includes<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v)
}

const MONEY_LIKE = (v: unknown): boolean => readMoney(v) !== undefined

/** Fields holding a moment (ISO timestamp), shown with date and time. */
const TIMESTAMP_FIELDS: ReadonlySet<string> = new Set(['sentAt', 'receivedAt', 'doneAt', 'signedAt'])

export interface HistoryText {
  /** The field's label: "Title", "Responsible (GS Huye)", or the path itself when unknown. */
  readonly fieldLabel: (collection: string, path: string) => string
  /** The value in words, or undefined when its shape is unknown ("changed"). */
  readonly valueText: (collection: string, path: string, value: unknown) => string | undefined
  /** The record's name for a list: its title, subject, name, … or what it is. */
  readonly recordName: (collection: string, record: string) => string
  /** What kind of record it is: "Activity", "Letter", … */
  readonly recordKind: (collection: string) => string
}

export function useHistoryText(doc: Y.Doc): HistoryText {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const meta = readMeta(doc)

  const schoolOf = (id: unknown): string | undefined => {
    if (typeof id !== 'string' || !meta) return undefined
    if (id === meta.schoolA.id) return meta.schoolA.name
    if (id === meta.schoolB.id) return meta.schoolB.name
    return undefined
  }

  const fieldLabel = (collection: string, path: string): string => {
    if (path.startsWith('channel:')) {
      const channel = path.slice('channel:'.length)
      return includes(CHANNELS, channel) ? t('history.field.channel', { channel: t(`contacts.channelNames.${channel}`) }) : path
    }
    const [base = '', second = '', third = ''] = path.split('.')
    if (base === 'responsible' && second) return t('history.field.responsibleAt', { school: schoolOf(second) ?? t('calendar.otherSchool') })
    if (base === 'cost' && second) return t('history.field.costAt', { school: schoolOf(second) ?? t('calendar.otherSchool') })
    if (base === 'answers' && includes(PROMPTS, third)) return t('history.field.answer', { prompt: t(`feedback.prompts.${third}`), school: schoolOf(second) ?? t('calendar.otherSchool') })
    if (base === 'steps' && includes(ORGANISATION_STEPS, second)) {
      const step = t(`organisations.steps.${second}.title`)
      return third === 'notes' ? t('history.field.stepNotes', { step }) : t('history.field.stepDone', { step })
    }
    if (base === 'leaders' && second) return t('history.field.leader')
    if (base === 'photos' && second) return t('history.field.photo')
    if (base === 'translations' && third) return t('history.field.translation', { field: isLabelled(third) ? t(FIELD_LABELS[third]) : third })
    if (collection === 'partnerInput' && path === 'description') return t('history.field.details')
    if (collection === 'meta' && path === 'name') return t('history.field.partnershipName')
    return isLabelled(path) ? t(FIELD_LABELS[path]) : path
  }

  const rhythmText = (rhythm: Rhythm): string => {
    const days = weekdayNames(language)
    if (rhythm.kind === 'monthly') {
      const nth = rhythm.nth === -1 ? t('contacts.nth.last') : rhythm.nth === 1 ? t('contacts.nth.1') : rhythm.nth === 2 ? t('contacts.nth.2') : rhythm.nth === 3 ? t('contacts.nth.3') : t('contacts.nth.4')
      return t('contacts.monthlyText', { nth, weekday: days[rhythm.weekday] ?? '' })
    }
    const weekdayOfAnchor = (new Date(`${rhythm.anchor}T00:00:00Z`).getUTCDay() + 6) % 7
    return t('contacts.weeklyText', { count: rhythm.everyWeeks, weekday: days[weekdayOfAnchor] ?? '', date: formatDate(rhythm.anchor, language) })
  }

  const enumText = (collection: string, field: string, v: unknown): string | undefined => {
    if (collection === 'activities' && field === 'status' && includes(ACTIVITY_STATUSES, v)) return t(`activity.statuses.${v}`)
    if (collection === 'activities' && field === 'kind' && includes(ACTIVITY_KINDS, v)) return t(`activity.kinds.${v}`)
    if (collection === 'calendar' && field === 'kind' && includes(PERIOD_KINDS, v)) return t(`calendar.kinds.${v}`)
    if (collection === 'calendar' && field === 'labelKey' && includes(STARTING_POINT_KEYS, v)) return t(`calendar.labels.${v}`)
    if (collection === 'partnerInput' && field === 'kind' && includes(INPUT_KINDS, v)) return t(`activity.input.kinds.${v}`)
    if (collection === 'letters' && field === 'kind' && includes(LETTER_KINDS, v)) return t(`letters.kinds.${v}`)
    if (collection === 'organisations' && field === 'decision' && includes(ORGANISATION_DECISIONS, v)) return t(`organisations.decisions.${v}`)
    return undefined
  }

  const valueText = (collection: string, path: string, value: unknown): string | undefined => {
    const spec = fieldSpec(collection, path)
    // a yes/no field not set yet reads as its fallback, no (a channel nobody ticked)
    if ((value === null || value === undefined) && spec?.kind === 'boolean') return t('history.no')
    if (value === null || value === undefined || value === '') return t('history.emptyValue')
    const field = path.slice(path.lastIndexOf('.') + 1)
    const base = path.split('.')[0] ?? path
    const named = enumText(collection, field, value)
    if (named !== undefined) return named
    if (typeof value === 'boolean') return value ? t('history.yes') : t('history.no')
    if (field === 'leadSchoolId' || field === 'schoolId' || field === 'fromSchoolId' || field === 'toSchoolId') {
      return schoolOf(value) ?? t('calendar.otherSchool')
    }
    if (field === 'activityId' && typeof value === 'string') return readActivity(doc, value)?.title ?? t('history.unknownActivity')
    if (field === 'language' && typeof value === 'string') return languageLabel(value, language)
    if (base === 'communicationMeans' && Array.isArray(value)) {
      return value.map((m) => (includes(COMMUNICATION_MEANS, m) ? t(`schools.means.${m}`) : typeof m === 'string' ? m : '')).filter(Boolean).join(', ')
    }
    if (base === 'rhythm') return isRhythm(value) ? rhythmText(value) : undefined
    if (base === 'leaders' && typeof value === 'object' && !Array.isArray(value)) {
      const name = (value as Record<string, unknown>).name
      return typeof name === 'string' ? name : undefined
    }
    if (base === 'photos') return t('history.aPhoto')
    if (collection === 'meta' && (path === 'schoolA' || path === 'schoolB') && typeof value === 'object' && !Array.isArray(value)) {
      const name = (value as Record<string, unknown>).name
      return typeof name === 'string' ? name : undefined
    }
    if (field === 'schoolYearStartMonth' && typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 12) {
      return formatMonth(`2000-${String(value).padStart(2, '0')}`, language)?.replace(/\s*2000\s*/, '') ?? String(value)
    }
    if (spec?.kind === 'money' || MONEY_LIKE(value)) {
      const money = readMoney(value)
      return money ? formatMoney(money, language) : undefined
    }
    if (typeof value === 'number') return Number.isFinite(value) ? new Intl.NumberFormat(language).format(value) : undefined
    if (typeof value === 'string') {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, language)
      if (TIMESTAMP_FIELDS.has(field)) return formatMoment(value, language)
      return value
    }
    if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? value.join(', ') : undefined
    return undefined
  }

  const recordKind = (collection: string): string => {
    switch (collection) {
      case 'activities':
        return t('history.record.activity')
      case 'schools':
        return t('history.record.school')
      case 'calendar':
        return t('history.record.period')
      case 'letters':
        return t('history.record.letter')
      case 'feedback':
        return t('history.record.feedback')
      case 'agreement':
        return t('history.record.agreement')
      case 'contacts':
        return t('history.record.person')
      case 'meetings':
        return t('history.record.meeting')
      case 'organisations':
        return t('history.record.organisation')
      case 'partnerInput':
        return t('history.record.partnerInput')
      case 'nextSteps':
        return t('history.record.nextStep')
      case 'communication':
        return t('history.record.communication')
      case 'meta':
        return t('history.record.partnership')
      default:
        return collection
    }
  }

  const recordName = (collection: string, record: string): string => {
    const map = recordMap(doc, collection, record)
    const str = (path: string): string => {
      const v = map ? valueAt(map, path) : undefined
      return typeof v === 'string' ? v.trim() : ''
    }
    switch (collection) {
      case 'schools':
        return schoolOf(record) ?? recordKind(collection)
      case 'agreement':
        return t('agreement.title')
      case 'communication':
        return t('history.record.communication')
      case 'meta':
        return meta?.name || recordKind(collection)
      case 'meetings': {
        const date = str('date')
        return date ? t('group.meetingOf', { date: formatDate(date, language) }) : recordKind(collection)
      }
      case 'calendar': {
        const key = str('labelKey')
        return includes(STARTING_POINT_KEYS, key) ? t(`calendar.labels.${key}`) : str('label') || recordKind(collection)
      }
      case 'feedback': {
        if (str('kind') === 'moment') return str('title') || recordKind(collection)
        const activity = str('activityId') ? readActivity(doc, str('activityId')) : undefined
        return activity ? t('feedback.reflectionOn', { title: activity.title }) : t('feedback.reflectionUntitled')
      }
      case 'partnerInput': {
        const kind = str('kind')
        return str('description') || (includes(INPUT_KINDS, kind) ? t(`activity.input.kinds.${kind}`) : recordKind(collection))
      }
      case 'letters':
        return str('subject') || recordKind(collection)
      case 'organisations':
        return str('name') || recordKind(collection)
      default: {
        const nameField = recordType(collection)?.nameField
        return (nameField ? str(nameField) : '') || recordKind(collection)
      }
    }
  }

  return { fieldLabel, valueText, recordName, recordKind }
}

/** Cut a value for a button's name or a list: at most `max` characters, with "…". */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat
}
