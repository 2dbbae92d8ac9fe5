import { describe, expect, it } from 'vitest'
import {
  evalExpression, evaluate, ExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, parseExpression, truthy,
} from '../../../graphs/workflow/expression.js'
import { isAppError } from '../../../store/app-error.js'

const ctx = {
  context: { name: 'ada', blank: '  ', count: 3, flag: true, list: [], tags: ['x'] },
  inputs: { files: ['a.ts', 'b.ts'], target: 80, lang: 'TypeScript', opts: { deep: { v: 1 } } },
  steps: { build: { outputs: { exit_code: 0, report: '{"pct": 91.5}' } }, 'lint-all': { outputs: { ok: false } } },
  env: { CI: 'true' },
}
const ev = (src: string) => evalExpression(src, ctx)

describe('seed 004 forms', () => {
  it.each([
    ['always_true', true], ['always_false', false],
    ['context.name', 'ada'], ['context.missing', undefined],
    ['not_empty:name', true], ['not_empty:blank', false], ['not_empty:missing', false], ['not_empty:context.tags', true],
    ['equals:count,3', true], ['equals:count,4', false], ['equals: name , ada', true], ["equals:name,'ada'", true],
    ['equals:flag,true', true], ['equals:missing,null', true],
  ])('%s → %j', (src, want) => expect(ev(src)).toStrictEqual(want))

  it('reports a malformed seed form at its key', () => {
    expect(() => parseExpression('equals:count')).toThrow(/needs `key,value`/)
    const e = (() => { try { parseExpression('not_empty: a b') } catch (err) { return err } })()
    expect(e).toBeInstanceOf(ExpressionError)
    expect((e as ExpressionError).column).toBe(12)
  })
})

describe('operators', () => {
  it.each([
    ['1 == 1', true], ["'a' == \"a\"", true], ['1 == "1"', false], ['null == context.nope', true],
    ['[1, [2]] == [1, [2]]', true], ['inputs.opts == inputs.opts', true],
    ['1 != 2', true], ['2 < 10', true], ["'b' < 'a'", false], ['1 <= 1', true], ['3 > 2', true], ['2 >= 3', false],
    ['1 < "2"', false], ['context.nope < 1', false], ['-1.5e1 < -1', true],
    ["'a.ts' in inputs.files", true], ["'c.ts' not in inputs.files", true], ["'Script' in inputs.lang", true],
    ["'deep' in inputs.opts", true], ["'constructor' in inputs.opts", false], ['1 in 5', false],
    ['true and false', false], ['true && 1', 1], ["context.nope or 'anon'", 'anon'], ['0 || null', null],
    ['not true', false], ['!context.list', true], ['not not 1', true], ['! !0', false],
  ])('%s → %j', (src, want) => expect(ev(src)).toStrictEqual(want))

  it('binds or < and < not < comparison', () => {
    expect(ev('true or true and false')).toBe(true)
    expect(ev('(true or true) and false')).toBe(false)
    expect(ev('not 1 == 2')).toBe(true) // not (1 == 2)
    expect(ev('not context.flag and true')).toBe(false) // (not flag) and true
    expect(ev('false and false or true')).toBe(true)
  })

  it('short-circuits: the right side is not read when the left decides', () => {
    const ast = parseExpression('false and boom.x')
    expect(evaluate(ast, {}, { strict: true })).toBe(false)
    expect(() => evaluate(parseExpression('true and boom.x'), {}, { strict: true })).toThrow(/unknown name 'boom'/)
  })
})

describe('paths and literals', () => {
  it('reads dotted, indexed, quoted, hyphenated and computed paths', () => {
    expect(ev('steps.build.outputs.exit_code')).toBe(0)
    expect(ev('inputs.files[1]')).toBe('b.ts')
    expect(ev('inputs.files.0')).toBe('a.ts')
    expect(ev("inputs['opts'].deep.v")).toBe(1)
    expect(ev('steps.lint-all.outputs.ok')).toBe(false)
    expect(ev("steps['lint-all'].outputs.ok")).toBe(false)
    expect(ev('inputs.files[len(context.tags)]')).toBe('b.ts')
    expect(ev('inputs.files.length')).toBe(2)
    expect(ev('inputs.files[9].x.y')).toBeUndefined()
    expect(ev('nothing.at.all')).toBeUndefined()
    expect(ev('fromJSON(steps.build.outputs.report).pct')).toBe(91.5)
    expect(ev("[1, 'two', null, [true]]")).toStrictEqual([1, 'two', null, [true]])
    expect(ev("'it\\'s \\u00e9\\n'")).toBe("it's é\n")
  })

  it('never reads prototype keys, wherever they appear', () => {
    const polluted = { ...ctx, obj: {} }
    for (const src of ['obj.__proto__', 'obj.constructor', 'obj.constructor.prototype', "obj['__proto__']",
      'inputs.files.constructor', "'x'.constructor", 'constructor', '__proto__', 'toString', 'obj.hasOwnProperty']) {
      expect(evalExpression(src, polluted), src).toBeUndefined()
    }
    expect(() => parseExpression('constructor(1)')).toThrow(/unknown function 'constructor'/)
    expect(() => parseExpression('toString()')).toThrow(/unknown function/)
  })

  it('reports unknown roots only when strict', () => {
    expect(evalExpression('input.x', ctx)).toBeUndefined()
    expect(() => evalExpression('input.x', ctx, { strict: true })).toThrow(ExpressionError)
    expect(evalExpression('inputs.nope', ctx, { strict: true })).toBeUndefined()
  })
})

describe('syntax errors', () => {
  const col = (src: string) => {
    try { parseExpression(src) } catch (e) {
      expect(isAppError(e) && e.code === 'VALIDATION').toBe(true)
      return [(e as ExpressionError).column, (e as Error).message]
    }
    throw new Error(`parsed: ${src}`)
  }
  it.each([
    ['a ==', 5, /unexpected end/], ['a = b', 3, /compare with '=='/], ["'abc", 1, /unterminated string/],
    ['(a', 3, /expected '\)'/], ['[1, 2', 6, /expected ',' or '\]'/], ['a b', 3, /unexpected 'b'/],
    ['1 < 2 < 3', 7, /do not chain/], ['a.', 3, /expected a name after '.'/], ['x $ y', 3, /unexpected character '\$'/],
    ['foo(1)', 1, /unknown function 'foo'/], ['len(1, 2)', 1, /takes 1 argument, got 2/], ['12abc', 1, /invalid number/],
    ["'\\q'", 2, /invalid escape/], ['and', 1, /unexpected 'and'/], ['', 1, /unexpected end/],
  ])('%j fails at column %i', (src, at, msg) => {
    const [c, m] = col(src)
    expect(c).toBe(at)
    expect(m).toMatch(msg)
  })

  it('limits length and nesting with clear errors', () => {
    expect(() => parseExpression('a'.repeat(MAX_EXPRESSION_LENGTH + 1))).toThrow(/longer than 4000 characters/)
    expect(() => parseExpression('('.repeat(MAX_EXPRESSION_DEPTH + 1) + '1' + ')'.repeat(MAX_EXPRESSION_DEPTH + 1)))
      .toThrow(/nested deeper than 32/)
    expect(() => parseExpression('not '.repeat(200) + 'x')).toThrow(/nested deeper/)
    expect(ev('('.repeat(MAX_EXPRESSION_DEPTH) + '1' + ')'.repeat(MAX_EXPRESSION_DEPTH))).toBe(1)
  })
})

describe('truthy', () => {
  it('follows seed 004: empty collections are false', () => {
    expect([undefined, null, false, 0, NaN, '', [], {}].map(truthy)).toStrictEqual(Array(8).fill(false))
    expect([true, 1, -1, 'x', ' ', [0], { a: 0 }].map(truthy)).toStrictEqual(Array(7).fill(true))
  })
})
