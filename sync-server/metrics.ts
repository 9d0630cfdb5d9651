/**
 * The relay's metrics for Prometheus (`GET /metrics`), in a registry of its own. Counts and sizes
 * only: never a room id, a token or document content as a label.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Why a connection was refused or closed by a limit (the `reason` label). */
export type LimitReason =
  | 'connections_per_minute'
  | 'joins_per_minute'
  | 'failed_proofs_per_minute'
  | 'rooms_created_per_hour'
  | 'queued_before_load'
  | 'relay_full'
  | 'slow_reader'
  | 'missed_pong'
  | 'message_too_big'
  | 'snapshot_requests_per_minute'
  | 'join_requests_per_minute'
  | 'device_requests_per_minute'
  | 'devices_per_room'
  | 'device_registrations_per_hour'
  | 'device_registrations_per_address'
  | 'removed_device_retries_per_minute'
  | 'blob_requests_per_minute'
  | 'empty_room_evicted'
  | 'room_full'

export interface Metrics {
  readonly registry: Registry
  readonly updatesIn: Counter
  readonly updatesOut: Counter
  readonly bytesIn: Counter
  readonly bytesOut: Counter
  readonly appendSeconds: Histogram
  /** How many received updates each store write carried (roomLog.ts merges what arrives during a write). */
  readonly appendedUpdates: Histogram
  readonly proofsRefused: Counter
  /** Several relays: updates stored but not published to the others (they catch up from the store). */
  readonly busPublishFailures: Counter
  /** Several relays: reads of what a room missed from the store (a gap in the stream, or a head ahead). */
  readonly catchUps: Counter
  readonly closedForLimit: Counter<'reason'>
  readonly blobBytesStored: Counter
  /** Joins over HTTP answered (joinDocument.ts), by whether the compressed body was made for it (`new`) or kept from an earlier one (`kept`). */
  readonly httpJoins: Counter<'body'>
  /** Compressed bytes of join bodies sent over HTTP. */
  readonly httpJoinBytesOut: Counter
  /** Reads the gauges (sockets open, rooms loaded) from the relay when scraped. */
  observe(read: { sockets: () => number; rooms: () => number }): void
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'scholenband_relay_' })
  const registers = [registry]
  let read = { sockets: () => 0, rooms: () => 0 }
  new Gauge({
    name: 'scholenband_sockets_open',
    help: 'WebSocket connections in a room',
    registers,
    collect() {
      this.set(read.sockets())
    },
  })
  new Gauge({
    name: 'scholenband_rooms_loaded',
    help: 'Rooms loaded in memory',
    registers,
    collect() {
      this.set(read.rooms())
    },
  })
  return {
    registry,
    updatesIn: new Counter({ name: 'scholenband_updates_in_total', help: 'Document updates received from devices', registers }),
    updatesOut: new Counter({ name: 'scholenband_updates_out_total', help: 'Document updates forwarded to devices', registers }),
    bytesIn: new Counter({ name: 'scholenband_bytes_in_total', help: 'WebSocket message bytes received', registers }),
    bytesOut: new Counter({ name: 'scholenband_bytes_out_total', help: 'WebSocket message bytes sent', registers }),
    appendSeconds: new Histogram({
      name: 'scholenband_append_seconds',
      help: 'Time of one store write (the updates a room received meanwhile, merged)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    appendedUpdates: new Histogram({
      name: 'scholenband_append_updates',
      help: 'Received updates merged into one store write',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    }),
    busPublishFailures: new Counter({
      name: 'scholenband_bus_publish_failures_total',
      help: 'Stored updates that could not be published to the other relays (they read them from the store)',
      registers,
    }),
    catchUps: new Counter({
      name: 'scholenband_catch_ups_total',
      help: 'Reads from the store of updates a room missed on the stream',
      registers,
    }),
    proofsRefused: new Counter({ name: 'scholenband_proofs_refused_total', help: 'Room proofs refused (4403) and joins to unknown rooms (4404)', registers }),
    closedForLimit: new Counter({
      name: 'scholenband_closed_for_limit_total',
      help: 'Connections refused or closed by a limit, by reason',
      labelNames: ['reason'],
      registers,
    }),
    blobBytesStored: new Counter({ name: 'scholenband_blob_bytes_stored_total', help: 'Photo bytes stored since start', registers }),
    httpJoins: new Counter({
      name: 'scholenband_http_joins_total',
      help: 'Joins over HTTP answered, by whether the compressed document was made for it (new) or kept from an earlier join (kept)',
      labelNames: ['body'],
      registers,
    }),
    httpJoinBytesOut: new Counter({ name: 'scholenband_http_join_bytes_out_total', help: 'Compressed document bytes sent to joins over HTTP', registers }),
    observe(r) {
      read = r
    },
  }
}
