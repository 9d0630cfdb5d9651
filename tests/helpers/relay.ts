/**
 * Starts the real relay as a child process on loopback, the way `npm start` does, and stops or
 * kills it. Used by the relay and browser tests.
 */
import { afterEach } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { LeveldbPersistence } from 'y-leveldb'
import { deriveToken, deriveVerifier, newInvite, type Invite } from '../../src/sync/wire'

export interface RunningRelay {
  readonly port: number
  readonly httpUrl: string
  readonly wsUrl: string
  /** `http://127.0.0.1:<METRICS_PORT>/metrics` (a free port unless the env says otherwise); undefined with METRICS_PORT=off. */
  readonly metricsUrl: string | undefined
  readonly dataDir: string
  readonly process: ChildProcess
  /** Log lines printed so far (JSON objects). */
  readonly logs: Record<string, unknown>[]
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>
  /** SIGKILL (kill -9) and wait for exit: no flush, no goodbye. */
  kill(): Promise<void>
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`))
}

const ROOT = resolve(import.meta.dirname, '../..')

export async function startRelay(opts: { dataDir?: string; staticDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<RunningRelay> {
  const dataDir = opts.dataDir ?? tempDir('sb-relay-data')
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(opts.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STATIC_DIR: opts.staticDir ?? join(dataDir, 'no-static'),
      METRICS_PORT: '0', // relays started side by side must not contend for 9464
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  let metricsPort: number | undefined
  const port = await new Promise<number>((resolvePort, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${stderr}`)), 30_000)
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          logs.push(entry)
          if (entry.msg === 'listening' && typeof entry.port === 'number') {
            if (typeof entry.metricsPort === 'number') metricsPort = entry.metricsPort
            clearTimeout(timer)
            resolvePort(entry.port)
          }
        } catch {
          logs.push({ raw: line })
        }
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`relay exited with ${code}: ${stderr}`))
    })
  })
  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    metricsUrl: metricsPort === undefined ? undefined : `http://127.0.0.1:${metricsPort}/metrics`,
    dataDir,
    process: child,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/**
 * A room written straight into a LevelDB data directory before a relay opens it: a new invite's
 * verifier, then whatever `write` stores through y-leveldb (updates the relay must read as it is).
 */
export async function roomOnDisk(dataDir: string, write: (ldb: LeveldbPersistence, room: string) => Promise<void>): Promise<Invite> {
  const invite = newInvite()
  const ldb = new LeveldbPersistence(dataDir)
  await ldb.setMeta(invite.roomId, 'verifier', deriveVerifier(deriveToken(invite)))
  await write(ldb, invite.roomId)
  await ldb.destroy()
  return invite
}

/** The value of one sample in Prometheus text, e.g. `name{reason="x"}`; undefined when absent. */
export function metricSample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

/** Waits until `cond` holds, polling; fails with `what` after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await cond()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * What a test file starts and must stop: `start` a relay (or push one into `running`) and push
 * cleanup functions (a connection's destroy) into `cleanups`; after each test the cleanups run,
 * then the relays stop (`kill -9` by default, or SIGTERM).
 */
export function stopAfterEach(how: 'kill' | 'stop' = 'kill'): {
  running: RunningRelay[]
  cleanups: (() => void | Promise<void>)[]
  start: (opts?: Parameters<typeof startRelay>[0]) => Promise<RunningRelay>
} {
  const running: RunningRelay[] = []
  const cleanups: (() => void | Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c()
    for (const r of running.splice(0)) await (how === 'kill' ? r.kill() : r.stop())
  })
  const start = async (opts: Parameters<typeof startRelay>[0] = {}): Promise<RunningRelay> => {
    const r = await startRelay(opts)
    running.push(r)
    return r
  }
  return { running, cleanups, start }
}
