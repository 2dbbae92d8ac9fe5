import { describe, expect, it } from 'vitest'
import { holds, runAssertStep } from '../../../agents/steps/assert-step.js'
import { executeStep } from '../../../agents/steps/registry.js'

const ctx = { workspace: '/nonexistent', env: {} }

describe('assert step', () => {
  it('passes when the condition holds', async () => {
    expect(await runAssertStep({ condition: true }, ctx)).toEqual({ passed: true })
    expect(await executeStep('assert', { condition: 'yes' }, ctx)).toEqual({ passed: true })
  })

  it('fails with VALIDATION, its message and the evaluated value', async () => {
    await expect(runAssertStep({ condition: false, message: 'coverage below 80%' }, ctx)).rejects.toMatchObject({
      name: 'AppError', code: 'VALIDATION', message: 'coverage below 80%', details: { condition: false },
    })
    await expect(executeStep('assert', { condition: 'false' }, ctx)).rejects.toThrow('assertion failed')
  })

  it('judges evaluated values by a documented truthiness', () => {
    const truthy: unknown[] = [true, 'true', 'ok', ' 1 ', 1, -2, ['a'], { a: 1 }]
    const falsy: unknown[] = [false, '', '  ', 'false', ' FALSE ', '0', 'no', 'null', 'nil', 'undefined', 0, Number.NaN, null, undefined, [], {}]
    expect(truthy.map(holds)).toEqual(truthy.map(() => true))
    expect(falsy.map(holds)).toEqual(falsy.map(() => false))
  })
})
