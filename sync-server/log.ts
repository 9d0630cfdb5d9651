/**
 * Structured logs with pino: one JSON object per line on stdout (`time` ISO, `level` as a word,
 * `msg`, then the fields). Never pass a token, secret, verifier or document content here; room
 * ids are fine (they are not secrets on their own). As a second line of defence, fields named
 * like a secret are redacted whatever their depth.
 */
import { pino } from 'pino'

export type Level = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const SECRET_KEYS = ['token', 'secret', 'verifier', 'proof', 'authorization']

export function createLogger(minLevel: Level = 'info', write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.replace(/\n$/, '')) } : pino.destination({ dest: 1, sync: true })
  const p = pino(
    {
      level: minLevel,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
    },
    destination,
  )
  return {
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
  }
}

export function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { error: err.message } : { error: String(err) }
}
