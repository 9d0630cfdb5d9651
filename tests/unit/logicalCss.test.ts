/**
 * The layout mirrors in a right-to-left language (Arabic) because every stylesheet under src/ uses
 * logical properties: `margin-inline-start`, not `margin-left`; `inset-inline-end`, not `right`;
 * `text-align: start`, not `left`. This test reads every .css file under src/ and lists each
 * physical left/right it still finds, with file:line — including a four-value `margin`/`padding`/
 * `inset`/`border-width` whose right and left differ (write the block values in the shorthand and
 * the inline ones with `*-inline-start`/`*-inline-end`).
 */
import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')

function cssFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? cssFiles(join(dir, d.name)) : d.name.endsWith('.css') ? [join(dir, d.name)] : [],
  )
}

const PHYSICAL = [
  /(?:^|[\s;{])(?:margin|padding|border|scroll-margin|scroll-padding)-(?:left|right)(?:-(?:width|style|color))?\s*:/,
  /(?:^|[\s;{])(?:left|right)\s*:/,
  /(?:^|[\s;{])border-(?:top|bottom)-(?:left|right)-radius\s*:/,
  /(?:^|[\s;{])(?:text-align|float|clear)\s*:\s*(?:left|right)\b/,
]

/** The top-level values of a declaration (calc(…) and friends count as one). */
function values(declaration: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of declaration.trim()) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (/\s/.test(ch) && depth === 0) {
      if (current) out.push(current)
      current = ''
    } else current += ch
  }
  if (current) out.push(current)
  return out
}

/** Whether corner radii look the same mirrored: top-left = top-right and bottom-left = bottom-right. */
function isMirrorSymmetricRadius(v: readonly string[]): boolean {
  if (v.includes('/')) return false
  const [tl, tr = tl, br = tl, bl = tr] = v
  return tl === tr && br === bl
}

/** Physical left/right in one stylesheet's text, as "line: declaration". */
export function physicalIn(css: string): string[] {
  const found: string[] = []
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
  text.split('\n').forEach((line, i) => {
    if (PHYSICAL.some((re) => re.test(line))) found.push(`${i + 1}: ${line.trim()}`)
    const shorthand = /(?:^|[\s;{])(margin|padding|inset|border-width|border-color|border-style|border-radius)\s*:\s*([^;]+)/.exec(line)
    if (shorthand) {
      const v = values(shorthand[2]!.replace(/!important/, ''))
      const unequal = shorthand[1] === 'border-radius' ? !isMirrorSymmetricRadius(v) : v.length === 4 && v[1] !== v[3]
      if (unequal) found.push(`${i + 1}: ${line.trim()}`)
    }
  })
  return found
}

describe('stylesheets', () => {
  it('use logical properties only: no physical left or right anywhere under src/', () => {
    const files = cssFiles(join(ROOT, 'src'))
    expect(files.length).toBeGreaterThan(10)
    const found = files.flatMap((f) => physicalIn(readFileSync(f, 'utf8')).map((l) => `${relative(ROOT, f)}:${l}`))
    expect(found).toEqual([])
  })

  it('the scan finds what it should, and leaves logical and symmetric values alone', () => {
    const css = [
      '.a { margin-left: 1rem; }',
      '.b {\n  border-right-color: red;\n  right: 0;\n  text-align: left;\n}',
      '.c { padding: 0 1rem 0 0; }',
      '.d { margin-inline-start: 1rem; inset-inline-end: 0; text-align: start; padding: 0 1rem; margin: 0 1rem 0 1rem; }',
      '/* margin-left: a comment */ .e { border-top-left-radius: 4px; }',
      '.f { padding: calc(1rem + 2px) 0.5rem calc(1rem + 2px); border-radius: 6px 6px 0 0; }',
      '.g { border-radius: 6px 0 0 6px; }',
    ].join('\n')
    expect(physicalIn(css).map((l) => l.split(':')[0])).toEqual(['1', '3', '4', '5', '7', '9', '11'])
  })
})
