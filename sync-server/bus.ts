/**
 * Updates between relay processes (REDIS_URL): one Redis stream per room, `room:<id>`.
 *
 * - A relay adds an update (`XADD room:<id> * u <bytes> p <process>`) only after the durable
 *   write, so whoever reads it from the stream can also read it from the store.
 * - Each relay reads (`XREAD BLOCK`) the streams of the rooms it has loaded, from the last id it
 *   saw. A room is watched from the stream's last id taken *before* its log is read: an update
 *   stored after that read comes through the stream, one stored before is in the log (a Yjs
 *   update applied twice changes nothing).
 * - A relay skips its own entries. Streams are trimmed (MAXLEN ~): the store is the record, the
 *   stream only the way across.
 * - Each entry carries the update's position in the room's log (`n`, see pgStore.ts): a relay
 *   that sees a position jump knows it missed entries (trimmed, or an XADD that failed) and reads
 *   them from the store (catchUp.ts).
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { errorFields, type Logger } from './log'

export interface RoomBus {
  /** Starts reading the room's stream from where it stands now; `onUpdate` gets other relays' updates and their positions. */
  watch(room: string, onUpdate: (update: Uint8Array, position: number) => void): Promise<void>
  /** Stops reading the room's stream. */
  unwatch(room: string): void
  /** Tells the other relays about an update already in the store at `position`. */
  publish(room: string, update: Uint8Array, position: number): Promise<void>
  close(): Promise<void>
}

const MAX_STREAM_LENGTH = 10_000

export async function openRedisBus(url: string, log: Logger): Promise<RoomBus> {
  const self = randomUUID()
  // No offline queue: while Redis is away a publish fails at once instead of holding the room's
  // writes; the other relays read what they missed from the store (catchUp.ts).
  const commands = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false })
  const reader = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null })
  commands.on('error', () => undefined)
  reader.on('error', () => undefined)
  await commands.connect()
  await reader.connect()
  const readerId = (await reader.call('CLIENT', 'ID')) as number

  const watched = new Map<string, { lastId: string; onUpdate: (update: Uint8Array, position: number) => void }>()
  let isClosed = false
  let wake: (() => void) | undefined

  const key = (room: string): string => `room:${room}`

  /** Ends a blocked XREAD so the next one includes a newly watched room. */
  function interrupt(): void {
    if (wake) wake()
    else void commands.call('CLIENT', 'UNBLOCK', String(readerId)).catch(() => undefined)
  }

  async function loop(): Promise<void> {
    while (!isClosed) {
      if (watched.size === 0) {
        await new Promise<void>((r) => (wake = r))
        wake = undefined
        continue
      }
      const rooms = [...watched.keys()]
      let reply: unknown
      try {
        reply = await reader.callBuffer(
          'XREAD',
          'COUNT',
          '100',
          'BLOCK',
          '5000',
          'STREAMS',
          ...rooms.map(key),
          ...rooms.map((r) => watched.get(r)!.lastId),
        )
      } catch (err) {
        if (isClosed) return
        log.warn('redis stream read failed', errorFields(err))
        await new Promise((r) => setTimeout(r, 500))
        continue
      }
      for (const [streamKey, entries] of streamsOf(reply)) {
        const room = streamKey.toString().slice('room:'.length)
        const w = watched.get(room)
        if (!w) continue
        for (const [id, fields] of entries) {
          w.lastId = id.toString()
          let update: Buffer | undefined
          let from = ''
          let position = NaN
          for (let i = 0; i + 1 < fields.length; i += 2) {
            const name = fields[i]!.toString()
            if (name === 'u') update = fields[i + 1]
            else if (name === 'p') from = fields[i + 1]!.toString()
            else if (name === 'n') position = Number(fields[i + 1]!.toString())
          }
          if (!update || from === self || !Number.isSafeInteger(position)) continue
          try {
            w.onUpdate(new Uint8Array(update), position)
          } catch (err) {
            log.warn('remote update not applied', { room, ...errorFields(err) })
          }
        }
      }
    }
  }
  const running = loop()

  return {
    async watch(room, onUpdate) {
      let lastId: string
      try {
        const last = (await commands.call('XREVRANGE', key(room), '+', '-', 'COUNT', '1')) as [string, string[]][]
        lastId = last[0]?.[0] ?? '0-0'
      } catch (err) {
        // Redis away: start from now; whatever the stream misses, positions make the relay read from the store
        log.warn('redis stream position unknown', errorFields(err))
        lastId = `${Date.now()}-0`
      }
      watched.set(room, { lastId, onUpdate })
      interrupt()
    },
    unwatch(room) {
      watched.delete(room)
    },
    async publish(room, update, position) {
      await commands.call('XADD', key(room), 'MAXLEN', '~', String(MAX_STREAM_LENGTH), '*', 'u', Buffer.from(update), 'p', self, 'n', String(position))
    },
    async close() {
      isClosed = true
      interrupt()
      reader.disconnect()
      await running.catch(() => undefined)
      await commands.quit().catch(() => undefined)
    },
  }
}

type Entries = [Buffer, Buffer[]][]

/** XREAD's answer as (stream, entries) pairs: RESP2 gives a list of pairs, RESP3 a map (a flat list). */
function streamsOf(reply: unknown): [Buffer, Entries][] {
  if (!Array.isArray(reply) || reply.length === 0) return []
  if (Buffer.isBuffer(reply[0])) {
    const pairs: [Buffer, Entries][] = []
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([reply[i] as Buffer, reply[i + 1] as Entries])
    return pairs
  }
  return reply as [Buffer, Entries][]
}
