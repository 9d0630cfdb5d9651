import { describe, expect, it } from 'vitest'
import { dateFormat, formatDate, formatDateRange, formatMoney, numberFormat, parseAmount } from '../../src/ui/format'

describe('dates and amounts as a teacher reads them', () => {
  it('formats dates, ranges and money in the chosen language', () => {
    expect(formatDate('2025-10-03', 'en')).toBe('Oct 3, 2025')
    expect(formatDateRange('2025-10-03', '2025-10-05', 'en')).toMatch(/^Oct 3\s–\s5, 2025$/)
    expect(formatDateRange('2025-10-03', '2025-10-05', 'fr')).toMatch(/^3.5 oct\. 2025$/)
    expect(formatDateRange('', '2025-10-05', 'nl')).toBe('5 okt 2025')
    expect(formatMoney({ amount: 1234.5, currency: 'EUR' }, 'nl')).toMatch(/^€\s1\.234,50$/)
    expect(formatMoney({ amount: 12, currency: 'ZZZZ' }, 'en')).toBe('12 ZZZZ')
    expect(parseAmount('1.234,5', 'nl')).toBe(1234.5)
  })

  it('makes each Intl formatter once per language and options, not once per card', () => {
    const a = dateFormat('fr', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
    expect(dateFormat('fr', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })).toBe(a)
    expect(dateFormat('nl', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })).not.toBe(a)
    expect(numberFormat('en')).toBe(numberFormat('en'))
    expect(() => numberFormat('en', { style: 'currency', currency: 'ZZZZ' })).toThrow(RangeError)
  })
})
