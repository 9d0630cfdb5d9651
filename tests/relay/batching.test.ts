/**
 * Store writes are batched per room: what a room receives while one write is on disk goes into
 * the next write as one merged update. Checked through what the store is asked to do and what the
 * devices observe, not through timing.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { newInvite } from '../../src/sync/wire'
import { openLevelStore } from '../../sync-server/levelStore'
import type { RoomStore } from '../../sync-server/store'
import { appConnection } from '../helpers/clients'
import { listenInProcess } from '../helpers/inProcessRelay'
import { metricSample, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const { cleanups } = stopAfterEach()

/** A LevelDB store that records every append and holds the first one until `release`. */
function gatedStore(dir: string): { store: RoomStore; appends: Uint8Array[]; release: () => void } {
  const inner = openLevelStore(dir)
  const appends: Uint8Array[] = []
  let release = (): void => undefined
  const gate = new Promise<void>((resolve) => (release = resolve))
  const store: RoomStore = {
    ...inner,
    async append(room, update) {
      appends.push(update)
      if (appends.length === 1) await gate
      return inner.append(room, update)
    },
  }
  return { store, appends, release }
}

describe('batched store writes', () => {
  it('merges what arrives during a write into one append; nothing is forwarded or acknowledged before it is on disk', async () => {
    const dir = tempDir('sb-batch')
    const { store, appends, release } = gatedStore(dir)
    const { relay, wsUrl } = await listenInProcess(store)
    cleanups.push(() => {
      release()
      return relay.close()
    })
    const invite = newInvite()
    const a = appConnection(wsUrl, invite, 'create')
    const b = appConnection(wsUrl, invite, 'join')
    cleanups.push(() => a.conn.destroy(), () => b.conn.destroy())
    await waitFor(() => a.conn.getState().kind === 'synced' && b.conn.getState().kind === 'synced', 'both synced')

    const metrics = (): Promise<string> => relay.metrics.registry.metrics()
    const updatesIn = async (): Promise<number> => metricSample(await metrics(), 'scholenband_updates_in_total') ?? NaN
    const before = await updatesIn()
    const text = a.doc.getText('letter')
    text.insert(0, 'a') // its append is held
    await waitFor(() => appends.length === 1, 'first append under way')
    for (let i = 0; i < 19; i++) text.insert(text.length, String.fromCharCode(98 + i))
    // give the relay every message while the first write is still held
    await waitFor(async () => (await updatesIn()) - before >= 20, 'all 20 edits received')
    expect(b.doc.getText('letter').toString()).toBe('')
    expect(a.conn.getState().kind).not.toBe('synced')
    expect(appends).toHaveLength(1)

    release()
    await waitFor(() => b.doc.getText('letter').toString() === text.toString(), 'B has every edit')
    await waitFor(() => a.conn.getState().kind === 'synced', 'A acknowledged')
    expect(appends).toHaveLength(2) // the 19 edits that waited are one write
    const replay = new Y.Doc()
    for (const u of appends) Y.applyUpdate(replay, u)
    expect(replay.getText('letter').toString()).toBe('abcdefghijklmnopqrst')
    expect(await metrics()).toMatch(/^scholenband_append_updates_sum 20$/m)

    // and it is what a restarted relay reads back
    await relay.close()
    const reopened = openLevelStore(dir)
    const { doc } = await reopened.load(invite.roomId)
    expect(doc.getText('letter').toString()).toBe('abcdefghijklmnopqrst')
    await reopened.close()
  })
})
