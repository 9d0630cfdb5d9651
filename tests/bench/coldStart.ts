/**
 * The offline cold start of `npm run bench:app` (tests/bench/app.bench.ts): a partnership joined in
 * the app as a teacher would, then offline at 4× CPU, reloaded: the time to the plan's first activity
 * card (the saved view, src/ui/planning/SavedPlan.tsx, when the app has one), the time to the live
 * plan (the document loaded and the plan drawn from it: a card shown and no `aria-busy` section in
 * <main>, which the saved view is), the longest task of each reload from its start until a second
 * after the live plan, the JS heap after, the stored document's rows; optionally a CPU profile of
 * the last reload (tests/bench/profileSummary.ts reads it). Every wait is bounded.
 */
import { writeFileSync } from 'node:fs'
import type { CDPSession, Page } from 'playwright-core'
import { answerWhoIsHere, goTo, joinPartnership, syncStatus } from '../e2e/browser'
import { bounded, launchChromium, newPhone, throttlePage, type Maybe } from './load'

export interface ColdStart {
  /** ms from navigation start to the plan's first activity card (saved view or live), one per reload. */
  runsMs: number[]
  /** ms from navigation start to the live plan (document loaded, plan drawn from it), one per reload. */
  liveMs?: number[]
  /** Longest task (PerformanceObserver 'longtask') over all reloads, ms. */
  longestTaskMs: Maybe
  /** The longest task of each reload, ms. */
  longestPerReloadMs?: number[]
  /** JS heap used after the reloads (after a garbage collection), bytes. */
  heapBytes: Maybe
  /** The stored document's rows after the reloads (IndexedDB `sb-doc-*`, store `updates`): how many, the largest. */
  storedRows?: { count: number; largestBytes: number }
  /** The same before the reloads, after the join (waited for, bounded, until no row is bigger than BIG_ROW_BYTES). */
  joinedRows?: { count: number; largestBytes: number }
  /** The long tasks of the profiled reload (the last, or BENCH_COLD_PROFILE_RELOAD) (ms since navigation start, duration ms). */
  lastTasks?: { start: number; ms: number }[]
  /** What went wrong, if something did. */
  problem?: string
}

/** In the page, before its scripts: the first activity card's time, the live plan's, and the longest task. */
function markPlan(): void {
  const w = window as unknown as { __cardAt?: number; __liveAt?: number; __longestTask: number; __tasks: [number, number][]; __emptyPlan?: boolean }
  w.__longestTask = 0
  w.__tasks = []
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.__longestTask = Math.max(w.__longestTask, e.duration)
        w.__tasks.push([e.startTime, e.duration])
      }
    }).observe({ type: 'longtask', buffered: true })
  } catch {
    /* no longtask support */
  }
  // looked at in the frame after a change, where the browser lays the page out anyway: a layout
  // forced in the mutation callback would add the layout to the app's task that made the change
  // (no named function in here: tsx would wrap it in a helper the page does not have)
  let isLooking = false
  const observer = new MutationObserver(() => {
    if (isLooking) return
    isLooking = true
    requestAnimationFrame(() => {
      isLooking = false
      const card = document.querySelector('main .activity-card, main .activity-list li')
      if (card && card.getClientRects().length > 0) {
        w.__cardAt ??= performance.now()
        // the saved view is an aria-busy section: the live plan is drawn once there is none
        if (!document.querySelector('main [aria-busy="true"]')) {
          w.__liveAt = performance.now()
          observer.disconnect()
        }
      } else if (document.querySelector('main .empty')) w.__emptyPlan = true
    })
  })
  observer.observe(document, { childList: true, subtree: true })
}

/** The stored document's rows on this page's device (IndexedDB `sb-doc-*`, store `updates`): how many, the largest. */
async function storedRowsIn(page: Page): Promise<{ count: number; largestBytes: number }> {
  const rows = await storedRowsBase64(page)
  return { count: rows.length, largestBytes: Math.max(0, ...rows.map((r) => Buffer.from(r, 'base64').length)) }
}

/** The stored document's rows on this page's device, in key order, base64. */
function storedRowsBase64(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = []
    for (const info of await indexedDB.databases()) {
      if (!info.name?.startsWith('sb-doc-')) continue
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!)
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      const rows = await new Promise<Uint8Array[]>((resolve, reject) => {
        const req = db.transaction(['updates'], 'readonly').objectStore('updates').getAll()
        req.onsuccess = () => resolve(req.result as Uint8Array[])
        req.onerror = () => reject(req.error)
      })
      db.close()
      for (const r of rows) {
        let bin = ''
        for (let i = 0; i < r.length; i++) bin += String.fromCharCode(r[i]!)
        out.push(btoa(bin))
      }
    }
    return out
  })
}

/**
 * Starts a Chromium trace of the page's main-thread tasks (what DevTools' Performance panel records);
 * `stop` returns its events. Tracing adds its own work: a traced reload's tasks are a little longer.
 */
function startTrace(cdp: CDPSession): { stop(): Promise<unknown[]> } {
  const events: unknown[] = []
  const collect = (d: { value: unknown[] }): void => void events.push(...d.value)
  cdp.on('Tracing.dataCollected', collect)
  // a trace that could not start is no trace (the reload is measured all the same)
  const started = cdp
    .send('Tracing.start', {
      categories: 'devtools.timeline,v8.execute,v8,blink.user_timing,loading,disabled-by-default-devtools.timeline,disabled-by-default-v8.gc',
      transferMode: 'ReportEvents',
    })
    .then(
      () => true,
      () => false,
    )
  return {
    async stop() {
      if (!(await started)) {
        cdp.off('Tracing.dataCollected', collect)
        return []
      }
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve))
      await cdp.send('Tracing.end')
      await done
      cdp.off('Tracing.dataCollected', collect)
      return events
    },
  }
}

/** Which reload is profiled (0-based): the last, or the one BENCH_COLD_PROFILE_RELOAD names (1 = the first). */
function profiledReload(reloads: number): number {
  const n = Number(process.env.BENCH_COLD_PROFILE_RELOAD)
  return Number.isInteger(n) && n >= 1 && n <= reloads ? n - 1 : reloads - 1
}

/** A stored row bigger than this is the join's first sync not yet rewritten in rows (src/storage/docStore.ts BIG_ROW_BYTES). */
const BIG_ROW_BYTES = 64 * 1024

/**
 * Joins the partnership whose invite code is `code` on the app at `appUrl` (the e2e tests' join
 * flow), waits for "Synced" and the service worker, opens the action plan, goes offline, sets 4×
 * CPU, then reloads `reloads` times: the time to the first activity card each time, the longest
 * task, the heap after. With `profilePath`, the last reload (or the one BENCH_COLD_PROFILE_RELOAD
 * names, 1 = the first) is recorded by the CDP Profiler into that file (a .cpuprofile, for DevTools
 * or tests/bench/profileSummary.ts, with `pageNowAtEnd`: the page's clock at its end) and its long
 * tasks kept.
 */
export async function offlineColdStart(appUrl: string, code: string, reloads: number, timeoutMs = 120_000, profilePath?: string): Promise<ColdStart> {
  const browser = await launchChromium()
  const result: ColdStart = { runsMs: [], longestTaskMs: { missing: 'not measured' }, heapBytes: { missing: 'not measured' } }
  try {
    const context = await newPhone(browser)
    const page = await context.newPage()
    page.setDefaultTimeout(timeoutMs)
    await page.goto(appUrl)
    await joinPartnership(page, code)
    // five years arrive before the first question (answerWhoIsHere waits 20 s, too short on a busy machine)
    await page.getByRole('region', { name: 'Before you start' }).waitFor({ timeout: timeoutMs })
    await answerWhoIsHere(page)
    const synced = await bounded(
      (async () => {
        for (let i = 0; i < 100_000; i++) {
          if (/^Synced/.test(await syncStatus(page).innerText().catch(() => ''))) return true
          await page.waitForTimeout(250)
        }
        return false
      })(),
      timeoutMs * 2,
      'joining: "Synced"',
    )
    if (synced !== true) return { ...result, problem: typeof synced === 'object' ? synced.missing : 'not synced' }
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: timeoutMs })
    await goTo(page, 'Action plan')
    await page.locator('main .activity-card, main .activity-list li').first().waitFor({ state: 'visible', timeout: timeoutMs })
    // the app as a teacher leaves it after a join: the join's one big row rewritten in rows of
    // ~16 KB (docStore.ts compacts it a slice at a time, a few seconds after the join), the plan
    // shown for a moment (and its saved view kept); bounded
    for (let i = 0; i < 120; i++) {
      await page.waitForTimeout(500)
      if ((await storedRowsIn(page)).largestBytes <= BIG_ROW_BYTES) break
    }
    result.joinedRows = await storedRowsIn(page)
    await context.addInitScript(markPlan)
    await context.setOffline(true)
    const cdp = await throttlePage(page, false)
    let longest = 0
    for (let i = 0; i < reloads; i++) {
      const profiling = profilePath !== undefined && i === profiledReload(reloads)
      if (profiling) {
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 250 })
        await cdp.send('Profiler.start')
      }
      // BENCH_COLD_HEAP=<file>: what the last reload allocated, the garbage too (a sampling heap profile, .heapprofile)
      const sampling = process.env.BENCH_COLD_HEAP !== undefined && i === reloads - 1
      if (sampling) {
        await cdp.send('HeapProfiler.enable')
        await cdp.send('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never)
      }
      // BENCH_COLD_TRACE=<prefix>: a Chromium trace of each reload, kept when its longest task is over 200 ms
      const tracing = process.env.BENCH_COLD_TRACE ? startTrace(cdp) : undefined
      await page.reload({ waitUntil: 'commit', timeout: timeoutMs })
      const at = await bounded(
        page
          .waitForFunction(() => (window as unknown as { __cardAt?: number }).__cardAt, undefined, { timeout: timeoutMs, polling: 100 })
          .then((h) => h.jsonValue() as Promise<number>),
        timeoutMs + 1000,
        'the first activity card offline',
      ).catch((e: Error) => ({ missing: `timed out (the first activity card offline: ${e.message.split('\n')[0]})` }))
      if (typeof at !== 'number') {
        const empty = await page.evaluate(() => (window as unknown as { __emptyPlan?: boolean }).__emptyPlan === true).catch(() => false)
        return { ...result, problem: empty ? 'the plan showed no activity' : at.missing }
      }
      result.runsMs.push(at)
      // then the live plan (the document loaded), bounded
      const liveAt = await bounded(
        page
          .waitForFunction(() => (window as unknown as { __liveAt?: number }).__liveAt, undefined, { timeout: timeoutMs, polling: 100 })
          .then((h) => h.jsonValue() as Promise<number>),
        timeoutMs + 1000,
        'the live plan offline',
      ).catch((e: Error) => ({ missing: `timed out (the live plan offline: ${e.message.split('\n')[0]})` }))
      if (typeof liveAt !== 'number') return { ...result, problem: liveAt.missing }
      result.liveMs = [...(result.liveMs ?? []), liveAt]
      // let the page settle (tasks after the live plan count too), bounded
      await page.waitForTimeout(1000)
      // a task still running at that second is reported once it ends, to the observer a moment later: let it arrive
      const longestNow = await page.evaluate(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100))
        return (window as unknown as { __longestTask: number }).__longestTask
      })
      result.longestPerReloadMs = [...(result.longestPerReloadMs ?? []), Math.round(longestNow)]
      if (sampling) {
        const { profile } = (await cdp.send('HeapProfiler.stopSampling')) as unknown as { profile: unknown }
        writeFileSync(process.env.BENCH_COLD_HEAP!, JSON.stringify(profile))
      }
      if (tracing) {
        const events = await tracing.stop()
        if (longestNow > Number(process.env.BENCH_COLD_TRACE_MS ?? 200)) writeFileSync(`${process.env.BENCH_COLD_TRACE}-reload${i + 1}.json`, JSON.stringify({ traceEvents: events }))
      }
      // BENCH_COLD_TASKS=1: every reload's long tasks (start: ms) on stderr, with its card and live-plan times
      if (process.env.BENCH_COLD_TASKS === '1') {
        const tasks = await page.evaluate(() => (window as unknown as { __tasks: [number, number][] }).__tasks)
        process.stderr.write(`  reload ${i + 1} (card ${Math.round(at)} ms, live ${Math.round(liveAt)} ms), long tasks: ${tasks.map(([start, ms]) => `${Math.round(start)}: ${Math.round(ms)}`).join(', ')}\n`)
      }
      longest = Math.max(longest, longestNow)
      if (profiling) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Record<string, unknown> }
        // the page's clock at the profile's end (within the few ms this call takes): a long task's
        // start (performance.now()) is at `endTime / 1000 - (pageNowAtEnd - start)` ms in the profile
        const pageNowAtEnd = await page.evaluate(() => performance.now())
        writeFileSync(profilePath, JSON.stringify({ ...profile, pageNowAtEnd }))
        const tasks = await page.evaluate(() => (window as unknown as { __tasks: [number, number][] }).__tasks)
        result.lastTasks = tasks.map(([start, ms]) => ({ start: Math.round(start), ms: Math.round(ms) }))
      }
    }
    result.longestTaskMs = longest
    result.storedRows = await storedRowsIn(page)
    // BENCH_COLD_ROWS=<file>: the stored rows themselves, in key order (JSON: base64 each), to apply them again in Node
    if (process.env.BENCH_COLD_ROWS) writeFileSync(process.env.BENCH_COLD_ROWS, JSON.stringify(await storedRowsBase64(page)))
    await cdp.send('HeapProfiler.collectGarbage')
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    result.heapBytes = heap.usedSize
    return result
  } catch (e) {
    return { ...result, problem: (e as Error).message.split('\n')[0] }
  } finally {
    await browser.close()
  }
}
