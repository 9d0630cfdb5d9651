// The changes file's name: the partnership's name in any script, nothing unsafe, a bounded length.
import { describe, expect, it } from 'vitest'
import { changesFileName } from '../../src/ui/syncfile/changesFileName'

const NOW = new Date('2026-12-02T00:57:00Z')

describe('the name of a changes file', () => {
  it('keeps an Arabic partnership name', () => {
    expect(changesFileName('الدار البيضاء – Gent', NOW)).toBe('scholenband-الدار-البيضاء-gent-20261202-0057.json')
  })

  it('keeps accented letters and lower-cases Latin', () => {
    expect(changesFileName('École Sint-Jan & Huye', NOW)).toBe('scholenband-école-sint-jan-huye-20261202-0057.json')
  })

  it('turns path separators, control and reserved characters into hyphens', () => {
    const name = changesFileName('../a\\b:c*d?"e<f>g|h\u0000i\n/j', NOW)
    expect(name).toBe('scholenband-a-b-c-d-e-f-g-h-i-j-20261202-0057.json')
    expect(name).not.toMatch(/[/\\:*?"<>|\p{Cc}]/u)
  })

  it('caps a long name and falls back when nothing is left', () => {
    const name = changesFileName('ب'.repeat(300), NOW)
    expect([...name].length).toBeLessThanOrEqual('scholenband--20261202-0057.json'.length + 40)
    expect(changesFileName('!!! ///', NOW)).toBe('scholenband-partnership-20261202-0057.json')
  })
})
