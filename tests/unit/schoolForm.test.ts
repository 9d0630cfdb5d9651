/**
 * The school profile form's mapping (src/domain/schoolForm.ts), through the domain as the form
 * uses it: what was typed comes back as typed, a save writes only the fields changed, a count typed
 * wrongly is reported rather than dropped, and the partner's change to another field stays.
 */
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import {
  ValidationError,
  readSchoolProfile,
  schoolChangesSince,
  schoolToValues,
  updateSchoolProfile,
  valuesToSchoolInput,
  type SchoolFormValues,
} from '../../src/domain'
import { amani, an, fork, newPartnership, sync } from '../helpers/devices'

/** Opens the profile in the form, changes it with `edit`, and saves as the form does. */
function saveEdit(doc: Y.Doc, edit: (v: SchoolFormValues) => SchoolFormValues): SchoolFormValues {
  const opened = schoolToValues(readSchoolProfile(doc, 'sb')!)
  const next = edit(opened)
  const patch = schoolChangesSince(opened, next)
  if (Object.keys(patch).length > 0) updateSchoolProfile(doc, 'sb', patch, amani)
  return next
}

describe('school profile form mapping', () => {
  it('gives back what was typed after saving and reading the profile', () => {
    const doc = newPartnership()
    const typed = saveEdit(doc, (v) => ({
      ...v,
      schoolType: 'primary school',
      pupils: '640',
      teachers: '',
      town: 'Huye',
      country: 'Rwanda',
      timeZone: 'Africa/Kigali',
      languages: 'Kinyarwanda, French, English',
      currency: 'RWF',
      vision: 'Every child reads.',
      communicationMeans: ['whatsapp', 'phone'],
    }))
    const stored = readSchoolProfile(doc, 'sb')!
    expect(stored).toMatchObject({ pupils: 640, teachers: null, languages: ['Kinyarwanda', 'French', 'English'], communicationMeans: ['phone', 'whatsapp'] })
    // the means in their fixed order; everything else as typed
    expect(schoolToValues(stored)).toEqual({ ...typed, communicationMeans: ['phone', 'whatsapp'] })
  })

  it('reads languages separated by commas, semicolons or lines', () => {
    const values = schoolToValues(readSchoolProfile(newPartnership(), 'sb')!)
    expect(valuesToSchoolInput({ ...values, languages: 'Kinyarwanda; French\n English,,' }).languages).toEqual(['Kinyarwanda', 'French', 'English'])
  })

  it('a save lists only the fields changed: nothing when nothing changed', () => {
    const values = schoolToValues(readSchoolProfile(newPartnership(), 'sb')!)
    expect(schoolChangesSince(values, values)).toEqual({})
    expect(schoolChangesSince(values, { ...values, town: ' Huye ', pupils: '12' })).toEqual({ town: 'Huye', pupils: 12 })
  })

  it('lets a count typed wrongly reach the domain, which reports it at that field', () => {
    const doc = newPartnership()
    const values = schoolToValues(readSchoolProfile(doc, 'sb')!)
    const patch = schoolChangesSince(values, { ...values, pupils: '12a' })
    expect(() => updateSchoolProfile(doc, 'sb', patch, amani)).toThrow(ValidationError)
    try {
      updateSchoolProfile(doc, 'sb', patch, amani)
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => [i.field, i.code])).toEqual([['pupils', 'invalidNumber']])
    }
  })

  it('keeps a field the partner changed meanwhile on another device', () => {
    const huye = newPartnership()
    const gent = fork(huye)
    const opened = schoolToValues(readSchoolProfile(huye, 'sb')!)
    updateSchoolProfile(gent, 'sb', { vision: 'Learning together.' }, an)
    sync(huye, gent)
    const patch = schoolChangesSince(opened, { ...opened, town: 'Huye' })
    updateSchoolProfile(huye, 'sb', patch, amani)
    sync(huye, gent)
    for (const doc of [huye, gent]) expect(readSchoolProfile(doc, 'sb')).toMatchObject({ town: 'Huye', vision: 'Learning together.' })
  })
})
