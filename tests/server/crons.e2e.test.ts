import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, type Cron } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKeys, type ApiKeys } from '../../server/auth.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { cronsRoutes } from '../../server/routes/crons-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { rawJson, until } from './server-harness.js'

interface Harness { rt: Runtime; srv: RunningServer; queue: RunQueue; client: Client; stop(): Promise<void> }

async function boot(dbPath: string, apiKeys?: ApiKeys): Promise<Harness> {
  const rt = await openRuntime({ dbPath, env: { SWITCHYARD_MODEL: 'offline' } })
  const queue = await startRunQueue(rt)
  const srv = await startServer({ rt, port: 0, routes: [runsRoutes, cronsRoutes], apiKeys })
  const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
  return { rt, srv, queue, client, stop: async () => { await srv.close(); await queue.stop(); await rt.close() } }
}

const EVERY_SECOND = '* * * * * *'
const task = { task: 'What is BM25?' }

describe('cron jobs over the SDK', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-crons-'))
  let h: Harness
  beforeAll(async () => { h = await boot(join(dir, 'sy.db')) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('a thread cron runs on its thread at every firing, stops when disabled, and is gone when deleted', async () => {
    const t = await h.client.threads.create()
    const cron = await h.client.crons.createForThread(t.thread_id, 'team', { schedule: EVERY_SECOND, input: task, metadata: { owner: 'qa' } })
    expect(cron).toMatchObject({ thread_id: t.thread_id, schedule: EVERY_SECOND, metadata: { owner: 'qa' }, enabled: true, user_id: null })
    expect(Date.parse(cron.next_run_date) - Date.now()).toBeLessThanOrEqual(1_000)
    const runs = await until(async () => {
      const rs = await h.client.runs.list(t.thread_id)
      return rs.filter((r) => r.status === 'success').length >= 2 ? rs : undefined
    }, 'two cron runs')
    for (const r of runs) expect(r.metadata).toMatchObject({ cron_id: cron.cron_id, owner: 'qa' })
    const state = await h.client.threads.getState(t.thread_id)
    expect(String((state.values as Record<string, unknown>).final_report)).toContain('# Report: What is BM25?')

    const off = await h.client.crons.update(cron.cron_id, { enabled: false })
    expect(off.enabled).toBe(false)
    await until(async () => ((await h.client.runs.list(t.thread_id)).every((r) => r.status !== 'pending' && r.status !== 'running') ? true : undefined), 'runs to settle')
    const settled = (await h.client.runs.list(t.thread_id)).length
    // a witness cron on the same schedule, made after the disable: once it has fired twice, the scheduler has
    // passed firings the disabled cron would have had (waits on that, not on a sleep)
    const w = await h.client.threads.create()
    const witness = await h.client.crons.createForThread(w.thread_id, 'team', { schedule: EVERY_SECOND, input: task })
    await until(async () => ((await h.client.runs.list(w.thread_id)).filter((r) => r.status === 'success').length >= 2 ? true : undefined), 'two witness runs')
    await h.client.crons.delete(witness.cron_id)
    expect((await h.client.runs.list(t.thread_id)).length).toBe(settled)

    await h.client.crons.delete(cron.cron_id)
    expect(await h.client.crons.search({ threadId: t.thread_id })).toEqual([])
    await expect(h.client.crons.delete(cron.cron_id)).rejects.toThrow(/404|not found/)
  })

  it('a stateless cron runs on a new thread each time: kept with on_run_completed keep, deleted by default', async () => {
    const before = new Set((await h.client.threads.search({ limit: 1000 })).map((t) => t.thread_id))
    const kept = await h.client.crons.create('team', { schedule: EVERY_SECOND, input: task, onRunCompleted: 'keep' })
    expect(kept).toMatchObject({ thread_id: null, on_run_completed: 'keep' })
    const fresh = await until(async () => {
      const ts = (await h.client.threads.search({ limit: 1000 })).filter((t) => !before.has(t.thread_id))
      return ts.length >= 2 ? ts : undefined
    }, 'two threads of the stateless cron')
    await h.client.crons.delete(kept.cron_id)
    for (const t of fresh.slice(0, 2)) {
      // a thread is listed as soon as the firing creates it: wait on its run's end, not on time
      const [queued] = await until(async () => {
        const rs = await h.client.runs.list(t.thread_id)
        return rs.length > 0 ? rs : undefined
      }, 'the run of a firing')
      await h.client.runs.join(t.thread_id, queued!.run_id)
      const [run] = await h.client.runs.list(t.thread_id)
      expect(run).toMatchObject({ status: 'success', metadata: { cron_id: kept.cron_id } })
    }

    // deleted by default: the run's webhook reports it done, then its thread no longer exists
    const hooks: Array<Record<string, unknown>> = []
    const receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString() })
      req.on('end', () => { hooks.push(JSON.parse(body) as Record<string, unknown>); res.end() })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    const port = (receiver.address() as AddressInfo).port
    try {
      const dropped = await h.client.crons.create('team', { schedule: EVERY_SECOND, input: task, webhook: `http://127.0.0.1:${port}/done` })
      expect((dropped as unknown as Cron).on_run_completed).toBe('delete')
      const hook = await until(async () => hooks[0], 'the webhook of a firing')
      await h.client.crons.delete(dropped.cron_id)
      expect(hook).toMatchObject({ status: 'success', metadata: { cron_id: dropped.cron_id } })
      expect(String((hook.values as Record<string, unknown>).final_report)).toContain('# Report: What is BM25?')
      await expect(h.client.threads.get(String(hook.thread_id))).rejects.toThrow(/404|not found/)
    } finally {
      receiver.close()
    }
  })

  it('searches and counts by assistant, thread, enabled and metadata, sorted and with select', async () => {
    const t = await h.client.threads.create()
    const far = '0 0 1 1 *'
    const a = await h.client.crons.createForThread(t.thread_id, 'team', { schedule: far, input: task, metadata: { tag: 'a' } })
    const b = await h.client.crons.create('sdlc', { schedule: far, input: { task: 'x' }, metadata: { tag: 'b' }, enabled: false })
    expect((b as unknown as Cron).enabled).toBe(false)
    expect((await h.client.crons.search({ threadId: t.thread_id })).map((c) => c.cron_id)).toEqual([a.cron_id])
    expect((await h.client.crons.search({ metadata: { tag: 'b' } })).map((c) => c.cron_id)).toEqual([b.cron_id])
    expect((await h.client.crons.search({ enabled: false })).map((c) => c.cron_id)).toContain(b.cron_id)
    expect(await h.client.crons.count({ metadata: { tag: 'a' } })).toBe(1)
    expect(await h.client.crons.count({ assistantId: b.assistant_id })).toBe(1)
    const asc = await h.client.crons.search({ sortBy: 'created_at', sortOrder: 'asc', limit: 100 })
    expect(asc.map((c) => c.created_at)).toEqual([...asc.map((c) => c.created_at)].sort())
    const [picked] = await h.client.crons.search({ threadId: t.thread_id, select: ['cron_id', 'schedule'] })
    expect(picked).toEqual({ cron_id: a.cron_id, schedule: far })
    const next = new Date(a.next_run_date)
    expect([next.getUTCMonth(), next.getUTCDate(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([0, 1, 0, 0])
    // a new schedule and a timezone move the next date; the run payload's fields are replaced
    const moved = await h.client.crons.update(a.cron_id, { schedule: '0 9 * * *', timezone: 'Asia/Tokyo', input: { task: 'Other' } })
    expect(new Date(moved.next_run_date!).getUTCHours()).toBe(0)
    expect(moved.payload).toMatchObject({ input: { task: 'Other' } })
    // deleting the thread deletes its crons
    await h.client.threads.delete(t.thread_id)
    expect(await h.client.crons.count({ metadata: { tag: 'a' } })).toBe(0)
    await h.client.crons.delete(b.cron_id)
  })

  it('answers bad crons with typed errors and keeps serving', async () => {
    const t = await h.client.threads.create()
    const post = (path: string, body: unknown) => rawJson(`${h.srv.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
    const cases: Array<[string, unknown, number, string]> = [
      ['/runs/crons', { assistant_id: 'team', schedule: '61 * * * *', input: task }, 400, 'VALIDATION'],
      ['/runs/crons', { assistant_id: 'team', schedule: '* * * * *', timezone: 'Mars/Olympus', input: task }, 400, 'VALIDATION'],
      ['/runs/crons', { assistant_id: 'team', schedule: '* * * * *', end_time: 'soon', input: task }, 400, 'VALIDATION'],
      ['/runs/crons', { assistant_id: 'team', input: task }, 400, 'VALIDATION'],
      ['/runs/crons', { assistant_id: 'team', schedule: 5, input: task }, 400, 'VALIDATION'],
      ['/runs/crons', { assistant_id: 'team', schedule: '* * * * *', input: { nope: 1 } }, 400, 'VALIDATION'],
      ['/runs/crons', { assistant_id: 'no-such-graph', schedule: '* * * * *' }, 404, 'NOT_FOUND'],
      ['/threads/00000000-0000-4000-8000-000000000000/runs/crons', { assistant_id: 'team', schedule: '* * * * *', input: task }, 404, 'NOT_FOUND'],
      [`/threads/${t.thread_id}/runs/crons`, { assistant_id: 'team', schedule: '* * * * *', input: task, enabled: 'yes' }, 400, 'VALIDATION'],
      ['/runs/crons/search', { sort_by: 'nope' }, 400, 'VALIDATION'],
      ['/runs/crons/count', { metadata: 'x' }, 400, 'VALIDATION'],
    ]
    for (const [path, body, status, code] of cases) {
      const r = await post(path, body)
      expect([path, r.status, r.body.code]).toEqual([path, status, code])
    }
    const good = await h.client.crons.createForThread(t.thread_id, 'team', { schedule: '0 0 1 1 *', input: task })
    const patch = await rawJson(`${h.srv.url}/runs/crons/${good.cron_id}`, { method: 'PATCH', body: JSON.stringify({ on_run_completed: 'keep' }) })
    expect([patch.status, patch.body.code]).toEqual([400, 'VALIDATION'])
    const gone = await rawJson(`${h.srv.url}/runs/crons/00000000-0000-4000-8000-000000000000`, { method: 'PATCH', body: '{}' })
    expect([gone.status, gone.body.code]).toEqual([404, 'NOT_FOUND'])
    expect(await h.client.crons.count({ threadId: t.thread_id })).toBe(1)
    expect((await h.client.crons.search({ threadId: t.thread_id }))[0]!.schedule).toBe('0 0 1 1 *')
  })

  it('an end_time stops the cron: past it, no next date and no firing', async () => {
    const ended = await h.client.crons.create('team', { schedule: EVERY_SECOND, input: task, endTime: new Date(Date.now() - 1_000).toISOString() })
    expect(ended.next_run_date).toBeNull()
    const soon = await h.client.crons.create('team', { schedule: EVERY_SECOND, input: task, endTime: new Date(Date.now() + 1_200).toISOString() })
    const done = await until(async () => {
      const [c] = await h.client.crons.search({ assistantId: soon.assistant_id, metadata: {}, limit: 100 }).then((cs) => cs.filter((x) => x.cron_id === soon.cron_id))
      return c && c.next_run_date === null ? c : undefined
    }, 'the cron to pass its end time', 30_000)
    expect(done.enabled).toBe(true)
    await h.client.crons.delete(ended.cron_id)
    await h.client.crons.delete(soon.cron_id)
  })
})

describe('cron jobs are durable and fire once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-crons-durable-'))
  const db = join(dir, 'sy.db')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a firing missed while no server ran happens once at start-up, and only one of two processes fires it', async () => {
    const first = await boot(db)
    const t = await first.client.threads.create()
    const cron = await first.client.crons.createForThread(t.thread_id, 'team', { schedule: '0 0 1 1 *', input: task })
    await first.stop()
    // as if the server had been down at the firing: its date is in the past
    const { openDb } = await import('../../store/db.js')
    const raw = await openDb(db)
    await raw.db.updateTable('crons').set({ next_run_date: new Date(Date.now() - 3_600_000).toISOString() }).execute()
    await raw.close()

    const [x, y] = await Promise.all([boot(db), boot(db)])
    let up = true
    try {
      const runs = await until(async () => {
        const rs = await x.client.runs.list(t.thread_id)
        return rs.some((r) => r.status === 'success') ? rs : undefined
      }, 'the missed firing')
      expect(runs[0]!.metadata).toMatchObject({ cron_id: cron.cron_id })
      // both stopped: their cron ticks (each fired at start-up) and runs in progress have ended, so a second
      // firing by either would be stored by now (waits on that, not on a sleep)
      await Promise.all([x.stop(), y.stop()])
      up = false
      const again = await openDb(db)
      try {
        expect((await again.db.selectFrom('runs').select('run_id').where('thread_id', '=', t.thread_id).execute()).length).toBe(1)
        const after = await again.db.selectFrom('crons').select('next_run_date').where('cron_id', '=', cron.cron_id).executeTakeFirstOrThrow()
        expect(Date.parse(after.next_run_date!)).toBeGreaterThan(Date.now())
      } finally {
        await again.close()
      }
    } finally {
      if (up) await Promise.all([x.stop(), y.stop()])
    }
  })
})

describe('cron jobs and tenants', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-crons-tenants-'))
  let h: Harness
  const as = (key: string) => new Client({ apiUrl: h.srv.url, apiKey: key, callerOptions: { maxRetries: 0 } })
  beforeAll(async () => { h = await boot(join(dir, 'sy.db'), parseApiKeys('key-of-alice=alice,key-of-bob1=bob')) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it("a tenant's crons and the threads they create are invisible to another tenant", async () => {
    const alice = as('key-of-alice')
    const bob = as('key-of-bob1')
    const cron = await alice.crons.create('team', { schedule: EVERY_SECOND, input: task, onRunCompleted: 'keep' })
    expect(await bob.crons.search()).toEqual([])
    expect(await bob.crons.count()).toBe(0)
    await expect(bob.crons.delete(cron.cron_id)).rejects.toThrow(/404|not found/)
    await expect(bob.crons.update(cron.cron_id, { enabled: false })).rejects.toThrow(/404|not found/)
    const [made] = await until(async () => {
      const ts = await alice.threads.search()
      return ts.length > 0 ? ts : undefined
    }, "the cron's thread in alice's tenant")
    await alice.crons.delete(cron.cron_id)
    expect(await bob.threads.search()).toEqual([])
    await expect(bob.threads.get(made!.thread_id)).rejects.toThrow(/404|not found/)
    const bobThread = await bob.threads.create()
    await expect(alice.crons.createForThread(bobThread.thread_id, 'team', { schedule: EVERY_SECOND, input: task })).rejects.toThrow(/404|not found/)
  })
})
