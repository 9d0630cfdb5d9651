import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addPeriod,
  addPeriods,
  dateInZone,
  deletePeriod,
  easterSunday,
  findConflicts,
  flemishSchoolYear,
  initPartnership,
  PARTNER_TEMPLATE,
  listPeriods,
  restorePeriod,
  updatePeriod,
  type CalendarPeriod,
} from '../../src/domain'

function period(schoolId: string, from: string, to: string, label = 'Holiday'): CalendarPeriod {
  return { id: label, schoolId, kind: 'holiday', label, from, to, createdBy: '', createdAt: '', updatedBy: '', updatedAt: '', deletedAt: null }
}

describe('calendar conflicts', () => {
  const exams = period('south', '2026-11-16', '2026-11-27', 'Exams, term 1')

  it('warns when an activity overlaps a period, naming the school and the period', () => {
    const [c] = findConflicts({ startDate: '2026-11-20', endDate: '2026-12-04' }, [exams])
    expect(c).toMatchObject({ schoolId: 'south', period: { label: 'Exams, term 1' } })
  })

  it('counts ranges that touch: ending on the first day, or starting on the last day', () => {
    expect(findConflicts({ startDate: '2026-11-10', endDate: '2026-11-16' }, [exams])).toHaveLength(1)
    expect(findConflicts({ startDate: '2026-11-27', endDate: '2026-12-01' }, [exams])).toHaveLength(1)
    expect(findConflicts({ startDate: '2026-11-10', endDate: '2026-11-15' }, [exams])).toHaveLength(0)
    expect(findConflicts({ startDate: '2026-11-28', endDate: '2026-12-01' }, [exams])).toHaveLength(0)
  })

  it('handles one-day activities and one-day periods', () => {
    const armistice = period('north', '2026-11-11', '2026-11-11', 'Armistice Day')
    expect(findConflicts({ startDate: '2026-11-11', endDate: '' }, [armistice])).toHaveLength(1)
    expect(findConflicts({ startDate: '', endDate: '2026-11-11' }, [armistice])).toHaveLength(1)
    expect(findConflicts({ startDate: '2026-11-12', endDate: '2026-11-12' }, [armistice])).toHaveLength(0)
    expect(findConflicts({ startDate: '', endDate: '' }, [armistice])).toHaveLength(0)
  })

  it('handles periods that cross New Year', () => {
    const christmas = period('north', '2026-12-21', '2027-01-03', 'Christmas break')
    expect(findConflicts({ startDate: '2027-01-02', endDate: '' }, [christmas])).toHaveLength(1)
    expect(findConflicts({ startDate: '2026-12-31', endDate: '2027-01-01' }, [christmas])).toHaveLength(1)
    expect(findConflicts({ startDate: '2027-01-04', endDate: '' }, [christmas])).toHaveLength(0)
  })

  it('moves a call with a time of day into each school time zone first', () => {
    const newYear = period('quito', '2027-01-01', '2027-01-01', 'New Year')
    const kigali = period('kigali', '2026-12-02', '2026-12-02', 'Closing day')
    const zones = { quito: 'America/Guayaquil', kigali: 'Africa/Kigali', gent: 'Europe/Brussels' }
    // 03:00 on 2 January in Brussels is still 1 January in Quito (UTC−5)
    expect(findConflicts({ startDate: '2027-01-02', endDate: '2027-01-02', time: '03:00', timeZone: 'Europe/Brussels' }, [newYear], zones)).toHaveLength(1)
    expect(findConflicts({ startDate: '2027-01-02', endDate: '2027-01-02', time: '09:00', timeZone: 'Europe/Brussels' }, [newYear], zones)).toHaveLength(0)
    // 23:30 on 1 December in Brussels is 00:30 on 2 December in Kigali (UTC+2)
    expect(findConflicts({ startDate: '2026-12-01', endDate: '', time: '23:30', timeZone: 'Europe/Brussels' }, [kigali], zones)).toHaveLength(1)
    // without a time, dates are the same calendar days everywhere
    expect(findConflicts({ startDate: '2026-12-01', endDate: '' }, [kigali], zones)).toHaveLength(0)
  })

  it('converts dates across zones, summer time included', () => {
    expect(dateInZone('2026-07-01', '23:30', 'Europe/Brussels', 'America/Lima')).toBe('2026-07-01')
    expect(dateInZone('2026-07-01', '23:30', 'Europe/Brussels', 'Asia/Phnom_Penh')).toBe('2026-07-02')
    expect(dateInZone('2026-07-01', '23:30', 'Europe/Brussels', 'Not/AZone')).toBe('2026-07-01')
  })
})

describe('calendar starting points', () => {
  it('computes Easter', () => {
    expect(['2025', '2026', '2027', '2028'].map((y) => easterSunday(Number(y)))).toEqual(['2025-04-20', '2026-04-05', '2027-03-28', '2028-04-16'])
  })

  it('computes the Flemish school year 2025–2026 from the rules', () => {
    const byLabel = Object.fromEntries(flemishSchoolYear(2025, 'north').map((p) => [p.label, [p.from, p.to]]))
    expect(byLabel['Autumn break']).toEqual(['2025-10-27', '2025-11-09'])
    expect(byLabel['Christmas break']).toEqual(['2025-12-22', '2026-01-04'])
    expect(byLabel['Spring break']).toEqual(['2026-02-16', '2026-03-01'])
    expect(byLabel['Easter break']).toEqual(['2026-04-06', '2026-04-19'])
    expect(byLabel['Ascension Day']).toEqual(['2026-05-14', '2026-05-14'])
    expect(byLabel['Summer holidays']![0]).toBe('2026-07-04')
  })

  it('names every starting-point period with a distinct key for its translation', () => {
    const keys = [...flemishSchoolYear(2026, 'north').map((p) => p.key), ...PARTNER_TEMPLATE.map((p) => p.key)]
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('starts the Christmas break a week later when Christmas falls on a weekend', () => {
    const byLabel = Object.fromEntries(flemishSchoolYear(2027, 'north').map((p) => [p.label, [p.from, p.to]]))
    expect(byLabel['Christmas break']).toEqual(['2027-12-27', '2028-01-09'])
  })
})

describe('calendar records', () => {
  it('keeps a starting point’s label key so each device shows it in its own language, until someone renames it', () => {
    const doc = new Y.Doc()
    initPartnership(doc, { name: 'P', ourSchoolName: 'Gent', partnerSchoolName: 'Huye' }, { schoolAId: 'north', schoolBId: 'south' }, 'An')
    const [christmas] = flemishSchoolYear(2026, 'north').filter((p) => p.key === 'christmasBreak')
    const id = addPeriod(doc, { ...christmas!, label: 'Kerstvakantie', labelKey: christmas!.key }, 'An')
    expect(listPeriods(doc)[0]).toMatchObject({ label: 'Kerstvakantie', labelKey: 'christmasBreak' })
    updatePeriod(doc, id, { to: '2027-01-04' }, 'An')
    expect(listPeriods(doc)[0]!.labelKey).toBe('christmasBreak')
    updatePeriod(doc, id, { label: 'Christmas and New Year' }, 'Jean')
    expect(listPeriods(doc)[0]).toMatchObject({ label: 'Christmas and New Year', labelKey: '' })
  })

  it('stores both schools’ periods, lists them by date and hides deleted ones', () => {
    const doc = new Y.Doc()
    initPartnership(doc, { name: 'P', ourSchoolName: 'Gent', partnerSchoolName: 'Huye' }, { schoolAId: 'north', schoolBId: 'south' }, 'An')
    const ids = addPeriods(doc, flemishSchoolYear(2026, 'north'), 'An')
    const exams = addPeriod(doc, { schoolId: 'south', kind: 'exam-period', label: 'Exams, term 1', from: '2026-11-16', to: '2026-11-27' }, 'Jean')
    expect(listPeriods(doc, { schoolId: 'south' }).map((p) => p.id)).toEqual([exams])
    expect(listPeriods(doc)).toHaveLength(ids.length + 1)
    deletePeriod(doc, ids[0]!, 'An')
    expect(listPeriods(doc)).toHaveLength(ids.length)
    restorePeriod(doc, ids[0]!, 'An')
    expect(listPeriods(doc)).toHaveLength(ids.length + 1)
    deletePeriod(doc, ids[0]!, 'An')
    // a starting point's translation key is not stored with the period
    expect(doc.getMap<Y.Map<unknown>>('calendar').get(ids[1]!)?.has('key')).toBe(false)
    expect(() => addPeriod(doc, { schoolId: 'south', kind: 'holiday', label: '', from: '2026-12-01', to: '2026-11-01' }, 'Jean')).toThrow(/nameRequired|endBeforeStart/)
  })
})
