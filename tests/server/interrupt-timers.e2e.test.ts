import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadGraphs } from '../../graphs/graph-loader.js'
import { runLocally } from '../../runtime/local-run.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'

const gate = (name: string, timeout: string) => `name: ${name}
steps:
  - id: ask
    type: human
    timeout: ${timeout}
    on_timeout: expired
    with: { prompt: Ship it? }
  - id: expired
    type: template
    with: { path: ${name}-expired.txt, template: no answer in time }
  - id: ship
    type: assert
    needs: ask
    with: { condition: "steps.ask.outputs.action == 'approve'" }
`

interface WfValues { status: string; visited: string[]; steps: Record<string, { status: string; skip_reason?: string; error?: { code: string } }> }

/** A human step's `timeout` wakes the thread at the deadline and takes `on_timeout` (issue 5, item 3). */
describe('human step deadlines', () => {
  let dir: string
  let rt: Runtime
  let srv: RunningServer
  let queue: RunQueue
  let client: Client
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-timers-'))
    mkdirSync(join(dir, 'workflows'))
    writeFileSync(join(dir, 'workflows/quick.yaml'), gate('quick', '1s'))
    writeFileSync(join(dir, 'workflows/slow.yaml'), gate('slow', '3s'))
    writeFileSync(join(dir, 'workflows/witness.yaml'), gate('witness', '3s'))
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' }, registry: await loadGraphs({ workflowsDir: join(dir, 'workflows'), workspaceRoot: dir }) })
    srv = await startServer({ rt, port: 0, routes: [runsRoutes] })
    // pollMs: timers another process (the CLI) leaves are found within a quarter second
    queue = await startRunQueue(rt, { concurrency: 4, pollMs: 250 })
    client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
  })
  afterAll(async () => {
    await queue.stop()
    await srv.close()
    await rt.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const values = async (threadId: string) => (await client.threads.getState(threadId)).values as unknown as WfValues
  /** The thread's pending deadline run, joined: resolves once the timer has fired and its run has ended. */
  async function timerRun(threadId: string) {
    const timer = (await client.runs.list(threadId)).find((r) => r.metadata?.timer === 'interrupt-deadline')
    expect(timer, 'a deadline run').toBeDefined()
    await client.runs.join(threadId, timer!.run_id)
    return client.runs.get(threadId, timer!.run_id)
  }

  it('nobody answers: at the deadline a timer run resumes the thread and on_timeout runs', async () => {
    const t = await client.threads.create()
    const first = await client.runs.wait(t.thread_id, 'quick', { input: {} }) as Record<string, unknown>
    expect(first.__interrupt__).toEqual([expect.objectContaining({ value: expect.objectContaining({ type: 'human', step: 'ask', timeout_ms: 1000 }) })])
    const runs = await client.runs.list(t.thread_id)
    expect(runs.map((r) => [r.status, r.metadata?.timer])).toEqual(expect.arrayContaining([['pending', 'interrupt-deadline'], ['success', undefined]]))
    expect((await timerRun(t.thread_id)).status).toBe('success')
    const end = await values(t.thread_id)
    expect(end.steps.ask).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } })
    expect(end.steps.expired).toMatchObject({ status: 'succeeded' })
    expect(end.steps.ship).toMatchObject({ status: 'skipped', skip_reason: 'upstream' })
    expect(end.status).toBe('succeeded')
    expect(existsSync(join(dir, 'quick-expired.txt'))).toBe(true)
    expect((await client.threads.get(t.thread_id)).status).toBe('idle')
  })

  it('an answer before the deadline removes the timer; nothing happens at the deadline', async () => {
    const t = await client.threads.create()
    await client.runs.wait(t.thread_id, 'slow', { input: {} })
    const done = await client.runs.wait(t.thread_id, 'slow', { command: { resume: { action: 'approve' } } }) as unknown as WfValues
    // a witness with the same timeout, started after and left unanswered: once its timer has fired, the
    // first thread's deadline has passed too (waits on that event, not on a guess of the queue's lateness)
    const witness = await client.threads.create()
    await client.runs.wait(witness.thread_id, 'witness', { input: {} })
    expect(done.status).toBe('succeeded')
    expect(done.steps.ship).toMatchObject({ status: 'succeeded' })
    expect(done.steps.expired).toMatchObject({ status: 'skipped', skip_reason: 'not_routed' })
    const runs = await client.runs.list(t.thread_id)
    expect(runs.map((r) => r.status)).toEqual(['success', 'success'])
    expect((await timerRun(witness.thread_id)).status).toBe('success')
    expect((await values(witness.thread_id)).steps.expired).toMatchObject({ status: 'succeeded' })
    expect((await client.runs.list(t.thread_id)).length).toBe(2)
    expect(await values(t.thread_id)).toEqual(done)
    expect(existsSync(join(dir, 'slow-expired.txt'))).toBe(false)
    expect(existsSync(join(dir, 'witness-expired.txt'))).toBe(true)
  })

  it('the CLI path: a timer left by a run does not block resuming the thread', async () => {
    // the CLI's own runtime on the same file (the server's queue in this process would claim its runs)
    const cli = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' }, registry: await loadGraphs({ workflowsDir: join(dir, 'workflows'), workspaceRoot: dir }) })
    try {
      await cliResume(cli)
    } finally {
      await cli.close()
    }
  })

  it('a timer left by a CLI run is fired by the server queue watching the same database', async () => {
    const cli = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' }, registry: await loadGraphs({ workflowsDir: join(dir, 'workflows'), workspaceRoot: dir }) })
    const threadId = crypto.randomUUID()
    try {
      const r = await runLocally(cli, { kind: 'input', graph: 'quick', threadId, input: {} }, { onEvent: () => undefined })
      expect(r.settled.status).toBe('success')
    } finally {
      await cli.close()
    }
    expect((await timerRun(threadId)).status).toBe('success')
    const end = await values(threadId)
    expect(end.steps.expired).toMatchObject({ status: 'succeeded' })
    expect(end.steps.ask).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } })
  })

  async function cliResume(rt: Runtime) {
    const threadId = crypto.randomUUID()
    const r1 = await runLocally(rt, { kind: 'input', graph: 'slow', threadId, input: {} }, { onEvent: () => undefined })
    expect(r1.settled.status).toBe('success')
    expect((await rt.runs.inflightRuns(threadId)).map((r) => r.status)).toEqual(['pending'])
    const r2 = await runLocally(rt, { kind: 'resume', threadId, value: { action: 'reject', reason: 'not today' } }, { onEvent: () => undefined })
    // the rejected gate fails the workflow (no on_error), so the run settles as an error
    expect(r2.settled).toMatchObject({ status: 'error', error: { code: 'CANCELLED' } })
    expect(await rt.runs.inflightRuns(threadId)).toEqual([])
    const v = (await rt.graph('slow').getState({ configurable: { thread_id: threadId } })).values as WfValues
    expect(v.steps.ask).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } })
    expect(v.status).toBe('failed')
  }
})
