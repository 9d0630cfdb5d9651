/**
 * Group commit (sync-server/groupCommit.ts): the appends of all rooms made in one turn, or while
 * the previous group is on disk, are one store write. Checked through the writes the store is asked
 * for and what a reopened store holds, not through timing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { GroupCommit } from '../../sync-server/groupCommit'
import { openLevelStore } from '../../sync-server/levelStore'
import { tempDir } from '../helpers/relay'

/** A write that records each group and stays on disk until `finish(i)` is called for it. */
function recordingWriter(): { writes: string[][]; finish: (i: number, err?: Error) => void; write: (ops: string[]) => Promise<void> } {
  const writes: string[][] = []
  const done: { resolve: () => void; reject: (err: Error) => void }[] = []
  return {
    writes,
    finish: (i, err) => (err ? done[i]!.reject(err) : done[i]!.resolve()),
    write: (ops) =>
      new Promise<void>((resolve, reject) => {
        writes.push(ops)
        done.push({ resolve, reject })
      }),
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

function edit(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

afterEach(() => {
  vi.useRealTimers()
})

describe('group commit', () => {
  it('writes the appends of one turn as one write, and those made while it is on disk as the next one', async () => {
    const w = recordingWriter()
    const group = new GroupCommit<string>(w.write, 0)
    const settled: string[] = []
    const add = (name: string, ops: string[]): Promise<void> => group.add(ops).then(() => void settled.push(name))
    const first = [add('a', ['a1', 'a2']), add('b', ['b1']), add('c', ['c1'])]
    await turn()
    expect(w.writes).toEqual([['a1', 'a2', 'b1', 'c1']])

    // made while the first group is on disk: they wait for it, then go together
    const second = [add('d', ['d1']), add('e', ['e1'])]
    await turn()
    await turn()
    expect(w.writes).toHaveLength(1)
    expect(settled).toEqual([])

    w.finish(0)
    await Promise.all(first)
    expect(settled).toEqual(['a', 'b', 'c'])
    await turn()
    expect(w.writes).toEqual([['a1', 'a2', 'b1', 'c1'], ['d1', 'e1']])
    expect(settled).toEqual(['a', 'b', 'c']) // not before their own write
    w.finish(1)
    await Promise.all(second)
    expect(settled).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('rejects every append of a failed write, and writes the next group afresh', async () => {
    const w = recordingWriter()
    const group = new GroupCommit<string>(w.write, 0)
    const failed = [group.add(['a1']), group.add(['b1'])]
    await turn()
    const later = group.add(['c1'])
    w.finish(0, new Error('disk full'))
    for (const p of failed) await expect(p).rejects.toThrow('disk full')
    await turn()
    expect(w.writes).toEqual([['a1', 'b1'], ['c1']])
    w.finish(1)
    await expect(later).resolves.toBeUndefined()
  })

  it('under load starts a group at most every minIntervalMs; after a quiet spell at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] })
    const w = recordingWriter()
    const group = new GroupCommit<string>(w.write, 50)
    const first = group.add(['a1'])
    await vi.advanceTimersByTimeAsync(0)
    expect(w.writes).toEqual([['a1']]) // the first group: at the end of its turn
    w.finish(0)
    await first
    const second = group.add(['b1'])
    await vi.advanceTimersByTimeAsync(48)
    expect(w.writes).toHaveLength(1) // 50 ms after the first one started, not before
    await vi.advanceTimersByTimeAsync(2)
    expect(w.writes).toEqual([['a1'], ['b1']])
    w.finish(1)
    await second
    await vi.advanceTimersByTimeAsync(500)
    const quiet = group.add(['c1'])
    await vi.advanceTimersByTimeAsync(0)
    expect(w.writes).toEqual([['a1'], ['b1'], ['c1']])
    w.finish(2)
    await quiet
  })

  it('keeps every room’s appends, in order, when many rooms append at once (LevelDB, reopened)', async () => {
    const dir = tempDir('sb-group')
    const rooms = Array.from({ length: 30 }, (_, i) => `room-${i}`)
    let store = openLevelStore(dir, { fsync: true })
    // every room's first append in the same turn, then a second one each
    expect(await Promise.all(rooms.map((r) => store.append(r, edit(`${r} one`))))).toEqual(rooms.map(() => 1))
    expect(await Promise.all(rooms.map((r) => store.append(r, edit(`${r} two`))))).toEqual(rooms.map(() => 2))
    await store.close()

    store = openLevelStore(dir, { fsync: true })
    for (const r of rooms) {
      const { doc, logLength, position } = await store.load(r)
      expect(logLength).toBe(2)
      expect(position).toBe(2)
      expect(doc.getText('t').toString()).toContain(`${r} one`)
      expect(doc.getText('t').toString()).toContain(`${r} two`)
    }
    expect(await store.append(rooms[0]!, edit('three'))).toBe(3)
    await store.close()
  })
})
