/**
 * Build only (a Vite plugin, used by vite.config.ts; never part of the app): the first view's
 * stylesheet is written into index.html as one `<style>` instead of a `<link>`.
 *
 * A `<link rel="stylesheet">` in the head blocks the first paint until it has arrived: one more
 * request beside the app's script (Lighthouse's "render-blocking resources", about 150–200 ms of
 * its simulated first paint on a phone). Inlined, the 3–4 KB gzip of the first view's CSS come
 * with index.html. The relay's Content-Security-Policy allows exactly that text by its hash
 * (sync-server/static.ts, `inlineStyleHashes`): still no other inline style, no `style="…"`.
 *
 * The stylesheet is the entry chunk's, `assets/index-<hash>.css` (the `index` chunk group of
 * vite.config.ts). Its file is left out of the build (so out of the precache too), and out of the
 * lists of files a lazy chunk loads before itself (`withoutPreloadDep`): a lazy chunk importing
 * from the entry chunk lists the entry's stylesheet there, and Vite's loader would add a `<link>`
 * to the deleted file (Vite's `modulePreload.resolveDependencies` is not asked about stylesheets).
 */
import type { Plugin } from 'vite'

/** The first view's stylesheet, as Vite names it in the bundle and in index.html. */
const FIRST_VIEW_CSS = /^assets\/index-[\w-]+\.css$/

const MAP_DEPS = /const __vite__mapDeps=\(i,m=__vite__mapDeps,d=\(m\.f\|\|\(m\.f=(\[[^\]]*\])\)\)\)=>i\.map\(i=>d\[i\]\);/

/**
 * A chunk's code without `dep` in the files its dynamic imports load first: Vite writes one list
 * per chunk (`const __vite__mapDeps=(…m.f=["assets/a.js","assets/b.css"]…)`) and each import
 * names its files by position (`__vite__mapDeps([0,1])`); the positions after `dep` move down one.
 */
export function withoutPreloadDep(code: string, dep: string): string {
  const declaration = MAP_DEPS.exec(code)
  if (!declaration) return code
  const files = JSON.parse(declaration[1]!) as string[]
  const at = files.indexOf(dep)
  if (at < 0) return code
  const list = declaration[0].replace(declaration[1]!, JSON.stringify(files.filter((_, i) => i !== at)))
  return code.replace(declaration[0], () => list).replace(/__vite__mapDeps\(\[([\d,]*)\]\)/g, (_, positions: string) => {
    const kept = positions === '' ? [] : positions.split(',').map(Number).filter((i) => i !== at).map((i) => (i > at ? i - 1 : i))
    return `__vite__mapDeps([${kept.join(',')}])`
  })
}

/** index.html with the `<link rel="stylesheet">` of `href` replaced by a `<style>` holding `css`. */
export function inlineStylesheet(html: string, href: string, css: string): string {
  const link = new RegExp(`<link\\b[^>]*\\bhref="${href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`)
  if (!link.test(html)) throw new Error(`inline-first-view-css: no <link> to ${href} in index.html`)
  if (css.includes('</style')) throw new Error('inline-first-view-css: the stylesheet holds "</style"')
  return html.replace(link, () => `<style>${css}</style>`)
}

export function inlineFirstViewCss(): Plugin {
  let base = '/'
  /** The stylesheet put into index.html (its file is gone from the bundle by then). */
  let inlined: string | undefined
  return {
    name: 'scholenband:inline-first-view-css',
    apply: 'build',
    configResolved(config) {
      base = config.base
    },
    generateBundle: {
      // after Vite wrote the chunks' preload lists
      order: 'post',
      handler(_options, bundle) {
        const name = inlined ?? Object.keys(bundle).find((file) => FIRST_VIEW_CSS.test(file))
        if (!name) return
        for (const file of Object.values(bundle)) if (file.type === 'chunk') file.code = withoutPreloadDep(file.code, name)
      },
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const names = Object.keys(bundle).filter((name) => FIRST_VIEW_CSS.test(name))
        if (names.length !== 1) throw new Error(`inline-first-view-css: expected one first-view stylesheet, found ${names.join(', ') || 'none'}`)
        const name = names[0]!
        const asset = bundle[name]!
        if (asset.type !== 'asset') throw new Error(`inline-first-view-css: ${name} is no asset`)
        const css = typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source)
        html = inlineStylesheet(html, base + name, css.trim())
        delete bundle[name]
        inlined = name
        return html
      },
    },
  }
}
