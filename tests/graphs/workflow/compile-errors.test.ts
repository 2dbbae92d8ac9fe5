import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cfg, compileFile, tempDir, type Out } from './compile-helpers.js'

describe('compileWorkflow: failures, retries, routing', () => {
  let t: ReturnType<typeof tempDir>
  beforeEach(() => { t = tempDir() })
  afterEach(() => t.cleanup())
  const run = async (yaml: string, inputs: Record<string, unknown> = {}) =>
    compileFile(t.write('wf.yaml', yaml), yaml).invoke({ inputs }, cfg('1')) as Promise<Out>

  it('retries with backoff until the third attempt succeeds', async () => {
    const out = await run(`
name: retry
steps:
  - id: flaky
    type: shell
    retry: { limit: 3, backoff: { initial: 20ms, factor: 2 } }
    with:
      shell: true
      run: 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; date +%s%N >> times; [ $n -ge 3 ]'
`)
    expect(out.steps.flaky).toMatchObject({ status: 'succeeded', attempts: 3 })
    const times = readFileSync(join(t.dir, 'times'), 'utf8').trim().split('\n').map((l) => Number(BigInt(l) / 1_000_000n))
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(20)
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(40)
  })

  it('fails at once on a non_retryable code, and gives up after the limit', async () => {
    const out = await run(`
name: noretry
steps:
  - id: exit2
    type: shell
    continue_on_error: true
    retry: { limit: 5, backoff: { initial: 1ms }, non_retryable: ['exit:2'] }
    with: { run: [sh, -c, 'exit 2'] }
  - id: check
    type: assert
    continue_on_error: true
    retry: { limit: 5, backoff: { initial: 1ms }, non_retryable: [VALIDATION] }
    with: { condition: 'inputs.missing == 1', message: nope }
  - id: always
    type: shell
    retry: { limit: 2, backoff: { initial: 1ms } }
    with: { run: [sh, -c, 'exit 1'] }
`)
    expect(out.steps.exit2).toMatchObject({ status: 'failed', attempts: 1 })
    expect(out.steps.check).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'VALIDATION', message: 'nope' } })
    expect(out.steps.always).toMatchObject({ status: 'failed', attempts: 3 })
    expect(out.status).toBe('failed')
    expect(out.error?.message).toMatch(/step always failed/)
  })

  it('kills a step at its timeout and records it as timed out', async () => {
    const start = Date.now()
    const out = await run(`
name: slow
steps:
  - id: nap
    type: shell
    timeout: 300ms
    continue_on_error: true
    with: { run: [sleep, '5'] }
`)
    expect(Date.now() - start).toBeLessThan(3_000)
    expect(out.steps.nap).toMatchObject({ status: 'failed', timed_out: true })
    expect(out.status).toBe('succeeded')
  })

  it('continue_on_error lets dependents run; an unhandled failure skips them but not other branches', async () => {
    const out = await run(`
name: branches
steps:
  - id: lint
    type: shell
    continue_on_error: true
    with: { run: [sh, -c, 'exit 1'] }
  - id: after_lint
    type: shell
    needs: lint
    with: { run: [echo, 'lint was {{ steps.lint.status }}'] }
  - id: build
    type: shell
    with: { run: [sh, -c, 'exit 3'] }
  - id: deploy
    type: shell
    needs: build
    with: { run: [echo, deploy] }
  - id: announce
    type: shell
    needs: deploy
    with: { run: [echo, announce] }
`)
    expect(out.steps.after_lint).toMatchObject({ status: 'succeeded', outputs: { stdout: 'lint was failed\n' } })
    expect(out.steps.deploy).toMatchObject({ status: 'skipped', skip_reason: 'upstream' })
    expect(out.steps.announce).toMatchObject({ status: 'skipped', skip_reason: 'upstream' })
    expect(out.status).toBe('failed')
    expect(out.error).toMatchObject({ code: 'INTERNAL', details: { step: 'build' } })
  })

  it('routes a failure to its on_error handler; a handler nobody routed to is skipped', async () => {
    const yaml = (code: number) => `
name: onerror
outputs: { recovered: steps.recover.status }
steps:
  - id: build
    type: shell
    on_error: recover
    with: { run: [sh, -c, 'exit ${code}'] }
  - id: deploy
    type: shell
    needs: build
    with: { run: [echo, deploy] }
  - id: recover
    type: shell
    with: { run: [echo, 'recovering from {{ steps.build.error.message }}'] }
`
    const failed = await run(yaml(4))
    expect(failed.visited.sort()).toEqual(['build', 'recover'])
    expect(failed.steps.deploy).toMatchObject({ status: 'skipped', skip_reason: 'upstream' })
    expect(failed.steps.recover?.outputs.stdout).toMatch(/recovering from sh exited with code 4/)
    expect(failed.status).toBe('succeeded')
    const ok = await compileFile(t.write('ok.yaml', yaml(0)), yaml(0)).invoke({ inputs: {} }, cfg('2')) as Out
    expect(ok.steps.recover).toMatchObject({ status: 'skipped', skip_reason: 'not_routed' })
    expect(ok.visited.sort()).toEqual(['build', 'deploy'])
    expect(ok.outputs.recovered).toBe('skipped')
  })

  it('repeats a loop step until its condition holds, and fails it past max_iterations', async () => {
    const out = await run(`
name: loops
steps:
  - id: poll
    type: shell
    loop: { until: 'result.n >= 3', max_iterations: 10 }
    outputs: { n: fromJSON(result.stdout) }
    with:
      shell: true
      run: 'n=$(cat polls 2>/dev/null || echo 0); n=$((n+1)); echo $n > polls; echo $n'
  - id: never
    type: shell
    continue_on_error: true
    loop: { until: 'iteration > 100', max_iterations: 3 }
    with: { run: [echo, 'try {{ iteration }} after {{ previous.stdout | default: "none" | strip }}'] }
`)
    expect(out.steps.poll).toMatchObject({ status: 'succeeded', iteration: 3, attempts: 3, outputs: { n: 3 } })
    expect(out.steps.never).toMatchObject({ status: 'failed', iteration: 3, outputs: { stdout: 'try 3 after try 2 after try 1 after none\n' } })
    expect(out.steps.never?.error?.message).toMatch(/until not met after 3 iterations/)
  })

  it('runs for_each items at most max_parallel at once and aggregates their outputs in order', async () => {
    const out = await run(`
name: fanout
inputs: { files: { type: array, default: [a, b, c, d, e, f] } }
steps:
  - id: each
    type: shell
    for_each: inputs.files
    max_parallel: 2
    outputs: { upper: upper(item), at: index }
    with:
      shell: true
      run: ['mkdir -p running; touch running/$1; ls running | wc -l > seen-$1; sleep 0.3; rm running/$1; echo $1', '{{ item }}']
`)
    expect(out.steps.each?.status).toBe('succeeded')
    const results = out.steps.each?.outputs.results as { upper: string; at: number; stdout: string }[]
    expect(results.map((r) => [r.upper, r.at, r.stdout])).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((x, i) => [x.toUpperCase(), i, `${x}\n`]))
    const seen = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => Number(readFileSync(join(t.dir, `seen-${x}`), 'utf8')))
    expect(Math.max(...seen)).toBe(2)
  })
})
