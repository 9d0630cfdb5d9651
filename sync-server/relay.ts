/**
 * The relay: one HTTP server that upgrades `/sync/<roomId>` to the y-protocols WebSocket
 * exchange, answers `/healthz`, photos (`/blobs/…`), snapshots (`/snapshots/…`), joins over
 * HTTP (`/join/…`, joinDocument.ts), the room's
 * devices and invite (`/devices/…`, `/invite/…`, devices.ts), and serves
 * the built app; and a second server, for a private address only, that answers `/metrics`.
 *
 * This module puts the parts together and closes them in order: what it is given and the
 * defaults (relayConfig.ts), who gets a WebSocket (admission.ts: the room proof is checked in the
 * `upgrade` handler, before the room is loaded), the HTTP servers and their routes
 * (httpRoutes.ts), the endpoints behind the room proof with their per-address limits
 * (`httpLimits` here), and the sweep of rooms never written (emptyRooms.ts).
 */
import type { IncomingMessage, Server } from 'node:http'
import { CLOSE } from '../src/sync/wire'
import { createAdmission } from './admission'
import { createBlobService } from './blobs'
import { DEVICE_DEFAULTS, createDevices } from './devices'
import { startEmptyRoomSweep } from './emptyRooms'
import { createHttpServers } from './httpRoutes'
import { keyedLock } from './keyedLock'
import { WindowCounter, clientAddress } from './limits'
import { createMetrics, type LimitReason, type Metrics } from './metrics'
import { DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE, type RelayConfig } from './relayConfig'
import { Rooms } from './rooms'
import { createSnapshotService } from './snapshots'
import { createJoinService } from './joinDocument'
import { serveStatic } from './static'

export { DEFAULT_LIMITS, DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE, type RelayConfig } from './relayConfig'

export interface Relay {
  readonly server: Server
  /** Answers `GET /metrics` (Prometheus) and nothing else; the caller listens on a private address. */
  readonly metricsServer: Server
  readonly rooms: Rooms
  readonly metrics: Metrics
  /** Stops accepting, waits for pending writes, closes sockets with `code` (1012: restarting). */
  close(code?: number, reason?: string): Promise<void>
}

export function createRelay(config: RelayConfig): Relay {
  const { store, log } = config
  const metrics = config.metrics ?? createMetrics()
  const rooms = new Rooms(store, log, { ...config, metrics })
  metrics.observe({ sockets: () => rooms.socketCount, rooms: () => rooms.loadedCount })
  let isClosing = false
  const site = config.staticDir ? serveStatic(config.staticDir) : undefined

  // Room creation must not race: check-then-set of a verifier runs one at a time per room.
  const withRoomLock = keyedLock()

  // Refused proofs count with the WebSocket's; each endpoint counts its requests on its own.
  const failedProofs = new WindowCounter(config.maxFailedProofsPerMinute, 60_000)
  const snapshotRequests = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const joinRequests = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const deviceRequests = new WindowCounter(config.maxConnectionsPerMinute, 60_000)
  const blobRequests = new WindowCounter(config.maxBlobRequestsPerMinute ?? DEFAULT_MAX_BLOB_REQUESTS_PER_MINUTE, 60_000)

  /**
   * The per-address limits of an HTTP endpoint behind the room proof: refused proofs count with
   * the WebSocket's (one limit per address for all), and requests per address per minute in a
   * counter of the endpoint's own, before any store read.
   */
  const httpLimits = (requests: WindowCounter, reason: LimitReason) => ({
    address: (req: IncomingMessage) => clientAddress(req, config.trustProxyHops),
    refusedWait: (address: string) => {
      const wait = failedProofs.retryAfterSeconds(address)
      if (wait > 0) metrics.closedForLimit.inc({ reason: 'failed_proofs_per_minute' })
      return wait
    },
    refused: (address: string) => {
      failedProofs.add(address)
      metrics.proofsRefused.inc()
    },
    takeRequest: (address: string) => {
      const wait = requests.take(address)
      if (wait > 0) metrics.closedForLimit.inc({ reason })
      return wait
    },
  })

  // Photos: a request counter of their own (a photo goes up in 64 KiB chunks)
  const blobs = config.blobs
    ? createBlobService({
        ...config.blobs,
        store,
        log,
        onStored: (bytes) => metrics.blobBytesStored.inc(bytes),
        limits: httpLimits(blobRequests, 'blob_requests_per_minute'),
      })
    : undefined

  // Snapshots: refused proofs count with the WebSocket's (one limit per address for both), and
  // requests per address per minute are bounded like upgrades, before any store read.
  const snapshots = createSnapshotService({
    store,
    log,
    limits: httpLimits(snapshotRequests, 'snapshot_requests_per_minute'),
  })

  // Joins over HTTP: like a WebSocket join, bounded per address per minute before any store read
  const joins = createJoinService({
    store,
    log,
    rooms,
    metrics,
    limits: httpLimits(joinRequests, 'join_requests_per_minute'),
    ...(config.joinCacheBytes !== undefined ? { cacheBytes: config.joinCacheBytes } : {}),
  })

  const devices = createDevices({
    store,
    log,
    maxDevicesPerRoom: config.maxDevicesPerRoom ?? DEVICE_DEFAULTS.maxDevicesPerRoom,
    ...(config.maxDeviceRegistrationsPerHour !== undefined ? { maxRegistrationsPerHour: config.maxDeviceRegistrationsPerHour } : {}),
    ...(config.maxDeviceRegistrationsPerAddressPerHour !== undefined ? { maxRegistrationsPerAddressPerHour: config.maxDeviceRegistrationsPerAddressPerHour } : {}),
    ...(config.maxRemovedRetriesPerMinute !== undefined ? { maxRemovedRetriesPerMinute: config.maxRemovedRetriesPerMinute } : {}),
    ...(config.maxInviteChangesPerHour !== undefined ? { maxInviteChangesPerHour: config.maxInviteChangesPerHour } : {}),
    ...(config.removeStaleAfterDays !== undefined ? { removeStaleAfterMs: config.removeStaleAfterDays * 24 * 3_600_000 } : {}),
    withRoomLock,
    limits: httpLimits(deviceRequests, 'device_requests_per_minute'),
    // several relays: removals and new invites made on another relay close this one's sockets too
    ...(config.bus ? { sweepIntervalMs: config.catchUpIntervalMs ?? 5000 } : {}),
  })

  const emptyRooms = startEmptyRoomSweep({
    store,
    log,
    ttlMs: config.emptyRoomTtlMs ?? 0,
    isLoaded: (room) => rooms.isLoaded(room),
    withRoomLock,
    isClosing: () => isClosing,
  })

  const admission = createAdmission({ config, store, log, metrics, rooms, devices, withRoomLock, failedProofs })
  const { server, metricsServer } = createHttpServers({
    store,
    log,
    metrics,
    rooms,
    isClosing: () => isClosing,
    endpoints: [blobs, snapshots, joins, devices, site],
  })
  server.on('upgrade', admission.onUpgrade)

  return {
    server,
    metricsServer,
    rooms,
    metrics,
    async close(code = CLOSE.restarting, reason = 'relay restarting') {
      isClosing = true
      server.close()
      await emptyRooms.stop()
      metricsServer.close()
      metricsServer.closeAllConnections()
      admission.stopPinging()
      devices.close()
      await rooms.closeAll(code, reason)
      admission.closeAll(code, reason)
      await store.close()
      server.closeAllConnections()
    },
  }
}
