#!/usr/bin/env node
// Runs after `vite build`:
// 1. fails when the first view's JS + CSS is over the budget (gzip bytes, deterministic; the
//    stylesheet inlined into index.html by src/pwa/inlineFirstViewCss.ts counts too);
// 2. fails when a file is too big for the service worker's precache (Workbox silently skips
//    files over 2 MiB, and the app would be blank offline);
// 3. fails when the service worker precaches more than PRECACHE_MAX_ENTRIES entries, or anything
//    offline use does not need (images, .br/.gz siblings): Workbox installs them one at a time, a
//    round trip each on a slow link (see vite.config.ts);
// 4. fails when index.html has a parser-blocking script (one with src that is neither a module nor
//    defer nor async): it holds up the first paint (Lighthouse's render-blocking resources); the
//    locale script of src/i18n/localePreload.ts is `defer`;
// 5. fails when the first view's entry chunk does not start with V8's compile hint
//    (src/pwa/compileHint.ts): without it, the first view's functions compile on the main thread;
// 6. writes .br and .gz beside every text file, once, so the relay never compresses per request.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const DIST = process.argv[2] ?? 'dist'
export const FIRST_VIEW_BUDGET = 137 * 1024
const PRECACHE_LIMIT = 2 * 1024 * 1024
export const PRECACHE_MAX_ENTRIES = 15
const COMPRESSIBLE = /\.(js|mjs|css|html|json|webmanifest|svg|txt|ico)$/

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : [],
  )
}

const html = readFileSync(join(DIST, 'index.html'), 'utf8')
// what the browser fetches for the first view: the entry script, its modulepreloads, stylesheets
const refs = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+\.(?:js|css))"/g)].map((m) => m[1])
/** Static imports of an entry chunk load before it runs: follow them too. */
const seen = new Set()
const queue = refs.map((r) => r.replace(/^\//, ''))
while (queue.length > 0) {
  const file = queue.shift()
  if (seen.has(file)) continue
  seen.add(file)
  if (!file.endsWith('.js')) continue
  const code = readFileSync(join(DIST, file), 'utf8')
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    queue.push(join(file, '..', m[1]).split(sep).join('/'))
  }
}
let firstView = 0
const rows = []
for (const file of seen) {
  const gz = gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length
  firstView += gz
  rows.push(`  ${file}: ${(gz / 1024).toFixed(1)} KB gzip`)
}
// the first view's stylesheet inlined into index.html (src/pwa/inlineFirstViewCss.ts) counts too
const inlineCss = [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)].map((m) => m[1]).join('')
if (inlineCss !== '') {
  const gz = gzipSync(inlineCss, { level: 9 }).length
  firstView += gz
  rows.push(`  index.html <style>: ${(gz / 1024).toFixed(1)} KB gzip`)
}
console.log(`first view (JS + CSS, gzip): ${(firstView / 1024).toFixed(1)} KB of ${FIRST_VIEW_BUDGET / 1024} KB budget`)
console.log(rows.join('\n'))
let failed = false
if (refs.length === 0) {
  console.error('check-build: found no script or stylesheet in index.html')
  failed = true
}
if (firstView > FIRST_VIEW_BUDGET) {
  console.error(`check-build: first view is ${firstView} bytes gzip, over the ${FIRST_VIEW_BUDGET} byte budget`)
  failed = true
}
const entry = /<script[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/.exec(html)?.[1]
if (entry && !readFileSync(join(DIST, entry.replace(/^\//, '')), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n')) {
  console.error(`check-build: ${entry} does not start with //# allFunctionsCalledOnLoad (src/pwa/compileHint.ts)`)
  failed = true
}
for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
  if (/\bsrc=/.test(tag) && !/\btype="module"|\sdefer\b|\sasync\b/.test(tag)) {
    console.error(`check-build: ${tag} in index.html blocks the parser and the first paint (make it defer or async)`)
    failed = true
  }
}

// the manifest in the generated sw.js: precacheAndRoute([{url:"…",revision:…},…])
const sw = readFileSync(join(DIST, 'sw.js'), 'utf8')
const precached = [...sw.matchAll(/\{url:"([^"]+)",revision:(?:"[^"]*"|null)\}/g)].map((m) => m[1])
console.log(`precache: ${precached.length} entries (at most ${PRECACHE_MAX_ENTRIES})`)
if (precached.length === 0 || precached.length > PRECACHE_MAX_ENTRIES) {
  console.error(`check-build: the service worker precaches ${precached.length} entries, expected 1 to ${PRECACHE_MAX_ENTRIES}`)
  failed = true
}
for (const url of precached.filter((u) => /\.(br|gz|png|ico|txt)$/.test(u))) {
  console.error(`check-build: ${url} is precached, but offline use does not need it`)
  failed = true
}

let raw = 0
let br = 0
for (const file of walk(DIST)) {
  if (file.endsWith('.br') || file.endsWith('.gz')) continue
  const size = statSync(file).size
  if (size > PRECACHE_LIMIT) {
    console.error(`check-build: ${relative(DIST, file)} is ${size} bytes, over the 2 MiB precache limit`)
    failed = true
  }
  if (!COMPRESSIBLE.test(file)) continue
  const data = readFileSync(file)
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
  writeFileSync(file + '.br', b)
  writeFileSync(file + '.gz', gzipSync(data, { level: 9 }))
  raw += data.length
  br += b.length
}
console.log(`precompressed: ${(raw / 1024).toFixed(1)} KB → ${(br / 1024).toFixed(1)} KB brotli`)
if (failed) process.exit(1)
