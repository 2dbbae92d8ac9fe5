import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeEmbeddings, type FakeEmbeddings } from '../rag/fake-embeddings-server.js'
import { ROOT, runCli, spawnServe, stopChild } from './cli-harness.js'

/** A user project in a temp folder, with our node_modules standing in for its own. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-lgjson-'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

// the shape of the official JS templates (new-langgraphjs-project): ESM package, src/agent/{state,graph}.ts, .env
const TEMPLATE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'example-graph', private: true, type: 'module' }),
  '.env': 'GREETING="hello from .env"\n',
  'src/agent/state.ts': `import { MessagesAnnotation } from '@langchain/langgraph'\nexport const StateAnnotation = MessagesAnnotation\n`,
  'src/agent/graph.ts': `import { StateGraph } from '@langchain/langgraph'
import type { RunnableConfig } from '@langchain/core/runnables'
import { StateAnnotation } from './state.js'
// read when the module loads: the config's env must be applied before graphs are imported
const greeting = process.env.GREETING ?? 'no GREETING'
const callModel = async (_s: typeof StateAnnotation.State, config: RunnableConfig) => {
  const user = (config.configurable?.langgraph_auth_user as { identity?: string } | undefined)?.identity ?? 'anonymous'
  return { messages: [{ role: 'assistant', content: greeting + ' to ' + user }] }
}
export const graph = new StateGraph(StateAnnotation).addNode('callModel', callModel).addEdge('__start__', 'callModel').addEdge('callModel', '__end__').compile()
graph.name = 'New Agent'
`,
  // a config graph named like a built-in: served as the config's, no "already registered"
  'src/team.ts': `import { Annotation, StateGraph } from '@langchain/langgraph'
const S = Annotation.Root({ answer: Annotation<string> })
export const graph = new StateGraph(S).addNode('a', () => ({ answer: 'the config team' })).addEdge('__start__', 'a').addEdge('a', '__end__').compile()
`,
  // a factory: the official server calls it for every run, with the run's config
  'src/made.ts': `import { Annotation, StateGraph } from '@langchain/langgraph'
const S = Annotation.Root({ said: Annotation<string> })
export default async (config: { configurable?: Record<string, unknown> }) => {
  const said = String(config.configurable?.greeting ?? 'no greeting') + (config.configurable?.thread_id ? ' on a thread' : '')
  return new StateGraph(S).addNode('a', () => ({ said })).addEdge('__start__', 'a').addEdge('a', '__end__').compile()
}
`,
  'src/app.ts': `import { Hono } from 'hono'
export const app = new Hono()
  .get('/custom/hello', (c) => c.json({ hello: process.env.GREETING }))
  .get('/info', (c) => c.json({ custom_info: true }))
`,
}

const sdk = (apiUrl: string, token?: string) =>
  new Client({ apiUrl, apiKey: null, defaultHeaders: token ? { authorization: `Bearer ${token}` } : {}, callerOptions: { maxRetries: 0 } })
const lastText = (values: unknown) => {
  const msgs = (values as { messages: { content: string }[] }).messages
  return msgs.at(-1)?.content
}

describe('switchyard serve --config: a langgraph.json of the official templates\' shape', () => {
  let dir: string
  let srv: ReturnType<typeof spawnServe>
  let url: string
  let fake: FakeEmbeddings
  beforeAll(async () => {
    fake = await startFakeEmbeddings()
    dir = project({
      ...TEMPLATE,
      'langgraph.json': JSON.stringify({
        node_version: '20',
        dependencies: ['.'],
        graphs: { agent: './src/agent/graph.ts:graph', team: './src/team.ts:graph', made: './src/made.ts:default' },
        env: '.env',
        http: { app: './src/app.ts:app', cors: { allow_origins: ['http://ui.test'] } },
        store: { index: { embed: 'openai:fake-embed', dims: 64, fields: ['text'] } },
        checkpointer: { ttl: { strategy: 'delete', default_ttl: 30, sweep_interval_minutes: 10 } },
      }),
    })
    srv = spawnServe(['--db', join(dir, 'sy.db'), '--config', join(dir, 'langgraph.json')], { SWITCHYARD_EMBEDDINGS_BASE_URL: fake.url })
    url = await srv.url
  })
  afterAll(async () => { await stopChild(srv.child); await fake.close(); rmSync(dir, { recursive: true, force: true }) })

  it('serves exactly its graphs (a graph named team included), env applied before they load', async () => {
    const client = sdk(url)
    const graphs = (await client.assistants.search({ limit: 100 })).map((a) => a.graph_id).sort()
    expect(graphs).toEqual(['agent', 'made', 'team'])
    const thread = await client.threads.create()
    const out = await client.runs.wait(thread.thread_id, 'agent', { input: { messages: [{ role: 'user', content: 'hi' }] } })
    expect(lastText(out)).toBe('hello from .env to anonymous')
    expect(await client.runs.wait(null, 'team', { input: {} })).toEqual({ answer: 'the config team' })
  })

  it('a graph factory is called for every run, with that run\'s config', async () => {
    const client = sdk(url)
    const t = await client.threads.create()
    expect(await client.runs.wait(t.thread_id, 'made', { input: {}, config: { configurable: { greeting: 'hola' } } })).toEqual({ said: 'hola on a thread' })
    expect(await client.runs.wait(t.thread_id, 'made', { input: {}, config: { configurable: { greeting: 'ciao' } } })).toEqual({ said: 'ciao on a thread' })
    expect((await client.threads.getHistory(t.thread_id, { limit: 100 })).length).toBeGreaterThanOrEqual(6)
  })

  it('checkpointer.ttl: new threads get the default TTL (created, by a run, or copied); one given wins', async () => {
    type WithTtl = { thread_id: string; ttl?: { ttl_minutes: number; strategy: string } }
    const client = sdk(url)
    const t = await client.threads.create() as unknown as WithTtl
    expect(t.ttl).toMatchObject({ strategy: 'delete', ttl_minutes: 30 })
    const own = await client.threads.create({ ttl: { ttl: 5, strategy: 'delete' } }) as unknown as WithTtl
    expect(own.ttl).toMatchObject({ ttl_minutes: 5 })
    expect(((await client.threads.copy(own.thread_id)) as unknown as WithTtl).ttl).toMatchObject({ ttl_minutes: 5 })
    const fresh = crypto.randomUUID()
    await client.runs.wait(fresh, 'team', { input: {}, ifNotExists: 'create' })
    expect(((await client.threads.get(fresh)) as unknown as WithTtl).ttl).toMatchObject({ ttl_minutes: 30 })
  })

  it('http.app: its routes answer beside the API, and win a path they share (as in the official server)', async () => {
    expect(await (await fetch(`${url}/custom/hello`)).json()).toEqual({ hello: 'hello from .env' })
    expect(await (await fetch(`${url}/info`)).json()).toEqual({ custom_info: true })
    expect((await fetch(`${url}/ok`)).status).toBe(200)
  })

  it('http.cors: allowed origins only', async () => {
    const pre = (origin: string) => fetch(`${url}/threads/search`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })
    expect((await pre('http://ui.test')).headers.get('access-control-allow-origin')).toBe('http://ui.test')
    expect((await pre('http://evil.test')).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('store.index: puts embed the configured fields, a query ranks by similarity', async () => {
    const client = sdk(url)
    await client.store.putItem(['docs'], 'a', { text: 'durable runs resume after a crash', tag: 'zzz' })
    await client.store.putItem(['docs'], 'b', { text: 'bananas are yellow fruit', tag: 'zzz' })
    const inputs = fake.requests.flatMap((r) => r.input)
    expect(inputs).toContain('durable runs resume after a crash')
    expect(inputs.some((t) => t.includes('zzz'))).toBe(false)
    const found = await client.store.searchItems(['docs'], { query: 'crash resume' })
    expect(found.items[0]).toMatchObject({ key: 'a', score: expect.any(Number) })
    expect(fake.requests.every((r) => r.model === 'fake-embed')).toBe(true)
  })
})

describe('switchyard serve --config --builtins', () => {
  it('serves the built-ins beside the config graphs; a config graph wins a shared name, with a notice (and http.disable_*)', async () => {
    const dir = project({ ...TEMPLATE, 'langgraph.json': JSON.stringify({ graphs: { team: './src/team.ts:graph' }, http: { disable_store: true, disable_meta: true } }) })
    const srv = spawnServe(['--db', join(dir, 'sy.db'), '--config', join(dir, 'langgraph.json'), '--builtins'])
    let stderr = ''
    srv.child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    try {
      const client = sdk(await srv.url)
      // the repository's workflows/ folder is the cwd's: its YAML workflows come with the built-ins
      const graphs = (await client.assistants.search({ limit: 100 })).map((a) => a.graph_id)
      expect(graphs).toEqual(expect.arrayContaining(['chat', 'sdlc', 'team', 'code-migration']))
      expect(await client.runs.wait(null, 'team', { input: {} })).toEqual({ answer: 'the config team' })
      // http.disable_store / disable_meta: those routes are gone, the rest serves
      expect((await fetch(`${await srv.url}/store/items/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404)
      expect((await fetch(`${await srv.url}/ok`)).status).toBe(404)
      expect(stderr).toContain(`switchyard: graph team from ${join(dir, 'langgraph.json')} replaces the built-in graph of that name`)
    } finally {
      await stopChild(srv.child)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('.ts graphs in folders that are not "type": "module" (CommonJS to Node)', () => {
  const GRAPH = `import { Annotation, StateGraph } from '@langchain/langgraph'
import { double } from './helper'
const S = Annotation.Root({ n: Annotation<number> })
export const graph = new StateGraph(S).addNode('a', (s: typeof S.State) => ({ n: double(s.n) })).addEdge('__start__', 'a').addEdge('a', '__end__').compile()
`
  it.each([
    ['no package.json', {}],
    ['a package.json without "type"', { 'package.json': JSON.stringify({ name: 'cjs-project', private: true }) }],
  ])('%s: loads and runs, as under the official server', async (_name, extra) => {
    const dir = project({ ...extra, 'src/agent/graph.ts': GRAPH, 'src/agent/helper.ts': 'export const double = (n: number) => n * 2\n', 'langgraph.json': JSON.stringify({ graphs: { agent: './src/agent/graph.ts:graph' } }) })
    try {
      const r = await runCli(['--db', join(dir, 'sy.db'), '--config', join(dir, 'langgraph.json'), 'run', 'agent', '--input', '{"n": 21}', '--json'])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.events.at(-1)).toMatchObject({ type: 'result', status: 'success', graph: 'agent', output: { n: 42 } })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('an interrupt in a CommonJS-folder graph (its own CommonJS copy of @langchain/langgraph)', () => {
  it('stops at the interrupt and resumes', async () => {
    const ASK = `import { Annotation, StateGraph, interrupt } from '@langchain/langgraph'
const S = Annotation.Root({ answer: Annotation<string> })
export const graph = new StateGraph(S).addNode('ask', () => ({ answer: String(interrupt({ q: 'ok?' })) })).addEdge('__start__', 'ask').addEdge('ask', '__end__')
`
    const dir = project({ 'src/ask.ts': ASK, 'langgraph.json': JSON.stringify({ graphs: { ask: './src/ask.ts:graph' } }) })
    const base = ['--db', join(dir, 'sy.db'), '--config', join(dir, 'langgraph.json')]
    try {
      const first = await runCli([...base, 'run', 'ask', '--input', '{}', '--json'])
      expect(first.code).toBe(3)
      const stopped = first.events.at(-1) as { status: string; thread_id: string; next: string[] }
      expect(stopped).toMatchObject({ status: 'interrupted', next: ['ask'] })
      const resumed = await runCli([...base, 'resume', stopped.thread_id, '--value', '"yes"', '--json'])
      expect(resumed.code).toBe(0)
      expect(resumed.events.at(-1)).toMatchObject({ status: 'success', output: { answer: 'yes' } })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a refused key', () => {
  it('exits 2 with one line naming the file and the key, before serving', async () => {
    const dir = project({ ...TEMPLATE, 'langgraph.json': JSON.stringify({ graphs: { agent: './src/agent/graph.ts:graph' }, webhooks: { url: {} } }) })
    try {
      const r = await runCli(['--db', join(dir, 'sy.db'), 'serve', '--port', '0', '--config', join(dir, 'langgraph.json')])
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(new RegExp(`^switchyard: ${join(dir, 'langgraph.json').replace(/[.]/g, '\\.')}: webhooks: not a langgraph\\.json key Switchyard knows \\(.*\\)\\n$`))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
