import { randomUUID } from 'node:crypto'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKeys } from '../../server/auth.js'
import { rawJson, runSdlcToFirstGate, startTestServer, type TestServer } from './server-harness.js'

describe('PATCH /threads/{id}/state (SDK threads.patchState)', () => {
  let t: TestServer
  let id: string
  const patch = (threadId: string, body: unknown) =>
    rawJson(`${t.url}/threads/${threadId}/state`, { method: 'PATCH', body: JSON.stringify(body) })
  beforeAll(async () => {
    t = await startTestServer()
    id = randomUUID()
    await t.client.threads.create({ threadId: id, graphId: 'sdlc' })
    await runSdlcToFirstGate(t.rt, id)
  })
  afterAll(async () => { await t.close() })

  it("merges metadata into the latest checkpoint's, in place", async () => {
    const before = await t.client.threads.getHistory(id)
    await t.client.threads.patchState(id, { reviewer: 'ana', note: 1 })
    await t.client.threads.patchState(id, { note: 2 })
    const head = await t.client.threads.getState(id)
    expect(head.checkpoint.checkpoint_id).toBe(before[0]!.checkpoint.checkpoint_id)
    expect(head.metadata).toEqual({ ...before[0]!.metadata, reviewer: 'ana', note: 2 })
    expect(head.values).toEqual(before[0]!.values)
    expect(head.next).toEqual(['review_analyst'])
    const after = await t.client.threads.getHistory(id)
    expect(after.map((s) => s.checkpoint.checkpoint_id)).toEqual(before.map((s) => s.checkpoint.checkpoint_id))
    expect(after.slice(1)).toEqual(before.slice(1))
    const found = await t.client.threads.getHistory(id, { metadata: { reviewer: 'ana' } })
    expect(found.map((s) => s.checkpoint.checkpoint_id)).toEqual([head.checkpoint.checkpoint_id])
  })

  it('patches the checkpoint a body names; the SDK sends only the thread of a config', async () => {
    const [head, parent, first] = await t.client.threads.getHistory(id)
    expect(await patch(id, { metadata: { pinned: 'by id' }, checkpoint_id: parent!.checkpoint.checkpoint_id })).toEqual(expect.objectContaining({ status: 200, body: {} }))
    const byObject = await patch(id, { metadata: { pinned: 'by object' }, checkpoint: { checkpoint_id: first!.checkpoint.checkpoint_id, checkpoint_ns: '' } })
    expect(byObject.status).toBe(200)
    await t.client.threads.patchState({ configurable: { thread_id: id, checkpoint_id: first!.checkpoint.checkpoint_id } }, { via: 'config' })
    const after = await t.client.threads.getHistory(id)
    expect(after.map((s) => [s.metadata?.pinned, s.metadata?.via])).toEqual([[undefined, 'config'], ['by id', undefined], ['by object', undefined]])
    expect(after[0]!.checkpoint).toEqual(head!.checkpoint)
    // the patched checkpoints still read as before
    expect((await t.client.threads.getState(id, parent!.checkpoint.checkpoint_id!)).next).toEqual(['analyst'])
  })

  it('is a 404 for an unknown thread or checkpoint, or a thread with no checkpoint yet', async () => {
    await expect(t.client.threads.patchState(randomUUID(), { a: 1 })).rejects.toMatchObject({ status: 404 })
    const missing = await patch(id, { metadata: { a: 1 }, checkpoint_id: randomUUID() })
    expect(missing).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', details: { thread_id: id } } })
    const bare = await t.client.threads.create()
    expect(await patch(bare.thread_id, { metadata: { a: 1 } })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: expect.stringMatching(/no checkpoint/) } })
  })

  it('is a 400 with the issues for a body without an object `metadata`', async () => {
    for (const body of [{}, { metadata: 'x' }, { metadata: null }, { metadata: [1] }, { metadata: {}, checkpoint_id: 7 }]) {
      expect(await patch(id, body)).toMatchObject({ status: 400, body: { code: 'VALIDATION', message: 'invalid body', details: { target: 'json', issues: expect.any(Array) } } })
    }
    const raw = await fetch(`${t.url}/threads/${id}/state`, { method: 'PATCH', body: '{"metadata":', headers: { 'content-type': 'application/json' } })
    expect(raw.status).toBe(400)
    expect(await raw.json()).toMatchObject({ code: 'VALIDATION' })
  })
})

describe('PATCH /threads/{id}/state across tenants', () => {
  let t: TestServer
  const as = (apiKey: string) => new Client({ apiUrl: t.url, apiKey, callerOptions: { maxRetries: 0 } })
  beforeAll(async () => { t = await startTestServer({ apiKeys: parseApiKeys('key-of-alice=alice,key-of-bob1=bob') }) })
  afterAll(async () => { await t.close() })

  it("another tenant's thread is a 404 and keeps its metadata", async () => {
    const alice = as('key-of-alice')
    const th = await alice.threads.create({ graphId: 'sdlc', supersteps: [{ updates: [{ values: { task: 'secret' }, asNode: '__start__' }] }] })
    await expect(as('key-of-bob1').threads.patchState(th.thread_id, { owner: 'bob' })).rejects.toMatchObject({ status: 404 })
    expect((await alice.threads.getState(th.thread_id)).metadata?.owner).toBeUndefined()
    await alice.threads.patchState(th.thread_id, { owner: 'alice' })
    expect((await alice.threads.getState(th.thread_id)).metadata?.owner).toBe('alice')
  })
})
