/**
 * Reads a CPU profile (.cpuprofile from the CDP Profiler, as written by `npm run bench:app --
 * --only cold` with BENCH_COLD_PROFILE) and prints where the time went: the functions with the
 * most self time and the most total time (time with the function on the stack, counted once per
 * sample), and the busiest stretches without a break of more than --gap ms (default 50: about one
 * task each). A reading aid for the cold start, not a benchmark.
 *   npx tsx tests/bench/profileSummary.ts <file.cpuprofile> [--top 25] [--gap 50]
 */
import { readFileSync } from 'node:fs'
import { wholeNumberArg } from '../../scripts/args'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

const file = process.argv[2]
if (!file || file.startsWith('--')) {
  process.stderr.write('usage: tsx tests/bench/profileSummary.ts <file.cpuprofile> [--top 25] [--gap 50]\n')
  process.exit(2)
}
const TOP = wholeNumberArg('top') ?? 25
const GAP_MS = wholeNumberArg('gap') ?? 50
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const nameOf = (n: ProfileNode): string => {
  const f = n.callFrame
  const where = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`
}
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)'])

const self = new Map<string, number>()
const total = new Map<string, number>()
/** Sample times (ms from the profile's start) and whether the page was busy (not idle). */
const timeline: { at: number; ms: number; stack: string[] }[] = []
let at = 0
for (let i = 0; i < profile.samples.length; i++) {
  const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000
  at += (profile.timeDeltas[i] ?? 0) / 1000
  const leaf = byId.get(profile.samples[i]!)
  if (!leaf) continue
  const leafName = nameOf(leaf)
  self.set(leafName, (self.get(leafName) ?? 0) + ms)
  const stack: string[] = []
  const seen = new Set<string>()
  for (let id: number | undefined = leaf.id, depth = 0; id !== undefined && depth < 10_000; id = parent.get(id), depth++) {
    const name = nameOf(byId.get(id)!)
    stack.push(name)
    if (seen.has(name)) continue
    seen.add(name)
    total.set(name, (total.get(name) ?? 0) + ms)
  }
  timeline.push({ at, ms, stack })
}

const top = (m: Map<string, number>): string[] =>
  [...m.entries()]
    .filter(([k]) => !k.startsWith('(root)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`)

const busy = timeline.filter((s) => !IDLE.has(s.stack[0]!.split(' ')[0]!))
const span = at
console.log(`${file}: ${span.toFixed(0)} ms recorded, ${busy.reduce((a, s) => a + s.ms, 0).toFixed(0)} ms busy (not idle, program or GC)`)
console.log(`\nself time, top ${TOP}:`)
for (const l of top(self)) console.log(l)
console.log(`\ntotal time (on the stack), top ${TOP}:`)
for (const l of top(total)) console.log(l)

// busy stretches: consecutive busy samples with no idle gap over GAP_MS
const stretches: { from: number; to: number; samples: typeof busy }[] = []
for (const s of busy) {
  const last = stretches[stretches.length - 1]
  if (last && s.at - last.to <= GAP_MS) {
    last.to = s.at + s.ms
    last.samples.push(s)
  } else stretches.push({ from: s.at, to: s.at + s.ms, samples: [s] })
}
console.log(`\nbusy stretches over 100 ms (gap ≤ ${GAP_MS} ms), with what was on the stack most:`)
for (const st of stretches.filter((x) => x.to - x.from > 100)) {
  const inside = new Map<string, number>()
  for (const s of st.samples) for (const name of new Set(s.stack)) inside.set(name, (inside.get(name) ?? 0) + s.ms)
  console.log(`  ${st.from.toFixed(0)}–${st.to.toFixed(0)} ms (${(st.to - st.from).toFixed(0)} ms):`)
  for (const l of top(inside).slice(0, 12)) console.log(`    ${l}`)
}
