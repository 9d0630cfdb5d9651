/**
 * A client that knows only docs/protocol.md: the invite code decoded and the room proof derived
 * as that page describes, with node:crypto, and the stock y-websocket client. Nothing from src/
 * is used to talk to the relay, so a test through it checks that the page is enough for another
 * program (tests/relay/stockClient.test.ts, and the "foreign program" of tests/e2e/foreignClient.ts).
 */
import { createHash } from 'node:crypto'
import WebSocket from 'ws'
import type * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Crockford base32 → bytes, as docs/protocol.md describes. */
export function base32Decode(text: string): Buffer {
  const bytes: number[] = []
  let acc = 0
  let bits = 0
  for (const ch of text) {
    acc = (acc << 5) | ALPHABET.indexOf(ch)
    bits += 5
    if (bits >= 8) {
      bytes.push((acc >> (bits - 8)) & 255)
      bits -= 8
    }
    acc &= (1 << bits) - 1
  }
  return Buffer.from(bytes)
}

export function base32Encode(bytes: Buffer): string {
  let out = ''
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(acc >> (bits - 5)) & 31]
      bits -= 5
    }
    acc &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31]
  return out
}

export function readInviteCode(code: string): { roomId: string; secret: Buffer } {
  const body = code.replace(/[\s\-–—.]/g, '').toUpperCase().replace(/^SB1/, '')
  if (body.length !== 55) throw new Error('an invite code has 55 characters after SB1')
  const bytes = base32Decode(body).subarray(0, 34)
  const payload = bytes.subarray(0, 32)
  if (!createHash('sha256').update(payload).digest().subarray(0, 2).equals(bytes.subarray(32, 34))) throw new Error('the invite code\'s checksum does not match')
  return { roomId: base32Encode(payload.subarray(0, 16)).toLowerCase(), secret: payload.subarray(16, 32) }
}

export function roomToken(roomId: string, secret: Buffer): string {
  return createHash('sha256').update(`scholenband-token-v1:${roomId}:`).update(secret).digest('base64url')
}

/** A device's own proof in a room: base64url(SHA-256("scholenband-device-v1:" ‖ roomId ‖ ":" ‖ deviceId ‖ ":" ‖ key)). */
export function deviceToken(roomId: string, deviceId: string, key: Buffer): string {
  return createHash('sha256').update(`scholenband-device-v1:${roomId}:${deviceId}:`).update(key).digest('base64url')
}

/** What the relay stores for a token (the body of `PUT /invite`): base64url(SHA-256("scholenband-verifier-v1:" ‖ token)). */
export function verifierOf(token: string): string {
  return createHash('sha256').update(`scholenband-verifier-v1:${token}`).digest('base64url')
}

export function stockProvider(url: string, roomId: string, doc: Y.Doc, protocols: string[]): WebsocketProvider {
  return new WebsocketProvider(url, roomId, doc, {
    protocols,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
}
