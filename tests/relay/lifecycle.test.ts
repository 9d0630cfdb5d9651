/**
 * The relay's life: a graceful restart (SIGTERM) and the compaction of a room's log, with
 * crashes in between. Every test starts its own relay.
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { CLOSE, newInvite } from '../../src/sync/wire'
import { openLevelStore } from '../../sync-server/levelStore'
import { appConnection, protocolsFor } from '../helpers/clients'
import { type RunningRelay, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const { cleanups, start } = stopAfterEach()
const relayOn = (dataDir: string, env?: Record<string, string>): Promise<RunningRelay> => start({ dataDir, env })

/** What the store holds for a room, read with the relay stopped. */
async function stored(dataDir: string, room: string): Promise<{ text: string; logLength: number }> {
  const store = openLevelStore(dataDir)
  try {
    const { doc, logLength } = await store.load(room)
    return { text: doc.getText('t').toString(), logLength }
  } finally {
    await store.close()
  }
}

describe('graceful restart', () => {
  it('closes sockets with 1012 on SIGTERM, and an update acknowledged before it is there after the restart', async () => {
    const dataDir = tempDir('sb-sigterm')
    const first = await relayOn(dataDir)
    const invite = newInvite()
    const a = appConnection(first.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    a.doc.getText('t').insert(0, 'acknowledged before SIGTERM')
    await waitFor(() => a.conn.getState().kind === 'synced', 'acknowledged')
    const watcher = new WebSocket(`${first.wsUrl}/${invite.roomId}`, protocolsFor(invite, 'join'))
    cleanups.push(() => watcher.terminate())
    const closed = new Promise<number>((res) => watcher.on('close', (code) => res(code)))
    await new Promise((res) => watcher.once('message', res))
    await first.stop()
    expect(first.process.exitCode).toBe(0)
    expect(await closed).toBe(CLOSE.restarting)
    a.conn.destroy()

    const second = await relayOn(dataDir)
    const b = appConnection(second.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'synced after restart')
    expect(b.doc.getText('t').toString()).toBe('acknowledged before SIGTERM')
  })
})

describe('compaction in one atomic batch', () => {
  it('store.compact leaves one entry and the identical document', async () => {
    const store = openLevelStore(tempDir('sb-compact-store'))
    try {
      const doc = new Y.Doc()
      const updates: Uint8Array[] = []
      doc.on('update', (u: Uint8Array) => updates.push(u))
      for (let i = 0; i < 40; i++) doc.getText('t').insert(0, `${i} `)
      doc.getText('t').delete(0, 10)
      for (const u of updates) await store.append('room', u)
      expect((await store.load('room')).logLength).toBe(41)
      await store.compact('room')
      expect((await store.load('room')).logLength).toBe(1)
      const { doc: loaded } = await store.load('room')
      expect(loaded.getText('t').toString()).toBe(doc.getText('t').toString())
      expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc))
      // appends after a compaction follow it in the log
      doc.getText('t').insert(0, 'after ')
      await store.append('room', updates[updates.length - 1]!)
      expect((await store.load('room')).logLength).toBe(2)
      expect((await store.load('room')).doc.getText('t').toString()).toBe(doc.getText('t').toString())
    } finally {
      await store.close()
    }
  })

  it('merges a room’s log while it is in use, every COMPACT_AFTER_UPDATES appends; the document is identical', async () => {
    const dataDir = tempDir('sb-compact')
    const r = await relayOn(dataDir, { COMPACT_AFTER_UPDATES: '30', IDLE_UNLOAD_MS: '600000' })
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    const text = a.doc.getText('t')
    for (let i = 0; i < 30; i++) {
      text.insert(text.length, `line ${i}\n`)
      if (i % 3 === 0) text.delete(0, 2)
      await new Promise((res) => setTimeout(res, 5)) // one update per message
    }
    await waitFor(() => a.conn.getState().kind === 'synced', 'acknowledged')
    const expected = text.toString()
    // kill -9 while the room is still loaded: the compaction happened while it was in use
    await new Promise((res) => setTimeout(res, 200))
    await r.kill()
    // more than 30 updates were appended (inserts and deletes), so without compaction the log
    // would hold over 30; with it, one merged entry plus what came after the last compaction
    const after = await stored(dataDir, invite.roomId)
    expect(after.text).toBe(expected)
    expect(after.logLength).toBeLessThan(30)
    // and a device that joins later gets the same document
    const again = await relayOn(dataDir)
    const b = appConnection(again.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'late device synced')
    expect(b.doc.getText('t').toString()).toBe(expected)
    expect(Y.encodeStateVector(b.doc)).toEqual(Y.encodeStateVector(a.doc))
  })

  it('never loses an acknowledged update when killed (-9) during heavy writes and frequent compaction', async () => {
    const dataDir = tempDir('sb-compact-crash')
    const r = await relayOn(dataDir, { COMPACT_AFTER_UPDATES: '5' })
    const invite = newInvite()
    const a = appConnection(r.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    const items = a.doc.getArray<number>('items')
    let acknowledged = 0
    let written = 0
    const writer = setInterval(() => items.push([written++]), 2)
    cleanups.push(() => clearInterval(writer))
    for (let round = 0; round < 5; round++) {
      const target = written
      await waitFor(() => a.conn.getState().kind === 'synced' || written > target + 200, 'some acknowledged')
      if (a.conn.getState().kind === 'synced') acknowledged = Math.max(acknowledged, target)
      await new Promise((res) => setTimeout(res, 50))
    }
    // a last checkpoint: stop writing briefly, wait for the acknowledgement, then write and kill
    clearInterval(writer)
    const target = written
    await waitFor(() => a.conn.getState().kind === 'synced', 'acknowledged')
    acknowledged = target
    const burst = setInterval(() => items.push([written++]), 1)
    cleanups.push(() => clearInterval(burst))
    await new Promise((res) => setTimeout(res, 150))
    await r.kill()
    clearInterval(burst)
    a.conn.destroy()
    expect(acknowledged).toBeGreaterThan(20)
    const store = openLevelStore(dataDir)
    try {
      const { doc } = await store.load(invite.roomId)
      const have = new Set(doc.getArray<number>('items').toArray())
      for (let i = 0; i < acknowledged; i++) expect(have.has(i)).toBe(true)
    } finally {
      await store.close()
    }
  })
})
