/**
 * Fuzz run against a running relay: random, truncated, oversized and text frames, with and
 * without a valid room proof, plus garbage after the HTTP upgrade on raw TCP. Meanwhile a
 * well-behaved client in another room edits periodically and must keep reaching 'synced', and
 * `/healthz` must keep answering 200. Used by `fuzz.test.ts` and `npm run fuzz -- --frames N`.
 */
import { connect as tcpConnect } from 'node:net'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { MESSAGE_AWARENESS, MESSAGE_RELAY_ACK, MESSAGE_SYNC, newInvite, type Invite } from '../../src/sync/wire'
import { EMPTY_ACTIVITY, createActivity, initPartnership, listActivities } from '../../src/domain'
import { appConnection, protocolsFor } from '../helpers/clients'
import { waitFor } from '../helpers/relay'
import { mulberry32 } from '../helpers/random'

export interface FuzzOptions {
  readonly httpUrl: string
  readonly wsUrl: string
  readonly port: number
  /** The relay's MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes: number
  readonly frames: number
  readonly seed?: number
  readonly concurrency?: number
  readonly onProgress?: (sent: number) => void
}

export interface FuzzResult {
  readonly framesSent: number
  readonly sockets: number
  readonly rawTcpSessions: number
  readonly closeCodes: Record<string, number>
  readonly healthChecks: number
  readonly wellBehavedSyncs: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function frame(type: number, body: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, type)
  body(e)
  return encoding.toUint8Array(e)
}

/** One valid message of each kind, to be truncated or wrapped. */
function validMessages(): Uint8Array[] {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'fuzz text')
  doc.getMap('m').set('k', 'v')
  const update = Y.encodeStateAsUpdate(doc)
  return [
    frame(MESSAGE_SYNC, (e) => {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
    }),
    frame(MESSAGE_SYNC, (e) => {
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint8Array(e, update)
    }),
    frame(MESSAGE_SYNC, (e) => {
      encoding.writeVarUint(e, 2)
      encoding.writeVarUint8Array(e, update)
    }),
    frame(MESSAGE_AWARENESS, (e) => {
      const inner = encoding.createEncoder()
      encoding.writeVarUint(inner, 1)
      encoding.writeVarUint(inner, 12345)
      encoding.writeVarUint(inner, 1)
      encoding.writeVarString(inner, '{"user":"fuzz"}')
      encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
    }),
    new Uint8Array([3]),
  ]
}

/** A socket's worth of frames: what kind, and the frames (binary or text). */
function makeFrames(rand: () => number, maxMessageBytes: number, valid: Uint8Array[]): (Uint8Array | string)[] {
  const bytes = (n: number): Uint8Array => {
    const b = new Uint8Array(n)
    for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256)
    return b
  }
  const n = 1 + Math.floor(rand() * 4)
  const out: (Uint8Array | string)[] = []
  for (let i = 0; i < n; i++) {
    const r = rand()
    const base = valid[Math.floor(rand() * valid.length)]!
    if (r < 0.25) out.push(bytes(Math.floor(rand() * 200)))
    else if (r < 0.5) {
      // y-protocols framing with random content
      const type = [MESSAGE_SYNC, MESSAGE_SYNC, MESSAGE_AWARENESS, 3, MESSAGE_RELAY_ACK, Math.floor(rand() * 300)][Math.floor(rand() * 6)]!
      out.push(
        frame(type, (e) => {
          if (type === MESSAGE_SYNC) encoding.writeVarUint(e, Math.floor(rand() * 4))
          const body = bytes(Math.floor(rand() * 120))
          if (rand() < 0.7) encoding.writeVarUint8Array(e, body)
          else encoding.writeUint8Array(e, body)
        }),
      )
    } else if (r < 0.75) out.push(base.slice(0, Math.floor(rand() * base.length))) // truncated
    else if (r < 0.8) out.push(base) // valid, so the relay has to keep going after it
    else if (r < 0.88) {
      // oversized: just above the limit, or a length prefix claiming far more than is sent
      if (rand() < 0.5) out.push(bytes(maxMessageBytes + 1 + Math.floor(rand() * 1024)))
      else out.push(frame(MESSAGE_SYNC, (e) => {
        encoding.writeVarUint(e, 2)
        encoding.writeVarUint(e, 0x7fffffff)
        encoding.writeUint8Array(e, bytes(16))
      }))
    } else out.push(rand() < 0.5 ? 'hello relay' : Buffer.from(bytes(40)).toString('latin1')) // text frames
  }
  return out
}

/** Opens a WebSocket, sends the frames, waits for the close (or closes after a moment). */
function wsSession(url: string, protocols: string[], frames: (Uint8Array | string)[]): Promise<{ sent: number; code: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { handshakeTimeout: 5000 })
    let sent = 0
    let done = false
    const finish = (code: number): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve({ sent, code })
    }
    const timer = setTimeout(() => {
      ws.terminate()
      finish(-1)
    }, 3000)
    ws.on('open', () => {
      for (const f of frames) {
        if (ws.readyState !== WebSocket.OPEN) break
        ws.send(f, { binary: typeof f !== 'string' })
        sent++
      }
      setTimeout(() => ws.close(1000), 100)
    })
    ws.on('close', (code) => finish(code))
    ws.on('error', () => finish(-2))
  })
}

/** Raw TCP: a valid upgrade request then garbage instead of WebSocket frames, or garbage only. */
function tcpGarbage(port: number, path: string, protocols: string[], garbage: Uint8Array, upgrade: boolean): Promise<void> {
  return new Promise((resolve) => {
    const sock = tcpConnect(port, '127.0.0.1')
    const timer = setTimeout(() => sock.destroy(), 1500)
    sock.on('connect', () => {
      if (upgrade) {
        sock.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${Buffer.from(garbage.slice(0, 16).length === 16 ? garbage.slice(0, 16) : new Uint8Array(16)).toString('base64')}\r\n` +
            `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocols.join(', ')}\r\n\r\n`,
        )
      }
      sock.write(garbage)
      setTimeout(() => sock.end(), 50)
    })
    sock.on('data', () => {})
    sock.on('error', () => {})
    sock.on('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const rand = mulberry32(opts.seed ?? 1)
  const valid = validMessages()
  // the fuzzed room exists, so a valid proof gets in
  const fuzzInvite = newInvite()
  const owner = appConnection(opts.wsUrl, fuzzInvite, 'create')
  const wrongInvite: Invite = { roomId: fuzzInvite.roomId, secret: new Uint8Array(16) }
  // the well-behaved pair in another room
  const invite = newInvite()
  const a = appConnection(opts.wsUrl, invite, 'create')
  initPartnership(a.doc, { name: 'Calm', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
  let wellBehavedSyncs = 0
  const unsubscribe = a.conn.subscribe(() => {
    if (a.conn.getState().kind === 'synced') wellBehavedSyncs++
  })
  let b: ReturnType<typeof appConnection> | undefined
  let stop = false
  let editError: Error | undefined
  let healthChecks = 0
  const closeCodes: Record<string, number> = {}
  let framesSent = 0
  let sockets = 0
  let rawTcpSessions = 0
  const health = async (): Promise<void> => {
    const res = await fetch(`${opts.httpUrl}/healthz`)
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status} after ${framesSent} frames`)
    await res.arrayBuffer()
    healthChecks++
  }
  try {
    await waitFor(() => owner.conn.getState().kind === 'synced' && a.conn.getState().kind === 'synced', 'fuzz room and calm room created', 15_000)
    b = appConnection(opts.wsUrl, invite, 'join')
    await waitFor(() => b!.conn.getState().kind === 'synced', 'calm partner joined', 15_000)
    const calmB = b
    // the well-behaved client edits every 300 ms and must reach 'synced' within 10 s each time,
    // and its partner must receive the edit
    const calm = (async () => {
      for (let i = 0; !stop; i++) {
        const title = `calm ${i}`
        createActivity(a.doc, { ...EMPTY_ACTIVITY, title }, 'An')
        try {
          await waitFor(() => a.conn.getState().kind === 'synced', `well-behaved edit ${i} synced during the fuzz`, 10_000)
          await waitFor(() => listActivities(calmB.doc).some((x) => x.title === title), `well-behaved edit ${i} reached the partner`, 10_000)
        } catch (err) {
          editError = err as Error
          return
        }
        await sleep(300)
      }
    })()
    const concurrency = opts.concurrency ?? 6
    const worker = async (): Promise<void> => {
      // bounded: a relay that refuses every socket ends the run instead of looping
      while (framesSent < opts.frames && !editError && sockets < opts.frames * 5) {
        const r = rand()
        const room = `${opts.wsUrl}/${fuzzInvite.roomId}`
        if (r < 0.08) {
          const garbage = new Uint8Array(1 + Math.floor(rand() * 300)).map(() => Math.floor(rand() * 256))
          await tcpGarbage(opts.port, `/sync/${fuzzInvite.roomId}`, protocolsFor(fuzzInvite, 'join'), garbage, rand() < 0.8)
          rawTcpSessions++
          framesSent++
          continue
        }
        const protocols =
          r < 0.6 ? protocolsFor(fuzzInvite, 'join') : r < 0.75 ? protocolsFor(wrongInvite, 'join') : r < 0.9 ? ['scholenband.v1'] : []
        const frames = makeFrames(rand, opts.maxMessageBytes, valid)
        const result = await wsSession(room, protocols, frames)
        sockets++
        framesSent += result.sent
        closeCodes[result.code] = (closeCodes[result.code] ?? 0) + 1
        if (sockets % 50 === 0) {
          await health()
          opts.onProgress?.(framesSent)
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    stop = true
    const refused = closeCodes['-2'] ?? 0
    if (refused > sockets / 2) throw new Error(`${refused} of ${sockets} sockets could not even open (rate limits?), ${framesSent} frames sent`)
    await calm
    if (editError) throw editError
    await health()
    // and once more after the fuzz: a fresh edit reaches synced and the partner
    createActivity(a.doc, { ...EMPTY_ACTIVITY, title: 'after the fuzz' }, 'An')
    await waitFor(() => a.conn.getState().kind === 'synced', 'well-behaved edit synced after the fuzz', 10_000)
    await waitFor(() => listActivities(calmB.doc).some((x) => x.title === 'after the fuzz'), 'partner got the edit after the fuzz', 10_000)
    return { framesSent, sockets, rawTcpSessions, closeCodes, healthChecks, wellBehavedSyncs }
  } finally {
    stop = true
    unsubscribe()
    owner.conn.destroy()
    a.conn.destroy()
    b?.conn.destroy()
  }
}
