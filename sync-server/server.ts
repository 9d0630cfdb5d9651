/**
 * The relay's entry point: reads the environment, opens the store, listens.
 *   PORT (8080), HOST (0.0.0.0), DATA_DIR (./data), STATIC_DIR (./dist), LOG_LEVEL (info),
 *   MAX_MESSAGE_BYTES, IDLE_UNLOAD_MS
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { createLogger, type Level } from './log'
import { DEFAULT_LIMITS, createRelay } from './relay'
import { openLevelStore } from './store'

const env = process.env
const port = Number(env.PORT ?? 8080)
const host = env.HOST ?? '0.0.0.0'
const dataDir = resolve(env.DATA_DIR ?? './data')
const staticDir = resolve(env.STATIC_DIR ?? './dist')
const level = (['debug', 'info', 'warn', 'error'] as const).find((l) => l === env.LOG_LEVEL) ?? ('info' satisfies Level)
const log = createLogger(level)

mkdirSync(dataDir, { recursive: true })
const relay = createRelay({
  store: openLevelStore(dataDir),
  log,
  staticDir,
  maxMessageBytes: Number(env.MAX_MESSAGE_BYTES ?? DEFAULT_LIMITS.maxMessageBytes),
  idleUnloadMs: Number(env.IDLE_UNLOAD_MS ?? DEFAULT_LIMITS.idleUnloadMs),
  maxQueuedMessages: DEFAULT_LIMITS.maxQueuedMessages,
  compactAfterUpdates: DEFAULT_LIMITS.compactAfterUpdates,
})

relay.server.listen(port, host, () => {
  const address = relay.server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  log.info('listening', { port: actualPort, host, dataDir, url: `http://localhost:${actualPort}` })
})

let isStopping = false
const stop = (signal: string): void => {
  if (isStopping) return
  isStopping = true
  log.info('shutting down', { signal })
  relay.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
