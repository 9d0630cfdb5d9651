/**
 * Store writes are batched per room: what a room receives while one write is on disk goes into
 * the next write as one merged update. Each update is forwarded to the room's other sockets as
 * soon as it arrives, while the sender is acknowledged only once it is on disk; a device that
 * resumes while a write is on disk still gets what that write holds. Checked through what the
 * store is asked to do and what the devices observe, not through timing.
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { newInvite } from '../../src/sync/wire'
import type { StoredRelayPosition } from '../../src/sync/resume'
import { openLevelStore } from '../../sync-server/levelStore'
import type { RoomStore } from '../../sync-server/store'
import { appConnection, messageKind } from '../helpers/clients'
import { listenInProcess } from '../helpers/inProcessRelay'
import { metricSample, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const { cleanups } = stopAfterEach()

/** A LevelDB store that records every append and holds the first one made after `hold()` until `release()`. */
function gatedStore(dir: string): { store: RoomStore; appends: Uint8Array[]; hold: () => void; release: () => void } {
  const inner = openLevelStore(dir)
  const appends: Uint8Array[] = []
  let gate: Promise<void> | undefined
  let release = (): void => undefined
  const hold = (): void => {
    gate = new Promise<void>((resolve) => (release = resolve))
  }
  const store: RoomStore = {
    ...inner,
    async append(room, update) {
      appends.push(update)
      const held = gate
      gate = undefined
      if (held) await held
      return inner.append(room, update)
    },
  }
  return { store, appends, hold, release: () => release() }
}

/** An in-process relay on a gated store (stopped after the test), and the updates it has received so far (`scholenband_updates_in_total`). */
async function gatedRelay(dir: string) {
  const gated = gatedStore(dir)
  const { relay, wsUrl } = await listenInProcess(gated.store)
  cleanups.push(() => {
    gated.release()
    return relay.close()
  })
  const updatesIn = async (): Promise<number> => metricSample(await relay.metrics.registry.metrics(), 'scholenband_updates_in_total') ?? NaN
  return { ...gated, relay, wsUrl, updatesIn }
}

describe('batched store writes', () => {
  it('merges what arrives during a write into one append; the partner gets each edit at once, the sender its acknowledgement only once it is on disk', async () => {
    const dir = tempDir('sb-batch')
    const { appends, hold, release, relay, wsUrl, updatesIn } = await gatedRelay(dir)
    const invite = newInvite()
    const a = appConnection(wsUrl, invite, 'create')
    const b = appConnection(wsUrl, invite, 'join')
    cleanups.push(() => a.conn.destroy(), () => b.conn.destroy())
    await waitFor(() => a.conn.getState().kind === 'synced' && b.conn.getState().kind === 'synced', 'both synced')

    const metrics = (): Promise<string> => relay.metrics.registry.metrics()
    const before = await updatesIn()
    const appendsBefore = appends.length
    hold()
    const text = a.doc.getText('letter')
    text.insert(0, 'a') // its append is held
    await waitFor(() => appends.length === appendsBefore + 1, 'first append under way')
    for (let i = 0; i < 19; i++) text.insert(text.length, String.fromCharCode(98 + i))
    // every edit reaches B while the first write is still held; A shows no "Synced" meanwhile
    await waitFor(() => b.doc.getText('letter').toString() === 'abcdefghijklmnopqrst', 'B has every edit before any is on disk')
    expect((await updatesIn()) - before).toBe(20)
    expect(a.conn.getState().kind).not.toBe('synced')
    expect(appends).toHaveLength(appendsBefore + 1)

    release()
    await waitFor(() => a.conn.getState().kind === 'synced', 'A acknowledged')
    expect(appends).toHaveLength(appendsBefore + 2) // the 19 edits that waited are one write
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

  it('sends a device that resumes while deletions are on their way to disk those deletions (forwarded before the device was there)', async () => {
    const { appends, hold, release, wsUrl, updatesIn } = await gatedRelay(tempDir('sb-batch-resume'))
    const invite = newInvite()
    const aDoc = new Y.Doc()
    aDoc.getText('letter').insert(0, 'Dear partner school, hello world')
    const a = appConnection(wsUrl, invite, 'create', aDoc)
    cleanups.push(() => a.conn.destroy())
    await waitFor(() => a.conn.getState().kind === 'synced', 'A synced')

    // B remembers the positions of its acknowledgements, and notes the kinds of message its sockets get
    const remembered: StoredRelayPosition[] = []
    const kinds: string[][] = []
    class Noting extends WebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols)
        const mine: string[] = []
        kinds.push(mine)
        this.on('message', (m: ArrayBuffer | Buffer) => mine.push(messageKind(new Uint8Array(m))))
      }
    }
    const b = appConnection(wsUrl, invite, 'join', new Y.Doc(), {
      WebSocketPolyfill: Noting as unknown as typeof globalThis.WebSocket,
      relayPosition: { remember: (next) => void remembered.push(next()) },
    })
    cleanups.push(() => b.conn.destroy())
    const letter = (doc: Y.Doc): string => doc.getText('letter').toString()
    await waitFor(() => b.conn.getState().kind === 'synced' && remembered.length > 0 && letter(b.doc) === letter(aDoc), 'B synced')

    b.conn.provider.disconnect()
    await waitFor(() => !b.conn.provider.wsconnected, 'B offline')
    const appendsBefore = appends.length
    hold()
    aDoc.getText('letter').delete(26, 6) // ' world'
    await waitFor(() => appends.length === appendsBefore + 1, 'the deletion on its way to disk')
    // and one more waiting behind it (the room's next write)
    const received = await updatesIn()
    aDoc.getText('letter').delete(0, 5) // 'Dear '
    await waitFor(async () => (await updatesIn()) > received, 'the second deletion received')

    b.conn.provider.connect()
    // B resumed (the relay named only the clients that moved: 103), and has both deletions while they are not on disk
    await waitFor(() => letter(b.doc) === 'partner school, hello', 'B has both deletions')
    expect(kinds.at(-1)).toContain('103')
    expect(appends).toHaveLength(appendsBefore + 1)
    expect(a.conn.getState().kind).not.toBe('synced')

    release()
    await waitFor(() => a.conn.getState().kind === 'synced', 'A acknowledged')
    expect(Y.equalSnapshots(Y.snapshot(b.doc), Y.snapshot(aDoc))).toBe(true)
  })
})
