/**
 * The first view's stylesheet inlined into index.html (src/pwa/inlineFirstViewCss.ts) and allowed
 * by the relay's Content-Security-Policy by its hash (sync-server/static.ts): a lazy chunk no longer
 * lists the deleted file among those it loads first, the positions its imports name still point at
 * the same files, and the policy allows exactly the page's `<style>` texts.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inlineStylesheet, withoutPreloadDep } from '../../src/pwa/inlineFirstViewCss'
import { contentSecurityPolicy, inlineStyleHashes } from '../../sync-server/static'

/** The files each `__vite__mapDeps([…])` call of a chunk names, in order. */
function importedFiles(code: string): string[][] {
  const list = /m\.f=(\[[^\]]*\])/.exec(code)
  const files = list ? (JSON.parse(list[1]!) as string[]) : []
  return [...code.matchAll(/__vite__mapDeps\(\[([\d,]*)\]\)/g)].map((m) => (m[1] ? m[1].split(',').map((i) => files[Number(i)]!) : []))
}

const CHUNK =
  'const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/pages-a.js","assets/index-b.js","assets/index-Bq_x.css","assets/pages-c.css"])))=>i.map(i=>d[i]);\n' +
  'import{a}from"./index-b.js";const p=()=>x(()=>import("./pages-a.js"),__vite__mapDeps([0,1,2,3]));const q=()=>x(()=>import("./index-b.js"),__vite__mapDeps([2,1]));'

describe('a lazy chunk without the inlined stylesheet', () => {
  it('drops the file and keeps every other file each import loads first', () => {
    const out = withoutPreloadDep(CHUNK, 'assets/index-Bq_x.css')
    expect(importedFiles(out)).toEqual([
      ['assets/pages-a.js', 'assets/index-b.js', 'assets/pages-c.css'],
      ['assets/index-b.js'],
    ])
    expect(out).not.toContain('index-Bq_x.css')
    // the rest of the chunk is untouched
    expect(out.split('\n')[1]!.replace(/__vite__mapDeps\(\[[\d,]*\]\)/g, '')).toBe(CHUNK.split('\n')[1]!.replace(/__vite__mapDeps\(\[[\d,]*\]\)/g, ''))
  })

  it('leaves a chunk that does not list it, or lists nothing, as it is', () => {
    expect(withoutPreloadDep(CHUNK, 'assets/other.css')).toBe(CHUNK)
    expect(withoutPreloadDep('export const a=1;', 'assets/index-Bq_x.css')).toBe('export const a=1;')
  })
})

describe('index.html with the stylesheet inside', () => {
  const HTML = '<head><script type="module" crossorigin src="/assets/index-b.js"></script>\n<link rel="stylesheet" crossorigin href="/assets/index-Bq_x.css">\n</head>'

  it('replaces the link by a <style> holding the text, and nothing else', () => {
    expect(inlineStylesheet(HTML, '/assets/index-Bq_x.css', 'body{margin:0}')).toBe(
      '<head><script type="module" crossorigin src="/assets/index-b.js"></script>\n<style>body{margin:0}</style>\n</head>',
    )
  })

  it('refuses a page without that link, and a text that would end the element early', () => {
    expect(() => inlineStylesheet(HTML, '/assets/index-other.css', 'a{}')).toThrow(/no <link>/)
    expect(() => inlineStylesheet(HTML, '/assets/index-Bq_x.css', 'a{content:"</style>"}')).toThrow(/<\/style/)
  })
})

describe("the page's Content-Security-Policy", () => {
  const styleSources = (csp: string): string[] => csp.split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'style-src')!.slice(1)

  it("allows each <style> of index.html by the sha256 of its exact text, besides 'self'", () => {
    const css = 'body{margin:0}\n.topbar{background:#1f6f5c}'
    const html = `<head><style>${css}</style><style media="print">a{}</style></head>`
    const hashes = inlineStyleHashes(html)
    const b64 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64')
    expect(hashes).toEqual([`'sha256-${b64(css)}'`, `'sha256-${b64('a{}')}'`])
    expect(styleSources(contentSecurityPolicy('127.0.0.1:8080', hashes))).toEqual(["'self'", ...hashes])
  })

  it("stays 'self' alone for a page without <style>, and never allows inline style wholesale", () => {
    expect(inlineStyleHashes('<head><link rel="stylesheet" href="/a.css"></head>')).toEqual([])
    expect(styleSources(contentSecurityPolicy('127.0.0.1:8080'))).toEqual(["'self'"])
    expect(contentSecurityPolicy('127.0.0.1:8080', inlineStyleHashes('<style>a{}</style>'))).not.toMatch(/unsafe-inline|unsafe-hashes/)
  })
})
