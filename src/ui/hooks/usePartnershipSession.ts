/**
 * One open partnership, for as long as a screen shows it: opens it on this device
 * (../session/openSession.ts: its document, its connection to the relay and what runs beside
 * them) and closes it when the screen leaves the partnership. With `after`, the opening (reading
 * the document, seconds of work for a large one) waits for it: the plan's saved view is drawn first.
 */
import { startTransition, useEffect, useState } from 'react'
import { getPartnership } from '../../storage'
import { parseInviteCode } from '../../sync'
import { openSession, type PartnershipSession } from '../session/openSession'

/** The open session the state holds (defined with the opening, ../session/openSession.ts). */
export type { PartnershipSession } from '../session/openSession'

export type SessionState =
  | { readonly phase: 'opening' }
  /** No registry entry for this room on this device. */
  | { readonly phase: 'missing' }
  /** The entry's invite code cannot be read (should not happen: it was checked when added). */
  | { readonly phase: 'broken' }
  | { readonly phase: 'open'; readonly session: PartnershipSession }

export function usePartnershipSession(roomId: string, after?: Promise<void>): SessionState {
  const [state, setState] = useState<SessionState>({ phase: 'opening' })

  useEffect(() => {
    let isCancelled = false
    let session: PartnershipSession | undefined
    setState({ phase: 'opening' })
    void (async () => {
      const entry = await getPartnership(roomId)
      if (isCancelled) return
      if (!entry) {
        setState({ phase: 'missing' })
        return
      }
      const parsed = parseInviteCode(entry.inviteCode)
      if (!parsed.ok || parsed.invite.roomId !== roomId) {
        setState({ phase: 'broken' })
        return
      }
      if (after) await after
      if (isCancelled) return
      const opened = await openSession(entry, parsed.invite)
      if (isCancelled) {
        void opened.close()
        return
      }
      session = opened
      // the partnership's screens drawn from the whole document: a render React may interrupt
      // (a transition), a slice at a time, not one task of a few hundred ms on a cheap phone
      startTransition(() => setState({ phase: 'open', session: opened }))
    })()
    return () => {
      isCancelled = true
      void session?.close()
    }
  }, [roomId, after])

  return state
}
