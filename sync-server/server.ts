/**
 * The relay's entry point: reads the environment, opens the store, listens.
 *   PORT (8080), HOST (0.0.0.0), DATA_DIR (./data), STATIC_DIR (./dist), LOG_LEVEL (info),
 *   METRICS_PORT (9464; 0: any free port, off: no metrics) on METRICS_HOST (127.0.0.1),
 *   MAX_EMPTY_ROOMS, EMPTY_ROOM_TTL_MS, MAX_JOINS_PER_MINUTE,
 *   MAX_MESSAGE_BYTES, IDLE_UNLOAD_MS, MAX_BLOB_BYTES (photos, 1 MiB; under DATA_DIR/blobs, or in PostgreSQL with DATABASE_URL),
 *   MAX_ROOM_BLOB_BYTES (photos per room, 256 MiB), BLOB_UPLOAD_TTL_MS (unfinished uploads, 24 h; 0: kept),
 *   MAX_ROOM_BYTES (a room's document, 32 MiB), MAX_AWARENESS_BYTES (4 KiB), MAX_AWARENESS_PER_10S (20),
 *   MAX_ROOM_AWARENESS_BYTES (awareness a room keeps, and forwards per 10 s, 64 KiB),
 *   MAX_QUEUED_BYTES, MAX_ROOMS, MAX_BUFFERED_BYTES, MAX_CONNECTIONS_PER_MINUTE,
 *   MAX_FAILED_PROOFS_PER_MINUTE, MAX_ROOMS_CREATED_PER_HOUR, MAX_DEVICES_PER_ROOM, PING_INTERVAL_MS,
 *   MAX_DEVICE_REGISTRATIONS_PER_HOUR (20 per room), MAX_DEVICE_REGISTRATIONS_PER_ADDRESS_PER_HOUR (100),
 *   MAX_REMOVED_RETRIES_PER_MINUTE (60), MAX_INVITE_CHANGES_PER_HOUR (6 per device), REMOVE_STALE_AFTER_DAYS (30),
 *   MAX_BLOB_REQUESTS_PER_MINUTE (1200), JOIN_CACHE_BYTES (compressed documents kept for joins over HTTP, 64 MiB),
 *   COMPACT_AFTER_UPDATES, FSYNC (1: LevelDB syncs every write to disk before it is acknowledged),
 *   GROUP_COMMIT_MS (20: under load, the rooms' writes go to disk together at most every 20 ms), and for several relays on the same rooms DATABASE_URL (PostgreSQL
 *   holds the rooms instead of LevelDB) with REDIS_URL (streams carry updates between relays) and
 *   CATCH_UP_INTERVAL_MS (how often a relay checks PostgreSQL for updates its stream missed),
 *   SNAPSHOT_INTERVAL_MS (daily snapshots: 24 h windows, UTC days), SNAPSHOT_RETENTION_DAYS (90),
 *   SNAPSHOT_RETENTION_MS (overrides the days; for tests), SNAPSHOT_MAX_PER_ROOM (200)
 *   (see README)
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DEFAULT_MAX_BLOB_BYTES } from './blobs'
import { DEFAULT_JOIN_CACHE_BYTES } from './joinDocument'
import { DEFAULT_BLOB_UPLOAD_TTL_MS, DEFAULT_MAX_ROOM_BLOB_BYTES } from './blobQuota'
import type { BlobStore } from './blobStore'
import { openFileBlobStore } from './fileBlobStore'
import { openPgBlobStore } from './pgBlobStore'
import { createLogger, errorFields, type Level } from './log'
import { DEFAULT_LIMITS, DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE, createRelay } from './relay'
import { DEVICE_DEFAULTS } from './devices'
import { openLevelStore } from './levelStore'
import { DEFAULT_GROUP_INTERVAL_MS } from './groupCommit'
import type { RoomStore } from './store'
import { openPgStore } from './pgStore'
import { openRedisBus, type RoomBus } from './bus'
import { DEFAULT_SNAPSHOT_POLICY } from './snapshots'
import { DEFAULT_MAX_AWARENESS_BYTES, DEFAULT_MAX_AWARENESS_PER_10S, DEFAULT_MAX_ROOM_AWARENESS_BYTES, DEFAULT_MAX_ROOM_BYTES } from './rooms'

const env = process.env

/** A whole number from the environment, or the default; anything else stops the relay with a clear line. */
function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`${name} must be a whole number of at least ${min}, not "${raw}"\n`)
    process.exit(2)
  }
  return n
}

/** 1 or 0 from the environment, or the default. */
function flagFromEnv(name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw !== '0' && raw !== '1') {
    process.stderr.write(`${name} must be 1 or 0, not "${raw}"\n`)
    process.exit(2)
  }
  return raw === '1'
}

const port = intFromEnv('PORT', 8080, 0)
const host = env.HOST ?? '0.0.0.0'
const metricsPort = env.METRICS_PORT === 'off' ? undefined : intFromEnv('METRICS_PORT', 9464, 0)
const metricsHost = env.METRICS_HOST || '127.0.0.1'
const dataDir = resolve(env.DATA_DIR ?? './data')
const staticDir = resolve(env.STATIC_DIR ?? './dist')
const level = (['debug', 'info', 'warn', 'error'] as const).find((l) => l === env.LOG_LEVEL) ?? ('info' satisfies Level)
const log = createLogger(level)

const snapshotPolicy = {
  ...DEFAULT_SNAPSHOT_POLICY,
  intervalMs: intFromEnv('SNAPSHOT_INTERVAL_MS', DEFAULT_SNAPSHOT_POLICY.intervalMs, 100),
  retentionMs:
    env.SNAPSHOT_RETENTION_MS !== undefined && env.SNAPSHOT_RETENTION_MS !== ''
      ? intFromEnv('SNAPSHOT_RETENTION_MS', 0, 1)
      : intFromEnv('SNAPSHOT_RETENTION_DAYS', DEFAULT_SNAPSHOT_POLICY.retentionMs / 86_400_000, 1) * 86_400_000,
  maxPerRoom: intFromEnv('SNAPSHOT_MAX_PER_ROOM', DEFAULT_SNAPSHOT_POLICY.maxPerRoom, DEFAULT_SNAPSHOT_POLICY.keepNewest),
}

const databaseUrl = env.DATABASE_URL ?? ''
const redisUrl = env.REDIS_URL ?? ''
if ((databaseUrl === '') !== (redisUrl === '')) {
  // One without the other would either lose updates between relays or share nothing durable.
  process.stderr.write('DATABASE_URL and REDIS_URL go together: set both (several relays) or neither (LevelDB under DATA_DIR)\n')
  process.exit(2)
}

mkdirSync(dataDir, { recursive: true })
let store: RoomStore
let bus: RoomBus | undefined
let blobStore: BlobStore
if (databaseUrl !== '') {
  try {
    store = await openPgStore(databaseUrl)
    blobStore = await openPgBlobStore(databaseUrl)
    bus = await openRedisBus(redisUrl, log)
    await store.getVerifier('00000000000000000000000000')
  } catch (err) {
    log.error('cannot reach PostgreSQL or Redis', errorFields(err))
    process.exit(1)
  }
} else {
  store = openLevelStore(dataDir, { fsync: flagFromEnv('FSYNC', true), groupIntervalMs: intFromEnv('GROUP_COMMIT_MS', DEFAULT_GROUP_INTERVAL_MS, 0) })
  blobStore = openFileBlobStore(join(dataDir, 'blobs'))
  // Fail at start, not on every room: a data folder that cannot be opened (locked by another
  // relay, unreadable) would otherwise look healthy and refuse every school with 4503.
  try {
    await store.getVerifier('00000000000000000000000000')
  } catch (err) {
    log.error('cannot open the data folder', { dataDir, ...errorFields(err) })
    process.exit(1)
  }
}
const relay = createRelay({
  store,
  ...(bus ? { bus } : {}),
  log,
  staticDir,
  maxMessageBytes: intFromEnv('MAX_MESSAGE_BYTES', DEFAULT_LIMITS.maxMessageBytes, 1024),
  blobs: {
    blobStore,
    maxBlobBytes: intFromEnv('MAX_BLOB_BYTES', DEFAULT_MAX_BLOB_BYTES, 1),
    maxRoomBlobBytes: intFromEnv('MAX_ROOM_BLOB_BYTES', DEFAULT_MAX_ROOM_BLOB_BYTES, 1),
    uploadTtlMs: intFromEnv('BLOB_UPLOAD_TTL_MS', DEFAULT_BLOB_UPLOAD_TTL_MS, 0),
  },
  maxRoomBytes: intFromEnv('MAX_ROOM_BYTES', DEFAULT_MAX_ROOM_BYTES, 1024),
  maxAwarenessBytes: intFromEnv('MAX_AWARENESS_BYTES', DEFAULT_MAX_AWARENESS_BYTES, 64),
  maxAwarenessPer10s: intFromEnv('MAX_AWARENESS_PER_10S', DEFAULT_MAX_AWARENESS_PER_10S, 1),
  maxRoomAwarenessBytes: intFromEnv('MAX_ROOM_AWARENESS_BYTES', DEFAULT_MAX_ROOM_AWARENESS_BYTES, 64),
  idleUnloadMs: intFromEnv('IDLE_UNLOAD_MS', DEFAULT_LIMITS.idleUnloadMs, 0),
  maxQueuedMessages: DEFAULT_LIMITS.maxQueuedMessages,
  maxQueuedBytes: intFromEnv('MAX_QUEUED_BYTES', DEFAULT_LIMITS.maxQueuedBytes, 1024),
  compactAfterUpdates: intFromEnv('COMPACT_AFTER_UPDATES', DEFAULT_LIMITS.compactAfterUpdates, 2),
  maxRooms: intFromEnv('MAX_ROOMS', DEFAULT_LIMITS.maxRooms, 1),
  maxEmptyRooms: intFromEnv('MAX_EMPTY_ROOMS', DEFAULT_LIMITS.maxEmptyRooms, 1),
  emptyRoomTtlMs: intFromEnv('EMPTY_ROOM_TTL_MS', DEFAULT_LIMITS.emptyRoomTtlMs, 0),
  maxBufferedBytes: intFromEnv('MAX_BUFFERED_BYTES', DEFAULT_LIMITS.maxBufferedBytes, 1024),
  maxConnectionsPerMinute: intFromEnv('MAX_CONNECTIONS_PER_MINUTE', DEFAULT_LIMITS.maxConnectionsPerMinute, 1),
  maxJoinsPerMinute: intFromEnv('MAX_JOINS_PER_MINUTE', DEFAULT_LIMITS.maxJoinsPerMinute, 1),
  maxFailedProofsPerMinute: intFromEnv('MAX_FAILED_PROOFS_PER_MINUTE', DEFAULT_LIMITS.maxFailedProofsPerMinute, 1),
  maxRoomsCreatedPerHour: intFromEnv('MAX_ROOMS_CREATED_PER_HOUR', DEFAULT_LIMITS.maxRoomsCreatedPerHour, 1),
  maxDevicesPerRoom: intFromEnv('MAX_DEVICES_PER_ROOM', DEVICE_DEFAULTS.maxDevicesPerRoom, 1),
  maxDeviceRegistrationsPerHour: intFromEnv('MAX_DEVICE_REGISTRATIONS_PER_HOUR', DEVICE_DEFAULTS.maxRegistrationsPerHour, 1),
  maxDeviceRegistrationsPerAddressPerHour: intFromEnv('MAX_DEVICE_REGISTRATIONS_PER_ADDRESS_PER_HOUR', DEVICE_DEFAULTS.maxRegistrationsPerAddressPerHour, 1),
  maxRemovedRetriesPerMinute: intFromEnv('MAX_REMOVED_RETRIES_PER_MINUTE', DEVICE_DEFAULTS.maxRemovedRetriesPerMinute, 1),
  maxInviteChangesPerHour: intFromEnv('MAX_INVITE_CHANGES_PER_HOUR', DEVICE_DEFAULTS.maxInviteChangesPerHour, 1),
  removeStaleAfterDays: intFromEnv('REMOVE_STALE_AFTER_DAYS', DEVICE_DEFAULTS.removeStaleAfterDays, 1),
  maxBlobRequestsPerMinute: intFromEnv('MAX_BLOB_REQUESTS_PER_MINUTE', DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE, 1),
  joinCacheBytes: intFromEnv('JOIN_CACHE_BYTES', DEFAULT_JOIN_CACHE_BYTES, 0),
  pingIntervalMs: intFromEnv('PING_INTERVAL_MS', DEFAULT_LIMITS.pingIntervalMs, 100),
  compression: flagFromEnv('SYNC_COMPRESSION', true),
  trustProxyHops: intFromEnv('TRUST_PROXY_HOPS', 0, 0),
  catchUpIntervalMs: intFromEnv('CATCH_UP_INTERVAL_MS', 5000, 100),
  snapshotPolicy,
})

// Metrics first, on their own (private) address; a port that cannot be had costs the metrics, not the relay.
const actualMetricsPort = await new Promise<number | undefined>((resolveMetrics) => {
  if (metricsPort === undefined) {
    resolveMetrics(undefined)
    return
  }
  relay.metricsServer.once('error', (err) => {
    log.error('metrics not served: cannot listen on METRICS_PORT', { port: metricsPort, host: metricsHost, ...errorFields(err) })
    resolveMetrics(undefined)
  })
  relay.metricsServer.listen(metricsPort, metricsHost, () => {
    const address = relay.metricsServer.address()
    resolveMetrics(typeof address === 'object' && address ? address.port : metricsPort)
  })
})

relay.server.listen(port, host, () => {
  const address = relay.server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  log.info('listening', {
    port: actualPort,
    host,
    dataDir,
    store: bus ? 'postgresql+redis' : 'leveldb',
    url: `http://localhost:${actualPort}`,
    // empty, as unset, leaves glibc's default
    mallocArenaMax: process.env.MALLOC_ARENA_MAX || "glibc's default",
    ...(actualMetricsPort === undefined ? {} : { metricsPort: actualMetricsPort, metricsHost }),
  })
})

let isStopping = false
const stop = (signal: string): void => {
  if (isStopping) return
  isStopping = true
  log.info('shutting down', { signal })
  relay
    .close()
    .then(() => bus?.close())
    .then(() => blobStore.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
