/**
 * QR invites (issue 13 §2), without a browser: the app's drawing of an invite link (drawQr), seen
 * in a camera-sized frame, is read back by the decoder that "Scan QR code" uses where the browser
 * has no BarcodeDetector (readQr), and what it reads is the invite the join form joins with.
 * A QR code that is not an invite gets the same answer as the same text pasted.
 */
import { describe, expect, it } from 'vitest'
import { QUIET_ZONE, drawQr } from '../../src/ui/qr/drawQr'
import { readQr } from '../../src/ui/qr/readQr'
import { formatInviteCode, inviteLink, newInvite, parseInviteCode } from '../../src/sync'
import { inFrame, qrPicture } from '../helpers/qrPictures'

describe('QR invites', () => {
  it('a photo of the invite link’s QR code gives the invite that the join form joins with', () => {
    const invite = newInvite()
    const link = inviteLink('https://scholenband.example.org', invite)
    // a code a little smaller than a phone's camera frame, not a whole number of pixels a module
    const text = readQr(inFrame(qrPicture(link, 5.5)))
    expect(text).toBe(link)
    const joined = parseInviteCode(text ?? '')
    expect(joined.ok).toBe(true)
    if (!joined.ok) return
    expect(joined.invite.roomId).toBe(invite.roomId)
    expect([...joined.invite.secret]).toEqual([...invite.secret])
    expect(formatInviteCode(joined.invite)).toBe(formatInviteCode(invite))
  })

  it('a QR code of the bare code (no link) joins too, as a pasted code would', () => {
    const invite = newInvite()
    const text = readQr(inFrame(qrPicture(formatInviteCode(invite), 6)))
    const joined = parseInviteCode(text ?? '')
    expect(joined.ok && joined.invite.roomId).toBe(invite.roomId)
  })

  it('a QR code that is not an invite gets the answer the same text pasted gets', () => {
    const text = readQr(inFrame(qrPicture('https://example.org/menu?table=4', 6)))
    expect(text).toBe('https://example.org/menu?table=4')
    expect(parseInviteCode(text ?? '')).toEqual({ ok: false, error: 'notAnInvite' })
  })

  it('a frame without a code reads as nothing (the camera tries the next frame)', () => {
    const empty = inFrame({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(255) })
    expect(readQr(empty)).toBeUndefined()
  })

  it('the drawing keeps the quiet zone free: every dark module lies inside it', () => {
    const link = inviteLink('https://scholenband.example.org', newInvite())
    const drawing = drawQr(link)
    const corners = [...drawing.path.matchAll(/M(\d+) (\d+)h(\d+)/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const)
    expect(corners.length).toBeGreaterThan(0)
    for (const [x, y, run] of corners) {
      expect(x).toBeGreaterThanOrEqual(QUIET_ZONE)
      expect(y).toBeGreaterThanOrEqual(QUIET_ZONE)
      expect(x + run).toBeLessThanOrEqual(drawing.side - QUIET_ZONE)
      expect(y + 1).toBeLessThanOrEqual(drawing.side - QUIET_ZONE)
    }
  })
})
