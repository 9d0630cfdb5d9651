/**
 * Writes the five-year partnership (fixture.ts) to a file, as one Yjs update
 * (`Y.encodeStateAsUpdate`), and prints its figures:
 *   npx tsx tests/bench/buildFixture.ts --out /tmp/five-years.bin [--seed N] [--percent P]
 */
import { writeFileSync } from 'node:fs'
import * as Y from 'yjs'
import { buildFiveYearPartnership } from './fixture'
import { wholeNumberArg } from '../../scripts/args'

const outAt = process.argv.indexOf('--out')
const out = outAt >= 0 ? process.argv[outAt + 1] : undefined
if (!out || out.startsWith('--')) {
  process.stderr.write('usage: tsx tests/bench/buildFixture.ts --out <file> [--seed N] [--percent P]\n')
  process.exit(2)
}
const seed = wholeNumberArg('seed') ?? 1
const percent = wholeNumberArg('percent') ?? 100
const { doc, stats } = buildFiveYearPartnership({ seed, scale: percent / 100 })
writeFileSync(out, Y.encodeStateAsUpdate(doc))
process.stdout.write(`${out}: seed ${seed}, ${JSON.stringify(stats)}\n`)
