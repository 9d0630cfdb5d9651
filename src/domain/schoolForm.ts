/**
 * A school profile as its form holds it, and back: pure mapping between the form's values (every
 * field as typed; counts and languages as text) and `SchoolProfileInput`, plus the patch a save
 * writes. No React, no document: SchoolsScreen (src/ui/planning) is its user, and
 * tests/unit/schoolForm.test.ts checks it.
 *
 * Saving writes only the fields changed in the form since it was filled (`schoolChangesSince`),
 * so what the partner school changed meanwhile in other fields stays.
 */
import { COMMUNICATION_MEANS, type SchoolProfileInput } from './schools'

export interface SchoolFormValues {
  readonly name: string
  readonly schoolType: string
  readonly educationOffered: string
  readonly pupils: string
  readonly teachers: string
  readonly town: string
  readonly country: string
  readonly timeZone: string
  readonly languages: string
  readonly currency: string
  readonly vision: string
  readonly motivation: string
  readonly infrastructure: string
  readonly communicationMeans: readonly string[]
  readonly internationalExperience: string
}

/** The fields one text control sets (every field but the means of communication). */
export type SchoolTextKey = Exclude<keyof SchoolFormValues, 'communicationMeans'>

export function schoolToValues(p: SchoolProfileInput): SchoolFormValues {
  return {
    name: p.name,
    schoolType: p.schoolType,
    educationOffered: p.educationOffered,
    pupils: p.pupils === null ? '' : String(p.pupils),
    teachers: p.teachers === null ? '' : String(p.teachers),
    town: p.town,
    country: p.country,
    timeZone: p.timeZone,
    languages: p.languages.join(', '),
    currency: p.currency,
    vision: p.vision,
    motivation: p.motivation,
    infrastructure: p.infrastructure,
    communicationMeans: [...p.communicationMeans],
    internationalExperience: p.internationalExperience,
  }
}

/** A count as typed: '' is "not known"; anything else that is not a whole number reaches the domain as NaN. */
function parseCount(text: string): number | null {
  const t = text.trim()
  if (!t) return null
  return /^\d+$/.test(t) ? Number(t) : Number.NaN
}

export function valuesToSchoolInput(v: SchoolFormValues): SchoolProfileInput {
  return {
    name: v.name,
    schoolType: v.schoolType.trim(),
    educationOffered: v.educationOffered.trim(),
    pupils: parseCount(v.pupils),
    teachers: parseCount(v.teachers),
    town: v.town.trim(),
    country: v.country.trim(),
    timeZone: v.timeZone,
    languages: v.languages
      .split(/[,;\n]/)
      .map((l) => l.trim())
      .filter(Boolean),
    currency: v.currency,
    vision: v.vision,
    motivation: v.motivation,
    infrastructure: v.infrastructure.trim(),
    communicationMeans: COMMUNICATION_MEANS.filter((m) => v.communicationMeans.includes(m)),
    internationalExperience: v.internationalExperience.trim(),
  }
}

/**
 * Only the fields changed in the form since it was filled. Compared as typed (not as parsed: a
 * count typed wrongly parses to NaN, which must reach the domain and be reported, not vanish).
 */
export function schoolChangesSince(initial: SchoolFormValues, next: SchoolFormValues): Partial<SchoolProfileInput> {
  const b = valuesToSchoolInput(next)
  const patch: Record<string, unknown> = {}
  for (const key of Object.keys(b) as (keyof SchoolProfileInput & keyof SchoolFormValues)[]) {
    if (JSON.stringify(initial[key]) !== JSON.stringify(next[key])) patch[key] = b[key]
  }
  return patch as Partial<SchoolProfileInput>
}

/** Whether two fillings of the form hold the same values (an untouched form, a profile unchanged). */
export function sameSchoolValues(a: SchoolFormValues, b: SchoolFormValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
