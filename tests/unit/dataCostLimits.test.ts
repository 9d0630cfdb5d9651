/**
 * The app's side of the relay's data-cost limits (issue 10 §3): a room at its size limit (close
 * code 4413) and a room whose photo quota is full (507) are explained in plain words, in every
 * language, saying that the change or the photo stays on this device.
 */
import { describe, expect, it } from 'vitest'
import i18next from 'i18next'
import en from '../../src/i18n/locales/en.json'
import nl from '../../src/i18n/locales/nl.json'
import fr from '../../src/i18n/locales/fr.json'
import es from '../../src/i18n/locales/es.json'
import { reasonOfCode } from '../../src/sync/connection'
import { CLOSE } from '../../src/sync/wire'
import { syncStateText } from '../../src/ui/components/SyncIndicator'

const LOCALES = { en, nl, fr, es } as const

async function translator(lng: keyof typeof LOCALES) {
  const i18n = i18next.createInstance()
  await i18n.init({
    lng,
    resources: Object.fromEntries(Object.entries(LOCALES).map(([l, translation]) => [l, { translation }])),
    interpolation: { escapeValue: false },
  })
  return i18n.t
}

describe('a partnership at the relay’s size limit', () => {
  it('reads close code 4413 as "roomFull", a final refusal', () => {
    expect(CLOSE.roomFull).toBe(4413)
    expect(reasonOfCode(4413)).toBe('roomFull')
  })

  it('says so in every language, and that the changes stay on this device', async () => {
    const state = { kind: 'refused', pending: 2, reason: 'roomFull' } as const
    expect(syncStateText(state, await translator('en'))).toBe(
      'Refused · This partnership has reached the relay’s size limit. Your changes stay on this device; ask whoever runs the relay to raise the limit.',
    )
    const kept = { nl: 'blijven op dit toestel', fr: 'restent sur cet appareil', es: 'se quedan en este dispositivo' } as const
    for (const lng of ['nl', 'fr', 'es'] as const) {
      const text = syncStateText(state, await translator(lng))
      expect(text).toContain(kept[lng])
      expect(text).not.toContain('refusedReason')
    }
  })
})

describe('a partnership whose photo quota is full', () => {
  it('explains it in every language, keeping the photo on this device', async () => {
    const kept = {
      en: 'The photo stays on this device',
      nl: 'De foto blijft op dit toestel',
      fr: 'La photo reste sur cet appareil',
      es: 'La foto se queda en este dispositivo',
    } as const
    for (const lng of ['en', 'nl', 'fr', 'es'] as const) {
      const t = await translator(lng)
      expect(t('photos.errors.quotaFull')).toContain(kept[lng])
      expect(t('settings.data.lastError', { reason: t('photos.errors.quotaFull') })).toContain(kept[lng])
    }
  })
})
