import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DEFAULT_MAX_OUTPUT_BYTES } from '../../../agents/steps/shell-step.js'
import { effectiveTimeoutMs } from '../../../agents/steps/step-context.js'
import {
  RAW_WITH_KEYS, STEP_EXECUTORS, durationMs, executeStep, isExecutorStepType, parseStepParams,
} from '../../../agents/steps/registry.js'

describe('step registry', () => {
  it('holds the function step types only; agent, human and workflow are built by the compiler', () => {
    expect(Object.keys(STEP_EXECUTORS).sort()).toEqual(['assert', 'shell', 'template', 'webhook'])
    expect(Object.keys(RAW_WITH_KEYS).sort()).toEqual(Object.keys(STEP_EXECUTORS).sort())
    expect(isExecutorStepType('shell')).toBe(true)
    expect(isExecutorStepType('agent')).toBe(false)
    expect(isExecutorStepType('toString')).toBe(false)
  })

  it('publishes every with schema as a strict JSON Schema object', () => {
    for (const [type, { params }] of Object.entries(STEP_EXECUTORS)) {
      const schema = z.toJSONSchema(params, { io: 'input' }) as { type: string; additionalProperties: unknown; properties: object }
      expect(schema.type, type).toBe('object')
      expect(schema.additionalProperties, type).toBe(false)
    }
    const shell = z.toJSONSchema(STEP_EXECUTORS.shell.params, { io: 'input' }) as { required: string[]; properties: Record<string, unknown> }
    expect(shell.required).toEqual(['run'])
    expect(Object.keys(shell.properties)).toEqual(['run', 'shell', 'cwd', 'env', 'timeout', 'max_output_bytes', 'stdin', 'allow_failure'])
  })

  it('parses a with block with defaults, or throws VALIDATION listing the issues', () => {
    expect(parseStepParams('shell', { run: ['echo', 'hi'] })).toEqual({
      run: ['echo', 'hi'], shell: false, max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES, allow_failure: false,
    })
    expect(() => parseStepParams('shell', { run: [], tiemout: 5 })).toThrow(/run: .*; \(root\): Unrecognized key: "tiemout"/)
    expect(() => parseStepParams('shell', { run: ['x'], timeout: '10 minutes' })).toThrow(/timeout/)
    expect(() => parseStepParams('shell', { run: ['x'], env: ['BAD-NAME'] })).toThrow(/env/)
    try {
      parseStepParams('webhook', {})
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ code: 'VALIDATION', details: { step_type: 'webhook', issues: [{ path: ['url'] }] } })
    }
  })

  it('rejects an unknown step type at run time', async () => {
    await expect(executeStep('agent' as never, {}, { workspace: '/x', env: {} })).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})

describe('durationMs', () => {
  it('reads seconds and unit strings', () => {
    expect([30, 0.5, '500ms', '30s', '1.5s', '5m', '1h', '1h30m', '1m0.5s', ' 1d ']
      .map(durationMs)).toEqual([30_000, 500, 500, 30_000, 1_500, 300_000, 3_600_000, 5_400_000, 60_500, 86_400_000])
  })

  it('rejects anything else with VALIDATION', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '', '0s', '5', '5 m', '1w', 'soon', '1h 30m']) {
      expect(() => durationMs(bad), String(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    }
  })

  it('takes the tighter of the step own timeout and the compiler one', () => {
    const ctx = { workspace: '/x', env: {} }
    expect(effectiveTimeoutMs('5m', { ...ctx, timeoutMs: 1_000 })).toBe(1_000)
    expect(effectiveTimeoutMs(1, { ...ctx, timeoutMs: 60_000 })).toBe(1_000)
    expect(effectiveTimeoutMs(undefined, ctx)).toBeUndefined()
    expect(effectiveTimeoutMs(undefined, ctx, 10_000)).toBe(10_000)
    expect(effectiveTimeoutMs('30d', ctx)).toBe(2 ** 31 - 1) // setTimeout's ceiling, not an instant timeout
  })
})
