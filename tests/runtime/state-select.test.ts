import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { extractPath } from '../../runtime/thread-extract.js'
import { rawJson, startTestServer, type TestServer } from '../server/server-harness.js'

describe('select on state, history and runs; extract on thread search', () => {
  let s: TestServer
  let queue: RunQueue
  let threadId: string
  beforeAll(async () => {
    s = await startTestServer({ routes: [runsRoutes] })
    queue = await startRunQueue(s.rt)
    threadId = (await s.client.threads.create({ metadata: { topic: 'select' } })).thread_id
    await s.client.runs.wait(threadId, 'team', { input: { task: 'What is BM25?' } })
  })
  afterAll(async () => { await queue.stop(); await s.close() })

  it('getState returns only the selected fields, values narrowed to values.<key>', async () => {
    const full = await s.client.threads.getState(threadId)
    const some = await s.client.threads.getState(threadId, undefined, { select: ['values.final_report', 'values.task', 'next'] })
    expect(some).toEqual({ values: { final_report: (full.values as Record<string, unknown>).final_report, task: 'What is BM25?' }, next: [] })
    const id = full.checkpoint.checkpoint_id!
    expect(await s.client.threads.getState(threadId, id, { select: ['checkpoint'] })).toEqual({ checkpoint: full.checkpoint })
    expect(await s.client.threads.getState(threadId, full.checkpoint, { select: ['metadata', 'created_at'] }))
      .toEqual({ metadata: full.metadata, created_at: full.created_at })
    expect(await s.client.threads.getState(threadId, undefined, { select: ['interrupts'] })).toEqual({ interrupts: [] })
  })

  it('history applies select to every state, over POST and GET', async () => {
    const posted = await s.client.threads.getHistory(threadId, { limit: 3, select: ['checkpoint', 'values.steps'] })
    expect(posted).toHaveLength(3)
    for (const st of posted) expect(Object.keys(st).sort()).toEqual(['checkpoint', 'values'])
    const got = await rawJson(`${s.url}/threads/${threadId}/history?limit=2&select=next&select=metadata`)
    expect((got.body as unknown as object[]).map((x) => Object.keys(x).sort())).toEqual([['metadata', 'next'], ['metadata', 'next']])
  })

  it('runs.list selects fields', async () => {
    const [run] = await s.client.runs.list(threadId, { select: ['run_id', 'status'] })
    expect(Object.keys(run!).sort()).toEqual(['run_id', 'status'])
    expect(run!.status).toBe('success')
  })

  it('threads.search extracts values by path, from the whole thread even when select narrows it', async () => {
    const [t] = await s.client.threads.search({
      metadata: { topic: 'select' }, select: ['thread_id'],
      extract: { task: 'values.task', first_agent: 'values.steps[0].agent', last_agent: 'values.steps[-1].agent', missing: 'values.steps[99]' },
    })
    expect(t).toEqual({ thread_id: threadId, extracted: { task: 'What is BM25?', first_agent: expect.any(String) as string, last_agent: expect.any(String) as string, missing: null } })
  })

  it('refuses bad selects and extracts with 400 VALIDATION', async () => {
    const bad = [
      await rawJson(`${s.url}/threads/${threadId}/state?select=nope`),
      await rawJson(`${s.url}/threads/${threadId}/history`, { method: 'POST', body: JSON.stringify({ select: ['values.a.b'] }) }),
      await rawJson(`${s.url}/threads/${threadId}/runs?select=secret`),
      await rawJson(`${s.url}/threads/search`, { method: 'POST', body: JSON.stringify({ extract: { x: 'values..a' } }) }),
      await rawJson(`${s.url}/threads/search`, { method: 'POST', body: JSON.stringify({ extract: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, 'values'])) }) }),
    ]
    expect(bad.map((r) => [r.status, r.body.code])).toEqual(bad.map(() => [400, 'VALIDATION']))
  })
})

describe('extractPath', () => {
  const data = { values: { messages: [{ content: 'a' }, { content: 'b' }], grid: [[1, 2], [3, 4]] }, metadata: { user: 'ana' } }
  it('follows keys and indexes, negative from the end, null where nothing is', () => {
    expect(extractPath(data, 'values.messages[-1].content')).toBe('b')
    expect(extractPath(data, 'values.grid[1][0]')).toBe(3)
    expect(extractPath(data, 'metadata.user')).toBe('ana')
    expect(extractPath(data, 'metadata.user.name')).toBeNull()
    expect(extractPath(data, 'values.messages[5]')).toBeNull()
    expect(extractPath(data, 'values.constructor')).toBeNull()
  })
})
