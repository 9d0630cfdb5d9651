/**
 * Opening a partnership starts the history recorder (`trackHistory`) without reading the history:
 * its index (every entry read and checked; 4,668 entries on the five-year partnership of issue
 * 12) is built when first needed, once — not while the plan waits to be shown.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { EMPTY_ACTIVITY, createActivity, entriesOf, listActivities, trackHistory, updateActivity } from '../../src/domain'
import { an, day, newPartnership } from '../helpers/devices'

describe('the history index', () => {
  it('is not read when a partnership opens, and read once from the first change on', () => {
    const written = newPartnership()
    const id = createActivity(written, { ...EMPTY_ACTIVITY, title: 'Sports day' }, an, day(1))
    updateActivity(written, id, { title: 'Sports day 2026' }, an, day(2))

    // this device opens its stored copy
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(written))
    const reads = vi.spyOn(doc.getMap('history'), 'entries')
    trackHistory(doc)
    expect(listActivities(doc).map((a) => a.title)).toEqual(['Sports day 2026'])
    expect(reads).toHaveBeenCalledTimes(0)

    // the first change needs the field's latest entries: the index is built then, once
    updateActivity(doc, id, { title: 'Sports day 2027' }, an, day(3))
    updateActivity(doc, id, { title: 'Sports day 2028' }, an, day(4))
    expect(reads).toHaveBeenCalledTimes(1)
    const titles = entriesOf(doc, 'activities', id).filter((e) => e.fields.title)
    expect(titles.map((e) => e.fields.title!.new)).toEqual(['Sports day', 'Sports day 2026', 'Sports day 2027', 'Sports day 2028'])
    // each change saw the one before: one head, no double edit
    expect(titles[3]!.fields.title!.parents).toEqual([titles[2]!.id])
  })
})
