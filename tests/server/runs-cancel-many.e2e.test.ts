import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, type Run } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKeys } from '../../server/auth.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { rawJson, until } from './server-harness.js'

const task = { task: 'What is BM25?' }

describe('runs.cancelMany (POST /runs/cancel)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cancel-many-'))
  let rt: Runtime
  let queue: RunQueue
  let srv: RunningServer
  const as = (apiKey: string) => new Client({ apiUrl: srv.url, apiKey, callerOptions: { maxRetries: 0 } })
  let alice: Client
  let bob: Client
  const settled = (c: Client, r: Run) => until(async () => {
    const x = await c.runs.get(r.thread_id, r.run_id)
    return x.status === 'pending' || x.status === 'running' ? undefined : x
  }, `run ${r.run_id} to end`)
  const running = (c: Client, r: Run) => until(async () => ((await c.runs.get(r.thread_id, r.run_id)).status === 'running' ? true : undefined), 'the run to start')

  beforeAll(async () => {
    // slow offline model: a team run takes long enough to be cancelled while it runs
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline', SWITCHYARD_OFFLINE_DELAY_MS: '40' } })
    queue = await startRunQueue(rt)
    srv = await startServer({ rt, port: 0, routes: [runsRoutes], apiKeys: parseApiKeys('key-of-alice=alice,key-of-bob1=bob') })
    alice = as('key-of-alice')
    bob = as('key-of-bob1')
  })
  afterAll(async () => { await srv.close(); await queue.stop(); await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it("status 'all' on a thread cancels its running run and the one queued behind it", async () => {
    const t = await alice.threads.create()
    const first = await alice.runs.create(t.thread_id, 'team', { input: task })
    const second = await alice.runs.create(t.thread_id, 'team', { input: task, multitaskStrategy: 'enqueue' })
    await running(alice, first)
    await alice.runs.cancelMany({ threadId: t.thread_id, status: 'all' })
    expect((await settled(alice, first)).status).toBe('interrupted')
    expect((await settled(alice, second)).status).toBe('interrupted')
  })

  it("status 'pending' leaves running runs alone; run_ids cancels exactly those, finished ones untouched", async () => {
    const t = await alice.threads.create()
    const first = await alice.runs.create(t.thread_id, 'team', { input: task })
    const second = await alice.runs.create(t.thread_id, 'team', { input: task, multitaskStrategy: 'enqueue' })
    await running(alice, first)
    await alice.runs.cancelMany({ threadId: t.thread_id, status: 'pending' })
    expect((await settled(alice, second)).status).toBe('interrupted')
    expect((await settled(alice, first)).status).toBe('success')

    const u = await alice.threads.create()
    const v = await alice.threads.create()
    const a = await alice.runs.create(u.thread_id, 'team', { input: task })
    const b = await alice.runs.create(v.thread_id, 'team', { input: task })
    await alice.runs.cancelMany({ runIds: [a.run_id, b.run_id, first.run_id], action: 'interrupt' })
    expect((await settled(alice, a)).status).toBe('interrupted')
    expect((await settled(alice, b)).status).toBe('interrupted')
    expect((await alice.runs.get(first.thread_id, first.run_id)).status).toBe('success')
  })

  it("another tenant's runs are neither found nor cancelled", async () => {
    const t = await alice.threads.create()
    const r = await alice.runs.create(t.thread_id, 'team', { input: task })
    await bob.runs.cancelMany({ status: 'all' })
    await expect(bob.runs.cancelMany({ runIds: [r.run_id] })).rejects.toThrow(/404|unknown/)
    await expect(bob.runs.cancelMany({ threadId: t.thread_id, status: 'all' })).rejects.toThrow(/404|not found/)
    expect((await settled(alice, r)).status).toBe('success')
  })

  it('answers bad bodies with 400 and unknown runs with 404', async () => {
    const post = (body: unknown, q = '') => rawJson(`${srv.url}/runs/cancel${q}`, { method: 'POST', body: JSON.stringify(body), headers: { 'x-api-key': 'key-of-alice' } })
    for (const [body, q] of [[{}, ''], [{ status: 'all', run_ids: ['x'] }, ''], [{ status: 'bogus' }, ''], [{ run_ids: [] }, ''], [{ status: 'all' }, '?action=explode']] as const) {
      const r = await post(body, q)
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION'])
    }
    const gone = await post({ run_ids: ['00000000-0000-4000-8000-000000000000'] })
    expect([gone.status, gone.body.code]).toEqual([404, 'NOT_FOUND'])
  })
})
