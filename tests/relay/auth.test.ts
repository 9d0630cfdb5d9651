import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE, SUBPROTOCOL, deriveToken, deriveVerifier, newInvite, type Invite } from '../../src/sync/wire'
import { listActivities, EMPTY_ACTIVITY, createActivity, initPartnership } from '../../src/domain'
import { appConnection, protocolsFor, rawSession } from '../helpers/clients'
import { listenInProcess, storeThatFails } from '../helpers/inProcessRelay'
import { startRelay, waitFor, type RunningRelay } from '../helpers/relay'

let relay: RunningRelay
let room: Invite

beforeAll(async () => {
  relay = await startRelay()
  // a room with a document in it
  room = newInvite()
  const { doc, conn } = appConnection(relay.wsUrl, room, 'create')
  initPartnership(doc, { name: 'Secret plans', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
  createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Private activity' }, 'An')
  await waitFor(() => conn.getState().kind === 'synced', 'creator synced')
  conn.destroy()
})
afterAll(async () => {
  await relay.stop()
})

describe('room proof', () => {
  it('refuses a socket without any proof, before sending anything', async () => {
    const r = await rawSession(`${relay.wsUrl}/${room.roomId}`, [SUBPROTOCOL])
    expect(r.code).toBe(CLOSE.badRequest)
    expect(r.reason).toMatch(/room proof/)
    expect(r.messages).toEqual([])
  })

  it('refuses the wrong secret for an existing room: 4403, not one byte of the document', async () => {
    const wrong = { roomId: room.roomId, secret: newInvite().secret }
    const r = await rawSession(`${relay.wsUrl}/${room.roomId}`, protocolsFor(wrong, 'join'))
    expect(r.code).toBe(CLOSE.proofRefused)
    expect(r.reason).toBe('invite not valid for this partnership')
    expect(r.messages).toEqual([])
  })

  it('never lets a "create" with another secret take over an existing room', async () => {
    const wrong = { roomId: room.roomId, secret: newInvite().secret }
    const r = await rawSession(`${relay.wsUrl}/${room.roomId}`, protocolsFor(wrong, 'create'))
    expect(r.code).toBe(CLOSE.proofRefused)
    expect(r.messages).toEqual([])
  })

  it('does not open room B with the invite of room A', async () => {
    const roomB = newInvite()
    const { conn } = appConnection(relay.wsUrl, roomB, 'create')
    await waitFor(() => conn.getState().kind === 'synced', 'room B created')
    conn.destroy()
    // A's token presented at B's address
    const r = await rawSession(`${relay.wsUrl}/${roomB.roomId}`, protocolsFor(room, 'join'))
    expect(r.code).toBe(CLOSE.proofRefused)
    expect(r.messages).toEqual([])
  })

  it('answers a join to a room that was never created with 4404, and creates nothing', async () => {
    const nowhere = newInvite()
    const r = await rawSession(`${relay.wsUrl}/${nowhere.roomId}`, protocolsFor(nowhere, 'join'))
    expect(r.code).toBe(CLOSE.unknownRoom)
    expect(r.messages).toEqual([])
    const again = await rawSession(`${relay.wsUrl}/${nowhere.roomId}`, protocolsFor(nowhere, 'join'))
    expect(again.code).toBe(CLOSE.unknownRoom)
  })

  it('refuses malformed room ids and tokens', async () => {
    const bad = await rawSession(`${relay.wsUrl}/not-a-room`, protocolsFor(room, 'join'))
    expect(bad.code).toBe(CLOSE.badRequest)
    const shortToken = await rawSession(`${relay.wsUrl}/${room.roomId}`, [SUBPROTOCOL, 'sb.auth.join.abc'])
    expect(shortToken.code).toBe(CLOSE.badRequest)
  })

  it('lets the right invite in, and the app shows the refusal reason for a wrong one', async () => {
    const { doc, conn } = appConnection(relay.wsUrl, room, 'join')
    await waitFor(() => conn.getState().kind === 'synced', 'joined')
    expect(listActivities(doc).map((a) => a.title)).toEqual(['Private activity'])
    conn.destroy()
    const wrong = appConnection(relay.wsUrl, { roomId: room.roomId, secret: newInvite().secret }, 'join')
    await waitFor(() => wrong.conn.getState().kind === 'refused', 'refused')
    expect(wrong.conn.getState()).toMatchObject({ kind: 'refused', reason: 'proofRefused' })
    expect(wrong.doc.store.clients.size).toBe(0)
    wrong.conn.destroy()
  })

  it('never writes a token, secret or verifier into its logs', async () => {
    const text = JSON.stringify(relay.logs)
    expect(text).toContain('room proof refused')
    expect(text).not.toContain(deriveToken(room))
    expect(text).not.toContain(Buffer.from(room.secret).toString('base64url'))
  })
})

describe('room creation on several relays', () => {
  it('refuses a "create" that lost the race: another relay stored its verifier between our read and our write', async () => {
    const winner = newInvite()
    const loser = { roomId: winner.roomId, secret: newInvite().secret }
    // the shared database as the loser's relay sees it: the winner's verifier committed just after
    // our read said "no such room"; a second verifier for the room is ignored (first one stays)
    const verifiers = new Map<string, string>([[winner.roomId, deriveVerifier(deriveToken(winner))]])
    let reads = 0
    const store = storeThatFails('not used', {
      compact: () => Promise.resolve(),
      getVerifier: (r: string) => Promise.resolve(reads++ === 0 ? undefined : verifiers.get(r)),
      setVerifier: (r: string, v: string) => {
        if (!verifiers.has(r)) verifiers.set(r, v)
        return Promise.resolve()
      },
    })
    const { relay: relayB, wsUrl } = await listenInProcess(store)
    try {
      const r = await rawSession(`${wsUrl}/${loser.roomId}`, protocolsFor(loser, 'create'))
      expect(r.code).toBe(CLOSE.proofRefused)
      expect(r.messages).toEqual([])
    } finally {
      await relayB.close()
    }
  })
})
