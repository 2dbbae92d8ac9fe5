import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { workflowsRoutes } from '../../server/routes/workflows-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'

describe("seed 002's /api/workflows façade", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-wf-'))
  let rt: Runtime
  let srv: RunningServer
  let queue: RunQueue
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${srv.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { steps: { step: number; agent: string; result: Record<string, unknown> }[] } }
  }
  const waitFor = async (id: string, status: string) => {
    for (const end = Date.now() + 45_000; Date.now() < end;) {
      const r = await call('GET', `/api/workflows/${id}/status`)
      if (r.body.status === status) return r
      await new Promise((res) => setTimeout(res, 20))
    }
    throw new Error(`workflow ${id} never reached ${status}`)
  }

  beforeAll(async () => {
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } })
    queue = await startRunQueue(rt)
    srv = await startServer({ rt, port: 0, routes: [runsRoutes, workflowsRoutes] })
  })
  afterAll(async () => { await srv.close(); await queue.stop(); await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it('execute runs the team and returns the workflow id, status and steps with agent and result', async () => {
    const r = await call('POST', '/api/workflows/execute', { task: 'Build a REST API for a blog' })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('completed')
    expect(r.body.workflow_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(r.body.steps.map((s) => s.agent)).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
    expect(r.body.steps[0]!.result).toHaveProperty('next', 'researcher')
  })

  it('creates, lists, starts and reports a workflow', async () => {
    const created = await call('POST', '/api/workflows', { task: 'Summarise BM25', name: 'bm25' })
    expect(created.status).toBe(201)
    expect(created.body.status).toBe('created')
    const id = String(created.body.workflow_id)
    const list = await fetch(`${srv.url}/api/workflows`).then((x) => x.json()) as { workflow_id: string; name: string }[]
    expect(list.find((w) => w.workflow_id === id)?.name).toBe('bm25')
    const started = await call('POST', `/api/workflows/${id}/start`)
    expect(started.status).toBe(202)
    const done = await waitFor(id, 'completed')
    expect(done.body.steps.length).toBe(6)
    expect((await call('POST', `/api/workflows/${id}/start`)).status).toBe(409)
  })

  it('responds to human gates: approve, reject with a reason, amend', async () => {
    const id = String((await call('POST', '/api/workflows', { task: 'A status page', graph: 'sdlc' })).body.workflow_id)
    await call('POST', `/api/workflows/${id}/start`)
    await waitFor(id, 'waiting_for_human')
    let r = await call('POST', `/api/workflows/${id}/respond`, { action: 'approve' })
    expect(r.body.status).toBe('waiting_for_human')
    r = await call('POST', `/api/workflows/${id}/respond`, { action: 'reject', reason: 'too vague' })
    expect(r.body.steps.map((s) => `${s.agent}:${String(s.result.decision)}`)).toEqual(['analyst:approve', 'architect:reject'])
    r = await call('POST', `/api/workflows/${id}/respond`, { action: 'amend', artifact: { overview: 'mine', components: [{ name: 'web', responsibility: 'serve' }], decisions: [] } })
    expect(r.body.steps.at(-1)).toMatchObject({ agent: 'architect', result: { decision: 'amend', artifact: { overview: 'mine' } } })
  })

  it('answers bad bodies and unknown workflows with typed JSON errors', async () => {
    expect((await call('POST', '/api/workflows/execute', { task: '' })).body).toMatchObject({ code: 'VALIDATION' })
    expect((await call('POST', '/api/workflows/execute', { nope: 1 })).status).toBe(400)
    expect((await call('GET', '/api/workflows/00000000-0000-0000-0000-000000000000')).status).toBe(404)
    const id = String((await call('POST', '/api/workflows', { task: 'x' })).body.workflow_id)
    expect((await call('POST', `/api/workflows/${id}/respond`, { action: 'approve' })).status).toBe(409)
    expect((await call('POST', `/api/workflows/${id}/respond`, { action: 'maybe' })).status).toBe(400)
  })
})
