import { AppError } from '../../store/app-error.js'

/** Longest expression source accepted, in characters (an `if` is a line, not a program). */
export const MAX_EXPRESSION_LENGTH = 4_000
/** Deepest nesting of parentheses, arrays, calls, indexes and `not`s the parser accepts. */
export const MAX_EXPRESSION_DEPTH = 32

/**
 * A syntax (or, with `strict`, an unknown-name) error in an expression.
 * An `AppError('VALIDATION')`, so the edge formats it like any other; `column` is 1-based.
 */
export class ExpressionError extends AppError {
  readonly column: number
  constructor(message: string, column: number, source?: string) {
    super('VALIDATION', `${message} (column ${column})`, { details: { column, source } })
    this.column = column
  }
}

export const isExpressionError = (e: unknown): e is ExpressionError => e instanceof ExpressionError

export type TokenKind = 'num' | 'str' | 'ident' | 'op' | 'eof'
export interface Token {
  readonly kind: TokenKind
  /** Identifier name, operator or punctuation text, or a string literal's decoded value. */
  readonly text: string
  readonly num?: number
  /** 1-based column of the token's first character. */
  readonly col: number
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ',', '.'] as const
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '/': '/' }
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
const isIdentStart = (c: string | undefined) => c !== undefined && /[A-Za-z_]/.test(c)
const isIdentPart = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_-]/.test(c)

/** Splits `src` into tokens; `offset` shifts reported columns (for a sub-expression of a larger source). */
export function tokenize(src: string, offset = 0): Token[] {
  const out: Token[] = []
  let i = 0
  const fail = (msg: string, at: number): never => {
    throw new ExpressionError(msg, at + offset + 1, src)
  }
  while (i < src.length) {
    const c = src[i] as string
    const col = i + offset + 1
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue }
    const afterDot = out.at(-1)?.text === '.' && out.at(-1)?.kind === 'op'
    if (isDigit(c) || (c === '-' && isDigit(src[i + 1]) && !afterDot)) {
      // after a '.', only an integer index (`files.0.name`), never `0.1`
      const re = afterDot ? /\d+/y : /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y
      re.lastIndex = i
      const text = (re.exec(src) as RegExpExecArray)[0]
      if (isIdentStart(src[i + text.length])) fail(`invalid number '${text}${src[i + text.length]}'`, i)
      out.push({ kind: 'num', text, num: Number(text), col })
      i += text.length
      continue
    }
    if (isIdentStart(c)) {
      let j = i + 1
      while (isIdentPart(src[j])) j++
      out.push({ kind: 'ident', text: src.slice(i, j), col })
      i = j
      continue
    }
    if (c === '"' || c === "'") {
      let j = i + 1
      let text = ''
      for (;;) {
        const d = src[j]
        if (d === undefined) fail('unterminated string', i)
        if (d === c) break
        if (d === '\\') {
          const e = src[j + 1] ?? ''
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(j + 2, j + 6))) {
            text += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16))
            j += 6
            continue
          }
          const decoded = ESCAPES[e]
          if (decoded === undefined) fail(`invalid escape '\\${e}'`, j)
          text += decoded
          j += 2
          continue
        }
        text += d
        j++
      }
      out.push({ kind: 'str', text, col })
      i = j + 1
      continue
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i))
    if (op === undefined) {
      fail(c === '=' ? "'=' is not an operator; compare with '=='" : `unexpected character '${c}'`, i)
    } else {
      out.push({ kind: 'op', text: op, col })
      i += op.length
    }
  }
  out.push({ kind: 'eof', text: '', col: src.length + offset + 1 })
  return out
}
