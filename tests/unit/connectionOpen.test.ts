/**
 * Opening a partnership offline costs no whole-document encode (issue 12): "all acknowledged" is
 * checked against what the relay holds only once the relay has answered on a connection.
 */
import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { wholeEncodesOf } from '../helpers/wholeEncodes'
import { PartnershipConnection } from '../../src/sync/connection'
import { memoryOutbox } from '../../src/storage/outbox'
import { newInvite } from '../../src/sync/wire'

vi.mock('yjs', async (importOriginal) => (await import('../helpers/wholeEncodes')).countingYjs(importOriginal))

describe('opening a partnership offline', () => {
  it('does not encode the whole document to learn what it already knows: the relay has not answered', async () => {
    const doc = new Y.Doc()
    doc.getText('letters').insert(0, 'x'.repeat(100_000))
    const outbox = memoryOutbox()
    const conn = new PartnershipConnection(doc, { relayUrl: 'ws://127.0.0.1:9/sync', invite: newInvite(), intent: 'join', outbox, isOnline: () => false, WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket })
    try {
      // the outbox is read (empty), which settles the pending changes
      await new Promise((r) => setTimeout(r, 20))
      doc.getMap('m').set('title', 'an edit made offline')
      await new Promise((r) => setTimeout(r, 20))
      expect(conn.getState()).toMatchObject({ kind: 'offline', pending: 1 })
      expect(wholeEncodesOf(doc)).toBe(0)
    } finally {
      conn.destroy()
    }
  })
})
