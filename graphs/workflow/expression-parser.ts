import { ExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, tokenize, type Token } from './expression-lexer.js'
import { FUNCTIONS } from './expression-functions.js'

/** One step of a path: a static key (`.name`, `['name']`, `[0]`) or a computed one (`[expr]`). */
export type Segment = { readonly key: string | number; readonly col: number } | { readonly expr: Expr; readonly col: number }
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in'

/** The AST of an expression: plain data, safe to serialise and walk. */
export type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly col: number }
  | { readonly kind: 'array'; readonly items: readonly Expr[]; readonly col: number }
  /** `root.seg[seg]…` where root is a name from the context (`steps`, `inputs`, `context`, …). */
  | { readonly kind: 'path'; readonly root: string; readonly segments: readonly Segment[]; readonly col: number }
  /** Postfix access on a value that is not a name: `fromJSON(x).a`, `(a or b)[0]`. */
  | { readonly kind: 'access'; readonly target: Expr; readonly segments: readonly Segment[]; readonly col: number }
  | { readonly kind: 'not'; readonly operand: Expr; readonly col: number }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly col: number }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr; readonly col: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly col: number }

const LITERALS = new Map<string, boolean | null>([
  ['true', true], ['false', false], ['null', null], ['always_true', true], ['always_false', false],
])
const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>='])

/** Recursive descent over the tokens; one method per precedence level, lowest first. */
class Parser {
  #i = 0
  #depth = 0
  constructor(private readonly toks: Token[], private readonly src: string) {}

  parse(): Expr {
    const e = this.or()
    return this.peek().kind === 'eof' ? e : this.fail(`unexpected '${this.peek().text}'`, this.peek())
  }
  private peek(ahead = 0): Token { return this.toks[Math.min(this.#i + ahead, this.toks.length - 1)] as Token }
  private next(): Token { return this.toks[Math.min(this.#i++, this.toks.length - 1)] as Token }
  private fail(msg: string, t: Token): never { throw new ExpressionError(msg, t.col, this.src) }
  private is(text: string, ahead = 0): boolean {
    return this.peek(ahead).text === text && (this.peek(ahead).kind === 'op' || this.peek(ahead).kind === 'ident')
  }
  private expect(...texts: string[]): Token {
    const t = this.next()
    if (t.kind !== 'op' || !texts.includes(t.text)) {
      const found = t.kind === 'eof' ? 'end of expression' : `'${t.text}'`
      this.fail(`expected ${texts.map((x) => `'${x}'`).join(' or ')} but found ${found}`, t)
    }
    return t
  }
  private nested<T>(t: Token, f: () => T): T {
    if (++this.#depth > MAX_EXPRESSION_DEPTH) this.fail(`expression nested deeper than ${MAX_EXPRESSION_DEPTH}`, t)
    try { return f() } finally { this.#depth-- }
  }

  private or(): Expr { return this.logical('or', '||', () => this.and()) }
  private and(): Expr { return this.logical('and', '&&', () => this.not()) }
  private logical(op: 'and' | 'or', alias: string, sub: () => Expr): Expr {
    let left = sub()
    while (this.is(op) || this.is(alias)) {
      const col = this.next().col
      left = { kind: 'logical', op, left, right: sub(), col }
    }
    return left
  }
  private not(): Expr {
    const t = this.peek()
    if (!this.is('not') && !this.is('!')) return this.compare()
    this.next()
    return this.nested(t, () => ({ kind: 'not', operand: this.not(), col: t.col }))
  }
  private compare(): Expr {
    const left = this.postfix()
    const t = this.peek()
    let op: CompareOp | undefined
    if (t.kind === 'op' && COMPARE.has(t.text)) op = t.text as CompareOp
    else if (this.is('in')) op = 'in'
    else if (this.is('not') && this.is('in', 1)) op = 'not in'
    if (op === undefined) return left
    this.#i += op === 'not in' ? 2 : 1
    const right = this.postfix()
    const after = this.peek()
    if ((after.kind === 'op' && COMPARE.has(after.text)) || this.is('in')) {
      this.fail('comparisons do not chain; use parentheses and `and`', after)
    }
    return { kind: 'compare', op, left, right, col: t.col }
  }
  private postfix(): Expr {
    const base = this.primary()
    const segments: Segment[] = []
    for (;;) {
      const t = this.peek()
      if (this.is('.')) {
        this.next()
        const k = this.next()
        if (k.kind === 'ident') segments.push({ key: k.text, col: k.col })
        else if (k.kind === 'num' && Number.isInteger(k.num)) segments.push({ key: k.num as number, col: k.col })
        else this.fail(`expected a name after '.'`, k)
      } else if (this.is('[')) {
        this.next()
        const expr = this.nested(t, () => this.or())
        this.expect(']')
        segments.push(expr.kind === 'literal' && (typeof expr.value === 'string' || typeof expr.value === 'number')
          ? { key: expr.value, col: expr.col } : { expr, col: expr.col })
      } else break
    }
    if (segments.length === 0) return base
    if (base.kind === 'path' && base.segments.length === 0) return { ...base, segments }
    return { kind: 'access', target: base, segments, col: base.col }
  }
  private primary(): Expr {
    const t = this.next()
    if (t.kind === 'num') return { kind: 'literal', value: t.num as number, col: t.col }
    if (t.kind === 'str') return { kind: 'literal', value: t.text, col: t.col }
    if (t.kind === 'ident') {
      const lit = LITERALS.get(t.text)
      if (lit !== undefined) return { kind: 'literal', value: lit, col: t.col }
      if (['and', 'or', 'not', 'in'].includes(t.text)) this.fail(`unexpected '${t.text}'`, t)
      if (!this.is('(')) return { kind: 'path', root: t.text, segments: [], col: t.col }
      const fn = FUNCTIONS.get(t.text)
      if (fn === undefined) this.fail(`unknown function '${t.text}' (known: ${[...FUNCTIONS.keys()].join(', ')})`, t)
      this.next()
      const args = this.nested(t, () => this.list(')'))
      if (args.length < fn.min || args.length > fn.max) {
        const want = fn.min === fn.max ? `${fn.min} argument${fn.max === 1 ? '' : 's'}` : `${fn.min} to ${fn.max} arguments`
        this.fail(`${t.text}() takes ${want}, got ${args.length}`, t)
      }
      return { kind: 'call', name: t.text, args, col: t.col }
    }
    if (t.kind === 'op' && t.text === '(') {
      const e = this.nested(t, () => this.or())
      this.expect(')')
      return e
    }
    if (t.kind === 'op' && t.text === '[') return { kind: 'array', items: this.nested(t, () => this.list(']')), col: t.col }
    return this.fail(t.kind === 'eof' ? 'unexpected end of expression' : `unexpected '${t.text}'`, t)
  }
  private list(close: string): Expr[] {
    const items: Expr[] = []
    while (!this.is(close)) {
      items.push(this.or())
      if (!this.is(close)) this.expect(',', close)
    }
    this.next()
    return items
  }
}

/** Parses with the grammar only (no seed-004 forms); `offset` shifts columns. */
export function parseGrammar(src: string, offset = 0): Expr {
  if (src.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`, 1, src.slice(0, 80))
  }
  return new Parser(tokenize(src, offset), src).parse()
}
