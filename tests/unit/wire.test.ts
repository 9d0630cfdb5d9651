import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  authorizationHeader,
  clientSubprotocols,
  deriveDeviceToken,
  deriveToken,
  deriveVerifier,
  formatInviteCode,
  fromBase32,
  inviteLink,
  isRoomId,
  mergeSnapshots,
  newDeviceKey,
  newInvite,
  parseInviteCode,
  readDeviceProof,
  readOfferedProof,
  snapshotOfUpdate,
  toBase32,
} from '../../src/sync/wire'

describe('invite codes', () => {
  it('round-trips room id and secret, with ≥128 random bits each', () => {
    const invite = newInvite()
    expect(isRoomId(invite.roomId)).toBe(true)
    expect(invite.secret.length).toBe(16)
    const parsed = parseInviteCode(formatInviteCode(invite))
    expect(parsed).toEqual({ ok: true, invite })
    expect(newInvite().roomId).not.toBe(invite.roomId)
  })

  it('is one chat-safe string: letters, digits and dashes only', () => {
    const code = formatInviteCode(newInvite())
    expect(code).toMatch(/^SB1(-[0-9A-Z]{1,5})+$/)
  })

  it('reads codes as people paste them: lower case, spaces, line breaks, the whole link', () => {
    const invite = newInvite()
    const code = formatInviteCode(invite)
    const messy = `  ${code.toLowerCase().replace(/-/g, ' ').slice(0, 20)}\n${code.toLowerCase().replace(/-/g, ' ').slice(20)} `
    expect(parseInviteCode(messy)).toEqual({ ok: true, invite })
    expect(parseInviteCode(inviteLink('https://scholenband.example', invite))).toEqual({ ok: true, invite })
  })

  it('names what is wrong with a bad code', () => {
    const code = formatInviteCode(newInvite())
    expect(parseInviteCode('')).toEqual({ ok: false, error: 'empty' })
    expect(parseInviteCode('hello teacher')).toEqual({ ok: false, error: 'notAnInvite' })
    expect(parseInviteCode(code.slice(0, -3))).toEqual({ ok: false, error: 'mistyped' })
    // one character changed: the checksum catches it
    const i = 10
    const swapped = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1)
    expect(parseInviteCode(swapped)).toEqual({ ok: false, error: 'mistyped' })
  })

  it('puts the secret in the link fragment, never in the path or query', () => {
    const invite = newInvite()
    const url = new URL(inviteLink('https://scholenband.example/', invite))
    expect(url.pathname).toBe('/')
    expect(url.search).toBe('')
    expect(url.hash.startsWith('#join=SB1-')).toBe(true)
  })
})

describe('room proof', () => {
  it('binds the token to the room: the same secret for another room gives another token', () => {
    const a = newInvite()
    const b = { roomId: newInvite().roomId, secret: a.secret }
    expect(deriveToken(a)).not.toBe(deriveToken(b))
    expect(deriveToken(a)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(deriveVerifier(deriveToken(a))).not.toBe(deriveToken(a))
  })

  it('matches the derivation documented in docs/protocol.md (node:crypto, independently)', async () => {
    const { createHash } = await import('node:crypto')
    const invite = newInvite()
    const token = createHash('sha256').update(`scholenband-token-v1:${invite.roomId}:`).update(invite.secret).digest('base64url')
    expect(deriveToken(invite)).toBe(token)
    expect(deriveVerifier(token)).toBe(createHash('sha256').update(`scholenband-verifier-v1:${token}`).digest('base64url'))
  })

  it('offers the proof as subprotocols the relay reads back', () => {
    const invite = newInvite()
    expect(readOfferedProof(clientSubprotocols(invite, 'join'))).toEqual({ intent: 'join', token: deriveToken(invite), wantsAck: true, wantsHeartbeat: true })
    expect(readOfferedProof(['scholenband.v1', 'sb.auth.join.short'])).toBeUndefined()
    expect(readOfferedProof([`sb.auth.join.${deriveToken(invite)}`])).toBeUndefined()
  })
})

describe('device proof', () => {
  const invite = newInvite()
  const device = { deviceId: 'AbCdEfGh12345678', key: newDeviceKey() }

  it('is offered as sb.dev.<deviceId>.<token> and read back by the relay', () => {
    const protocols = clientSubprotocols(invite, 'join', device)
    const offered = readOfferedProof(protocols)
    expect(offered?.device).toEqual({ deviceId: device.deviceId, token: deriveDeviceToken(invite.roomId, device) })
    expect(offered?.token).toBe(deriveToken(invite))
    expect(readOfferedProof(clientSubprotocols(invite, 'join'))?.device).toBeUndefined()
  })

  it('binds the key to its room and device id, and never carries the key', () => {
    const token = deriveDeviceToken(invite.roomId, device)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(deriveDeviceToken(newInvite().roomId, device)).not.toBe(token)
    expect(deriveDeviceToken(invite.roomId, { ...device, deviceId: 'AbCdEfGh12345679' })).not.toBe(token)
    expect(deriveDeviceToken(invite.roomId, { ...device, key: newDeviceKey() })).not.toBe(token)
    expect(deriveDeviceToken(invite.roomId, device)).toBe(token)
    const keyText = Buffer.from(device.key).toString('base64url')
    expect(clientSubprotocols(invite, 'join', device).join(' ')).not.toContain(keyText)
  })

  it('travels over HTTP as "Device <id>.<token>", or the invite token without a device', () => {
    expect(authorizationHeader(invite, device)).toBe(`Device ${device.deviceId}.${deriveDeviceToken(invite.roomId, device)}`)
    expect(authorizationHeader(invite)).toBe(`Bearer ${deriveToken(invite)}`)
    expect(readDeviceProof(authorizationHeader(invite, device).slice('Device '.length))).toEqual({
      deviceId: device.deviceId,
      token: deriveDeviceToken(invite.roomId, device),
    })
  })

  it('refuses malformed device proofs', () => {
    for (const bad of ['', 'short.' + 'a'.repeat(43), 'AbCdEfGh12345678.' + 'a'.repeat(42), 'AbCd EfGh12345678.' + 'a'.repeat(43), 'AbCdEfGh12345678' + 'a'.repeat(43)]) {
      expect(readDeviceProof(bad)).toBeUndefined()
    }
    // a device proof that cannot be read makes the whole offer malformed (4400), not anonymous
    const protocols = ['scholenband.v1', `sb.auth.join.${deriveToken(invite)}`, 'sb.dev.bad']
    expect(readOfferedProof(protocols)).toBeUndefined()
  })
})

describe('base32', () => {
  it('round-trips bytes and reads O as 0 and I/L as 1', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 255, 7, 8, 9, 10])
    expect(fromBase32(toBase32(bytes), bytes.length)).toEqual(bytes)
    expect(fromBase32('0O', 1)).toEqual(fromBase32('00', 1))
    expect(fromBase32('1I', 1)).toEqual(fromBase32('L1', 1))
    expect(fromBase32('111', 1)).toBeUndefined()
    expect(fromBase32('1U', 1)).toBeUndefined()
  })
})

describe('acknowledged state', () => {
  it('covers an update once its structs and deletions are acknowledged, not before', () => {
    const doc = new Y.Doc()
    const text = doc.getText('t')
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    text.insert(0, 'hello world')
    text.delete(0, 6) // a deletion only: no new struct, only a delete set
    const [insert, deletion] = updates as [Uint8Array, Uint8Array]
    const afterInsert = snapshotOfUpdate(insert)
    expect(Y.snapshotContainsUpdate(afterInsert, insert)).toBe(true)
    expect(Y.snapshotContainsUpdate(afterInsert, deletion)).toBe(false)
    const both = mergeSnapshots(afterInsert, snapshotOfUpdate(deletion))
    expect(Y.snapshotContainsUpdate(both, deletion)).toBe(true)
    expect(Y.snapshotContainsUpdate(both, Y.encodeStateAsUpdate(doc))).toBe(true)
  })

  it('covers incremental updates that do not start at clock 0', () => {
    const doc = new Y.Doc()
    const map = doc.getMap('m')
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    map.set('title', 'Before')
    map.set('title', 'After') // starts at clock 1, deletes the first value
    const known = updates.map(snapshotOfUpdate).reduce(mergeSnapshots)
    expect(updates.map((u) => Y.snapshotContainsUpdate(known, u))).toEqual([true, true])
    expect(Y.snapshotContainsUpdate(snapshotOfUpdate(updates[0]!), updates[1]!)).toBe(false)
  })
})
