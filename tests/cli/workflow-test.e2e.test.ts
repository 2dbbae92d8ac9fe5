import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-harness.js'

const WORKFLOW = `name: greet
inputs:
  who: { default: world }
outputs:
  line: steps.say.outputs.line
steps:
  - id: say
    type: shell
    with: { run: [echo, "hello {{ inputs.who }}"] }
    outputs: { line: "{{ result.stdout | strip }}" }
  - id: ok
    type: human
    needs: say
    with: { prompt: "send {{ steps.say.outputs.line }}?" }
`

describe('switchyard test (a real child process)', () => {
  let dir: string
  const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-test-cli-'))
    file('greet.yaml', WORKFLOW)
    file('pass.test.yaml', `workflow: ./greet.yaml
cases:
  - name: greets the world
    answers: [{ step: ok, action: approve }]
    expect: { status: succeeded, visited: [say, ok], outputs: { line: hello world } }
  - name: mocked greeting
    mocks: { say: { line: hi } }
    expect: { status: interrupted, outputs: {} }
`)
    file('fail.test.yaml', `workflow: ./greet.yaml
cases:
  - name: wrong line
    inputs: { who: Ada }
    answers: [{ action: approve }]
    expect: { outputs: { line: hello world } }
`)
    file('bad.test.yaml', `workflow: ./greet.yaml
cases:
  - name: typo
    expcet: { status: succeeded }
`)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('exit 0 when every case passes, one line per case and a summary', async () => {
    const r = await runCli(['test', join(dir, 'pass.test.yaml')])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/pass\.test\.yaml \(greet\)\n {2}✓ greets the world \(\d+ ms\)\n {2}✓ mocked greeting \(\d+ ms\)\n2 cases: 2 passed, 0 failed \(1 file\)\n$/)
  })

  it('exit 1 when a case fails, with the difference under it', async () => {
    const r = await runCli(['test', join(dir, 'pass.test.yaml'), join(dir, 'fail.test.yaml')])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('  ✗ wrong line')
    expect(r.stdout).toContain('      outputs.line: expected "hello world", got "hello Ada"')
    expect(r.stdout).toContain('3 cases: 2 passed, 1 failed (2 files)')
  })

  it('exit 2 for a bad test file, with file:line:col, while the others still run', async () => {
    const r = await runCli(['test', join(dir, 'bad.test.yaml'), join(dir, 'pass.test.yaml')])
    expect(r.code).toBe(2)
    expect(r.stdout).toContain(`${join(dir, 'bad.test.yaml')}:4:5: error schema: unknown key 'expcet' (cases.0.expcet)`)
    expect(r.stdout).toContain('2 cases: 2 passed, 0 failed, 1 invalid file (2 files)')
  })

  it('--format json reports cases, diffs and the summary; a folder means its test files', async () => {
    const r = await runCli(['test', dir, '--format', 'json'])
    expect(r.code).toBe(2)
    const report = JSON.parse(r.stdout) as { results: { file: string; cases: { name: string; passed: boolean; diffs: { path: string }[] }[] }[]; invalid: { file: string }[]; summary: Record<string, number> }
    expect(report.summary).toEqual({ files: 3, cases: 3, passed: 2, failed: 1, invalid: 1 })
    expect(report.results.flatMap((f) => f.cases.map((c) => [c.name, c.passed, c.diffs.map((d) => d.path)]))).toEqual([
      ['wrong line', false, ['outputs.line']], ['greets the world', true, []], ['mocked greeting', true, []],
    ])
  })

  it('exit 2 for a bad flag or no test files', async () => {
    expect((await runCli(['test', dir, '--format', 'xml'])).code).toBe(2)
    const none = await runCli(['test', join(dir, 'nothing-here')])
    expect(none.code).toBe(2)
  })
})
