/**
 * "Synced" on a large partnership without re-encoding it per edit (issue 12): the connection
 * checks the whole document against what the relay holds once per connection, then follows each
 * local change by its own acknowledgement. Counts whole-document encodes of the app's document
 * (a deterministic figure, not a time), and checks the guarantee they served still holds: an
 * update that did not come through the tracked path keeps "Synced" away until the relay has it.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { wholeEncodesOf } from '../helpers/wholeEncodes'
import { newInvite } from '../../src/sync/wire'
import { appConnection } from '../helpers/clients'
import { startRelay, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

vi.mock('yjs', async (importOriginal) => (await import('../helpers/wholeEncodes')).countingYjs(importOriginal))

const { running, cleanups } = stopAfterEach()

describe('the cost of "Synced" per edit', () => {
  it('encodes the whole document at most once per connection over 30 acknowledged edits, and still waits for an update that bypassed the tracked path', async () => {
    const relay = await startRelay({ dataDir: tempDir('sb-settle') })
    running.push(relay)
    const invite = newInvite()
    const doc = new Y.Doc()
    // a partnership with some weight before the session starts
    doc.getText('letters').insert(0, 'x'.repeat(200_000))
    const a = appConnection(relay.wsUrl, invite, 'create', doc)
    cleanups.push(() => a.conn.destroy())
    await waitFor(() => a.conn.getState().kind === 'synced', 'first sync')
    const afterFirstSync = wholeEncodesOf(doc)

    const map = doc.getMap('m')
    for (let i = 0; i < 30; i++) {
      map.set('title', `edit ${i}`)
      expect(a.conn.getState().kind).not.toBe('synced')
      await waitFor(() => a.conn.getState().kind === 'synced', `edit ${i} acknowledged`)
    }
    // y-websocket's own sync step 2 on connecting encodes too; per edit there is nothing more
    expect(wholeEncodesOf(doc) - afterFirstSync).toBeLessThanOrEqual(1)

    // an update from elsewhere (another tab, a restore applied with an object origin): not "Synced"
    // until the relay acknowledged it, then "Synced" again
    const elsewhere = new Y.Doc()
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(doc))
    elsewhere.getMap('m').set('fromElsewhere', true)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(elsewhere, Y.encodeStateVector(doc)), { from: 'another tab' })
    expect(a.conn.getState().kind).not.toBe('synced')
    await waitFor(() => a.conn.getState().kind === 'synced', 'the update from elsewhere acknowledged')

    const b = appConnection(relay.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced' && b.doc.getMap('m').get('fromElsewhere') === true, 'a second device has everything')
    expect(b.doc.getMap('m').get('title')).toBe('edit 29')
  })
})
