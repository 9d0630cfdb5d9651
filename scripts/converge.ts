/**
 * `npm run test:converge -- --seeds 1000` runs seeds 1..1000 of the randomized convergence run
 * (tests/relay/converge.ts) against one real relay and prints how many converged;
 * `--seed 17` runs one seed again. Exits 1 if any seed failed, naming it.
 */
import { RelayUnderTest, runSeed } from '../tests/relay/converge'
import { wholeNumberArg as arg } from './args'

const one = arg('seed')
const count = arg('seeds') ?? 30
const first = arg('from') ?? 1
const seeds = one !== undefined ? [one] : Array.from({ length: count }, (_, i) => first + i)
const relay = await RelayUnderTest.start()
const failed: string[] = []
let converged = 0
const started = Date.now()
try {
  for (const seed of seeds) {
    try {
      const r = await runSeed(relay, seed)
      converged++
      process.stdout.write(`seed ${seed}: ok (${r.operations} operations, ${r.kills} kills, ${r.activities} activities, ${r.ackedStatesChecked} acknowledged states checked)\n`)
    } catch (err) {
      failed.push((err as Error).message)
      process.stdout.write(`FAILED ${(err as Error).message}\n`)
    }
  }
} finally {
  await relay.stop()
}
process.stdout.write(`\n${converged} of ${seeds.length} seeds converged in ${Math.round((Date.now() - started) / 1000)} s (relay killed ${relay.kills} times)\n`)
if (failed.length > 0) {
  process.stdout.write(`failed:\n${failed.map((f) => `  ${f}`).join('\n')}\n`)
  process.exit(1)
}
process.exit(0)
