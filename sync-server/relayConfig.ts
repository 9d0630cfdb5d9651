/**
 * What the relay is given (`RelayConfig`, read from the environment by server.ts) and the
 * defaults of its limits. The per-address limits are counted by limits.ts; the upgrade checks
 * them (admission.ts), the HTTP endpoints behind the room proof share the refused-proof one
 * (relay.ts `httpLimits`).
 */
import type { RoomsConfig } from './rooms'
import type { BlobStore } from './blobStore'
import type { RoomStore } from './store'
import type { Logger } from './log'

export interface RelayConfig extends RoomsConfig {
  readonly store: RoomStore
  readonly log: Logger
  /** The built app to serve; undefined serves none. */
  readonly staticDir: string | undefined
  /** Largest WebSocket message accepted, in bytes. */
  readonly maxMessageBytes: number
  /** Photos (`/blobs/…`): where they are stored and the largest accepted; undefined serves none. */
  readonly blobs?: {
    readonly blobStore: BlobStore
    readonly maxBlobBytes: number
    /** Per-room photo quota (507 beyond it) and how long unfinished uploads live; blobQuota.ts has the defaults. */
    readonly maxRoomBlobBytes?: number
    readonly uploadTtlMs?: number
  }
  /**
   * WebSocket upgrades per address per minute that did not present a valid room proof (no or a
   * malformed proof, a refused one, an unknown room, a wrong path); beyond it HTTP 429. Upgrades
   * with a valid proof count apart, against `maxJoinsPerMinute`: a school behind one carrier NAT
   * address is not locked out by its own phones. Beyond it an upgrade without a room id and a
   * well-formed proof is refused before any store read; one with a well-formed proof is checked
   * first and refused (429) only when its proof is.
   */
  readonly maxConnectionsPerMinute: number
  /** WebSocket upgrades with a valid room proof per address per minute; beyond it HTTP 429. */
  readonly maxJoinsPerMinute?: number
  /**
   * Refused proofs (4403) and joins to unknown rooms (4404), and 403 on `/blobs`, `/snapshots`,
   * `/devices` and `/invite`, per address per minute; beyond it a refused or missing proof gets
   * HTTP 429 (whether or not the room exists). A valid proof is checked first and never refused
   * for it: others behind the same address do not lock a school out.
   */
  readonly maxFailedProofsPerMinute: number
  /** Rooms one address may create per hour; beyond it HTTP 429. */
  readonly maxRoomsCreatedPerHour: number
  /** Devices not removed a room may hold; a registration beyond it is closed with 4429. Default 200. */
  readonly maxDevicesPerRoom?: number
  /** New devices per room per hour (4529 `too many new devices` beyond), per address per hour (HTTP 429 beyond); devices.ts has the defaults. */
  readonly maxDeviceRegistrationsPerHour?: number
  readonly maxDeviceRegistrationsPerAddressPerHour?: number
  /** 4403 `removed` answers per address and device per minute, then HTTP 429. Default 60. */
  readonly maxRemovedRetriesPerMinute?: number
  /** `PUT /invite` per device per hour, then 429. Default 6. */
  readonly maxInviteChangesPerHour?: number
  /** A device may remove an older one not seen for this many days. Default 30. */
  readonly removeStaleAfterDays?: number
  /** Photo requests (`/blobs/…`) per address per minute, then 429. Default 1200. */
  readonly maxBlobRequestsPerMinute?: number
  /**
   * Bytes of compressed documents kept for joins over HTTP (`/join/…`, joinDocument.ts), all rooms
   * together; the least recently served are dropped first. Default 64 MiB.
   */
  readonly joinCacheBytes?: number
  /** Every socket is pinged this often; one that has not answered the previous ping is terminated. */
  readonly pingIntervalMs: number
  /**
   * Offer WebSocket compression (permessage-deflate, `SYNC_COMPRESSION`) with `SYNC_DEFLATE`'s
   * bounded memory per socket; a client that does not ask for it gets plain frames. Default true.
   */
  readonly compression?: boolean
  /**
   * Reverse proxies in front of the relay that append to X-Forwarded-For (0: none, the socket's
   * address is the client's). With 1, the last X-Forwarded-For entry — the address the proxy
   * saw — is the one the limits count.
   */
  readonly trustProxyHops?: number
  /**
   * A room created and never written is forgotten (its verifier deleted) this long after its
   * creation; swept at start and then every `min(ttl / 4, 1 h)`. 0: never.
   */
  readonly emptyRoomTtlMs?: number
}

export const DEFAULT_LIMITS = {
  idleUnloadMs: 30_000,
  maxQueuedMessages: 64,
  compactAfterUpdates: 500,
  maxMessageBytes: 8 * 1024 * 1024,
  maxQueuedBytes: 1024 * 1024,
  maxRooms: 2000,
  maxEmptyRooms: 500,
  emptyRoomTtlMs: 24 * 3_600_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxConnectionsPerMinute: 120,
  maxJoinsPerMinute: 1200,
  maxFailedProofsPerMinute: 20,
  maxRoomsCreatedPerHour: 30,
  pingIntervalMs: 30_000,
} as const

/**
 * permessage-deflate as the relay offers it (ws `perMessageDeflate`). Each message is compressed
 * on its own, both ways (no context takeover): only then does ws leave messages under `threshold`
 * (most acks, edits, awareness) uncompressed — with context takeover every message went through
 * zlib, and bench:relay's fan-out p50 went from ~10 ms to 1.4 s; a join's whole document
 * compresses as well alone. No zlib memory is kept per socket between messages: ws would keep a
 * socket's compressor from the first message of `threshold` bytes or more it is sent (every join)
 * and its decompressor from the first compressed message it receives (browsers compress every
 * message), for the socket's life; deflateMemory.ts closes each after its message, as no context
 * takeover allows. In bench:relay (rooms of 16 KiB, joins compressed) that took the relay from
 * 218 KiB of RSS per joined client to 7–11 KiB (the stock server, no compression: 4–12 KiB in the
 * same runs), at the cost of setting up a stream per compressed message: about 0.1 ms of CPU each,
 * measured with clients that compress every message. So the windows can stay at zlib's 15 bits (what
 * gzip uses; a smaller server window costs bytes on every join — 14 bits 4 % more on a five-year
 * partnership, 13 bits 10 % — and a smaller client window costs bytes on every upload, such as
 * 500 offline edits): with memLevel 4 a compression holds about 136 KiB and a decompression 40 KiB
 * only while it runs, at most `concurrencyLimit` at once. zlib runs in the libuv thread pool
 * beside the store's fsyncs: with ws's default of 10 zlib jobs at once fan-out stays as without
 * compression; with 2, inflating every message of clients that compress all queued behind fsyncs
 * (p50 0.2–0.6 s).
 * Level 6 (zlib's default): a 4.9 MB document in about 90 ms, 1.02 × its gzip; level 3 is 1.1 ×
 * in 60 ms.
 */
export const SYNC_DEFLATE = {
  zlibDeflateOptions: { level: 6, memLevel: 4 },
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  threshold: 1024,
  concurrencyLimit: 10,
} as const

/** Photo requests per address per minute: a school's phones uploading in 64 KiB chunks behind one NAT address. */
export const DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE = 1200

/**
 * glibc malloc arenas the relay is deployed with (`MALLOC_ARENA_MAX`, read by glibc when the
 * process starts, so it is set by what starts the relay: the Dockerfile, `npm start`,
 * docs/deploy.md). glibc's default is eight per core: each thread that allocates gets an arena of
 * its own, and what the relay's other threads free (zlib and LevelDB in libuv's pool, V8's
 * marking and compiling helpers) stays in theirs. With the default, bench:relay's join phase saw
 * those arenas grow 0.8 MiB over 1,000 joined clients while the main arena did not grow at all.
 * Two: glibc's main arena and one more, shared by all the relay's threads.
 */
export const RELAY_MALLOC_ARENAS = '2'
