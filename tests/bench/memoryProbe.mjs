/**
 * Loaded into the servers bench:relay measures (`NODE_OPTIONS=--expose-gc --import <this file>`,
 * both ours and the stock one): on SIGUSR2 runs a full garbage collection, then writes the
 * process's memory to `$MEMORY_PROBE_DIR/<pid>.json` (VmRSS in KiB, and V8's heap and external
 * memory). RSS read this way holds what is alive, not whatever garbage the heap carried when the
 * bench happened to look (readings without it moved by ±30 KiB per client from run to run).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.env.MEMORY_PROBE_DIR
if (dir) {
  process.on('SIGUSR2', () => {
    globalThis.gc?.()
    globalThis.gc?.()
    // after the collection's own follow-up work (freed pages handed back) has had a turn
    setTimeout(() => {
      const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN)
      const m = process.memoryUsage()
      const file = join(dir, `${process.pid}.json`)
      writeFileSync(`${file}.tmp`, JSON.stringify({ rssKiB, heapUsedKiB: m.heapUsed / 1024, externalKiB: m.external / 1024 }))
      renameSync(`${file}.tmp`, file)
    }, 50)
  })
}
