import { describe, expect, it } from 'vitest'
import { needsOf, parseDuration, WorkflowSpec, type StepSpec } from '../../../graphs/workflow/spec-schema.js'
import { isAppError } from '../../../store/app-error.js'

/** Every key of the language at least once. */
const FULL = {
  name: 'increase-test-coverage',
  description: 'Raise coverage to a target',
  version: '1.2.0',
  inputs: {
    target: { type: 'number', description: 'percent', default: 80 },
    files: { type: 'array', default: ['src/a.ts'] },
    repo: { required: true },
    opts: { type: 'object', default: {} },
    dry_run: { type: 'boolean', default: false },
  },
  outputs: { coverage: 'steps.measure.outputs.pct', summary: { value: 'Coverage {{ steps.measure.outputs.pct }}%', description: 'for humans' } },
  env: { CI: 'true', PORT: 8080, VERBOSE: false },
  workspace: 'examples/sample-project',
  steps: [
    { id: 'measure', name: 'Measure', type: 'shell', with: { argv: ['npx', 'vitest', '--coverage'] }, outputs: { pct: 'result.pct' },
      timeout: '5m', retry: { limit: 2, backoff: { initial: '1s', factor: 2, max: 30 }, non_retryable: ['VALIDATION'] },
      cache: { key: '{{ inputs.files | join: "," }}', ttl: '1h' }, continue_on_error: true, on_error: 'report' },
    { id: 'write-tests', type: 'agent', needs: 'measure', if: 'steps.measure.outputs.pct < inputs.target',
      for_each: 'inputs.files', max_parallel: 4, with: { role: 'tester' } },
    { id: 'recheck', type: 'shell', needs: ['write-tests'], loop: { until: 'steps.recheck.outputs.pct >= inputs.target', max_iterations: 3 } },
    { id: 'approve', type: 'human', timeout: 3600, on_timeout: 'report', next: [{ if: "steps.approve.outputs.action == 'approve'", goto: 'report' }, { goto: 'measure' }] },
    { id: 'report', type: 'template', next: 'done', with: { path: 'report.md' } },
    { id: 'done', type: 'assert', with: { that: 'true' } },
    { id: 'sub', type: 'workflow', for_each: [1, 2] },
    { id: 'hook', type: 'webhook' },
  ],
}

const withStep = (step: Record<string, unknown>) => ({ name: 'w', steps: [{ id: 'a', type: 'shell', ...step }] })
const issues = (v: unknown) => {
  const r = WorkflowSpec.safeParse(v)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('WorkflowSpec', () => {
  it('accepts a workflow using every key, keeping values as written', () => {
    const spec = WorkflowSpec.parse(FULL)
    expect(spec.steps).toHaveLength(8)
    expect(spec.steps[0]?.timeout).toBe('5m')
    expect(needsOf(spec.steps[1] as StepSpec)).toStrictEqual(['measure'])
    expect(needsOf(spec.steps[0] as StepSpec)).toStrictEqual([])
  })

  it.each([
    ['an unknown top-level key', { ...FULL, stpes: [] }, /^: Unrecognized key: "stpes"/],
    ['no steps', { name: 'w', steps: [] }, /^steps: Too small/],
    ['a missing name', { steps: FULL.steps }, /^name: Invalid input/],
    ['an unknown step key', withStep({ comand: 'x' }), /^steps.0: Unrecognized key: "comand"/],
    ['an unknown step type', withStep({ type: 'python' }), /^steps.0.type: Invalid option/],
    ['a bad step id', withStep({ id: '1st step' }), /^steps.0.id: an identifier/],
    ['a bad needs', withStep({ needs: [3] }), /^steps.0.needs: Invalid input/],
    ['a bad if', withStep({ if: 'a = 1' }), /^steps.0.if: invalid expression: '=' is not an operator.*\(column 3\)/],
    ['a bad output expression', withStep({ outputs: { x: 'a b' } }), /^steps.0.outputs.x: invalid expression/],
    ['a bad duration', withStep({ timeout: '5 minutes' }), /^steps.0.timeout: a duration like/],
    ['a duration past a year', withStep({ timeout: '400d' }), /^steps.0.timeout: a duration of at most 366 days$/],
    ['a negative duration', withStep({ timeout: -1 }), /^steps.0.timeout: Too small/],
    ['a retry without limit', withStep({ retry: { backoff: { factor: 2 } } }), /^steps.0.retry.limit: Invalid input/],
    ['a backoff factor below 1', withStep({ retry: { limit: 1, backoff: { factor: 0.5 } } }), /^steps.0.retry.backoff.factor: Too small/],
    ['an unknown cache key', withStep({ cache: { ttl: '1h', scope: 'x' } }), /^steps.0.cache: Unrecognized key: "scope"/],
    ['a loop without max_iterations', withStep({ loop: { until: 'x' } }), /^steps.0.loop.max_iterations: Invalid input/],
    ['max_iterations 0', withStep({ loop: { until: 'x', max_iterations: 0 } }), /^steps.0.loop.max_iterations: Too small/],
    ['max_parallel without for_each', withStep({ max_parallel: 2 }), /^steps.0.max_parallel: max_parallel needs for_each$/],
    ['for_each with loop', withStep({ for_each: [1], loop: { until: 'x', max_iterations: 2 } }), /^steps.0.loop: a step cannot have both/],
    ['on_timeout off a human step', withStep({ on_timeout: 'b', timeout: 1 }), /^steps.0.on_timeout: on_timeout is for human steps$/],
    ['on_timeout without timeout', withStep({ type: 'human', on_timeout: 'b' }), /^steps.0.on_timeout: on_timeout needs a timeout$/],
    ['an empty next list', withStep({ next: [] }), /^steps.0.next: Too small/],
    ['with not a map', withStep({ with: ['x'] }), /^steps.0.with: Invalid input: expected record/],
    ['a default of the wrong type', { ...FULL, inputs: { n: { type: 'number', default: '3' } } }, /^inputs.n.default: default is not of type number$/],
    ['a string input defaulting to a number', { ...FULL, inputs: { s: { default: 3 } } }, /^inputs.s.default: default is not of type string$/],
    ['an unknown input type', { ...FULL, inputs: { s: { type: 'int' } } }, /^inputs.s.type: Invalid option/],
    ['a bad env name', { ...FULL, env: { 'MY-VAR': 'x' } }, /^env.MY-VAR: Invalid key in record/],
    ['an absolute workspace', { ...FULL, workspace: '/etc' }, /^workspace: must be a relative path$/],
    ['a climbing workspace', { ...FULL, workspace: 'a/../../b' }, /^workspace: must not contain '..'$/],
  ])('rejects %s', (_what, value, message) => {
    const found = issues(value)
    expect(found.some((m) => message.test(m)), found.join('\n')).toBe(true)
  })

  it('points a duplicate step id at the duplicate, even when a step has other errors', () => {
    const dup = { name: 'w', steps: [{ id: 'a', type: 'shell' }, { id: 'b', type: 'nope' }, { id: 'a', type: 'shell' }] }
    expect(issues(dup)).toContain("steps.2.id: duplicate step id 'a' (first at steps.0)")
  })
})

describe('parseDuration', () => {
  it.each([[30, 30_000], [0.25, 250], ['250ms', 250], ['30s', 30_000], ['5m', 300_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], ['2d', 172_800_000]])(
    '%j → %i ms', (d, ms) => expect(parseDuration(d)).toBe(ms))

  it.each(['5', '5 m', '1w', '', '-3s', 'PT5M'])('rejects %j with a VALIDATION AppError', (d) => {
    const e = (() => { try { parseDuration(d) } catch (err) { return err } })()
    expect(isAppError(e) && e.code === 'VALIDATION' && /invalid duration/.test(e.message)).toBe(true)
  })
  it('rejects past a year and below zero', () => {
    expect(() => parseDuration('367d')).toThrow(/longer than 366 days/)
    expect(() => parseDuration(-1)).toThrow(/≥ 0/)
  })
})
