import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawJson, runSdlcToFirstGate, startTestServer, type TestServer } from './server-harness.js'

/** What the server answers to updateState (the SDK 1.15 types it as a config; the official server sends this). */
type Updated = { checkpoint: { thread_id: string; checkpoint_ns: string; checkpoint_id: string } }

describe('thread state and history routes (official SDK client)', () => {
  let t: TestServer
  let id: string
  beforeAll(async () => {
    t = await startTestServer()
    id = randomUUID()
    await t.client.threads.create({ threadId: id, graphId: 'sdlc', metadata: { user: 'ana' } })
    await runSdlcToFirstGate(t.rt, id)
  })
  afterAll(async () => { await t.close() })

  it('reads the head state in the ThreadState shape', async () => {
    const s = await t.client.threads.getState(id)
    expect(s.next).toEqual(['review_analyst'])
    expect(s.values).toMatchObject({ task: 'A URL shortener', artifacts: { analyst: expect.any(Object) } })
    expect(s.checkpoint).toEqual({ thread_id: id, checkpoint_ns: '', checkpoint_id: expect.any(String), checkpoint_map: null })
    expect(s.parent_checkpoint).toMatchObject({ thread_id: id, checkpoint_id: expect.any(String) })
    expect(s.metadata).toMatchObject({ source: 'loop', step: 1 })
    expect(Date.parse(s.created_at!)).toBeGreaterThan(0)
    expect(s.tasks).toEqual([{
      id: expect.any(String), name: 'review_analyst', error: null, checkpoint: null, state: null, result: null,
      interrupts: [{ id: expect.any(String), value: expect.objectContaining({ kind: 'approval', phase: 'analyst', actions: ['approve', 'reject', 'amend'] }) }],
    }])
  })

  it('reads the state at a checkpoint, by id and by checkpoint object', async () => {
    const head = await t.client.threads.getState(id)
    const parentId = head.parent_checkpoint!.checkpoint_id!
    const byId = await t.client.threads.getState(id, parentId)
    expect(byId.checkpoint.checkpoint_id).toBe(parentId)
    expect(byId.next).toEqual(['analyst'])
    const byObject = await t.client.threads.getState(id, { thread_id: id, checkpoint_ns: '', checkpoint_id: parentId, checkpoint_map: null })
    expect(byObject).toEqual(byId)
    await expect(t.client.threads.getState(id, randomUUID())).rejects.toMatchObject({ status: 404 })
  })

  it('lists history newest first, with limit, before (object or id) and a metadata filter', async () => {
    const all = await t.client.threads.getHistory(id)
    expect(all.map((s) => s.metadata?.step)).toEqual([1, 0, -1])
    expect(all.map((s) => s.metadata?.source)).toEqual(['loop', 'loop', 'input'])
    expect(await t.client.threads.getHistory(id, { limit: 1 })).toEqual([all[0]])
    const head = all[0]!.checkpoint
    const before = await t.client.threads.getHistory(id, { before: { configurable: { checkpoint_id: head.checkpoint_id } } })
    expect(before.map((s) => s.checkpoint.checkpoint_id)).toEqual(all.slice(1).map((s) => s.checkpoint.checkpoint_id))
    const raw = await rawJson(`${t.url}/threads/${id}/history`, { method: 'POST', body: JSON.stringify({ before: head.checkpoint_id, limit: 1 }) })
    expect((raw.body as unknown as { checkpoint: { checkpoint_id: string } }[]).map((s) => s.checkpoint.checkpoint_id)).toEqual([all[1]!.checkpoint.checkpoint_id])
    expect((await t.client.threads.getHistory(id, { metadata: { source: 'input' } })).map((s) => s.metadata?.step)).toEqual([-1])
    const viaGet = await rawJson(`${t.url}/threads/${id}/history?limit=2`)
    expect((viaGet.body as unknown as unknown[]).length).toBe(2)
  })

  it('updates the state as a node and forks from an older checkpoint', async () => {
    const before = await t.client.threads.getHistory(id)
    const head = await t.client.threads.getState(id)
    const r = await t.client.threads.updateState(id, { values: { task: 'A URL shortener with expiry' }, asNode: 'analyst' }) as unknown as Updated
    expect(r.checkpoint).toMatchObject({ thread_id: id, checkpoint_ns: '', checkpoint_id: expect.any(String) })
    const after = await t.client.threads.getState(id)
    expect(after.checkpoint.checkpoint_id).toBe(r.checkpoint.checkpoint_id)
    expect(after.parent_checkpoint?.checkpoint_id).toBe(head.checkpoint.checkpoint_id)
    expect(after.values).toMatchObject({ task: 'A URL shortener with expiry' })
    expect(after.next).toEqual(['review_analyst'])
    expect(after.metadata).toMatchObject({ source: 'update' })

    const first = before[before.length - 1]!.checkpoint.checkpoint_id!
    const fork = await t.client.threads.updateState(id, { values: { task: 'forked' }, checkpointId: first, asNode: '__start__' }) as unknown as Updated
    const forked = await t.client.threads.getState(id)
    expect(forked.checkpoint.checkpoint_id).toBe(fork.checkpoint.checkpoint_id)
    expect(forked.parent_checkpoint?.checkpoint_id).toBe(first)
    expect((await t.client.threads.getHistory(id, { limit: 100 })).length).toBe(before.length + 2)
    expect((await t.client.threads.get(id)).values).toMatchObject({ task: 'forked' })
  })

  it('refuses updates naming an unknown node or checkpoint', async () => {
    await expect(t.client.threads.updateState(id, { values: { task: 'x' }, asNode: 'nope' })).rejects.toMatchObject({ status: 400 })
    await expect(t.client.threads.updateState(id, { values: { task: 'x' }, checkpointId: randomUUID() })).rejects.toMatchObject({ status: 404 })
  })

  it('a thread without a graph has an empty state and history, and cannot be updated', async () => {
    const bare = await t.client.threads.create()
    expect(await t.client.threads.getState(bare.thread_id)).toMatchObject({ values: {}, next: [], tasks: [], checkpoint: null })
    expect(await t.client.threads.getHistory(bare.thread_id)).toEqual([])
    await expect(t.client.threads.updateState(bare.thread_id, { values: { task: 'x' } })).rejects.toMatchObject({ status: 400 })
  })

  it('seeds a new thread with supersteps', async () => {
    const th = await t.client.threads.create({ graphId: 'sdlc', supersteps: [{ updates: [{ values: { task: 'seeded' }, asNode: '__start__' }] }] })
    const s = await t.client.threads.getState(th.thread_id)
    expect(s.values).toMatchObject({ task: 'seeded' })
    expect(s.next).toEqual(['analyst'])
  })
})
