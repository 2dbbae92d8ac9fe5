import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { sweepExpiredThreads } from '../../runtime/thread-ttl.js'
import { rawJson, startTestServer, type TestServer } from '../server/server-harness.js'

const minutes = (from: string, n: number) => new Date(Date.parse(from) + n * 60_000)

describe('thread TTLs', () => {
  let s: TestServer
  let queue: RunQueue
  beforeAll(async () => {
    s = await startTestServer({ routes: [runsRoutes], storeSweepMs: 0 })
    queue = await startRunQueue(s.rt)
  })
  afterAll(async () => { await queue.stop(); await s.close() })

  it('takes the SDK\'s ttl on create and update, shows it, and answers return=minimal with 204', async () => {
    const a = await s.client.threads.create({ ttl: 30 })
    expect(a).toMatchObject({ ttl: { strategy: 'delete', ttl_minutes: 30 } })
    expect(Date.parse((a as unknown as { ttl: { expires_at: string } }).ttl.expires_at)).toBe(Date.parse(a.updated_at) + 30 * 60_000)
    const b = await s.client.threads.create({ ttl: { ttl: 5, strategy: 'delete' } })
    expect(b).toMatchObject({ ttl: { strategy: 'delete', ttl_minutes: 5 } })
    expect(await s.client.threads.create()).not.toHaveProperty('ttl')
    const patched = await s.client.threads.update(a.thread_id, { ttl: 90, metadata: { k: 1 } })
    expect(patched).toMatchObject({ ttl: { ttl_minutes: 90 }, metadata: { k: 1 } })
    expect(await s.client.threads.update(a.thread_id, { metadata: { k: 2 }, returnMinimal: true })).toBeUndefined()
    expect((await s.client.threads.get(a.thread_id)).metadata).toMatchObject({ k: 2 })
    const cleared = await rawJson(`${s.url}/threads/${a.thread_id}`, { method: 'PATCH', body: JSON.stringify({ ttl: null }) })
    expect(cleared.status).toBe(200)
    expect(cleared.body).not.toHaveProperty('ttl')
    await s.client.threads.delete(b.thread_id)
  })

  it('deletes a thread left alone past its TTL, with its checkpoints and runs; activity and busy runs keep it', async () => {
    const t = await s.client.threads.create({ ttl: 10 })
    await s.client.runs.wait(t.thread_id, 'team', { input: { task: 'What is BM25?' } })
    const keep = await s.client.threads.create()
    const busy = await s.client.threads.create({ ttl: 10 })
    const pending = await s.client.runs.create(busy.thread_id, 'team', { input: { task: 'later' }, afterSeconds: 600 })
    const last = (await s.client.threads.get(t.thread_id)).updated_at

    expect(await sweepExpiredThreads(s.rt, minutes(last, 9))).toBe(0)
    // a run refreshes the thread: the TTL counts from its end
    await s.client.runs.wait(t.thread_id, 'team', { input: { task: 'Again' } })
    const later = (await s.client.threads.get(t.thread_id)).updated_at
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(last))
    expect(await sweepExpiredThreads(s.rt, minutes(later, 11))).toBe(1)

    await expect(s.client.threads.get(t.thread_id)).rejects.toThrow(/404|not found/)
    expect(await s.rt.checkpointer.getTuple({ configurable: { thread_id: t.thread_id } })).toBeUndefined()
    expect(await s.rt.store.db.selectFrom('runs').select('run_id').where('thread_id', '=', t.thread_id).execute()).toEqual([])
    expect((await s.client.threads.get(keep.thread_id)).thread_id).toBe(keep.thread_id)
    expect((await s.client.threads.get(busy.thread_id)).thread_id).toBe(busy.thread_id)
    await s.client.runs.cancel(busy.thread_id, pending.run_id)
  })

  it('refuses bad TTLs with 400 VALIDATION', async () => {
    const t = await s.client.threads.create()
    for (const ttl of [-1, 0, 'soon', { ttl: 0 }, { ttl: 5, strategy: 'keep_latest' }, 1e9]) {
      const created = await rawJson(`${s.url}/threads`, { method: 'POST', body: JSON.stringify({ ttl }) })
      expect([JSON.stringify(ttl), created.status, created.body.code]).toEqual([JSON.stringify(ttl), 400, 'VALIDATION'])
      const patched = await rawJson(`${s.url}/threads/${t.thread_id}`, { method: 'PATCH', body: JSON.stringify({ ttl }) })
      expect([JSON.stringify(ttl), patched.status]).toEqual([JSON.stringify(ttl), 400])
    }
  })
})

describe('the server sweeps expired threads by itself', () => {
  let s: TestServer
  beforeAll(async () => { s = await startTestServer({ storeSweepMs: 50 }) })
  afterAll(async () => { await s.close() })

  it('a thread with a 0.2 s TTL is gone shortly after; one without a TTL stays', async () => {
    const short = await s.client.threads.create({ ttl: 0.2 / 60 })
    const kept = await s.client.threads.create()
    const end = Date.now() + 30_000
    for (;;) {
      const gone = await s.client.threads.get(short.thread_id).then(() => false, () => true)
      if (gone) break
      if (Date.now() > end) throw new Error('the expired thread was not swept')
      await new Promise((r) => setTimeout(r, 50))
    }
    expect((await s.client.threads.get(kept.thread_id)).thread_id).toBe(kept.thread_id)
  })
})
