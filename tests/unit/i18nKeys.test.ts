/**
 * Every translation key the code uses exists in every locale, so no screen ever shows a raw key
 * such as "partnership.waiting".
 *
 * The TypeScript compiler reads src/ with the project's own settings. A call counts as a
 * translation when the function called is i18next's `t` (its type carries `$TFunctionBrand`),
 * whatever it is named (`t`, `i18n.t`, a `TFunction` parameter); `<Trans i18nKey=…>` counts too.
 * A key built at run time is resolved through the types: in t(`status.${s}`) the type of `s`
 * must be a union of string literals (e.g. `(typeof ACTIVITY_STATUSES)[number]`); a key held in
 * a variable must likewise be typed as literals. A key the types cannot pin down fails the test
 * with its file:line, unless DYNAMIC_KEYS below lists every key it can produce.
 *
 * A key used with `count` needs, in each locale, every plural form its language has
 * (Intl.PluralRules: `x_one`/`x_other` in English and Dutch, also `x_many` in French and Spanish);
 * i18next does not fall back from `x_many` to `x_other`.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import ts from 'typescript'

const ROOT = resolve(import.meta.dirname, '../..')
const SRC = join(ROOT, 'src')
const LOCALES = join(SRC, 'i18n/locales')

/**
 * Keys the types cannot pin down, by file and the key's expression as written (no line number, so
 * edits above it do not break the entry), e.g. "src/ui/screens/X.tsx: labelOf(row)", with every
 * key it can produce (checked like any other key). Prefer typing the value as literals instead.
 */
const DYNAMIC_KEYS: Readonly<Record<string, readonly string[]>> = {}

interface Use {
  readonly key: string
  readonly plural: boolean
  readonly where: string
}

interface Scan {
  readonly uses: Use[]
  /** Calls whose key the types cannot pin down, as "file:line: expression". */
  readonly unresolved: string[]
  /** The DYNAMIC_KEYS entries some call used. */
  readonly allowed: Set<string>
  readonly calls: number
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [join(dir, d.name)] : [],
  )
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json')
  const config = ts.readConfigFile(file, (p) => ts.sys.readFile(p))
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, file).options
}

/**
 * The string values a type allows, or undefined when it allows any string. `undefined` and `null`
 * count only when `present` is false (see isGuarded).
 */
function literalValues(type: ts.Type, present: boolean): string[] | undefined {
  const parts = type.isUnion() ? type.types : [type]
  const out: string[] = []
  for (const p of parts) {
    if (present && p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) continue
    if (p.isStringLiteral()) out.push(p.value)
    else if (p.isNumberLiteral()) out.push(String(p.value))
    else return undefined
  }
  return out
}

const sameText = (a: ts.Node, b: ts.Node): boolean => a.getText().replace(/\s+/g, '') === b.getText().replace(/\s+/g, '')

/**
 * Whether `expr` is only evaluated after the same expression was found truthy, as in
 * `problems.get('date') ? t(`errors.${problems.get('date')}`) : undefined` (TypeScript narrows
 * variables, not calls, so their type still holds `undefined` there).
 */
function isGuarded(expr: ts.Expression): boolean {
  let child: ts.Node = expr
  for (let node = expr.parent; node && !ts.isFunctionLike(node); child = node, node = node.parent) {
    if (ts.isConditionalExpression(node) && child === node.whenTrue && sameText(node.condition, expr)) return true
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && child === node.right && sameText(node.left, expr)) return true
  }
  return false
}

function scan(files: readonly string[], host?: ts.CompilerHost): Scan {
  const program = ts.createProgram([...files], compilerOptions(), host)
  const checker = program.getTypeChecker()
  const uses: Use[] = []
  const unresolved: string[] = []
  const allowed = new Set<string>()
  let calls = 0

  const isTFunction = (callee: ts.Expression): boolean =>
    checker.getTypeAtLocation(callee).getProperty('$TFunctionBrand') !== undefined

  /** Every value `expr` can have, or undefined when that is not a fixed set of strings. */
  const valuesOf = (expr: ts.Expression): string[] | undefined => {
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text]
    if (ts.isParenthesizedExpression(expr)) return valuesOf(expr.expression)
    if (ts.isConditionalExpression(expr)) {
      const a = valuesOf(expr.whenTrue)
      const b = valuesOf(expr.whenFalse)
      return a && b ? [...a, ...b] : undefined
    }
    if (ts.isTemplateExpression(expr)) {
      let out = [expr.head.text]
      for (const span of expr.templateSpans) {
        const values = valuesOf(span.expression)
        if (!values) return undefined
        out = out.flatMap((prefix) => values.map((v) => prefix + v + span.literal.text))
      }
      return out
    }
    return literalValues(checker.getTypeAtLocation(expr), isGuarded(expr))
  }

  const hasCount = (options: ts.Expression | undefined): boolean =>
    options !== undefined && checker.getTypeAtLocation(options).getProperty('count') !== undefined

  const record = (file: ts.SourceFile, node: ts.Node, keyExpr: ts.Expression, plural: boolean): void => {
    calls++
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1
    const where = `${relative(ROOT, file.fileName)}:${line}`
    const exprs = ts.isArrayLiteralExpression(keyExpr) ? [...keyExpr.elements] : [keyExpr]
    for (const e of exprs) {
      const listed = `${relative(ROOT, file.fileName)}: ${e.getText(file).replace(/\s+/g, ' ')}`
      const keys = valuesOf(e) ?? DYNAMIC_KEYS[listed]
      if (DYNAMIC_KEYS[listed]) allowed.add(listed)
      if (!keys) {
        unresolved.push(`${where}: ${e.getText(file)}`)
        continue
      }
      for (const key of keys) uses.push({ key, plural, where })
    }
  }

  for (const file of program.getSourceFiles()) {
    if (!files.includes(resolve(file.fileName))) continue
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length > 0 && isTFunction(node.expression)) {
        record(file, node, node.arguments[0]!, hasCount(node.arguments[1]))
      }
      if ((ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) && node.tagName.getText(file) === 'Trans') {
        let keyExpr: ts.Expression | undefined
        let plural = false
        for (const attr of node.attributes.properties) {
          if (!ts.isJsxAttribute(attr) || !attr.initializer) continue
          const name = attr.name.getText(file)
          const init = attr.initializer
          const value = ts.isJsxExpression(init) ? init.expression : init
          if (name === 'i18nKey' && value) keyExpr = value
          if (name === 'count') plural = true
        }
        if (keyExpr) record(file, node, keyExpr, plural)
      }
      ts.forEachChild(node, visit)
    }
    visit(file)
  }
  return { uses, unresolved, allowed, calls }
}

function flatten(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else {
    out.add(prefix)
  }
  return out
}

const codes = readdirSync(LOCALES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort()

/** What `use` lacks in locale `code`: the key itself, or the plural forms the language needs. */
function missingIn(code: string, keys: ReadonlySet<string>, use: Use): string[] {
  if (!use.plural) return keys.has(use.key) ? [] : [use.key]
  if (keys.has(use.key)) return []
  const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories
  return categories.map((c) => `${use.key}_${c}`).filter((k) => !keys.has(k))
}

function missingKeys(scan: Scan): string[] {
  const out: string[] = []
  for (const code of codes) {
    const keys = flatten(JSON.parse(readFileSync(join(LOCALES, `${code}.json`), 'utf8')))
    for (const use of scan.uses) for (const m of missingIn(code, keys, use)) out.push(`${code}.json: ${m} (used at ${use.where})`)
  }
  return [...new Set(out)]
}

describe('translation keys used in the code', () => {
  // type-checking src/ takes a few seconds, more on a busy machine
  const SCAN_TIMEOUT = 60_000
  let found: Scan
  beforeAll(() => {
    found = scan(sourceFiles(SRC).map((f) => resolve(f)))
  }, SCAN_TIMEOUT)

  it('are all known: every key built at run time comes from a fixed set of values', () => {
    expect(found.calls).toBeGreaterThan(100)
    expect(found.unresolved, 'keys the types cannot pin down; type the value as a union of literals or list it in DYNAMIC_KEYS').toEqual([])
    expect(Object.keys(DYNAMIC_KEYS).filter((k) => !found.allowed.has(k)), 'DYNAMIC_KEYS entries no call needs any more').toEqual([])
  })

  it('exist in every locale, with every plural form each language needs', () => {
    expect(found.uses.length).toBeGreaterThan(100)
    expect(missingKeys(found)).toEqual([])
  })

  it('the scan sees keys as the code writes them (literal, template from a const array, count, Trans)', { timeout: SCAN_TIMEOUT }, () => {
    const probe = join(SRC, 'ui/__i18nKeysProbe.tsx')
    const text = `
      import { useTranslation, Trans } from 'react-i18next'
      const KINDS = ['a', 'b'] as const
      export function Probe({ k, n, free, m }: { k: (typeof KINDS)[number]; n: number; free: string; m: Map<string, 'x' | 'y'> }) {
        const { t, i18n } = useTranslation()
        const label = n > 1 ? 'probe.many' : 'probe.single'
        return <p title={i18n.t('probe.title')}>{t('probe.plain')}{t(\`probe.kinds.\${k}\`)}{t('probe.count', { count: n })}{t(label)}<Trans i18nKey="probe.trans" />{m.get('a') ? t(\`probe.\${m.get('a')}\`) : null}{t(\`probe.\${m.get('b')}\`)}{t(free)}</p>
      }
    `
    // the probe lives only in memory: nothing is written under src/
    const host = ts.createCompilerHost(compilerOptions())
    const readFile = host.readFile.bind(host)
    const fileExists = host.fileExists.bind(host)
    const getSourceFile = host.getSourceFile.bind(host)
    host.readFile = (p) => (resolve(p) === probe ? text : readFile(p))
    host.fileExists = (p) => resolve(p) === probe || fileExists(p)
    host.getSourceFile = (p, lang, ...rest) =>
      resolve(p) === probe ? ts.createSourceFile(p, text, lang, true, ts.ScriptKind.TSX) : getSourceFile(p, lang, ...rest)
    const result = scan([probe], host)
    expect(result.uses.map((u) => `${u.key}${u.plural ? ' (count)' : ''}`).sort()).toEqual(
      ['probe.title', 'probe.plain', 'probe.kinds.a', 'probe.kinds.b', 'probe.count (count)', 'probe.many', 'probe.single', 'probe.trans', 'probe.x', 'probe.y'].sort(),
    )
    // unguarded, `m.get('b')` may be undefined: that key cannot be pinned down, nor can a plain string
    expect(result.unresolved).toEqual([`${relative(ROOT, probe)}:7: \`probe.\${m.get('b')}\``, `${relative(ROOT, probe)}:7: free`])
  })
})
