import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKeys } from '../../server/auth.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { workflowsRoutes } from '../../server/routes/workflows-routes.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'

type Ev = { id?: string; event: string; data: unknown }

describe('API keys and tenant isolation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-auth-'))
  let rt: Runtime
  let srv: RunningServer
  let queue: RunQueue
  let a: Client
  let b: Client
  const client = (apiKey: string | null) => new Client({ apiUrl: srv.url, apiKey, callerOptions: { maxRetries: 0 } })

  beforeAll(async () => {
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } })
    queue = await startRunQueue(rt)
    srv = await startServer({ rt, port: 0, routes: [runsRoutes, workflowsRoutes], apiKeys: parseApiKeys('key-of-alice=alice,key-of-bob1=bob') })
    a = client('key-of-alice')
    b = client('key-of-bob1')
  })
  afterAll(async () => { await srv.close(); await queue.stop(); await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it('needs a key on every route but /ok, by x-api-key or Bearer', async () => {
    expect((await fetch(`${srv.url}/ok`)).status).toBe(200)
    const none = await fetch(`${srv.url}/threads/search`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ code: 'UNAUTHORIZED' })
    expect((await fetch(`${srv.url}/info`, { headers: { 'x-api-key': 'wrong-key-123' } })).status).toBe(401)
    expect((await fetch(`${srv.url}/info`, { headers: { authorization: 'Bearer key-of-alice' } })).status).toBe(200)
    await expect(client(null).threads.search()).rejects.toThrow(/401|API key/)
  })

  it("scopes threads, runs, events, state and store items: another tenant's ids are 404", async () => {
    const t = await a.threads.create({ metadata: { owner: 'alice' } })
    const run = await a.runs.create(t.thread_id, 'team', { input: { task: 'secret plan' }, streamMode: ['updates'] })
    await a.runs.join(t.thread_id, run.run_id)
    await a.store.putItem(['notes'], 'n1', { text: 'alice only' })

    expect((await a.threads.search()).map((x) => x.thread_id)).toContain(t.thread_id)
    expect(await b.threads.search()).toEqual([])
    expect(await b.threads.count()).toBe(0)
    await expect(b.threads.get(t.thread_id)).rejects.toThrow(/404|not found/i)
    await expect(b.threads.getState(t.thread_id)).rejects.toThrow(/404|not found/i)
    await expect(b.threads.getHistory(t.thread_id)).rejects.toThrow(/404|not found/i)
    await expect(b.runs.get(t.thread_id, run.run_id)).rejects.toThrow(/404|not found/i)
    await expect(b.runs.list(t.thread_id)).rejects.toThrow(/404|not found/i)
    const leak: Ev[] = []
    await expect((async () => { for await (const e of b.runs.joinStream(t.thread_id, run.run_id, { lastEventId: '-1' }) as AsyncIterable<Ev>) leak.push(e) })()).rejects.toThrow()
    expect(leak.filter((e) => e.event === 'updates')).toEqual([])
    await expect(b.runs.create(t.thread_id, 'team', { input: { task: 'hijack' }, ifNotExists: 'create' })).rejects.toThrow(/404|not found/i)
    await expect(b.threads.delete(t.thread_id)).rejects.toThrow(/404|not found/i)
    expect(await b.store.getItem(['notes'], 'n1')).toBeNull()
    expect((await b.store.searchItems(['notes'])).items).toEqual([])
    expect(await b.store.listNamespaces()).toMatchObject({ namespaces: [] })

    // bob may use the same names for his own data
    await b.store.putItem(['notes'], 'n1', { text: 'bob only' })
    expect((await a.store.getItem(['notes'], 'n1'))?.value).toEqual({ text: 'alice only' })
    expect((await b.store.getItem(['notes'], 'n1'))?.value).toEqual({ text: 'bob only' })
    expect((await a.threads.get(t.thread_id)).status).toBe('idle')
  })

  it('rejects malformed key configuration', () => {
    expect(() => parseApiKeys('short=alice')).toThrow(/8\+ characters/)
    expect(() => parseApiKeys('no-tenant-here')).toThrow(/key=tenant/)
    expect(parseApiKeys('')).toBeUndefined()
    expect(parseApiKeys('{"key-of-carol":"carol"}')?.get('key-of-carol')).toBe('carol')
  })
})
