import { describe, expect, it } from 'vitest'
import { parseExpression, referencedPaths } from '../../../graphs/workflow/expression.js'

const paths = (src: string) => referencedPaths(parseExpression(src))

describe('referencedPaths', () => {
  it('lists each dotted path once, in order of first use', () => {
    expect(paths('steps.build.outputs.exit_code == 0 and inputs.x')).toStrictEqual(['steps.build.outputs.exit_code', 'inputs.x'])
    expect(paths('inputs.x or inputs.x')).toStrictEqual(['inputs.x'])
  })

  it('keeps static keys written as indexes or quoted keys', () => {
    expect(paths("steps['lint-all'].outputs.ok")).toStrictEqual(['steps.lint-all.outputs.ok'])
    expect(paths('inputs.files[0]')).toStrictEqual(['inputs.files.0'])
    expect(paths('inputs.files.1.name')).toStrictEqual(['inputs.files.1.name'])
  })

  it('stops at a computed key and lists what the key reads', () => {
    expect(paths('steps[inputs.step].outputs.x')).toStrictEqual(['steps', 'inputs.step'])
  })

  it('finds paths inside calls, arrays, not, in and postfix access on a call', () => {
    expect(paths("not contains([env.A, 'x'], lower(inputs.b)) and fromJSON(steps.s.outputs.json).k in context.list"))
      .toStrictEqual(['env.A', 'inputs.b', 'steps.s.outputs.json', 'context.list'])
  })

  it('reads seed 004 keys under context', () => {
    expect(paths('not_empty:user.name')).toStrictEqual(['context.user.name'])
    expect(paths('equals:context.status,done')).toStrictEqual(['context.status'])
    expect(paths('always_true')).toStrictEqual([])
  })
})
