/**
 * Every language is complete, and no text reaches the screen without i18next.
 * English is the reference locale.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const ROOT = resolve(import.meta.dirname, '../..')
const LOCALES = join(ROOT, 'src/i18n/locales')
const PLURAL = /_(zero|one|two|few|many|other)$/

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      for (const [kk, vv] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv)
    }
  } else {
    out.set(prefix, String(value))
  }
  return out
}

function load(code: string): Map<string, string> {
  return flatten(JSON.parse(readFileSync(join(LOCALES, `${code}.json`), 'utf8')))
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort()
const base = (key: string): string => key.replace(PLURAL, '')

const codes = readdirSync(LOCALES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))

describe('locale files', () => {
  const en = load('en')

  it('include English, Dutch, French, Spanish and Arabic', () => {
    expect(codes.sort()).toEqual(expect.arrayContaining(['en', 'nl', 'fr', 'es', 'ar']))
  })

  for (const code of codes.filter((c) => c !== 'en')) {
    it(`${code} has every key English has, with the same placeholders`, () => {
      const other = load(code)
      const otherBases = new Set([...other.keys()].map(base))
      const missing = [...en.keys()].filter((k) => (PLURAL.test(k) ? !otherBases.has(base(k)) : !other.has(k)))
      expect(missing, `missing in ${code}.json`).toEqual([])
      const enBases = new Set([...en.keys()].map(base))
      const extra = [...other.keys()].filter((k) => !enBases.has(base(k)))
      expect(extra, `keys in ${code}.json that English does not have`).toEqual([])
      // a plural form may leave out {{count}}: Arabic writes one and two as words ("تغيير واحد", "تغييران")
      const withoutCount = (k: string, list: string[]): string[] => (PLURAL.test(k) ? list.filter((p) => p !== 'count') : list)
      for (const [k, v] of other) {
        const ref = en.get(k) ?? en.get(`${base(k)}_other`) ?? en.get(base(k))
        if (ref !== undefined) expect(withoutCount(k, placeholders(v)), `${code}: ${k}`).toEqual(withoutCount(k, placeholders(ref)))
      }
    })

    it(`${code} has every plural form its language needs`, () => {
      const other = load(code)
      const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories
      const plurals = new Set([...en.keys()].filter((k) => PLURAL.test(k)).map(base))
      for (const key of plurals) {
        // every category: Arabic needs all six (zero, one, two, few, many, other)
        for (const cat of categories) {
          expect(other.has(`${key}_${cat}`) || (cat === 'many' && other.has(`${key}_other`)), `${code}: ${key}_${cat}`).toBe(true)
        }
      }
    })
  }

  it('never calls feedback an evaluation', () => {
    for (const code of codes) {
      const words = [...load(code).values()].join(' ').toLowerCase()
      expect(words).not.toMatch(/evaluat|évaluat|evaluac/)
    }
  })
})

/** Text written straight into JSX, or into attributes a screen reader or user sees. */
function literalTexts(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
  const found: string[] = []
  const visible = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label', 'aria-placeholder'])
  const hasWords = (s: string): boolean => /\p{L}{2,}/u.test(s)
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.getText())) found.push(node.getText().trim())
    if (ts.isJsxAttribute(node) && visible.has(node.name.getText()) && node.initializer) {
      const init = node.initializer
      if (ts.isStringLiteral(init) && hasWords(init.text)) found.push(`${node.name.getText()}="${init.text}"`)
      if (ts.isJsxExpression(init) && init.expression && ts.isStringLiteral(init.expression) && hasWords(init.expression.text)) {
        found.push(`${node.name.getText()}={'${init.expression.text}'}`)
      }
    }
    if (ts.isJsxExpression(node) && node.parent && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      const e = node.expression
      if (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) && hasWords(e.text)) found.push(`{'${e.text}'}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tsxFiles(join(dir, d.name)) : d.name.endsWith('.tsx') ? [join(dir, d.name)] : [],
  )
}

describe('user interface text', () => {
  it('goes through i18next: no words written straight into the screens', () => {
    const files = tsxFiles(join(ROOT, 'src'))
    expect(files.length).toBeGreaterThan(5)
    const offenders = files.flatMap((f) => literalTexts(f).map((text) => `${f.slice(ROOT.length + 1)}: ${text}`))
    expect(offenders).toEqual([])
  })

  it('catches a literal when there is one (the scan itself works)', () => {
    const tmp = join(ROOT, 'node_modules/.sb-i18n-probe.tsx')
    writeFileSync(tmp, `export const X = () => <button aria-label="Close">Save now</button>\n`)
    try {
      expect(literalTexts(tmp)).toEqual(['aria-label="Close"', 'Save now'])
    } finally {
      rmSync(tmp)
    }
  })
})

describe('language names in the picker', () => {
  it('names every language in itself, as Intl.DisplayNames does, without building one while the home screen draws', async () => {
    const { SUPPORTED_LANGUAGES, languageName } = await import('../../src/i18n')
    const built: string[] = []
    const Original = Intl.DisplayNames
    class Counting extends Original {
      constructor(...args: ConstructorParameters<typeof Intl.DisplayNames>) {
        super(...args)
        built.push(String(args[0]))
      }
    }
    const intl = Intl as { DisplayNames: typeof Intl.DisplayNames }
    intl.DisplayNames = Counting
    let names: string[]
    try {
      names = SUPPORTED_LANGUAGES.map((code) => languageName(code))
    } finally {
      intl.DisplayNames = Original
    }
    expect(built).toEqual([])
    const fromIntl = SUPPORTED_LANGUAGES.map((code) => {
      const name = new Intl.DisplayNames([code], { type: 'language' }).of(code)!
      return name.charAt(0).toLocaleUpperCase(code) + name.slice(1)
    })
    expect(names).toEqual(fromIntl)
    expect(names).toContain('العربية')
  })
})
