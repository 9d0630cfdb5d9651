/**
 * Another program holding a partnership's invite: it opens the room with the stock y-websocket
 * client, using only docs/protocol.md (the invite code decoded and the room proof derived here,
 * with node:crypto; nothing from src/), and writes through Yjs alone — no history, no tombstones.
 */
import * as Y from 'yjs'
import { readInviteCode, roomToken, stockProvider } from '../helpers/documentedClient'

/** Room id and token from an invite code ("Invite code" and "The room proof" in docs/protocol.md). */
export function roomProof(code: string): { roomId: string; token: string } {
  const { roomId, secret } = readInviteCode(code)
  return { roomId, token: roomToken(roomId, secret) }
}

export interface ForeignClient {
  readonly doc: Y.Doc
  close(): void
}

/** Opens the room as a stock y-websocket client and waits for the first sync. */
export async function openForeignClient(wsUrl: string, code: string): Promise<ForeignClient> {
  const { roomId, token } = roomProof(code)
  const doc = new Y.Doc()
  const provider = stockProvider(wsUrl, roomId, doc, ['scholenband.v1', `sb.auth.join.${token}`])
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
