/**
 * Another program holding a partnership's invite: it opens the room with the stock y-websocket
 * client, using only docs/protocol.md (the invite code decoded and the room proof derived here,
 * with node:crypto; nothing from src/), and writes through Yjs alone — no history, no tombstones.
 */
import { createHash } from 'node:crypto'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function base32Decode(text: string): Buffer {
  const bytes: number[] = []
  let acc = 0
  let bits = 0
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch)
    if (v < 0) throw new Error(`not base32: ${ch}`)
    acc = (acc << 5) | v
    bits += 5
    if (bits >= 8) {
      bytes.push((acc >> (bits - 8)) & 255)
      bits -= 8
    }
    acc &= (1 << bits) - 1
  }
  return Buffer.from(bytes)
}

function base32Encode(bytes: Buffer): string {
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

/** Room id and token from an invite code ("Invite code" and "The room proof" in docs/protocol.md). */
export function roomProof(code: string): { roomId: string; token: string } {
  const body = code.replace(/[\s\-–—.]/g, '').toUpperCase().replace(/^SB1/, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (body.length !== 55) throw new Error('an invite code has 55 characters after SB1')
  const bytes = base32Decode(body).subarray(0, 34)
  const payload = bytes.subarray(0, 32)
  if (!createHash('sha256').update(payload).digest().subarray(0, 2).equals(bytes.subarray(32, 34))) throw new Error('checksum')
  const roomId = base32Encode(payload.subarray(0, 16)).toLowerCase()
  const token = createHash('sha256').update(`scholenband-token-v1:${roomId}:`).update(payload.subarray(16, 32)).digest('base64url')
  return { roomId, token }
}

export interface ForeignClient {
  readonly doc: Y.Doc
  close(): void
}

/** Opens the room as a stock y-websocket client and waits for the first sync. */
export async function openForeignClient(wsUrl: string, code: string): Promise<ForeignClient> {
  const { roomId, token } = roomProof(code)
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, roomId, doc, {
    protocols: ['scholenband.v1', `sb.auth.join.${token}`],
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the foreign client did not sync')), 20_000)
    provider.on('sync', (isSynced: boolean) => {
      if (!isSynced) return
      clearTimeout(timer)
      resolve()
    })
  })
  return {
    doc,
    close: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** What a buggy or hostile program does: removes every activity outright and marks the document version 99. */
export function vandalise(doc: Y.Doc): void {
  doc.transact(() => {
    const activities = doc.getMap('activities')
    for (const id of [...activities.keys()]) activities.delete(id)
    doc.getMap('meta').set('version:99', true)
  })
}
