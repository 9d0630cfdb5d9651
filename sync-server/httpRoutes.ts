/**
 * The relay's two HTTP servers. The public one answers `/healthz` (alive, with counts),
 * `/readyz` (not shutting down, and the store answers a read within 2 s), then asks each endpoint
 * in turn — photos, snapshots, devices and invite, the built app — and answers 404 when none
 * takes the request. The second one answers `GET /metrics` (Prometheus) and nothing else; the
 * caller listens on a private address (METRICS_PORT, loopback by default), so the public server
 * has no `/metrics` under any spelling of the path and no proxy rule has to keep it private.
 * WebSocket upgrades are admission.ts's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { parseUrl } from './http'
import { errorFields, type Logger } from './log'
import type { Metrics } from './metrics'
import type { Rooms } from './rooms'
import type { RoomStore } from './store'

/** An endpoint of the public server: answers the request and returns true, or returns false when the path is not its. */
export interface Endpoint {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean
}

export interface HttpServersDeps {
  readonly store: RoomStore
  readonly log: Logger
  readonly metrics: Metrics
  readonly rooms: Rooms
  readonly isClosing: () => boolean
  /** Asked in this order; an absent one (no photos, no built app) is skipped. */
  readonly endpoints: ReadonlyArray<Endpoint | undefined>
}

export function createHttpServers(deps: HttpServersDeps): { server: Server; metricsServer: Server } {
  const { store, log, metrics, rooms, isClosing } = deps
  const startedAt = Date.now()

  /** Ready: not shutting down, and the store answers a read within 2 s. */
  const isReady = async (): Promise<{ ok: true } | { ok: false; reason: string }> => {
    if (isClosing()) return { ok: false, reason: 'shutting down' }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await Promise.race([
        store.getVerifier('00000000000000000000000000'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('store read timed out')), 2000))),
      ])
      return isClosing() ? { ok: false, reason: 'shutting down' } : { ok: true }
    } catch (err) {
      log.warn('readiness check failed', errorFields(err))
      return { ok: false, reason: 'store unavailable' }
    } finally {
      clearTimeout(timer)
    }
  }

  const server = createServer((req, res) => {
    const url = parseUrl(req)
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Bad request\n')
      return
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(
        JSON.stringify({
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          roomsLoaded: rooms.loadedCount,
          sockets: rooms.socketCount,
        }),
      )
      return
    }
    if (url.pathname === '/readyz') {
      void isReady().then((ready) => {
        res.writeHead(ready.ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        res.end(JSON.stringify({ status: ready.ok ? 'ready' : 'not ready', ...(ready.ok ? {} : { reason: ready.reason }) }))
      })
      return
    }
    for (const endpoint of deps.endpoints) if (endpoint?.handle(req, res, url)) return
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Not found\n')
  })

  const metricsServer = createServer((req, res) => {
    const url = parseUrl(req)
    if (url?.pathname !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Not found\n')
      return
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' })
        res.end(req.method === 'HEAD' ? undefined : text)
      },
      (err: unknown) => {
        log.error('metrics failed', errorFields(err))
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end('metrics failed\n')
      },
    )
  })

  return { server, metricsServer }
}
