/**
 * Joining over HTTP (docs/protocol.md "Joining over HTTP"): the body's frames, the relay's cut of a
 * document into parts that apply one by one, and the app's reading of a body — whole, cut short,
 * declined or garbage — with what it leaves in the document.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { JoinFrameReader, MAX_JOIN_FRAME_BYTES, encodeJoinFrame, encodeJoinHeader, newEpoch, readJoinHeader, JOIN_CONTENT_TYPE } from '../../src/sync/wire'
import { joinByHttp } from '../../src/sync/joinByHttp'
import { clientsInOrder, planJoin } from '../../sync-server/joinDocument'

/**
 * A document written in turns by `sessions` devices (each a new Yjs client, as each app start is),
 * every one editing what the ones before wrote: its items build on other clients' items.
 */
function writtenInTurns(sessions: number): Y.Doc {
  const doc = new Y.Doc()
  for (let i = 0; i < sessions; i++) {
    const session = new Y.Doc()
    Y.applyUpdate(session, Y.encodeStateAsUpdate(doc))
    const text = session.getText('letter')
    text.insert(Math.floor(text.length / 2), `session ${i} wrote this sentence in the middle. `)
    if (text.length > 40) text.delete(3, 5)
    const plan = session.getMap('activities')
    const activity = (plan.get(`a${i % 7}`) as Y.Map<unknown> | undefined) ?? new Y.Map<unknown>()
    if (!activity.parent) plan.set(`a${i % 7}`, activity)
    activity.set('title', `title ${i} ${'x'.repeat(2000)}`)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(session))
  }
  // as a relay loads it from its log: one update, whose clients Yjs orders by id, not by history
  const loaded = new Y.Doc()
  Y.applyUpdate(loaded, Y.encodeStateAsUpdate(doc))
  return loaded
}

/**
 * Sessions that stay open (a coordinator's tab open all day): each first writes a field of its
 * own, then each writes after the next one's words in a letter — so a client's later items build on
 * a client whose first item came after its own. Reloaded as a relay loads it.
 */
function longSessions(n: number): Y.Doc {
  const sessions = Array.from({ length: n }, (_, i) => {
    const s = new Y.Doc()
    s.getMap('fields').set(`field ${i}`, `${i} ${'y'.repeat(3000)}`)
    return s
  })
  const sync = (from: Y.Doc, to: Y.Doc): void => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
  sessions[n - 1]!.getText('letter').insert(0, `words of session ${n - 1}. `)
  for (let i = n - 2; i >= 0; i--) {
    sync(sessions[i + 1]!, sessions[i]!)
    const text = sessions[i]!.getText('letter')
    text.insert(text.length, `words of session ${i}. `)
  }
  const all = new Y.Doc()
  for (const s of sessions) sync(s, all)
  const loaded = new Y.Doc()
  Y.applyUpdate(loaded, Y.encodeStateAsUpdate(all))
  return loaded
}

const sameDoc = (a: Y.Doc, b: Y.Doc): boolean =>
  Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b))) &&
  Y.equalDeleteSets(Y.createDeleteSetFromStructStore(a.store), Y.createDeleteSetFromStructStore(b.store)) &&
  a.getText('letter').toString() === b.getText('letter').toString()

/** A join body as the relay writes it, uncompressed. */
function body(doc: Y.Doc, roomBytes = Y.encodeStateAsUpdate(doc).byteLength): { bytes: Uint8Array; parts: number } {
  const plan = planJoin(doc, roomBytes)
  const frames = [encodeJoinHeader({ position: { epoch: 'a1b2c3d4e5f60718', n: 42 }, parts: plan.count, snapshot: Y.encodeSnapshot(Y.snapshot(doc)) })]
  for (let k = 0; k < plan.count; k++) frames.push(encodeJoinFrame(plan.part(k)))
  return { bytes: Buffer.concat(frames), parts: plan.count }
}

/** A fetch that answers with `bytes` in chunks of `chunk`, then fails with `failAfter` bytes sent (if set). */
function fetchOf(bytes: Uint8Array, opts: { chunk?: number; status?: number; type?: string; failAfter?: number } = {}): typeof fetch {
  return (async () => {
    const chunk = opts.chunk ?? 1000
    let at = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (opts.failAfter !== undefined && at >= opts.failAfter) {
          controller.error(new TypeError('network error'))
          return
        }
        if (at >= bytes.byteLength) {
          controller.close()
          return
        }
        controller.enqueue(bytes.slice(at, at + chunk))
        at += chunk
      },
    })
    return new Response(stream, { status: opts.status ?? 200, headers: { 'Content-Type': opts.type ?? JOIN_CONTENT_TYPE } })
  }) as typeof fetch
}

const join = (doc: Y.Doc, f: typeof fetch) => joinByHttp({ doc, url: 'http://relay.test/join/x', authorization: 'Bearer x', fetch: f })

describe('join body frames', () => {
  it('cuts a stream into its frames whatever the chunks, one byte at a time included', () => {
    const frames = [new Uint8Array(0), new Uint8Array(1).fill(7), new Uint8Array(200).fill(1), new Uint8Array(70_000).fill(2)]
    const bytes = Buffer.concat(frames.map(encodeJoinFrame))
    for (const size of [1, 2, 127, 128, 4096, bytes.byteLength]) {
      const reader = new JoinFrameReader()
      const got: Uint8Array[] = []
      for (let at = 0; at < bytes.byteLength; at += size) got.push(...reader.push(bytes.subarray(at, at + size)))
      expect(got.map((f) => f.byteLength)).toEqual([0, 1, 200, 70_000])
      expect(got[3]!.every((b) => b === 2)).toBe(true)
      expect(reader.pending).toBe(0)
    }
  })

  it('refuses a frame that announces more than it may, before waiting for its bytes', () => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MAX_JOIN_FRAME_BYTES + 1)
    expect(() => new JoinFrameReader().push(encoding.toUint8Array(e))).toThrow(/too large/)
  })

  it('reads back a header, and refuses another format, a bad epoch or trailing bytes', () => {
    const snapshot = Y.encodeSnapshot(Y.snapshot(writtenInTurns(2)))
    const epoch = newEpoch()
    const frame = (bytes: Uint8Array) => new JoinFrameReader().push(bytes)[0]!
    const header = readJoinHeader(frame(encodeJoinHeader({ position: { epoch, n: 9 }, parts: 3, snapshot })))
    expect(header).toEqual({ position: { epoch, n: 9 }, parts: 3, snapshot })
    const raw = (f: (e: encoding.Encoder) => void) => {
      const e = encoding.createEncoder()
      f(e)
      return encoding.toUint8Array(e)
    }
    expect(() => readJoinHeader(raw((e) => encoding.writeVarUint(e, 2)))).toThrow(/unknown join format 2/)
    const withEpoch = (ep: string, extra = false) =>
      raw((e) => {
        encoding.writeVarUint(e, 1)
        encoding.writeVarString(e, ep)
        encoding.writeVarUint(e, 1)
        encoding.writeVarUint(e, 1)
        encoding.writeVarUint8Array(e, snapshot)
        if (extra) encoding.writeVarUint(e, 5)
      })
    expect(() => readJoinHeader(withEpoch(epoch))).not.toThrow()
    expect(() => readJoinHeader(withEpoch('../../etc/passwd'))).toThrow(/malformed/)
    expect(() => readJoinHeader(withEpoch(epoch, true))).toThrow(/malformed/)
  })
})

/** The document joined from the parts of a room as big as 8 parts, each checked to apply whole (nothing left pending). */
function inEightParts(doc: Y.Doc): Y.Doc {
  const plan = planJoin(doc, 8 * 512 * 1024)
  expect(plan.count).toBe(8)
  const joined = new Y.Doc()
  for (let k = 0; k < plan.count; k++) {
    Y.applyUpdateV2(joined, plan.part(k))
    expect(joined.store.pendingStructs, `part ${k}`).toBeNull()
  }
  return joined
}

describe('the relay’s parts', () => {
  it('puts every client after the clients its items build on, so each part applies without waiting for a later one', () => {
    const doc = writtenInTurns(40)
    const order = clientsInOrder(doc)
    expect(new Set(order)).toEqual(new Set(doc.store.clients.keys()))
    expect(sameDoc(inEightParts(doc), doc)).toBe(true)
  })

  it('puts a long session after the sessions it wrote after, though its first item came before theirs', () => {
    const doc = longSessions(40)
    const joined = inEightParts(doc)
    expect(sameDoc(joined, doc)).toBe(true)
    expect(joined.getText('letter').toString()).toMatch(/^words of session 39\. words of session 38\./)
  })

  it('makes one part of a small room, and of a document holding what it cannot integrate yet', () => {
    const doc = writtenInTurns(5)
    expect(planJoin(doc, 10_000).count).toBe(1)
    const first = [...doc.store.clients.keys()].find((c) => Y.getState(doc.store, c) > 0 && clientsInOrder(doc)[0] === c)!
    const gap = new Y.Doc()
    // everything but the first session's items: the others build on them, so they wait
    Y.applyUpdate(gap, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(new Map([[first, Y.getState(doc.store, first)]]))))
    expect(gap.store.pendingStructs).not.toBeNull()
    expect(planJoin(gap, 8 * 512 * 1024).count).toBe(1)
  })
})

describe('the app reading a join body', () => {
  it('applies a whole body in any chunking and returns the position and the relay’s snapshot', async () => {
    const doc = writtenInTurns(30)
    const { bytes, parts } = body(doc, 4 * 512 * 1024)
    expect(parts).toBe(4)
    for (const chunk of [1, 333, 1_000_000]) {
      const joined = new Y.Doc()
      const outcome = await join(joined, fetchOf(bytes, { chunk }))
      expect(outcome.kind).toBe('joined')
      if (outcome.kind !== 'joined') continue
      expect(outcome.position).toEqual({ epoch: 'a1b2c3d4e5f60718', n: 42 })
      expect(Y.equalSnapshots(outcome.snapshot, Y.snapshot(doc))).toBe(true)
      expect(sameDoc(joined, doc)).toBe(true)
    }
  })

  it('a body cut short is "cut": the parts that arrived stay, nothing else is claimed', async () => {
    const doc = writtenInTurns(30)
    const { bytes } = body(doc, 4 * 512 * 1024)
    const joined = new Y.Doc()
    const outcome = await join(joined, fetchOf(bytes, { failAfter: Math.floor(bytes.byteLength * 0.6) }))
    expect(outcome).toEqual({ kind: 'cut' })
    expect(joined.store.clients.size).toBeGreaterThan(0)
    expect(joined.store.clients.size).toBeLessThan(doc.store.clients.size)
    // the rest arrives another way (the socket's sync) and the document is whole
    Y.applyUpdate(joined, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(joined)))
    expect(sameDoc(joined, doc)).toBe(true)
  })

  it('declines what is not a join body — an older relay’s page, a refusal, garbage — and leaves the document as it was', async () => {
    const doc = writtenInTurns(6)
    const { bytes } = body(doc)
    const html = new TextEncoder().encode('<!doctype html><title>Scholenband</title>')
    const refusal = new TextEncoder().encode('{"error":"invite not valid for this partnership"}')
    const garbage = new Uint8Array(5000).map((_, i) => (i * 7919) % 251)
    const header = new JoinFrameReader().push(bytes)[0]!
    const headerThenGarbage = Buffer.concat([encodeJoinFrame(header), encodeJoinFrame(garbage)])
    const cases: [string, typeof fetch, RegExp][] = [
      ['the app page', fetchOf(html, { type: 'text/html' }), /HTTP 200 text\/html/],
      ['a refusal', fetchOf(refusal, { status: 403, type: 'application/json' }), /HTTP 403/],
      ['garbage', fetchOf(garbage), /./],
      ['a header, then a part that is garbage', fetchOf(headerThenGarbage), /./],
      ['a header and no parts', fetchOf(encodeJoinFrame(header)), /fewer parts/],
    ]
    for (const [what, f, why] of cases) {
      const joined = new Y.Doc()
      joined.getText('letter').insert(0, 'mine')
      const outcome = await join(joined, f)
      expect(outcome.kind, what).toBe('declined')
      if (outcome.kind === 'declined') expect(outcome.why, what).toMatch(why)
      expect(joined.getText('letter').toString(), what).toBe('mine')
    }
  })

  it('a relay that cannot be reached is "cut"', async () => {
    const outcome = await join(new Y.Doc(), (async () => {
      throw new TypeError('fetch failed')
    }) as typeof fetch)
    expect(outcome).toEqual({ kind: 'cut' })
  })
})
