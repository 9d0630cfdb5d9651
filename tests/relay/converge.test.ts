/**
 * Randomized convergence with kill -9 of the relay: 30 seeds in CI, each a few dozen operations
 * by five clients and one or two kills (see converge.ts). A failing seed names itself and runs
 * again alone with `npm run test:converge -- --seed <n>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RelayUnderTest, runSeed } from './converge'

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1)

let relay: RelayUnderTest
beforeAll(async () => {
  relay = await RelayUnderTest.start()
})
afterAll(async () => {
  await relay.stop()
})

describe('randomized convergence through relay kills', () => {
  it.each(SEEDS)('seed %i converges and keeps every acknowledged change', async (seed) => {
    const result = await runSeed(relay, seed)
    expect(result.ackedStatesChecked).toBeGreaterThan(0)
  }, 60_000)
})
