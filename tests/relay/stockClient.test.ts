/**
 * A program that is not this app opens a room using only docs/protocol.md and the stock
 * y-websocket client. Nothing from src/ is used to talk to the relay here: the invite code is
 * decoded and the token derived from the page's description, with node:crypto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import { formatInviteCode, newInvite } from '../../src/sync/wire'
import { CURRENT_SCHEMA_VERSION, initPartnership } from '../../src/domain'
import { appConnection } from '../helpers/clients'
import { startRelay, waitFor, type RunningRelay } from '../helpers/relay'
import { base32Encode, readInviteCode, roomToken, stockProvider } from '../helpers/documentedClient'

let relay: RunningRelay
beforeAll(async () => {
  relay = await startRelay()
})
afterAll(async () => {
  await relay.stop()
})

describe('the stock y-websocket client, from docs/protocol.md alone', () => {
  it('creates a room and syncs a text with a second stock client', async () => {
    const roomId = base32Encode(randomBytes(16)).toLowerCase()
    const secret = randomBytes(16)
    const t = roomToken(roomId, secret)
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    const a = stockProvider(relay.wsUrl, roomId, docA, ['scholenband.v1', `sb.auth.create.${t}`])
    await waitFor(() => a.synced, 'creator synced')
    docA.getText('letter').insert(0, 'Muraho from Huye')
    const b = stockProvider(relay.wsUrl, roomId, docB, ['scholenband.v1', `sb.auth.join.${t}`])
    await waitFor(() => docB.getText('letter').toString() === 'Muraho from Huye', 'second client got the text')
    docB.getText('letter').insert(16, ', dag uit Gent')
    await waitFor(() => docA.getText('letter').toString() === 'Muraho from Huye, dag uit Gent', 'first client got the reply')
    a.destroy()
    b.destroy()
  })

  it('opens a partnership the app created, from its invite code', async () => {
    const invite = newInvite()
    const app = appConnection(relay.wsUrl, invite, 'create')
    initPartnership(app.doc, { name: 'Gent–Kigali', ourSchoolName: 'Sint-Jan', partnerSchoolName: 'GS Kigali' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    await waitFor(() => app.conn.getState().kind === 'synced', 'app synced')
    const { roomId, secret } = readInviteCode(formatInviteCode(invite))
    expect(roomId).toBe(invite.roomId)
    const doc = new Y.Doc()
    const stock = stockProvider(relay.wsUrl, roomId, doc, ['scholenband.v1', `sb.auth.join.${roomToken(roomId, secret)}`])
    await waitFor(() => doc.getMap('meta').get('name') === 'Gent–Kigali', 'stock client read meta')
    expect(doc.getMap('meta').get('schemaVersion')).toBe(CURRENT_SCHEMA_VERSION)
    stock.destroy()
    app.conn.destroy()
  })

  it('stops reconnecting after a refusal (4403 is final for the stock client)', async () => {
    const invite = newInvite()
    const app = appConnection(relay.wsUrl, invite, 'create')
    await waitFor(() => app.conn.getState().kind === 'synced', 'room exists')
    const closed: { code: number; reason: string }[] = []
    const doc = new Y.Doc()
    const stock = stockProvider(relay.wsUrl, invite.roomId, doc, ['scholenband.v1', `sb.auth.join.${roomToken(invite.roomId, randomBytes(16))}`])
    stock.on('closed', (e: { code: number; reason: string }) => closed.push(e))
    await waitFor(() => closed.length > 0, 'refusal')
    expect(closed[0]).toEqual({ code: 4403, reason: 'invite not valid for this partnership' })
    expect(stock.shouldConnect).toBe(false)
    expect(doc.store.clients.size).toBe(0)
    stock.destroy()
    app.conn.destroy()
  })
})
