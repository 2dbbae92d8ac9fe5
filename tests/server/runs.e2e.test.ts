import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { until } from './server-harness.js'

type Ev = { id?: string; event: string; data: unknown }

interface Harness { rt: Runtime; srv: RunningServer; queue: RunQueue; client: Client; url: string; stop(): Promise<void> }

async function boot(dbPath: string, env: Record<string, string> = {}): Promise<Harness> {
  const rt = await openRuntime({ dbPath, env: { SWITCHYARD_MODEL: 'offline', ...env } })
  const queue = await startRunQueue(rt)
  const srv = await startServer({ rt, port: 0, routes: [runsRoutes] })
  const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
  return { rt, srv, queue, client, url: srv.url, stop: async () => { await srv.close(); await queue.stop(); await rt.close() } }
}

const collect = async (it: AsyncIterable<Ev>) => { const out: Ev[] = []; for await (const e of it) out.push(e); return out }

describe('runs over HTTP with the official SDK', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-runs-'))
  const db = join(dir, 'sy.db')
  let h: Harness
  beforeAll(async () => { h = await boot(db, { SWITCHYARD_OFFLINE_DELAY_MS: '2' }) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('runs.wait returns the final values of a thread run', async () => {
    const t = await h.client.threads.create()
    const values = await h.client.runs.wait(t.thread_id, 'team', { input: { task: 'What is BM25?' } }) as Record<string, unknown>
    expect(String(values.final_report)).toContain('# Report: What is BM25?')
    const runs = await h.client.runs.list(t.thread_id)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.status).toBe('success')
  })

  it('streams every mode in the official SSE framing, metadata first, ids counting from 0', async () => {
    const t = await h.client.threads.create()
    const events = await collect(h.client.runs.stream(t.thread_id, 'team', {
      input: { task: 'How do handoffs work?' },
      streamMode: ['values', 'updates', 'messages-tuple', 'tasks', 'checkpoints', 'debug', 'custom'],
    }) as AsyncIterable<Ev>)
    expect(events[0]!.event).toBe('metadata')
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i))
    const names = new Set(events.map((e) => e.event))
    for (const n of ['values', 'updates', 'messages', 'tasks', 'checkpoints', 'debug']) expect(names).toContain(n)
    const updates = events.filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0])
    expect(updates).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
    const [chunk, meta] = events.find((e) => e.event === 'messages')!.data as [{ type: string }, { langgraph_node: string }]
    expect(chunk.type).toMatch(/^AIMessageChunk$|^ai$/)
    expect(meta.langgraph_node).toBe('driver')
  })

  it('streams the tools mode: the researcher\'s search_docs call starts and finishes', async () => {
    const t = await h.client.threads.create()
    const events = await collect(h.client.runs.stream(t.thread_id, 'team', { input: { task: 'What is BM25?' }, streamMode: ['tools'] }) as AsyncIterable<Ev>)
    const tools = events.filter((e) => e.event === 'tools').map((e) => e.data as { event: string; name?: string })
    expect(tools.map((x) => x.event)).toEqual(expect.arrayContaining(['on_tool_start', 'on_tool_end']))
    expect(tools.find((x) => x.event === 'on_tool_start')!.name).toBe('search_docs')
  })

  it('durability: exit writes the checkpoint at the end only; sync (the default) one per step', async () => {
    const count = async (threadId: string) => (await h.client.threads.getHistory(threadId, { limit: 100 })).length
    const sync = await h.client.threads.create()
    await h.client.runs.wait(sync.thread_id, 'team', { input: { task: 'What is BM25?' } })
    const exit = await h.client.threads.create()
    const values = await h.client.runs.wait(exit.thread_id, 'team', { input: { task: 'What is BM25?' }, durability: 'exit' }) as Record<string, unknown>
    expect(String(values.final_report)).toContain('# Report: What is BM25?')
    expect(await count(sync.thread_id)).toBeGreaterThan(5)
    expect(await count(exit.thread_id)).toBeLessThanOrEqual(2)
    const bad = await fetch(`${h.url}/threads/${exit.thread_id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assistant_id: 'team', durability: 'never' }) })
    expect(bad.status).toBe(400)
  })

  it('interrupts as __interrupt__ and resumes through command', async () => {
    const t = await h.client.threads.create()
    const events = await collect(h.client.runs.stream(t.thread_id, 'sdlc', { input: { task: 'a todo app' }, streamMode: ['updates'] }) as AsyncIterable<Ev>)
    const intr = events.find((e) => e.event === 'updates' && '__interrupt__' in (e.data as object))
    expect(intr).toBeDefined()
    expect((await h.client.threads.get(t.thread_id)).status).toBe('interrupted')
    const values = await h.client.runs.wait(t.thread_id, 'sdlc', { command: { resume: { action: 'approve' } } }) as { __interrupt__: { value: { phase: string } }[]; artifacts: object }
    expect(values.__interrupt__[0]!.value.phase).toBe('architect')
    expect(Object.keys(values.artifacts)).toEqual(['analyst', 'architect'])
  })

  it('joinStream after a dropped connection replays exactly the missed events', async () => {
    const t = await h.client.threads.create()
    const run = await h.client.runs.create(t.thread_id, 'team', { input: { task: 'Explain write-ahead logging' }, streamMode: ['updates', 'messages-tuple'], streamResumable: true })
    const ac = new AbortController()
    const first: Ev[] = []
    for await (const e of h.client.runs.joinStream(t.thread_id, run.run_id, { lastEventId: '-1', signal: ac.signal }) as AsyncIterable<Ev>) {
      first.push(e)
      if (first.length === 12) { ac.abort(); break }
    }
    const rest = await collect(h.client.runs.joinStream(t.thread_id, run.run_id, { lastEventId: first.at(-1)!.id }) as AsyncIterable<Ev>)
    const all = await collect(h.client.runs.joinStream(t.thread_id, run.run_id, { lastEventId: '-1' }) as AsyncIterable<Ev>)
    expect([...first, ...rest].map((e) => e.id)).toEqual(all.map((e) => e.id))
    expect(all.map((e) => Number(e.id))).toEqual(all.map((_, i) => i))
    expect((await h.client.runs.get(t.thread_id, run.run_id)).status).toBe('success')
  })

  it('applies multitask strategies: reject, enqueue, interrupt, rollback', async () => {
    const t = await h.client.threads.create()
    const slow = { input: { task: 'slow task' } }
    const a = await h.client.runs.create(t.thread_id, 'team', slow)
    await expect(h.client.runs.create(t.thread_id, 'team', { ...slow, multitaskStrategy: 'reject' })).rejects.toThrow(/409|already running/)
    const b = await h.client.runs.create(t.thread_id, 'team', { ...slow, multitaskStrategy: 'enqueue' })
    await h.client.runs.join(t.thread_id, b.run_id)
    expect((await h.client.runs.get(t.thread_id, a.run_id)).status).toBe('success')
    expect((await h.client.runs.get(t.thread_id, b.run_id)).status).toBe('success')

    const c = await h.client.runs.create(t.thread_id, 'team', slow)
    const d = await h.client.runs.create(t.thread_id, 'team', { ...slow, multitaskStrategy: 'interrupt' })
    await h.client.runs.join(t.thread_id, d.run_id)
    expect((await h.client.runs.get(t.thread_id, c.run_id)).status).toBe('interrupted')
    expect((await h.client.runs.get(t.thread_id, d.run_id)).status).toBe('success')

    const e = await h.client.runs.create(t.thread_id, 'team', slow)
    const f = await h.client.runs.create(t.thread_id, 'team', { ...slow, multitaskStrategy: 'rollback' })
    await h.client.runs.join(t.thread_id, f.run_id)
    await expect(h.client.runs.get(t.thread_id, e.run_id)).rejects.toThrow(/404|not found/i)
    expect((await h.client.runs.get(t.thread_id, f.run_id)).status).toBe('success')
  })

  it('cancels a running run at once; its checkpoints are kept', async () => {
    const t = await h.client.threads.create()
    const run = await h.client.runs.create(t.thread_id, 'team', { input: { task: 'cancel me' } })
    // cancel once the run has written a checkpoint: its first `values` event (the event, not a sleep)
    for await (const e of h.client.runs.joinStream(t.thread_id, run.run_id, { streamMode: ['values'] })) if (e.event === 'values') break
    await h.client.runs.cancel(t.thread_id, run.run_id, true, 'interrupt')
    expect((await h.client.runs.get(t.thread_id, run.run_id)).status).toBe('interrupted')
    const history = await h.client.threads.getHistory(t.thread_id, { limit: 100 })
    expect(history.length).toBeGreaterThan(0)
  })

  it('holds a run with after_seconds until it is due, then runs it without polling delay', async () => {
    const t = await h.client.threads.create()
    const t0 = Date.now()
    const run = await h.client.runs.create(t.thread_id, 'team', { input: { task: 'later' }, afterSeconds: 1 })
    expect((await h.client.runs.get(t.thread_id, run.run_id)).status).toBe('pending')
    await h.client.runs.join(t.thread_id, run.run_id)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000)
    expect((await h.client.runs.get(t.thread_id, run.run_id)).status).toBe('success')
  })

  it('runs stateless runs and batches', async () => {
    const values = await h.client.runs.wait(null, 'team', { input: { task: 'stateless?' } }) as Record<string, unknown>
    expect(String(values.final_report)).toContain('stateless?')
    const batch = await h.client.runs.createBatch([{ assistantId: 'team', input: { task: 'one' } }, { assistantId: 'team', input: { task: 'two' } }])
    expect(batch).toHaveLength(2)
  })

  it('answers bad run bodies with typed JSON errors and keeps serving', async () => {
    const t = await h.client.threads.create()
    const post = (body: string) => fetch(`${h.url}/threads/${t.thread_id}/runs/wait`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const missing = await post('{"input":{"task":"x"}}')
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ code: 'VALIDATION' })
    const badInput = await post('{"assistant_id":"team","input":{"task":""}}')
    expect(badInput.status).toBe(400)
    const unknown = await post('{"assistant_id":"nope","input":{"task":"x"}}')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND' })
    const badMode = await post('{"assistant_id":"team","stream_mode":"bogus"}')
    expect(badMode.status).toBe(400)
    expect(await h.client.runs.wait(t.thread_id, 'team', { input: { task: 'still fine' } })).toHaveProperty('final_report')
  })

  it('replays a finished run from the store after a server restart', async () => {
    const t = await h.client.threads.create()
    const run = await h.client.runs.create(t.thread_id, 'team', { input: { task: 'before restart' }, streamMode: ['updates'] })
    await h.client.runs.join(t.thread_id, run.run_id)
    const before = await collect(h.client.runs.joinStream(t.thread_id, run.run_id, { lastEventId: '-1' }) as AsyncIterable<Ev>)
    await h.stop()
    h = await boot(db)
    const after = await collect(h.client.runs.joinStream(t.thread_id, run.run_id, { lastEventId: '3' }) as AsyncIterable<Ev>)
    expect(after).toEqual(before.slice(4))
  })
})

describe('run webhooks', () => {
  it('POSTs the finished run to its webhook, retrying a failing endpoint', async () => {
    const { createServer } = await import('node:http')
    const hits: { status: string; values: Record<string, unknown> }[] = []
    let calls = 0
    const hook = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => { body += d.toString() })
      req.on('end', () => {
        calls++
        if (calls === 1) { res.writeHead(503).end(); return }
        hits.push(JSON.parse(body) as { status: string; values: Record<string, unknown> })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
    const port = (hook.address() as { port: number }).port
    const dir = mkdtempSync(join(tmpdir(), 'sy-hook-'))
    const h = await boot(join(dir, 'sy.db'))
    try {
      const t = await h.client.threads.create()
      const run = await h.client.runs.create(t.thread_id, 'team', { input: { task: 'notify me' }, webhook: `http://127.0.0.1:${port}/done` })
      await h.client.runs.join(t.thread_id, run.run_id)
      await until(async () => hits[0], 'the webhook after its retry')
      expect(calls).toBe(2)
      expect(hits[0]).toMatchObject({ run_id: run.run_id, status: 'success' })
      expect(String(hits[0]!.values.final_report)).toContain('notify me')
    } finally {
      await h.stop()
      hook.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
