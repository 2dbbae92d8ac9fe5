import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError } from '../../../store/app-error.js'
import { runWorkflowTest } from '../../../graphs/workflow/workflow-test-runner.js'
import { partialDiffs } from '../../../graphs/workflow/workflow-test-match.js'
import { tempDir } from './compile-helpers.js'

const WORKFLOW = `name: gated
inputs:
  n: { type: number, default: 1 }
outputs:
  total: steps.add.outputs.total
steps:
  - id: add
    type: shell
    with: { run: [echo, "{{ inputs.n }}"] }
    outputs: { total: fromJSON(result.stdout) }
  - id: gate
    type: human
    needs: add
    on_error: rejected
    with: { prompt: "ok {{ steps.add.outputs.total }}?" }
  - id: rejected
    type: assert
    with: { condition: "true" }
  - id: done
    type: assert
    needs: gate
    with: { condition: steps.add.outputs.total > 0, message: "total {{ steps.add.outputs.total }} is not positive" }
`

describe('runWorkflowTest', () => {
  let t: ReturnType<typeof tempDir>
  beforeEach(() => { t = tempDir('sy-wftest-') ; t.write('gated.yaml', WORKFLOW) })
  afterEach(() => t.cleanup())
  const run = (cases: string) => runWorkflowTest(t.write('gated.test.yaml', `workflow: ./gated.yaml\ncases:\n${cases}`))

  it('passes a case that runs the real shell step and answers the gate', async () => {
    const r = await run(`  - name: approve
    inputs: { n: 3 }
    answers: [{ step: gate, action: approve }]
    expect:
      status: succeeded
      visited: [add, gate, done]
      outputs: { total: 3 }
      steps: { rejected: { status: skipped, skip_reason: not_routed }, add: { outputs: { exit_code: 0 } } }
`)
    expect(r).toMatchObject({ workflow: 'gated', passed: true, cases: [{ name: 'approve', passed: true, diffs: [] }] })
  })

  it('mocks outputs and failures without running the executor; a mocked failure routes to on_error', async () => {
    const r = await run(`  - name: mocked total
    mocks: { add: { total: -1 } }
    answers: [{ action: approve }]
    expect: { status: failed, steps: { add: { outputs: { total: -1 } }, done: { status: failed, error: { message: total -1 is not positive } } } }
  - name: mocked rejection
    mocks: { gate: { error: { code: CANCELLED, message: no }, outputs: { action: reject } } }
    expect: { status: succeeded, visited: [add, gate, rejected], steps: { gate: { status: failed, outputs: { action: reject } }, done: { status: skipped } } }
`)
    expect(r.cases.map((c) => [c.name, c.passed, c.diffs])).toEqual([['mocked total', true, []], ['mocked rejection', true, []]])
  })

  it('reports each kind of difference with its path', async () => {
    const r = await run(`  - name: all wrong
    inputs: { n: 2 }
    answers: [{ step: gate, action: approve }]
    expect:
      status: failed
      visited: [add, done]
      visited_includes: [rejected]
      not_visited: [gate]
      outputs: { total: 5 }
      steps: { add: { status: failed, outputs: { total: 2, extra: x } } }
`)
    expect(r.passed).toBe(false)
    expect(r.cases[0]?.diffs.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'status: expected failed, got succeeded',
      'visited: expected [add, done], got [add, gate, done]',
      'visited_includes: did not visit rejected (visited [add, gate, done])',
      'not_visited: visited gate',
      'outputs.total: expected 5, got 2',
      'steps.add.status: expected failed, got succeeded',
      'steps.add.outputs.extra: expected "x", got undefined',
    ])
  })

  it('reports an interrupted run and unused answers; an invalid answer is a bad test file', async () => {
    const r = await run(`  - name: no answer
    expect: { status: succeeded }
  - name: too many answers
    mocks: { gate: { action: approve } }
    answers: [{ action: approve }]
  - name: refused
    answers: [{ step: gate, action: amend, value: 1 }, { step: gate, action: approve }]
`)
    const diffs = r.cases.map((c) => c.diffs.map((d) => d.message))
    expect(diffs[0]).toEqual(['expected succeeded, got interrupted'])
    expect(diffs[1]).toEqual(['1 answer(s) not used (no human step asked)'])
    expect(r.cases[2]?.outcome.status).toBe('succeeded')
    const bad = await run(`  - name: bad value
    answers: [{ step: gate, action: maybe }]
`).catch((e: unknown) => e)
    expect(isAppError(bad) && (bad.details?.findings as { message: string; path: string }[])[0]?.path).toBe("cases.0.answers.0.action")
  })

  it('a bad test file is a VALIDATION error with file:line:col findings; nothing runs', async () => {
    const file = t.write('bad.test.yaml', `workflow: ./gated.yaml
cases:
  - name: a
    mocks:
      nope: { total: 1 }
    expect: { visited: [add, ghost], stauts: failed }
`)
    const e = await runWorkflowTest(file).catch((x: unknown) => x)
    expect(isAppError(e) && e.code).toBe('VALIDATION')
    const findings = isAppError(e) ? e.details?.findings as { line: number; col: number; rule: string; message: string }[] : []
    expect(findings.map((f) => [f.rule, f.line, f.col])).toEqual([['schema', 6, 38]])
    const refs = await runWorkflowTest(t.write('refs.test.yaml', `workflow: ./gated.yaml
cases:
  - name: a
    mocks:
      nope: { total: 1 }
    answers: [{ step: done, action: approve }]
    expect: { visited: [add, ghost] }
`)).catch((x: unknown) => x)
    const rf = isAppError(refs) ? refs.details?.findings as { line: number; col: number; message: string }[] : []
    expect(rf.map((f) => [f.line, f.col, f.message.split(' (')[0]])).toEqual([[5, 7, "unknown step 'nope'"], [6, 23, "step 'done' is a assert step, not a human step"], [7, 30, "unknown step 'ghost'"]])
    const missing = await runWorkflowTest(t.write('m.test.yaml', 'workflow: ./nope.yaml\ncases: [{ name: a }]\n')).catch((x: unknown) => x)
    expect(isAppError(missing) && (missing.details?.findings as { line: number; col: number; message: string }[])[0]).toMatchObject({ line: 1, col: 11, message: expect.stringMatching(/does not load/) })
  })

  it('runs on our KyselySaver with a SQLite file too', async () => {
    const r = await runWorkflowTest(t.write('gated.test.yaml', `workflow: ./gated.yaml
cases:
  - name: sqlite
    answers: [{ action: approve }]
    expect: { status: succeeded, outputs: { total: 1 } }
`), { store: 'sqlite' })
    expect(r.passed).toBe(true)
  })
})

describe('partialDiffs', () => {
  it('matches objects partially and arrays item by item', () => {
    expect(partialDiffs({ a: [{ b: 1 }], c: null }, { a: [{ b: 1, x: 2 }], d: 3 }, '')).toEqual([])
    expect(partialDiffs({ a: [1] }, { a: [1, 2] }, 'o').map((d) => d.message)).toEqual(['expected 1 items, got 2: [1,2]'])
    expect(partialDiffs({ a: { b: 1 } }, { a: 'x' }, 'o').map((d) => d.path)).toEqual(['o.a'])
  })
})
