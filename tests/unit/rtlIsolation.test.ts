/**
 * Right to left (issue 13 §3): `directionOf` gives Arabic 'rtl' (set as `dir` on <html>, by the app
 * and by the build's locale script), and in a right-to-left language every value put into a
 * sentence is isolated the way <bdi> isolates it — a French name by its first strong letter, a
 * number, a year range or a phrase made of isolated values right to left — while a left-to-right
 * language isolates only a value holding right-to-left text (an Arabic name in a Dutch sentence,
 * so the date after it stays after it) and gets every other value exactly as it is.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { i18next, isolateValue } from '../../src/i18n'
import { directionOf } from '../../src/i18n/pick'

const FSI = '\u2068'
const RLI = '\u2067'
const PDI = '\u2069'

describe('direction of a language', () => {
  it('is right to left for Arabic (with or without a region), left to right for the others', () => {
    expect(['ar', 'ar-MA', 'AR'].map(directionOf)).toEqual(['rtl', 'rtl', 'rtl'])
    expect(['en', 'nl', 'fr', 'es', 'fr-BE', ''].map(directionOf)).toEqual(['ltr', 'ltr', 'ltr', 'ltr', 'ltr', 'ltr'])
  })
})

describe('values put into a sentence', () => {
  const t = (key: string, values: Record<string, unknown>): string => i18next.t(key, values) as string
  beforeAll(async () => {
    await i18next.init({
      lng: 'ar',
      fallbackLng: false,
      resources: {
        ar: { translation: { from: 'رسالة من {{who}}.', year: 'ملاحظة لسنة {{year}}', person: '{{person}}، {{school}}' } },
        fr: { translation: { from: 'Lettre de {{who}}.' } },
      },
      interpolation: { escapeValue: true, escape: isolateValue },
    })
  })

  it('in Arabic: a name is isolated by its first strong letter, a year range and a built phrase right to left', async () => {
    await i18next.changeLanguage('ar')
    expect(t('from', { who: 'Classe 5B' })).toBe(`رسالة من ${FSI}Classe 5B${PDI}.`)
    expect(t('year', { year: '2026–2027' })).toBe(`ملاحظة لسنة ${RLI}2026–2027${PDI}`)
    const person = t('person', { person: 'Classe 5B', school: 'Sint-Jan Gent' })
    expect(person).toBe(`${FSI}Classe 5B${PDI}، ${FSI}Sint-Jan Gent${PDI}`)
    expect(t('from', { who: person })).toBe(`رسالة من ${RLI}${person}${PDI}.`)
  })

  it('in a left-to-right language: a value in Arabic script isolated by its first strong letter, any other exactly as it is', async () => {
    await i18next.changeLanguage('fr')
    expect(t('from', { who: 'محمد' })).toBe(`Lettre de ${FSI}محمد${PDI}.`)
    expect(t('from', { who: 'فاطمة الزهراء, 2 déc. 2026' })).toBe(`Lettre de ${FSI}فاطمة الزهراء, 2 déc. 2026${PDI}.`)
    expect(t('from', { who: 'Classe 5B, 2026–2027' })).toBe('Lettre de Classe 5B, 2026–2027.')
    // a phrase whose Arabic is already isolated is not isolated again
    expect(t('from', { who: `${FSI}محمد${PDI}, Classe 5B` })).toBe(`Lettre de ${FSI}محمد${PDI}, Classe 5B.`)
  })
})
