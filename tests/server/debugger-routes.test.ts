import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, describe, expect, it } from 'vitest'
import { loadGraphs } from '../../graphs/graph-loader.js'
import { startRunQueue } from '../../runtime/run-queue.js'
import { openRuntime } from '../../runtime/runtime.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { startServer } from '../../server/serve.js'
import { rawJson, startTestServer } from './server-harness.js'

interface Versions {
  graph_id: string | null
  current_hash: string | null
  runs: { run_id: string; attempt: number; graph_hash: string | null; started_at: string }[]
  versions: { graph_hash: string; graph_id: string; created_at: string; drawing: { nodes: { id: string }[]; edges: unknown[] } }[]
}

const WORKFLOW = (steps: string[]) => `name: drift
version: 1
steps:
${steps.map((id, i) => `  - id: ${id}\n    type: shell\n${i ? `    needs: ${steps[i - 1]}\n` : ''}    with: { shell: true, run: "echo ${id}" }`).join('\n')}
`

describe('the debugger routes: a run\'s event log with times, the graph versions of a thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-debugger-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('serves a run\'s events in order with the time each was logged, paged by after_seq, 404 for another thread\'s run', async () => {
    const api = await startTestServer({ routes: [runsRoutes] })
    const queue = await startRunQueue(api.rt)
    try {
      const t = await api.client.threads.create()
      const other = await api.client.threads.create()
      const run = await api.client.runs.create(t.thread_id, 'team', { input: { task: 'What is BM25?' }, streamMode: ['values', 'tasks'] })
      await api.client.runs.join(t.thread_id, run.run_id)
      const all = await rawJson(`${api.url}/api/threads/${t.thread_id}/runs/${run.run_id}/events`)
      expect(all.status).toBe(200)
      const events = all.body as unknown as { seq: number; event: string; data: Record<string, unknown>; created_at: string }[]
      expect(events[0]).toMatchObject({ seq: 0, event: 'metadata', data: { run_id: run.run_id, attempt: 1 } })
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
      // the tasks stream: a start and a result per node that ran, each with its time
      const tasks = events.filter((e) => e.event === 'tasks')
      expect(tasks.length).toBeGreaterThanOrEqual(12)
      expect(tasks.some((e) => e.data.name === 'driver' && 'input' in e.data)).toBe(true)
      expect(tasks.some((e) => e.data.name === 'report' && 'result' in e.data)).toBe(true)
      const times = events.map((e) => Date.parse(e.created_at))
      expect(times.every((x, i) => Number.isFinite(x) && (i === 0 || x >= times[i - 1]!))).toBe(true)
      const page = await rawJson(`${api.url}/api/threads/${t.thread_id}/runs/${run.run_id}/events?after_seq=2&limit=3`)
      expect((page.body as unknown as { seq: number }[]).map((e) => e.seq)).toEqual([3, 4, 5])
      const wrong = await rawJson(`${api.url}/api/threads/${other.thread_id}/runs/${run.run_id}/events`)
      expect([wrong.status, wrong.body.code]).toEqual([404, 'NOT_FOUND'])
      const bad = await rawJson(`${api.url}/api/threads/${t.thread_id}/runs/${run.run_id}/events?limit=0`)
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION'])
    } finally {
      await queue.stop()
      await api.close()
    }
  })

  it('records the graph each run executed, and tells a thread\'s old version from today\'s after the workflow changed', async () => {
    const wfDir = join(dir, 'workflows')
    const dbPath = join(dir, 'drift.db')
    const serveOn = async (steps: string[]) => {
      rmSync(wfDir, { recursive: true, force: true })
      mkdirSync(wfDir, { recursive: true })
      writeFileSync(join(wfDir, 'drift.yaml'), WORKFLOW(steps))
      const rt = await openRuntime({ dbPath, env: { SWITCHYARD_MODEL: 'offline' }, registry: await loadGraphs({ workflowsDir: wfDir }) })
      const srv = await startServer({ rt, port: 0, routes: [runsRoutes] })
      const queue = await startRunQueue(rt)
      const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
      return { srv, client, close: async () => { await srv.close(); await queue.stop(); await rt.close() } }
    }
    const first = await serveOn(['fetch', 'build'])
    const t = await first.client.threads.create()
    await first.client.runs.wait(t.thread_id, 'drift', { input: {} })
    const before = (await rawJson(`${first.srv.url}/api/threads/${t.thread_id}/graph-versions`)).body as unknown as Versions
    await first.close()
    expect(before.graph_id).toBe('drift')
    expect(before.runs).toHaveLength(1)
    expect(before.runs[0]!.graph_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(before.current_hash).toBe(before.runs[0]!.graph_hash)
    expect(before.versions.map((v) => v.graph_hash)).toEqual([before.current_hash])

    // the same workflow id, one step more: today's drawing is not the one the thread's run executed
    const second = await serveOn(['fetch', 'build', 'deploy'])
    try {
      const r = await rawJson(`${second.srv.url}/api/threads/${t.thread_id}/graph-versions`)
      expect(r.status).toBe(200)
      const after = r.body as unknown as Versions
      expect(after.runs.map((x) => x.graph_hash)).toEqual([before.runs[0]!.graph_hash])
      expect(after.current_hash).not.toBe(before.current_hash)
      const old = after.versions.find((v) => v.graph_hash === before.current_hash)!
      const now = after.versions.find((v) => v.graph_hash === after.current_hash)!
      expect(old.drawing.nodes.map((n) => n.id)).not.toContain('deploy')
      expect(now.drawing.nodes.map((n) => n.id)).toContain('deploy')
      // today's drawing is the one GET /assistants/{id}/graph?xray answers
      const live = await second.client.assistants.getGraph('drift', { xray: true }) as unknown as { nodes: { id: string }[] }
      expect(now.drawing.nodes.map((n) => n.id).sort()).toEqual(live.nodes.map((n) => String(n.id)).sort())
      const none = await rawJson(`${second.srv.url}/api/threads/00000000-0000-0000-0000-000000000000/graph-versions`)
      expect([none.status, none.body.code]).toEqual([404, 'NOT_FOUND'])
    } finally {
      await second.close()
    }
  })
})
