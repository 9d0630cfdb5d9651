/**
 * Build only (a Vite plugin, used by vite.config.ts; never part of the app): the first view's
 * chunk starts with V8's explicit compile hint, `//# allFunctionsCalledOnLoad` (Chrome 136+).
 *
 * V8 compiles a function lazily, on its first call, on the main thread. The first view calls a
 * large part of its chunk at once — React, i18next, Dexie's schema and live queries — so those
 * first calls ran as one long task after another while the home screen was drawn (Lighthouse's
 * total blocking time: 140–810 ms on its simulated phone). With the hint, V8 compiles the whole
 * chunk while it streams in, on a background thread. Side by side in one `bench:app -- --only
 * lighthouse` run (5 each, 2026-12-02): TBT 50–140 ms with the hint, 220–810 ms without; score
 * 97–99 against 79–95. Other browsers read the line as a comment.
 *
 * Only the entry chunk: the lazy chunks hold much that a visit never calls, and compiling it all
 * eagerly would cost memory for nothing. scripts/check-build.mjs fails a build whose first-view
 * chunk lacks the hint.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Plugin } from 'vite'

/** Must be the chunk's very first line for V8 to read it. */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n'

/**
 * Written into the file once it is on disk (`writeBundle`): Vite 8 (Rolldown) does not take a
 * chunk's code changed in `generateBundle` into the file it writes, and its minifier would drop
 * the comment from `renderChunk`'s output. The service worker's precache list is made after this.
 */
export function compileHintForFirstView(): Plugin {
  return {
    name: 'scholenband:compile-hint-first-view',
    apply: 'build',
    enforce: 'post',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist'
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk' || !file.isEntry) continue
        const path = join(dir, file.fileName)
        const code = await readFile(path, 'utf8')
        if (code.startsWith(COMPILE_HINT)) continue
        await writeFile(path, COMPILE_HINT + code)
        // with build.sourcemap: the code's lines moved down one
        const map = await readFile(`${path}.map`, 'utf8').catch(() => undefined)
        if (map !== undefined) {
          const parsed = JSON.parse(map) as { mappings: string }
          await writeFile(`${path}.map`, JSON.stringify({ ...parsed, mappings: `;${parsed.mappings}` }))
        }
      }
    },
  }
}
