/**
 * The app's side of the link heartbeat (src/sync/heartbeat.ts), driven by a clock of the test's
 * own: when a heartbeat goes out, when the link counts as dead, and when it must not — an older
 * relay that never said it answers, a large message on its way in either direction, a hidden page.
 */
import { describe, expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import { ANSWER_MS, LinkWatch, QUIET_MS, TICK_MS } from '../../src/sync/heartbeat'
import { LARGE_MESSAGE_BYTES, MESSAGE_HEARTBEAT } from '../../src/sync/wire'

function harness(opts: { visible?: () => boolean } = {}) {
  let now = 0
  const sent: number[] = []
  let deaths = 0
  const watch = new LinkWatch({
    send: (m) => {
      const d = decoding.createDecoder(m)
      expect(decoding.readVarUint(d)).toBe(MESSAGE_HEARTBEAT)
      sent.push(decoding.readVarUint(d))
    },
    onDead: () => deaths++,
    now: () => now,
    ...(opts.visible ? { isVisible: opts.visible } : {}),
  })
  /** Lets `ms` pass, ticking as the app's timer does. */
  const pass = (ms: number): void => {
    for (let t = 0; t < ms; t += TICK_MS) {
      now += TICK_MS
      watch.tick()
    }
  }
  const answer = (n: number): void => {
    watch.received()
    watch.heartbeat(n)
  }
  watch.opened()
  return { watch, sent, deaths: () => deaths, pass, answer, now: (ms: number) => void (now += ms) }
}

describe('the link heartbeat', () => {
  it('sends nothing to a relay that never said it answers heartbeats (an older relay)', () => {
    const h = harness()
    h.pass(60_000)
    expect(h.sent).toEqual([])
    expect(h.deaths()).toBe(0)
  })

  it('sends one only after the socket was quiet, and a link that answers stays alive', () => {
    const h = harness()
    h.answer(0)
    h.pass(QUIET_MS - TICK_MS)
    expect(h.sent).toEqual([])
    h.pass(TICK_MS)
    expect(h.sent).toEqual([1])
    let answered = 0
    for (let t = 0; t < 60_000; t += TICK_MS) {
      // each answered within a tick
      if (h.sent.length > answered) h.answer(h.sent[answered++]!)
      h.pass(TICK_MS)
    }
    expect(h.deaths()).toBe(0)
    // one heartbeat each quiet interval: the cost on a quiet good link
    expect(h.sent.length).toBe(1 + 60_000 / QUIET_MS)
  })

  it('takes any message for life: no heartbeat while the relay talks', () => {
    const h = harness()
    h.answer(0)
    for (let i = 0; i < 20; i++) {
      h.pass(QUIET_MS / 2)
      h.watch.received()
    }
    expect(h.sent).toEqual([])
  })

  it('finds the link dead when nothing comes within the answer time, once', () => {
    const h = harness()
    h.answer(0)
    h.pass(QUIET_MS + ANSWER_MS - TICK_MS)
    expect(h.deaths()).toBe(0)
    h.pass(2 * TICK_MS)
    expect(h.deaths()).toBe(1)
    h.pass(60_000)
    expect(h.deaths()).toBe(1)
    expect(h.sent).toEqual([1])
  })

  it('judges nothing on a tick that came late (a long task): the answer may wait to be read', () => {
    const h = harness()
    h.answer(0)
    h.pass(QUIET_MS)
    expect(h.sent).toEqual([1])
    h.now(10_000)
    h.watch.tick()
    expect(h.deaths()).toBe(0)
    h.answer(1) // read once the task was over
    h.pass(TICK_MS)
    expect(h.deaths()).toBe(0)
  })

  it('waits for a large message the relay announced, however long it takes', () => {
    const h = harness()
    h.answer(0)
    h.watch.received()
    h.watch.largeNext()
    h.pass(25_000)
    expect(h.deaths()).toBe(0)
    h.watch.received() // the large message itself
    h.pass(QUIET_MS + ANSWER_MS + TICK_MS)
    expect(h.deaths()).toBe(1)
  })

  it("sets no deadline while this device's own large message may still be on its way", () => {
    const h = harness()
    h.answer(0)
    h.watch.sent(LARGE_MESSAGE_BYTES)
    h.pass(TICK_MS)
    expect(h.sent).toEqual([1]) // behind the upload: its answer says the relay has read it
    h.pass(25_000)
    expect(h.deaths()).toBe(0)
    expect(h.sent).toEqual([1])
    h.answer(1)
    h.pass(QUIET_MS + ANSWER_MS + TICK_MS)
    expect(h.deaths()).toBe(1)
  })

  it('sends nothing while the page is hidden, and starts with a heartbeat when it shows again', () => {
    let visible = false
    const h = harness({ visible: () => visible })
    h.answer(0)
    h.pass(60_000)
    expect(h.sent).toEqual([])
    expect(h.deaths()).toBe(0)
    visible = true
    h.pass(TICK_MS)
    expect(h.sent).toEqual([1])
  })
})
