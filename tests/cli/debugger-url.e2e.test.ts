import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureWebBuilt } from '../web/web-harness.js'
import { resultOf, runCli, spawnServe, stopChild, tempDb } from './cli-harness.js'

// `switchyard run` / `resume` print the thread's debugger URL when a `switchyard serve` serves the same database
describe('the debugger URL of a CLI run', () => {
  const tmp = tempDb()
  beforeAll(ensureWebBuilt, 180_000)
  afterAll(() => tmp.cleanup())

  it('is printed (stderr, so --json stays NDJSON) while a server serves the database, and not once it stopped', async () => {
    const served = spawnServe(['--db', tmp.db], { SWITCHYARD_MODEL: 'offline' })
    const url = await served.url
    expect(existsSync(`${tmp.db}.serve.json`)).toBe(true)
    const run = await runCli(['--db', tmp.db, 'run', 'sdlc', '--input', '{"task":"build a todo app"}', '--json'])
    const r = resultOf(run)
    expect(r.status).toBe('interrupted')
    expect(run.stderr).toContain(`switchyard: debugger ${url}/ui/threads/${r.thread_id}\n`)
    // the page it names answers (the SPA, for a deep link)
    const page = await fetch(`${url}/ui/threads/${r.thread_id}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')
    const resumed = await runCli(['--db', tmp.db, 'resume', r.thread_id, '--approve', '--json'])
    expect(resultOf(resumed).thread_id).toBe(r.thread_id)
    expect(resumed.stderr).toContain(`switchyard: debugger ${url}/ui/threads/${r.thread_id}\n`)

    await stopChild(served.child)
    expect(existsSync(`${tmp.db}.serve.json`)).toBe(false)
    const alone = await runCli(['--db', tmp.db, 'resume', r.thread_id, '--approve', '--json'])
    expect(resultOf(alone).thread_id).toBe(r.thread_id)
    expect(alone.stderr).not.toContain('switchyard: debugger')
  }, 120_000)

  it('a server that crashed (SIGKILL: its file stays) is not named', async () => {
    const served = spawnServe(['--db', tmp.db], { SWITCHYARD_MODEL: 'offline' })
    await served.url
    const exited = new Promise((ok) => served.child.once('exit', ok))
    served.child.kill('SIGKILL')
    await exited
    expect(existsSync(`${tmp.db}.serve.json`)).toBe(true)
    const run = await runCli(['--db', tmp.db, 'run', 'sdlc', '--input', '{"task":"x"}', '--json'])
    expect(resultOf(run).status).toBe('interrupted')
    expect(run.stderr).not.toContain('switchyard: debugger')
  }, 120_000)
})
