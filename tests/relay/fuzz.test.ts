/**
 * Fuzz (short version for CI, see fuzz.ts): 3,000 random, truncated, oversized and text frames,
 * with and without a room proof, and garbage after the HTTP upgrade. The relay stays up and a
 * client in another room keeps syncing. The long run: `npm run fuzz -- --frames 100000`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type RunningRelay } from '../helpers/relay'
import { runFuzz } from './fuzz'

const MAX_MESSAGE_BYTES = 4096
let relay: RunningRelay
beforeAll(async () => {
  relay = await startRelay({ env: { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), MAX_CONNECTIONS_PER_MINUTE: '1000000', MAX_JOINS_PER_MINUTE: '1000000', MAX_FAILED_PROOFS_PER_MINUTE: '1000000' } })
})
afterAll(async () => {
  await relay.kill()
})

describe('fuzzed frames', () => {
  it('leaves the relay up and another room syncing', async () => {
    const r = await runFuzz({ httpUrl: relay.httpUrl, wsUrl: relay.wsUrl, port: relay.port, maxMessageBytes: MAX_MESSAGE_BYTES, frames: 3000, seed: 1 })
    expect(r.framesSent).toBeGreaterThanOrEqual(3000)
    expect(r.wellBehavedSyncs).toBeGreaterThan(1)
    expect(relay.process.exitCode).toBeNull()
  }, 90_000)
})
