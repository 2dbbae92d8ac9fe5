import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseApiKeys } from '../../server/auth.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { ragRoutes } from '../../server/routes/rag-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { runCli } from '../cli/cli-harness.js'
import { rawJson } from './server-harness.js'

type Hit = { chunk: string; source: string }
type Msg = { type?: string; role?: string; content: unknown }

describe('RAG collections are tenant-scoped (HTTP with two API keys, runs, the CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rag-tenants-'))
  const dbPath = join(dir, 'sy.db')
  let rt: Runtime
  let srv: RunningServer
  let queue: RunQueue
  const KEYS = { alice: 'key-of-alice', bob: 'key-of-bob1' }
  const as = (who: keyof typeof KEYS, path: string, init: { method?: string; body?: unknown } = {}) =>
    rawJson(`${srv.url}${path}`, { method: init.method, body: init.body === undefined ? undefined : JSON.stringify(init.body), headers: { 'x-api-key': KEYS[who] } })
  const ingest = (who: keyof typeof KEYS, collection: string, text: string, source: string) =>
    as(who, `/rag/collections/${collection}/documents`, { method: 'POST', body: { documents: [{ source, title: source, text }] } })

  beforeAll(async () => {
    rt = await openRuntime({ dbPath, env: { SWITCHYARD_MODEL: 'offline' } })
    queue = await startRunQueue(rt)
    srv = await startServer({ rt, port: 0, routes: [runsRoutes, ragRoutes], apiKeys: parseApiKeys(`${KEYS.alice}=alice,${KEYS.bob}=bob`) })
    expect((await ingest('alice', 'docs', 'The albatross migration plan is confidential to Alice.', 'alice-plan')).status).toBe(200)
    expect((await ingest('alice', 'alice-only', 'Alice keeps her zeppelin notes here.', 'zeppelin')).status).toBe(200)
    expect((await ingest('bob', 'docs', 'Bob writes about the albatross feeding grounds.', 'bob-notes')).status).toBe(200)
  })
  afterAll(async () => { await srv.close(); await queue.stop(); await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it('each tenant lists, reads and searches only its own collections, even under the same name', async () => {
    const names = async (who: keyof typeof KEYS) => ((await as(who, '/rag/collections')).body.collections as { name: string; documents: number }[]).map((c) => [c.name, c.documents])
    expect(await names('alice')).toEqual([['alice-only', 1], ['docs', 1]])
    expect(await names('bob')).toEqual([['docs', 1]])
    const docs = async (who: keyof typeof KEYS) => ((await as(who, '/rag/collections/docs/documents')).body.documents as { source: string }[]).map((d) => d.source)
    expect(await docs('alice')).toEqual(['alice-plan'])
    expect(await docs('bob')).toEqual(['bob-notes'])
    const hits = async (who: keyof typeof KEYS) => ((await as(who, '/rag/collections/docs/search', { method: 'POST', body: { query: 'albatross', k: 10 } })).body.hits as Hit[]).map((h) => h.source)
    expect(await hits('alice')).toEqual(['alice-plan'])
    expect(await hits('bob')).toEqual(['bob-notes'])
  })

  it("another tenant's collection or document is 404 for every verb, and stays as it was", async () => {
    const before = (await as('alice', '/rag/collections/alice-only/documents')).body
    const aliceDoc = (before.documents as { id: number }[])[0]!.id
    const bobDocsBefore = (await as('bob', '/rag/collections/docs/documents')).body
    for (const [method, path, body] of [
      ['GET', '/rag/collections/alice-only/documents', undefined],
      ['POST', '/rag/collections/alice-only/search', { query: 'zeppelin' }],
      ['DELETE', '/rag/collections/alice-only', undefined],
      ['DELETE', `/rag/collections/alice-only/documents/${aliceDoc}`, undefined],
      // Alice's document id inside Bob's own collection of the same name is not his either
      ['DELETE', `/rag/collections/docs/documents/${aliceDoc}`, undefined],
    ] as const) {
      const r = await as('bob', path, { method, body })
      expect([method, path, r.status, r.body.code]).toEqual([method, path, 404, 'NOT_FOUND'])
    }
    expect((await as('alice', '/rag/collections/alice-only/documents')).body).toEqual(before)
    expect((await as('bob', '/rag/collections/docs/documents')).body).toEqual(bobDocsBefore)
    // Bob writing a collection named like Alice's makes his own, next to hers
    expect((await ingest('bob', 'alice-only', 'Bob has a zeppelin too.', 'bob-zeppelin')).body).toMatchObject({ added: 1 })
    expect((await as('alice', '/rag/collections/alice-only/documents')).body).toEqual(before)
    expect((await as('bob', '/rag/collections/alice-only', { method: 'DELETE' })).body).toEqual({ documents: 1, chunks: 1 })
    expect((await as('alice', '/rag/collections/alice-only/documents')).body).toEqual(before)
  })

  it("a tenant's run searches its own documents only: search_docs never cites another tenant's file", async () => {
    const bob = new Client({ apiUrl: srv.url, apiKey: KEYS.bob, callerOptions: { maxRetries: 0 } })
    const t = await bob.threads.create({ graphId: 'chat' })
    // the run is executed later by the queue, outside the request: it must still run as Bob
    const out = await bob.runs.wait(t.thread_id, 'chat', { input: { messages: [{ role: 'user', content: 'albatross migration plan' }] } }) as { messages: Msg[] }
    const tool = out.messages.find((m) => m.type === 'tool' || m.role === 'tool')
    expect(String(tool?.content)).toContain('bob-notes')
    expect(JSON.stringify(out.messages)).not.toContain('alice-plan')
    expect(JSON.stringify(out.messages)).not.toContain('confidential')
  })

  it('the CLI works in a tenant with --tenant, and without it in the collections made without keys', async () => {
    const files = join(dir, 'files')
    mkdirSync(files)
    writeFileSync(join(files, 'cli-note.md'), '# Walrus\nThe walrus census is Alice\'s.')
    const db = ['--db', dbPath]
    const ing = await runCli(['rag', 'ingest', files, '--collection', 'census', '--tenant', 'alice', '--json', ...db])
    expect(ing.code, ing.stderr).toBe(0)
    expect(JSON.parse(ing.stdout)).toMatchObject({ added: 1 })
    // over HTTP, Alice's key sees what the CLI ingested for her; Bob's does not
    expect(((await as('alice', '/rag/collections/census/search', { method: 'POST', body: { query: 'walrus' } })).body.hits as Hit[]).length).toBe(1)
    expect((await as('bob', '/rag/collections/census/search', { method: 'POST', body: { query: 'walrus' } })).status).toBe(404)

    const list = async (...tenant: string[]) => (JSON.parse((await runCli(['rag', 'list', '--json', ...tenant, ...db])).stdout) as { name: string }[]).map((c) => c.name)
    expect(await list('--tenant', 'alice')).toEqual(['alice-only', 'census', 'docs'])
    expect(await list('--tenant', 'bob')).toEqual(['docs'])
    expect(await list()).toEqual([])
    const q = await runCli(['rag', 'query', 'walrus census albatross', '--tenant', 'bob', '--json', ...db])
    expect((JSON.parse(q.stdout) as Hit[]).map((h) => h.source)).toEqual(['bob-notes'])
    const del = await runCli(['rag', 'delete', '--collection', 'census', '--tenant', 'bob', ...db])
    expect(del.code).not.toBe(0)
    expect(del.stderr).toMatch(/not found/)
    expect(((await as('alice', '/rag/collections')).body.collections as { name: string }[]).map((c) => c.name)).toContain('census')
    const bad = await runCli(['rag', 'list', '--tenant', 'a b', ...db])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--tenant/)
  })
})
