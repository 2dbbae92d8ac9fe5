import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawJson, runSdlcToFirstGate, startTestServer, type TestServer } from './server-harness.js'

describe('threads routes (official SDK client)', () => {
  let t: TestServer
  beforeAll(async () => { t = await startTestServer() })
  afterAll(async () => { await t.close() })

  it('creates a thread with or without an id, and honours if_exists', async () => {
    const a = await t.client.threads.create({ metadata: { user: 'ana' } })
    expect(a).toMatchObject({ status: 'idle', metadata: { user: 'ana' }, config: {} })
    expect(a.thread_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.values).toBeUndefined()
    const id = randomUUID()
    const b = await t.client.threads.create({ threadId: id, graphId: 'sdlc' })
    expect(b).toMatchObject({ thread_id: id, metadata: { graph_id: 'sdlc' } })
    await expect(t.client.threads.create({ threadId: id })).rejects.toMatchObject({ status: 409 })
    expect(await t.client.threads.create({ threadId: id, ifExists: 'do_nothing', metadata: { other: 1 } })).toEqual(b)
  })

  it('gets a thread with its values and pending interrupts', async () => {
    const id = randomUUID()
    await runSdlcToFirstGate(t.rt, id)
    const th = await t.client.threads.get(id)
    expect(th).toMatchObject({ thread_id: id, status: 'interrupted', metadata: { graph_id: 'sdlc' }, values: { task: 'A URL shortener' } })
    const [interrupts] = Object.values(th.interrupts)
    expect(interrupts).toEqual([expect.objectContaining({ value: expect.objectContaining({ kind: 'approval', phase: 'analyst' }) })])
    expect(Date.parse(th.state_updated_at)).toBeGreaterThan(0)
  })

  it('searches and counts by metadata, status, values and ids', async () => {
    const tag = randomUUID()
    const idle = await t.client.threads.create({ metadata: { tag, n: 1 } })
    const waiting = randomUUID()
    await t.client.threads.create({ threadId: waiting, metadata: { tag, n: 2 } })
    await runSdlcToFirstGate(t.rt, waiting)

    const all = await t.client.threads.search({ metadata: { tag }, sortBy: 'created_at', sortOrder: 'asc' })
    expect(all.map((x) => x.thread_id)).toEqual([idle.thread_id, waiting])
    expect((await t.client.threads.search({ metadata: { tag }, status: 'interrupted' })).map((x) => x.thread_id)).toEqual([waiting])
    expect((await t.client.threads.search({ metadata: { tag, graph_id: 'sdlc' } })).map((x) => x.thread_id)).toEqual([waiting])
    expect((await t.client.threads.search({ metadata: { tag }, values: { task: 'A URL shortener' } })).map((x) => x.thread_id)).toEqual([waiting])
    expect((await t.client.threads.search({ ids: [idle.thread_id] })).map((x) => x.thread_id)).toEqual([idle.thread_id])
    expect(await t.client.threads.count({ metadata: { tag } })).toBe(2)
    expect(await t.client.threads.count({ metadata: { tag }, status: 'idle' })).toBe(1)
    expect(await t.client.threads.count({ values: { task: 'A URL shortener' }, metadata: { tag } })).toBe(1)

    const page = await t.client.threads.search({ metadata: { tag }, limit: 1, offset: 1, sortBy: 'created_at', sortOrder: 'asc', select: ['thread_id', 'status'] })
    expect(page).toEqual([{ thread_id: waiting, status: 'interrupted' }])
    const res = await rawJson(`${t.url}/threads/search`, { method: 'POST', body: JSON.stringify({ metadata: { tag }, limit: 1 }) })
    expect([res.headers.get('x-pagination-total'), res.headers.get('x-pagination-next')]).toEqual(['2', '1'])
  })

  it('merges metadata on update', async () => {
    const th = await t.client.threads.create({ metadata: { a: 1, b: 2 } })
    const up = await t.client.threads.update(th.thread_id, { metadata: { b: 3, c: 4 } })
    expect(up.metadata).toEqual({ a: 1, b: 3, c: 4 })
    expect(Date.parse(up.updated_at)).toBeGreaterThanOrEqual(Date.parse(th.updated_at))
  })

  it('copies a thread with its whole history', async () => {
    const id = randomUUID()
    await runSdlcToFirstGate(t.rt, id)
    const copy = await t.client.threads.copy(id)
    expect(copy.thread_id).not.toBe(id)
    expect(copy).toMatchObject({ status: 'interrupted', metadata: { graph_id: 'sdlc' }, values: { task: 'A URL shortener' } })
    const [src, dst] = await Promise.all([t.client.threads.getState(id), t.client.threads.getState(copy.thread_id)])
    expect(dst.values).toEqual(src.values)
    expect(dst.next).toEqual(src.next)
    expect(dst.checkpoint.checkpoint_id).toBe(src.checkpoint.checkpoint_id)
    expect(dst.tasks[0]?.interrupts).toEqual(src.tasks[0]?.interrupts)
    const [h1, h2] = await Promise.all([t.client.threads.getHistory(id), t.client.threads.getHistory(copy.thread_id)])
    expect(h2.map((s) => s.checkpoint.checkpoint_id)).toEqual(h1.map((s) => s.checkpoint.checkpoint_id))
    expect(h2.map((s) => s.values)).toEqual(h1.map((s) => s.values))
  })

  it('deletes a thread with its checkpoints and runs', async () => {
    const id = randomUUID()
    await runSdlcToFirstGate(t.rt, id)
    await t.client.threads.delete(id)
    await expect(t.client.threads.get(id)).rejects.toMatchObject({ status: 404 })
    expect(await t.rt.checkpointer.getTuple({ configurable: { thread_id: id, checkpoint_ns: '' } })).toBeUndefined()
    expect(await t.rt.store.db.selectFrom('runs').select('run_id').where('thread_id', '=', id).execute()).toEqual([])
    expect(await t.rt.store.db.selectFrom('run_events').select('seq').innerJoin('runs', 'runs.run_id', 'run_events.run_id').where('runs.thread_id', '=', id).execute()).toEqual([])
    await expect(t.client.threads.delete(id)).rejects.toMatchObject({ status: 404 })
  })
})
