import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLangGraphConfig, registryWithConfig } from '../../graphs/langgraph-config.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { isAppError } from '../../store/app-error.js'

const STATE = `import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
const S = Annotation.Root({ n: Annotation<number>, trail: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) })
export const builder = () => new StateGraph(S)
  .addNode('a', (s: typeof S.State) => ({ n: s.n + 1, trail: ['a'] }))
  .addNode('b', (s: typeof S.State) => ({ n: s.n * 10, trail: ['b'] }))
  .addEdge(START, 'a').addEdge('a', 'b').addEdge('b', END)
`
const FILES: Record<string, string> = {
  'package.json': '{ "type": "module" }',
  'src/state.ts': STATE,
  'src/compiled.ts': `import { builder } from './state.js'\nexport const graph = builder().compile()\n`,
  'src/uncompiled.ts': `import { builder } from './state.js'\nexport const workflow = builder()\n`,
  'src/factory.ts': `import { builder } from './state.js'\nexport default async (config: { configurable?: object }) => {\n  await new Promise((r) => setTimeout(r, 1))\n  return builder().compile({ name: config.configurable ? 'made' : 'none' })\n}\n`,
  'src/plain.js': `export const notAGraph = 42\n`,
  'langgraph.json': JSON.stringify({
    node_version: '20',
    graphs: {
      compiled: './src/compiled.ts:graph',
      uncompiled: './src/uncompiled.ts:workflow',
      factory: { path: './src/factory.ts:', description: 'an async factory' },
    },
    env: {},
  }),
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-lgcfg-'))
  // a user project has its own node_modules: borrow ours so '@langchain/langgraph' resolves
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir')
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

async function failure(p: Promise<unknown>) {
  const e = await p.then(() => undefined, (err: unknown) => err)
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`)
  return { code: e.code, message: e.message }
}

describe('langgraph.json graphs', () => {
  const dirs: string[] = []
  let rt: Runtime
  beforeAll(async () => {
    const dir = project(FILES)
    dirs.push(dir)
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' }, registry: await registryWithConfig(join(dir, 'langgraph.json')) })
  })
  afterAll(async () => { await rt.close(); for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

  it('registers exactly its graphs, with descriptions', () => {
    expect(rt.registry.names()).toEqual(['compiled', 'factory', 'uncompiled'])
    expect(rt.registry.get('compiled').description).toBe('from ./src/compiled.ts:graph')
    expect(rt.registry.get('factory').description).toBe('an async factory')
    expect(rt.registry.get('compiled').parseInput({ n: 1, extra: true })).toEqual({ n: 1, extra: true })
  })

  it.each(['compiled', 'uncompiled', 'factory'])('runs %s with checkpoints in our store', async (name) => {
    const cfg = { configurable: { thread_id: `t-${name}` } }
    const out = await rt.graph(name).invoke({ n: 1 }, cfg) as { n: number; trail: string[] }
    expect(out).toEqual({ n: 20, trail: ['a', 'b'] })
    const saved = []
    for await (const c of rt.checkpointer.list(cfg)) saved.push(c)
    expect(saved.length).toBe(4) // input, a, b, and the first empty one
    expect(saved[0]!.checkpoint.channel_values).toMatchObject({ n: 20, trail: ['a', 'b'] })
    const rows = await rt.store.db.selectFrom('checkpoints').select('checkpoint_id').where('thread_id', '=', `t-${name}`).execute()
    expect(rows).toHaveLength(4)
  })

  it('leaves the module\'s own compiled graph without our checkpointer', async () => {
    const [def] = await loadLangGraphConfig(join(dirs[0]!, 'langgraph.json'))
    const mod = await import(join(dirs[0]!, 'src/compiled.ts')) as { graph: { checkpointer?: unknown } }
    expect(def!.name).toBe('compiled')
    expect(rt.graph('compiled').checkpointer).toBe(rt.checkpointer)
    expect(mod.graph.checkpointer).toBeUndefined()
  })

  describe('bad configs are typed errors naming the file and key', () => {
    const load = (files: Record<string, string>) => {
      const dir = project({ ...FILES, ...files })
      dirs.push(dir)
      return failure(loadLangGraphConfig(join(dir, 'langgraph.json')))
    }
    const withGraphs = (graphs: object) => load({ 'langgraph.json': JSON.stringify({ graphs }) })

    it('missing file', async () => {
      const e = await failure(loadLangGraphConfig(join(tmpdir(), 'no-such-dir', 'langgraph.json')))
      expect(e).toEqual({ code: 'NOT_FOUND', message: `config file ${join(tmpdir(), 'no-such-dir', 'langgraph.json')} not found` })
    })
    it('bad JSON', async () => {
      expect(await load({ 'langgraph.json': '{ "graphs": ' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/langgraph\.json is not valid JSON/) })
    })
    it('no graphs', async () => {
      expect(await load({ 'langgraph.json': '{ "env": {} }' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/langgraph\.json: graphs: /) })
    })
    it('a path spec without an export', async () => {
      expect(await withGraphs({ g: './src/compiled.ts' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining("graphs.g: import string must be in the format '<file>:<export>'") })
    })
    it('a Python graph', async () => {
      expect(await withGraphs({ g: './agent.py:graph' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('graphs.g: Python graphs are not supported') })
    })
    it('a missing graph file', async () => {
      expect(await withGraphs({ g: './src/nope.ts:graph' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^graph "g" \(\.\/src\/nope\.ts:graph\): file .*src\/nope\.ts not found$/) })
    })
    it('a missing export', async () => {
      expect(await withGraphs({ g: './src/compiled.ts:nope' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/compiled\.ts has no export "nope" \(exports: graph\)$/) })
    })
    it('an export that is not a graph', async () => {
      expect(await withGraphs({ g: './src/plain.js:notAGraph' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('expected a compiled graph, a StateGraph or a function returning one, got number') })
    })
  })
})

describe('a langgraph.json graph with zod state publishes typed schemas', () => {
  const TYPED = `import { z } from 'zod'
import { END, START, StateGraph } from '@langchain/langgraph'
import { registry } from '@langchain/langgraph/zod'
const State = z.object({
  n: z.number().describe('a counter'),
  trail: z.array(z.string()).register(registry, { reducer: { fn: (a: string[], b: string[]) => a.concat(b) }, default: () => [] }),
})
export const graph = new StateGraph(State).addNode('a', (s) => ({ n: s.n + 1, trail: ['a'] })).addEdge(START, 'a').addEdge('a', END)
`
  let dir: string
  let rt: Runtime
  let srv: RunningServer
  beforeAll(async () => {
    dir = project({ 'package.json': '{ "type": "module" }', 'src/typed.ts': TYPED, 'langgraph.json': JSON.stringify({ graphs: { typed: './src/typed.ts:graph' } }) })
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' }, registry: await registryWithConfig(join(dir, 'langgraph.json'), { builtins: true }) })
    srv = await startServer({ rt, port: 0 })
  })
  afterAll(async () => { await srv.close(); await rt.close(); rmSync(dir, { recursive: true, force: true }) })

  it('over the SDK: state, input and output schemas carry the zod types; Annotation state stays keys-only', async () => {
    const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
    const s = await client.assistants.getSchemas('typed')
    expect(s.state_schema).toMatchObject({ type: 'object', properties: { n: { type: 'number', description: 'a counter' }, trail: { type: 'array', items: { type: 'string' } } }, required: ['n', 'trail'] })
    expect(s.input_schema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } })
    expect((s.input_schema as { required?: string[] }).required).toBeUndefined()
    expect(s.output_schema).toMatchObject({ properties: { trail: { type: 'array' } } })
    const team = await client.assistants.getSchemas('team')
    expect(Object.values((team.state_schema as { properties: Record<string, unknown> }).properties)).toContainEqual({})
  })
})
