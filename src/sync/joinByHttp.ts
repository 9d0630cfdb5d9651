/**
 * The app's side of joining over HTTP (docs/protocol.md "Joining over HTTP", the relay's side is
 * sync-server/joinDocument.ts): a device that holds nothing of a partnership yet fetches the
 * room's document with `GET /join/<roomId>` before it opens its WebSocket, applies each part as
 * soon as its bytes are in (while the rest is still on the way), and learns the relay position the
 * document is the state of; its socket then resumes from there (resume.ts) and receives only what
 * was written since.
 *
 * Anything short of a whole, well-formed body — no such endpoint (an older relay), a refused
 * proof, a body cut short, garbage — ends the attempt without an error: the WebSocket's own sync
 * then does the join, and says what is wrong as it always did. The parts applied stay: they are
 * the relay's document, and the socket's sync completes them.
 */
import * as Y from 'yjs'
import { JOIN_CONTENT_TYPE, JoinFrameReader, readJoinHeader, type JoinHeader, type RelayPosition } from './wire'

/** Origin of the transactions that apply a join's parts. */
export const HTTP_JOIN_ORIGIN = Symbol('join over HTTP')

/** A join that received no byte for this long is given up (the WebSocket takes over). */
export const JOIN_STALL_MS = 20_000

export interface HttpJoin {
  readonly doc: Y.Doc
  /** `<relay http base>/join/<roomId>`. */
  readonly url: string
  /** The room proof (wire.ts `authorizationHeader`). */
  readonly authorization: string
  readonly signal?: AbortSignal
  readonly fetch?: typeof fetch
}

/**
 * How it ended. `joined`: the whole document arrived, the state of the room at `position`, where
 * the relay held `snapshot`. `cut`: the link failed (no answer, a body cut short or stalled, an
 * abort) — worth trying again. `declined`: the relay answered something else (no such endpoint,
 * a refused proof, a body that is not one) — the WebSocket does the join.
 */
export type JoinOutcome =
  | { readonly kind: 'joined'; readonly position: RelayPosition; readonly snapshot: Y.Snapshot }
  | { readonly kind: 'cut' }
  | { readonly kind: 'declined'; readonly why: string }

/** Fetches and applies the room's document. Never throws. */
export async function joinByHttp(join: HttpJoin): Promise<JoinOutcome> {
  const stall = new AbortController()
  const onAbort = (): void => stall.abort()
  join.signal?.addEventListener('abort', onAbort)
  let timer: ReturnType<typeof setTimeout> | undefined
  const quietFor = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => stall.abort(), JOIN_STALL_MS)
  }
  let res: Response
  try {
    quietFor()
    res = await (join.fetch ?? fetch)(join.url, {
      headers: {
        Authorization: join.authorization,
        // a browser sends its own (brotli only over HTTPS) and ignores this; Node's fetch takes it
        'Accept-Encoding': 'br, gzip',
      },
      cache: 'no-store',
      signal: stall.signal,
    })
  } catch {
    clearTimeout(timer)
    join.signal?.removeEventListener('abort', onAbort)
    return { kind: 'cut' }
  }
  try {
    const type = res.headers.get('Content-Type') ?? ''
    if (!res.ok || !res.body || type.split(';')[0]!.trim() !== JOIN_CONTENT_TYPE) {
      return { kind: 'declined', why: `HTTP ${res.status} ${type}` }
    }
    const reader = res.body.getReader()
    const frames = new JoinFrameReader()
    let header: JoinHeader | undefined
    let applied = 0
    for (;;) {
      quietFor()
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch {
        return { kind: 'cut' }
      }
      const { done, value } = chunk
      if (done) break
      for (const frame of frames.push(value)) {
        if (!header) {
          header = readJoinHeader(frame)
          continue
        }
        if (applied >= header.parts) throw new Error('more parts than announced')
        Y.applyUpdateV2(join.doc, frame, HTTP_JOIN_ORIGIN)
        applied++
      }
    }
    if (!header || applied !== header.parts) return frames.pending > 0 || !header ? { kind: 'cut' } : { kind: 'declined', why: 'fewer parts than announced' }
    if (frames.pending > 0) return { kind: 'declined', why: 'bytes after the last part' }
    return { kind: 'joined', position: header.position, snapshot: Y.decodeSnapshot(header.snapshot) }
  } catch (err) {
    return { kind: 'declined', why: err instanceof Error ? err.message : 'malformed' }
  } finally {
    clearTimeout(timer)
    stall.abort() // a body left unread (garbage, more than announced) is not downloaded further
    join.signal?.removeEventListener('abort', onAbort)
  }
}
