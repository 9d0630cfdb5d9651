/**
 * The history index read a slice at a time (domain `whenHistoryIndexed`): the plan's "records to
 * check" (DoubleEditListView.tsx) read the whole history in one task the first time, ~250 ms at
 * 4× CPU on a five-year partnership. Read in slices, with a turn for the browser in between, it
 * holds the same entries as `historyIndex` read at once — also entries that arrive between the
 * slices — and the records with a double edit are the same.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, doubleEditsOf, entriesOf, historyIndex, recordsWithHistory, trackHistory, updateActivity, whenHistoryIndexed } from '../../src/domain'
import { amani, an, day, fork, newPartnership, sync } from '../helpers/devices'

/** A partnership with `n` activities, each edited on two devices at once (a double edit) every third time. */
function withHistory(n: number): { doc: Y.Doc; ids: string[] } {
  const doc = newPartnership()
  trackHistory(doc)
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push(createActivity(doc, { ...EMPTY_ACTIVITY, title: `Activity ${i}` }, an, day(1)))
  const other = fork(doc)
  trackHistory(other)
  ids.forEach((id, i) => {
    updateActivity(doc, id, { title: `Here ${i}` }, an, day(2))
    if (i % 3 === 0) updateActivity(other, id, { title: `There ${i}` }, amani, day(2))
  })
  sync(doc, other)
  return { doc, ids }
}

const copyOf = (doc: Y.Doc): Y.Doc => {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

describe('whenHistoryIndexed', () => {
  it('reads the history a slice at a time into the same index as historyIndex, with entries that arrive meanwhile', async () => {
    const { doc, ids } = withHistory(60)
    const sliced = copyOf(doc)
    trackHistory(sliced)
    let turns = 0
    const nextTask = async (): Promise<void> => {
      turns++
      // something arrives between two slices: an edit on the first device, synced
      if (turns <= 5) {
        updateActivity(doc, ids[turns]!, { title: `Later ${turns}` }, an, day(3))
        Y.applyUpdate(sliced, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(sliced)))
      }
      await Promise.resolve()
    }
    const first = whenHistoryIndexed(sliced, nextTask, 0)
    expect(whenHistoryIndexed(sliced, nextTask, 0)).toBe(first)
    await first
    expect(turns).toBeGreaterThan(100)

    const whole = copyOf(sliced)
    historyIndex(whole)
    expect(historyIndex(sliced).byId.size).toBe(historyIndex(whole).byId.size)
    expect(new Set(recordsWithHistory(sliced).map((r) => `${r.collection}/${r.record}`))).toEqual(new Set(recordsWithHistory(whole).map((r) => `${r.collection}/${r.record}`)))
    for (const id of ids) {
      expect(entriesOf(sliced, 'activities', id)).toEqual(entriesOf(whole, 'activities', id))
      expect(doubleEditsOf(sliced, 'activities', id)).toEqual(doubleEditsOf(whole, 'activities', id))
    }
    // every third activity was changed on two devices at once (some settled since, by the edits above)
    const toCheck = ids.filter((id) => doubleEditsOf(sliced, 'activities', id).length > 0)
    expect(toCheck.length).toBeGreaterThanOrEqual(15)
    expect(toCheck).toEqual(ids.filter((id) => doubleEditsOf(whole, 'activities', id).length > 0))
  })

  it('stops, leaving the index read at once, when historyIndex is asked for meanwhile', async () => {
    const doc = copyOf(withHistory(20).doc)
    let turns = 0
    const reading = whenHistoryIndexed(doc, async () => {
      turns++
      if (turns === 2) historyIndex(doc)
      await Promise.resolve()
    }, 0)
    const atOnce = (): unknown => historyIndex(doc)
    await reading
    expect(turns).toBe(2)
    expect(historyIndex(doc)).toBe(atOnce())
  })
})
