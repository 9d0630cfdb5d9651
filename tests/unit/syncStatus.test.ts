/**
 * What the sync indicator says, in words a teacher reads: while the relay is away (restarting,
 * busy) it says why and that the changes are safe on the device, in every language.
 */
import { describe, expect, it } from 'vitest'
import i18next from 'i18next'
import en from '../../src/i18n/locales/en.json'
import fr from '../../src/i18n/locales/fr.json'
import { syncStateText } from '../../src/ui/components/SyncIndicator'

async function translator(lng: 'en' | 'fr') {
  const i18n = i18next.createInstance()
  await i18n.init({ lng, resources: { en: { translation: en }, fr: { translation: fr } }, interpolation: { escapeValue: false } })
  return i18n.t
}

describe('sync status text', () => {
  it('counts the changes kept on the device while it connects', async () => {
    const t = await translator('en')
    expect(syncStateText({ kind: 'connecting', pending: 0 }, t)).toBe('Connecting…')
    expect(syncStateText({ kind: 'connecting', pending: 2 }, t)).toBe('Connecting… · 2 changes saved on this device')
  })

  it('says why the relay is away and that nothing is lost', async () => {
    const t = await translator('en')
    expect(syncStateText({ kind: 'connecting', pending: 0, lastError: 'restarting' }, t)).toBe('The relay is restarting')
    expect(syncStateText({ kind: 'connecting', pending: 1, lastError: 'restarting' }, t)).toBe('The relay is restarting · 1 change saved on this device')
    const fr_ = await translator('fr')
    expect(syncStateText({ kind: 'connecting', pending: 2, lastError: 'restarting' }, fr_)).toBe(
      'Le serveur redémarre · 2 modifications enregistrées sur cet appareil',
    )
    expect(syncStateText({ kind: 'connecting', pending: 3 }, fr_)).toBe('Connexion… · 3 modifications enregistrées sur cet appareil')
  })
})
