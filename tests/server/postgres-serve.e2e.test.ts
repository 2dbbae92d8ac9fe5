import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnServe } from '../cli/cli-harness.js'
import { tempTarget, testPgUrl } from '../store/dialects.js'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// `switchyard serve` on Postgres end to end: the built CLI with DATABASE_URL (a schema of this file's own),
// the official SDK over real HTTP. Without a Postgres on 127.0.0.1:5432 it skips, saying so; CI=1 fails instead.
const base = await testPgUrl()
type Ev = { event: string; data: unknown; id?: string }
const collect = async (it: AsyncIterable<Ev>) => { const out: Ev[] = []; for await (const e of it) out.push(e); return out }

describe.runIf(base !== undefined)('switchyard serve with DATABASE_URL=postgres://…', () => {
  let target: Awaited<ReturnType<typeof tempTarget>>
  let child: ChildProcess
  let client: Client
  let url: string
  beforeAll(async () => {
    target = await tempTarget('postgres', 'serve')
    const serve = spawnServe([], { DATABASE_URL: target.target, SWITCHYARD_OFFLINE_DELAY_MS: '2' })
    child = serve.child
    url = await serve.url
    client = new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })
  })
  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
    await target.remove()
  })

  it('runs a team run to its final report', async () => {
    const t = await client.threads.create({ metadata: { suite: 'pg' } })
    const values = await client.runs.wait(t.thread_id, 'team', { input: { task: 'What is BM25?' } }) as Record<string, unknown>
    expect(String(values.final_report)).toContain('# Report: What is BM25?')
    const runs = await client.runs.list(t.thread_id)
    expect(runs.map((r) => r.status)).toEqual(['success'])
    expect((await client.threads.search({ metadata: { suite: 'pg' } })).map((x) => x.thread_id)).toEqual([t.thread_id])
  })

  it('interrupts an sdlc run, resumes it through a command, and serves its history and a replayed stream', async () => {
    const t = await client.threads.create()
    const run = await client.runs.create(t.thread_id, 'sdlc', { input: { task: 'a todo app' }, streamMode: ['updates'], streamResumable: true })
    const events = await collect(client.runs.joinStream(t.thread_id, run.run_id, { lastEventId: '-1' }) as AsyncIterable<Ev>)
    expect(events.some((e) => e.event === 'updates' && '__interrupt__' in (e.data as object))).toBe(true)
    expect(events.map((e) => Number(e.id)).filter((n) => !Number.isNaN(n))).toEqual(events.filter((e) => e.id !== undefined).map((_, i) => i))
    expect((await client.threads.get(t.thread_id)).status).toBe('interrupted')
    const values = await client.runs.wait(t.thread_id, 'sdlc', { command: { resume: { action: 'approve' } } }) as { __interrupt__: { value: { phase: string } }[]; artifacts: object }
    expect(values.__interrupt__[0]!.value.phase).toBe('architect')
    expect(Object.keys(values.artifacts)).toEqual(['analyst', 'architect'])
    const history = await client.threads.getHistory(t.thread_id, { limit: 100 })
    expect(history.length).toBeGreaterThan(3)
    expect(history[0]!.next.length).toBeGreaterThan(0) // waiting at the architect's review
    // newest first, each the child of the next
    for (let i = 0; i + 1 < history.length; i++) expect(history[i]!.parent_checkpoint?.checkpoint_id).toBe(history[i + 1]!.checkpoint.checkpoint_id)
    // a run that stops at an interrupt has ended well, as on SQLite (the thread is what is interrupted)
    expect((await client.runs.list(t.thread_id)).map((r) => r.status)).toEqual(['success', 'success'])
  })

  it('serves RAG on Postgres: the CLI ingests, HTTP searches and ingests, the researcher cites the documents', async () => {
    const corpus = fileURLToPath(new URL('../../examples/corpus', import.meta.url))
    const ingest = await runCli(['rag', 'ingest', corpus, '--json'], { DATABASE_URL: target.target })
    expect(ingest.stderr).toBe('')
    expect(ingest.code).toBe(0)
    const report = JSON.parse(ingest.stdout) as { added: number; chunks: number }
    expect(report.added).toBeGreaterThan(3)
    const cols = await (await fetch(`${url}/rag/collections`)).json() as { collections: { name: string; documents: number; chunks: number }[] }
    expect(cols.collections).toEqual([expect.objectContaining({ name: 'default', documents: report.added, chunks: report.chunks })])
    const search = await fetch(`${url}/rag/collections/default/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'BM25 ranking', k: 3 }) })
    expect(search.status).toBe(200)
    const { hits } = await search.json() as { hits: { source: string; chunk: string; score: number }[] }
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0]!.chunk.toLowerCase()).toContain('bm25')
    const put = await fetch(`${url}/rag/collections/notes/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documents: [{ id: 'n1', text: 'Quokkas live on Rottnest Island.', metadata: { kind: 'fact' } }] }) })
    expect(put.status).toBe(200)
    const found = await (await fetch(`${url}/rag/collections/notes/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'quokka', filter: { metadata: { kind: 'fact' } } }) })).json() as { hits: { source: string }[] }
    expect(found.hits.map((h) => h.source)).toEqual(['n1'])
    const cli = await runCli(['rag', 'query', 'quokkas', '--collection', 'notes', '--json'], { DATABASE_URL: target.target })
    expect(cli.code).toBe(0)
    expect((JSON.parse(cli.stdout) as { source: string }[]).map((h) => h.source)).toEqual(['n1'])
    const t = await client.threads.create()
    const out = await client.runs.wait(t.thread_id, 'team', { input: { task: 'How does BM25 rank documents?' } }) as { research: { sources: { source: string }[] } }
    expect(out.research.sources.length).toBeGreaterThan(0)
    for (const s of out.research.sources) expect(s.source).toMatch(/examples\/corpus\/.+\.md$/)
  })
})

describe('switchyard with an unreachable DATABASE_URL', () => {
  it('is one line on stderr and exit 1, nothing served', async () => {
    const r = await runCli(['threads'], { DATABASE_URL: 'postgres://someone:pw@127.0.0.1:1/test' })
    expect(r.stderr).toBe('switchyard: UPSTREAM: cannot connect to Postgres at postgres://someone:***@127.0.0.1:1/test: connection refused\n')
    expect(r.code).toBe(1)
  })
})
