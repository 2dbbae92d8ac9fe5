import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resultOf, ROOT, runCli, spawnServe } from './cli-harness.js'

const HELLO = `name: hello
description: greets through a real process
inputs:
  name: { type: string, required: true }
steps:
  - id: greet
    type: shell
    with:
      run: [node, -e, "process.stdout.write('hello ' + process.argv[1])", "{{ inputs.name }}"]
    cache: { key: "{{ inputs.name }}", ttl: 1h }
  - id: check
    type: assert
    needs: greet
    with:
      condition: steps.greet.outputs.exit_code == 0
outputs:
  greeting: "{{ steps.greet.outputs.stdout }}"
`
const FAILS = `name: fails
steps:
  - id: boom
    type: shell
    with:
      run: [node, -e, "process.exit(3)"]
`
const BROKEN = `name: broken
steps:
  - id: a
    type: shel
`

/** YAML workflows load at start-up beside the built-ins, for the CLI and the server (issue 5, item 6). */
describe('YAML workflows in the CLI and the server', () => {
  let dir: string
  let wf: string
  let db: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-yaml-'))
    wf = join(dir, 'workflows')
    mkdirSync(wf)
    writeFileSync(join(wf, 'hello.yaml'), HELLO)
    writeFileSync(join(wf, 'fails.yaml'), FAILS)
    writeFileSync(join(wf, 'broken.yaml'), BROKEN)
    db = join(dir, 'sy.db')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lists valid workflows beside the built-ins and reports an invalid file with file:line:col', async () => {
    const r = await runCli(['--workflows', wf, 'graphs'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^hello\s+\[yaml\] greets through a real process$/m)
    expect(r.stdout).toMatch(/^fails\s+\[yaml\]/m)
    expect(r.stdout).toMatch(/^team\s/m)
    expect(r.stdout).not.toContain('broken')
    expect(r.stderr).toContain(`switchyard: skipped workflow ${join(wf, 'broken.yaml')}`)
    expect(r.stderr).toMatch(/broken\.yaml:4:11: error schema: .*\(steps\.0\.type\)/)
  })

  it('draws a workflow with one node per step', async () => {
    const r = await runCli(['--workflows', wf, 'graph', 'hello'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('greet')
    expect(r.stdout).toContain('check')
    expect(r.stdout).toMatch(/greet.*-->.*check/)
  })

  it('runs a workflow: the input reaches the program as one argument, the second run is a cache hit, cache clear empties it', async () => {
    const input = JSON.stringify({ name: 'a; touch PWNED $(id)' })
    const firstRun = await runCli(['--workflows', wf, '--db', db, 'run', 'hello', '--input', input, '--json'])
    expect(firstRun.events.filter((e) => e.type === 'custom').map((e) => e.data)).toEqual([expect.objectContaining({ type: 'step_cache', step: 'greet', hit: false })])
    const first = resultOf(firstRun)
    expect(first.status).toBe('success')
    expect(first.output).toMatchObject({ status: 'succeeded', outputs: { greeting: 'hello a; touch PWNED $(id)' }, visited: ['greet', 'check'] })
    // the step ran in the directory the CLI runs in (the repository here): no PWNED there or beside the workflows
    expect(existsSync(join(ROOT, 'PWNED'))).toBe(false)
    expect(readdirSync(wf).sort()).toEqual(['broken.yaml', 'fails.yaml', 'hello.yaml'])
    const secondRun = await runCli(['--workflows', wf, '--db', db, 'run', 'hello', '--input', input, '--json'])
    // the cache lookups are events of the run: a miss the first time, a hit now
    expect(secondRun.events.filter((e) => e.type === 'custom').map((e) => e.data)).toEqual([expect.objectContaining({ type: 'step_cache', step: 'greet', hit: true })])
    const second = resultOf(secondRun)
    expect(second.output).toMatchObject({ steps: { greet: { cached: true, outputs: { stdout: 'hello a; touch PWNED $(id)' } } } })
    const cleared = await runCli(['--workflows', wf, '--db', db, 'cache', 'clear', '--json'])
    expect(cleared.code).toBe(0)
    expect(JSON.parse(cleared.stdout)).toEqual({ removed: 1 })
    const again = await runCli(['--workflows', wf, '--db', db, 'cache', 'clear'])
    expect(again.stdout).toBe('cleared 0 cached step outputs\n')
  })

  it('a workflow whose step fails unhandled exits 1 with the error; bad input exits 2', async () => {
    const r = await runCli(['--workflows', wf, '--db', db, 'run', 'fails', '--input', '{}', '--json'])
    expect(r.code).toBe(1)
    const res = resultOf(r) as ReturnType<typeof resultOf> & { error?: { message: string } }
    expect(res.status).toBe('error')
    expect(res.error?.message).toMatch(/step boom failed/)
    const bad = await runCli(['--workflows', wf, '--db', db, 'run', 'hello', '--input', '{"nom": 1}'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/name/)
  })

  it('serves workflows as assistants to the official SDK', async () => {
    const { child, url: started } = spawnServe(['--workflows', wf, '--db', join(dir, 'serve.db')])
    try {
      const url = await started
      const client = new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })
      expect((await client.assistants.search({ limit: 100 })).map((a) => a.graph_id)).toEqual(expect.arrayContaining(['hello', 'fails', 'team']))
      const thread = await client.threads.create()
      const values = await client.runs.wait(thread.thread_id, 'hello', { input: { name: 'sdk' } }) as Record<string, unknown>
      expect(values).toMatchObject({ status: 'succeeded', outputs: { greeting: 'hello sdk' } })
      // a workflow that ends failed is an errored run over the API too, its state kept
      const t2 = await client.threads.create()
      await expect(client.runs.wait(t2.thread_id, 'fails', { input: {} })).rejects.toThrow(/INTERNAL: step boom failed: node exited with code 3/)
      expect((await client.runs.list(t2.thread_id)).map((r) => r.status)).toEqual(['error'])
      expect((await client.threads.getState(t2.thread_id)).values).toMatchObject({ status: 'failed', steps: { boom: { status: 'failed' } } })
    } finally {
      child.kill('SIGTERM')
    }
  })
})
