/**
 * Build only (a Vite plugin, used by vite.config.ts; never part of the app): the locale without a
 * round trip after the app's code.
 *
 * The app picks its language and imports that locale's chunk only once its own JavaScript has
 * arrived and run: on a slow link (2 s a round trip) that is one more round trip before the first
 * screen has its words. This plugin writes a tiny script, `assets/locale-<hash>.js`, holding the
 * build's map from language to locale chunk and `pickLanguage` (./pick.ts, the app's own choice),
 * and puts it first in index.html's head. It guesses the language — the one this device showed
 * last (`LANGUAGE_MIRROR_KEY` in localStorage), else the browser's — and adds a
 * `<link rel="modulepreload">` for that chunk, so the locale downloads beside the app's code. The
 * app's own `import()` of the chunk then finds it in the module map. A wrong guess costs one unused
 * download and nothing else: the app still decides (saved setting in IndexedDB, ./index.ts).
 * It also sets `lang` and `dir` on <html> for that guess (`directionOf`, ./pick.ts), so an Arabic
 * first paint is already right to left.
 *
 * A script file, not an inline script: the relay's Content-Security-Policy allows no inline
 * script (sync-server/static.ts). It is a `defer` script first in the head: the browser still
 * asks for it first, but it blocks neither the parser nor rendering (Lighthouse counted the
 * parser-blocking script it was before as render-blocking), and it runs in document order, so
 * always before the app's module script.
 */
import { createHash } from 'node:crypto'
import type { Plugin, Rolldown } from 'vite'
import { DEFAULT_LANGUAGE, LANGUAGE_MIRROR_KEY, directionOf, pickLanguage } from './pick.js'

const LOCALE_MODULE = /[\\/]src[\\/]i18n[\\/]locales[\\/]([^\\/]+)\.json$/

/** Language code → URL of its locale chunk, from the finished bundle. */
export function localeChunks(bundle: Rolldown.OutputBundle, base: string): Record<string, string> {
  const map: Record<string, string> = {}
  for (const file of Object.values(bundle)) {
    if (file.type !== 'chunk' || !file.facadeModuleId) continue
    const code = LOCALE_MODULE.exec(file.facadeModuleId)?.[1]
    if (code) map[code] = base + file.fileName
  }
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)))
}

/** The script's file name and text for a map of locale chunks. */
export function localePreloadScript(map: Record<string, string>): { fileName: string; source: string } {
  const source =
    '(function(){try{' +
    `var m=${JSON.stringify(map)};` +
    `var l=(${pickLanguage.toString()})(localStorage.getItem(${JSON.stringify(LANGUAGE_MIRROR_KEY)}),navigator.languages||[navigator.language],Object.keys(m),${JSON.stringify(DEFAULT_LANGUAGE)});` +
    // lang and dir right from the first paint; the app corrects them if its choice differs
    `var h=document.documentElement;h.lang=l;h.dir=(${directionOf.toString()})(l);` +
    'if(!m[l])return;var p=document.createElement("link");p.rel="modulepreload";p.href=m[l];document.head.appendChild(p)' +
    '}catch(e){}})();\n'
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 10)
  return { fileName: `assets/locale-${hash}.js`, source }
}

export function localePreload(): Plugin {
  let base = '/'
  return {
    name: 'scholenband:locale-preload',
    apply: 'build',
    configResolved(config) {
      base = config.base
    },
    generateBundle(_options, bundle) {
      const map = localeChunks(bundle, base)
      if (Object.keys(map).length === 0) this.error('locale-preload: no locale chunk in the bundle (src/i18n/locales/*.json)')
      const { fileName, source } = localePreloadScript(map)
      this.emitFile({ type: 'asset', fileName, source })
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle) return
        const { fileName } = localePreloadScript(localeChunks(ctx.bundle, base))
        return [{ tag: 'script', attrs: { src: base + fileName, defer: true }, injectTo: 'head-prepend' }]
      },
    },
  }
}
