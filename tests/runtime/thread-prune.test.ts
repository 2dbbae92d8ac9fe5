import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { rawJson, startTestServer, type TestServer } from '../server/server-harness.js'

const task = { task: 'What is BM25?' }

describe('threads.prune (POST /threads/prune)', () => {
  let s: TestServer
  let queue: RunQueue
  beforeAll(async () => {
    s = await startTestServer({ routes: [runsRoutes] })
    queue = await startRunQueue(s.rt)
  })
  afterAll(async () => { await queue.stop(); await s.close() })

  it('keep_latest drops the history and keeps the state; the thread runs on from it', async () => {
    const t = await s.client.threads.create()
    await s.client.runs.wait(t.thread_id, 'team', { input: task })
    await s.client.runs.wait(t.thread_id, 'team', { input: { task: 'How do handoffs work?' } })
    const before = await s.client.threads.getState(t.thread_id)
    expect((await s.client.threads.getHistory(t.thread_id, { limit: 100 })).length).toBeGreaterThan(10)

    expect(await s.client.threads.prune([t.thread_id], { strategy: 'keep_latest' })).toEqual({ pruned_count: 1 })
    const history = await s.client.threads.getHistory(t.thread_id, { limit: 100 })
    expect(history).toHaveLength(1)
    const after = await s.client.threads.getState(t.thread_id)
    expect(after.values).toEqual(before.values)
    expect(after.checkpoint.checkpoint_id).toBe(before.checkpoint.checkpoint_id)
    expect(after.parent_checkpoint).toBeNull()

    const values = await s.client.runs.wait(t.thread_id, 'team', { input: { task: 'Third' } }) as Record<string, unknown>
    expect(String(values.final_report)).toContain('# Report: Third')
    expect((await s.client.threads.getHistory(t.thread_id, { limit: 100 })).length).toBeGreaterThan(1)
  })

  it('keep_latest keeps the pending interrupt of a thread waiting at a gate: it can still be answered', async () => {
    const t = await s.client.threads.create()
    const stopped = await s.client.runs.wait(t.thread_id, 'sdlc', { input: { task: 'a todo app' } }) as Record<string, unknown>
    const [gate] = stopped.__interrupt__ as Array<{ id: string; value: { phase: string } }>
    await s.client.threads.prune([t.thread_id], { strategy: 'keep_latest' })
    const waiting = await s.client.threads.getState(t.thread_id)
    expect(waiting.tasks.flatMap((x) => x.interrupts.map((i) => i.id))).toEqual([gate!.id])
    const next = await s.client.runs.wait(t.thread_id, 'sdlc', { command: { resume: { action: 'approve' } } }) as Record<string, unknown>
    const [second] = next.__interrupt__ as Array<{ value: { phase: string } }>
    expect(second!.value.phase).not.toBe(gate!.value.phase)
  })

  it('delete removes the threads; unknown ones and busy ones are skipped and not counted', async () => {
    const a = await s.client.threads.create()
    const b = await s.client.threads.create()
    await s.client.runs.wait(a.thread_id, 'team', { input: task })
    const busy = await s.client.threads.create()
    const slow = await s.client.runs.create(busy.thread_id, 'sdlc', { input: { task: 'x' }, afterSeconds: 60 })
    const r = await s.client.threads.prune([a.thread_id, b.thread_id, busy.thread_id, 'no-such-thread'])
    expect(r).toEqual({ pruned_count: 2 })
    await expect(s.client.threads.get(a.thread_id)).rejects.toThrow(/404|not found/)
    await expect(s.client.threads.get(b.thread_id)).rejects.toThrow(/404|not found/)
    expect((await s.client.threads.get(busy.thread_id)).thread_id).toBe(busy.thread_id)
    await s.client.runs.cancel(busy.thread_id, slow.run_id)
  })

  it('answers bad bodies with 400 VALIDATION', async () => {
    for (const body of [{}, { thread_ids: [] }, { thread_ids: ['x'], strategy: 'shred' }, { thread_ids: 'x' }]) {
      const r = await rawJson(`${s.url}/threads/prune`, { method: 'POST', body: JSON.stringify(body) })
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION'])
    }
  })
})
