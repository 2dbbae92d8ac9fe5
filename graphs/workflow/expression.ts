/**
 * The safe expression language of YAML workflows (`if`, `loop.until`, `for_each`, `outputs`, `next`).
 * Hand-written lexer and recursive-descent parser into a plain AST, evaluated over a plain context
 * object: no `eval`, no `Function`, only own keys of plain data are read, never `__proto__`,
 * `constructor` or `prototype`.
 *
 * Grammar, lowest precedence first: `or`/`||`; `and`/`&&`; `not`/`!` (both bind looser than a
 * comparison, as in Python: `not a == b` is `not (a == b)`); one non-chaining comparison
 * `== != < <= > >= in` `not in`; postfix `.name`, `.0`, `[expr]`; literals (numbers, '…'/"…"
 * strings, `true false null`, `[a, b]`), names, calls of {@link FUNCTIONS}, parentheses.
 * `and`/`or` yield an operand (`inputs.name or 'anon'`); `not` and comparisons yield booleans.
 * Seed 004's forms: `always_true`, `always_false`, `context.key`, `not_empty:key`
 * (= `not empty(context.key)`) and `equals:key,value` (= `context.key == value`, the value read as
 * a number, `true`/`false`/`null`, a quoted string, or else the raw text).
 * @example evalExpression("steps.test.outputs.exit_code == 0 and 'ts' in inputs.langs", ctx)
 */
import { ExpressionError, MAX_EXPRESSION_LENGTH } from './expression-lexer.js'
import { FORBIDDEN_KEYS, FUNCTIONS, contains, deepEqual, readKey, truthy } from './expression-functions.js'
import { parseGrammar, type Expr, type Segment } from './expression-parser.js'

export { ExpressionError, isExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './expression-lexer.js'
export { FUNCTIONS, truthy } from './expression-functions.js'
export type { CompareOp, Expr, Segment } from './expression-parser.js'

export interface EvalOptions {
  /** Throw an {@link ExpressionError} for a name that is not a key of the context (default: `undefined`). */
  readonly strict?: boolean
}

const LEGACY = /^(\s*)(not_empty|equals)\s*:/
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.(?:[A-Za-z_][A-Za-z0-9_-]*|\d+))*$/

/** Parses an expression into its AST; throws {@link ExpressionError} with a 1-based column. */
export function parseExpression(src: string): Expr {
  const m = LEGACY.exec(src)
  if (m === null || src.length > MAX_EXPRESSION_LENGTH) return parseGrammar(src)
  const [head, lead, form] = m as unknown as [string, string, 'not_empty' | 'equals']
  const body = src.slice(head.length)
  const comma = form === 'equals' ? body.indexOf(',') : -1
  const rawKey = comma >= 0 ? body.slice(0, comma) : body
  const key = rawKey.trim()
  const keyCol = head.length + rawKey.indexOf(key) + 1
  if (form === 'equals' && comma < 0) throw new ExpressionError('equals: needs `key,value`', head.length + 1, src)
  if (!KEY.test(key)) throw new ExpressionError(`${form}: needs a dotted key, got '${key}'`, keyCol, src)
  const parts = key.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
  const segments = (parts[0] === 'context' ? parts.slice(1) : parts).map((k) => ({ key: k, col: keyCol }))
  const path: Expr = { kind: 'path', root: 'context', segments, col: keyCol }
  const col = lead.length + 1
  if (form === 'not_empty') return { kind: 'not', operand: { kind: 'call', name: 'empty', args: [path], col }, col }
  const rest = body.slice(comma + 1)
  const raw = rest.trim()
  const valueCol = head.length + comma + 1 + rest.indexOf(raw) + 1
  let value: string | number | boolean | null = raw
  if (/^-?\d+(?:\.\d+)?$/.test(raw)) value = Number(raw)
  else if (raw === 'true' || raw === 'false' || raw === 'null') value = raw === 'null' ? null : raw === 'true'
  else if (/^(['"]).*\1$/s.test(raw)) value = raw.slice(1, -1)
  return { kind: 'compare', op: '==', left: path, right: { kind: 'literal', value, col: valueCol }, col }
}

function walk(value: unknown, segments: readonly Segment[], ctx: Ctx, opts: EvalOptions): unknown {
  let v = value
  for (const s of segments) {
    const k = 'key' in s ? s.key : evaluate(s.expr, ctx, opts)
    v = typeof k === 'string' || typeof k === 'number' ? readKey(v, k) : undefined
  }
  return v
}

type Ctx = Readonly<Record<string, unknown>>
const order = (a: unknown, b: unknown): number | undefined =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')
    ? (a < b ? -1 : a > b ? 1 : 0) : undefined

/** Evaluates an AST over `ctx`. Never throws (missing paths are `undefined`) unless `strict` meets an unknown name. */
export function evaluate(ast: Expr, ctx: Ctx, opts: EvalOptions = {}): unknown {
  switch (ast.kind) {
    case 'literal': return ast.value
    case 'array': return ast.items.map((e) => evaluate(e, ctx, opts))
    case 'path': {
      const known = !FORBIDDEN_KEYS.has(ast.root) && Object.hasOwn(ctx, ast.root)
      if (!known && opts.strict) throw new ExpressionError(`unknown name '${ast.root}'`, ast.col)
      return known ? walk(ctx[ast.root], ast.segments, ctx, opts) : undefined
    }
    case 'access': return walk(evaluate(ast.target, ctx, opts), ast.segments, ctx, opts)
    case 'not': return !truthy(evaluate(ast.operand, ctx, opts))
    case 'logical': {
      const left = evaluate(ast.left, ctx, opts)
      return (ast.op === 'and') === truthy(left) ? evaluate(ast.right, ctx, opts) : left
    }
    case 'call': return FUNCTIONS.get(ast.name)?.call(...ast.args.map((e) => evaluate(e, ctx, opts)))
    case 'compare': {
      const a = evaluate(ast.left, ctx, opts)
      const b = evaluate(ast.right, ctx, opts)
      if (ast.op === '==' || ast.op === '!=') return deepEqual(a, b) === (ast.op === '==')
      if (ast.op === 'in' || ast.op === 'not in') return contains(b, a) === (ast.op === 'in')
      const c = order(a, b)
      if (c === undefined) return false
      return ast.op === '<' ? c < 0 : ast.op === '<=' ? c <= 0 : ast.op === '>' ? c > 0 : c >= 0
    }
  }
}

/** Parses and evaluates in one go. */
export const evalExpression = (src: string, ctx: Ctx, opts: EvalOptions = {}): unknown =>
  evaluate(parseExpression(src), ctx, opts)

/** A name an expression reads: its root, the static keys after it up to the first computed one, and the root's column. */
export interface PathRef { readonly root: string; readonly keys: readonly (string | number)[]; readonly col: number }

/** Every name an expression reads, in order (`steps[x].y` reads `steps` and `x`), with positions. */
export function pathRefs(ast: Expr): PathRef[] {
  const out: PathRef[] = []
  const segs = (segments: readonly Segment[]) => segments.forEach((s) => 'expr' in s && visit(s.expr))
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'path': {
        const stop = e.segments.findIndex((s) => 'expr' in s)
        const keys = (stop < 0 ? e.segments : e.segments.slice(0, stop)).map((s) => ('key' in s ? s.key : ''))
        out.push({ root: e.root, keys, col: e.col })
        return segs(e.segments)
      }
      case 'access': visit(e.target); return segs(e.segments)
      case 'array': return e.items.forEach(visit)
      case 'call': return e.args.forEach(visit)
      case 'not': return visit(e.operand)
      case 'logical': case 'compare': visit(e.left); return visit(e.right)
      case 'literal': return
    }
  }
  visit(ast)
  return out
}

/**
 * The dotted paths an expression reads, in order of first appearance: each name with its static
 * keys up to the first computed one (`steps[x].y` reads `steps` and `x`).
 * @example referencedPaths(parseExpression('steps.build.outputs.exit_code == inputs.x')) // ['steps.build.outputs.exit_code', 'inputs.x']
 */
export const referencedPaths = (ast: Expr): string[] =>
  [...new Set(pathRefs(ast).map((r) => [r.root, ...r.keys.map(String)].join('.')))]
