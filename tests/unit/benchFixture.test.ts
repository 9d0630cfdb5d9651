/**
 * The benchmark's five-year partnership (tests/bench/fixture.ts) at 5 % of its size: the counts
 * it promises, read back through the domain's own readers, written over five school years by
 * several devices, and the same bytes for the same seed.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { entriesOf, listActivities, listFeedback, listLetterThreads, listMeetings, readMeta, readReceipts, randomId } from '../../src/domain'
import { buildFiveYearPartnership } from '../bench/fixture'

const SCALE = 0.05

describe('five-year partnership fixture', () => {
  it('has the counts at 5 %, readable through the domain, from several devices over five school years', () => {
    const RealDate = Date
    const { doc, stats } = buildFiveYearPartnership({ seed: 7, scale: SCALE })
    // the seeded clock and ids are put back
    expect(Date).toBe(RealDate)
    expect(randomId()).not.toBe(randomId())

    expect(stats).toMatchObject({ activities: 50, letters: 25, translated: 9, reflections: 15, meetings: 5, devices: 10 })
    const meta = readMeta(doc)!
    expect(meta.schoolA.id).not.toBe(meta.schoolB.id)

    const activities = listActivities(doc)
    expect(activities).toHaveLength(50)
    for (const a of activities) {
      // created, then edited twice: planned with dates, then an outcome
      expect(a.status).not.toBe('idea')
      expect(a.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(entriesOf(doc, 'activities', a.id).filter((e) => e.action === 'create' || e.action === 'edit').length).toBeGreaterThanOrEqual(3)
    }
    const years = new Set(activities.map((a) => a.startDate.slice(0, 4)))
    expect(years.size).toBeGreaterThanOrEqual(5)

    const letters = listLetterThreads(doc).flatMap((t) => [t.letter, ...t.replies])
    expect(letters).toHaveLength(25)
    for (const l of letters) {
      expect(l.body.length).toBeGreaterThanOrEqual(300)
      expect(l.body.length).toBeLessThanOrEqual(700)
    }
    const translated = letters.filter((l) => l.translations.length > 0)
    expect(translated).toHaveLength(9)
    for (const l of translated) expect(l.translations[0]!.language).not.toBe(l.language)

    const { reflections } = listFeedback(doc)
    expect(reflections).toHaveLength(15)
    const ids = new Set(activities.map((a) => a.id))
    for (const r of reflections) {
      expect(ids.has(r.activityId)).toBe(true)
      expect(Object.values(r.answers).some((a) => a.wentWell.length > 0)).toBe(true)
    }
    expect(listMeetings(doc)).toHaveLength(5)

    // written by devices of both schools, each session a client id of its own
    const schools = new Set(readReceipts(doc).held.keys())
    expect(schools).toEqual(new Set([meta.schoolA.id, meta.schoolB.id]))
    expect(new Set(activities.map((a) => a.updatedBy)).size).toBeGreaterThan(2)
    expect(Y.decodeStateVector(Y.encodeStateVector(doc)).size).toBeGreaterThanOrEqual(10)
    expect(stats.encodedBytes).toBe(Y.encodeStateAsUpdate(doc).length)
    expect(stats.gzipBytes).toBeGreaterThan(0)
    expect(stats.gzipBytes).toBeLessThan(stats.encodedBytes)
  }, 120_000)

  it('gives the same bytes for the same seed, other bytes for another', () => {
    const a = Y.encodeStateAsUpdate(buildFiveYearPartnership({ seed: 3, scale: SCALE }).doc)
    const b = Y.encodeStateAsUpdate(buildFiveYearPartnership({ seed: 3, scale: SCALE }).doc)
    const c = Y.encodeStateAsUpdate(buildFiveYearPartnership({ seed: 4, scale: SCALE }).doc)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false)
  }, 120_000)
})
