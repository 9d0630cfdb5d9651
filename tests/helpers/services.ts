/**
 * Real Redis and PostgreSQL on loopback for the scale-out tests: a throwaway redis-server and a
 * throwaway PostgreSQL cluster in temporary folders, on free ports, stopped by `stop()`.
 *
 * When the binaries are missing and we are root with apt-get, `redis-server` and `postgresql`
 * are installed once (quietly). When that is impossible, `startServices` resolves to
 * `{ available: false, reason }` and the caller skips its tests.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { tempDir, waitFor } from './relay'

export interface Services {
  readonly redisUrl: string
  readonly databaseUrl: string
  stop(): Promise<void>
}

export type ServicesResult = ({ available: true } & Services) | { available: false; reason: string }

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0
}

/** The folder holding initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
function pgBinDir(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin')
  }
  if (has('initdb') && has('pg_ctl')) return ''
  return undefined
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}

function installIfMissing(): string | undefined {
  if (has('redis-server') && pgBinDir() !== undefined) return undefined
  if (!isRoot() || !has('apt-get')) return 'redis-server or PostgreSQL is not installed (and we cannot apt-get install them)'
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = (): number | null =>
    spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server', 'postgresql'], { env, stdio: 'ignore', timeout: 300_000 }).status
  if (install() !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 })
    if (install() !== 0) return 'apt-get install redis-server postgresql failed'
  }
  if (!has('redis-server') || pgBinDir() === undefined) return 'redis-server or PostgreSQL still missing after apt-get install'
  return undefined
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** Runs a PostgreSQL binary as the postgres user when we are root (PostgreSQL refuses root). */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [bin, args]
  return ['runuser', ['-u', 'postgres', '--', bin, ...args]]
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

export async function startServices(): Promise<ServicesResult> {
  const missing = installIfMissing()
  if (missing) return { available: false, reason: missing }
  const binDir = pgBinDir()!
  const pgBin = (name: string): string => (binDir ? join(binDir, name) : name)

  let redis: ChildProcess | undefined
  const pgDir = tempDir('sb-pg')
  let pgStarted = false
  const stop = async (): Promise<void> => {
    if (redis && redis.exitCode === null) {
      const exited = new Promise((r) => redis!.once('exit', r))
      redis.kill('SIGTERM')
      await exited
    }
    if (pgStarted) {
      const [cmd, args] = pgCommand(pgBin('pg_ctl'), ['-D', join(pgDir, 'data'), '-m', 'immediate', '-w', 'stop'])
      spawnSync(cmd, args, { stdio: 'ignore' })
    }
    rmSync(pgDir, { recursive: true, force: true })
  }
  try {
    const redisPort = await freePort()
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    await waitFor(() => portAnswers(redisPort), 'redis-server answering', 10_000)

    const pgPort = await freePort()
    if (isRoot()) chmodSync(pgDir, 0o777)
    {
      const [cmd, args] = pgCommand(pgBin('initdb'), ['-D', join(pgDir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8'])
      execFileSync(cmd, args, { stdio: 'ignore' })
    }
    {
      const [cmd, args] = pgCommand(pgBin('pg_ctl'), [
        '-D',
        join(pgDir, 'data'),
        '-o',
        `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-l',
        join(pgDir, 'log'),
        '-w',
        'start',
      ])
      execFileSync(cmd, args, { stdio: 'ignore' })
      pgStarted = true
    }
    return {
      available: true,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
      async stop() {
        await stop()
      },
    }
  } catch (err) {
    await stop()
    return { available: false, reason: `could not start redis-server or PostgreSQL: ${(err as Error).message}` }
  }
}

/**
 * The services for one test file: started now, stopped after all its tests; when they cannot run,
 * says once which tests (`what`) are skipped and why.
 */
export async function servicesForFile(what: string): Promise<ServicesResult> {
  const services = await startServices()
  if (!services.available) console.log(`${what} skipped: ${services.reason}`)
  afterAll(async () => {
    if (services.available) await services.stop()
  })
  return services
}
