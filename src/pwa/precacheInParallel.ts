/**
 * Build only (a Vite plugin, used by vite.config.ts; never part of the app): the service worker's
 * first install downloads the app in parallel instead of one file after another.
 *
 * Workbox's precache installs its entries one at a time (workbox-precaching's
 * PrecacheController.install: "Cache entries one at a time", workbox#2528), so on a slow link each
 * entry costs a whole round trip — 2 s on Slow 3G. This plugin puts a few lines before the
 * generated sw.js (after vite-plugin-pwa wrote it: its closeBundle runs 'pre', this one 'post'):
 * on install, they fetch every hashed entry of the manifest (`/assets/…`, served immutable by the
 * relay) at once and read it through, so the browser's HTTP cache holds them; Workbox's own
 * one-by-one requests for them then come from that cache. Workbox still decides what is stored and
 * whether the install succeeded; these fetches only warm the HTTP cache and never fail the install.
 * Revisioned entries (index.html) are fetched by Workbox with `cache: 'reload'`, so they are left
 * to it.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Plugin } from 'vite'

/** Hashed entries of a generated sw.js's precache manifest (`{url:"assets/…",revision:null}`), as paths under `base`. */
export function hashedPrecacheUrls(sw: string, base: string): string[] {
  return [...sw.matchAll(/\{url:"([^"]+)",revision:null\}/g)].map((m) => base + m[1])
}

/** The lines put before sw.js. */
export function parallelInstall(urls: readonly string[]): string {
  return (
    '// warm the HTTP cache for the precache in parallel (src/pwa/precacheInParallel.ts)\n' +
    'self.addEventListener("install",function(e){e.waitUntil(Promise.all(' +
    JSON.stringify(urls) +
    '.map(function(u){return fetch(u,{credentials:"same-origin"}).then(function(r){return r.arrayBuffer()}).catch(function(){})})))});\n'
  )
}

export function precacheInParallel(): Plugin {
  let swFile = ''
  let base = '/'
  return {
    name: 'scholenband:precache-in-parallel',
    apply: 'build',
    configResolved(config) {
      swFile = resolve(config.root, config.build.outDir, 'sw.js')
      base = config.base
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const sw = readFileSync(swFile, 'utf8')
        const urls = hashedPrecacheUrls(sw, base)
        if (urls.length === 0) this.error(`precache-in-parallel: found no hashed precache entry in ${swFile} (did the format of workbox's generateSW change?)`)
        writeFileSync(swFile, parallelInstall(urls) + sw)
      },
    },
  }
}
