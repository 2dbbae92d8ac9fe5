import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnyGraph, GraphDefinition } from '../../graphs/registry.js'
import { loadGraphs } from '../../graphs/graph-loader.js'
import { nestedGraph } from './nested-graph.js'
import { startTestServer, type TestServer } from './server-harness.js'

const S = Annotation.Root({ n: Annotation<number> })
/** A router without a path map: LangGraph can only draw it as able to reach every node. */
const fanout: GraphDefinition = {
  name: 'fanout',
  description: 'test graph: a router with no path map',
  parseInput: (i) => i,
  build: (d) => new StateGraph(S)
    .addNode('route', () => ({}))
    .addNode('a', () => ({ n: 1 }))
    .addNode('b', () => ({ n: 2 }))
    .addNode('c', () => ({ n: 3 }))
    .addEdge(START, 'route')
    .addConditionalEdges('route', (s) => (s.n ? END : 'a'))
    .addEdge('a', END).addEdge('b', END).addEdge('c', END)
    .compile({ checkpointer: d.checkpointer }) as unknown as AnyGraph,
}

interface Drawn { nodes: { id: string; metadata?: Record<string, unknown> }[]; edges: { source: string; target: string; conditional?: boolean }[] }

describe('GET /assistants/{id}/graph: node kinds and routers without a path map', () => {
  let api: TestServer
  beforeAll(async () => {
    // the built-ins, the YAML workflows of workflows/, and two test graphs
    const loaded = await loadGraphs()
    loaded.registry.register(nestedGraph)
    loaded.registry.register(fanout)
    api = await startTestServer({ registry: loaded })
  })
  afterAll(async () => { await api?.close() })

  const graph = async (id: string, xray = true) => await api.client.assistants.getGraph(id, { xray }) as unknown as Drawn
  const kinds = (g: Drawn) => Object.fromEntries(g.nodes.map((n) => [n.id, n.metadata?.kind ?? null]))

  it('names the kind of each built-in node: agents, human gates, tools', async () => {
    expect(kinds(await graph('sdlc'))).toMatchObject({ __start__: null, analyst: 'agent', review_analyst: 'human', deployer: 'agent', review_deployer: 'human', __end__: null })
    const chat = await graph('chat')
    expect(kinds(chat)).toMatchObject({ agent: 'agent', tools: 'tool' })
    // LangGraph's own metadata stays beside ours
    expect(chat.nodes.find((n) => n.id === 'tools')?.metadata).toEqual({ kind: 'tool', __tools: ['search_docs'] })
    expect(kinds(await graph('team'))).toMatchObject({ driver: 'agent', researcher: 'agent', report: 'step' })
  })

  it('gives YAML steps their step type', async () => {
    const g = await graph('greenfield-sdlc')
    const meta = Object.fromEntries(g.nodes.map((n) => [n.id, n.metadata]))
    expect(meta.analyst).toEqual({ kind: 'agent', step_type: 'agent' })
    expect(meta.analysis_gate).toEqual({ kind: 'human', step_type: 'human' })
    expect(meta.__outputs__).toEqual({ kind: 'outputs' })
    const migration = await graph('code-migration')
    expect(migration.nodes.map((n) => n.metadata?.step_type).filter(Boolean).length).toBeGreaterThan(1)
    expect(migration.nodes.some((n) => n.metadata?.kind === 'step')).toBe(true)
  })

  it('flags a router without a path map, and only that one', async () => {
    const g = await graph('fanout')
    expect(g.nodes.find((n) => n.id === 'route')?.metadata).toEqual({ branch_targets: 'unknown' })
    // LangGraph's drawing is the fan-out the flag warns about
    expect(g.edges.filter((e) => e.source === 'route' && e.conditional).map((e) => e.target).sort()).toEqual(['__end__', 'a', 'b', 'c'])
    for (const id of ['sdlc', 'team', 'chat']) {
      expect((await graph(id)).nodes.filter((n) => n.metadata?.branch_targets), id).toEqual([])
    }
  })

  it('draws a declared subgraph\'s nodes under its name with xray, and the subgraph as one node without', async () => {
    expect((await graph('nested', true)).nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['helper', 'child:outline', 'child:review', 'finish']))
    expect((await graph('nested', false)).nodes.map((n) => n.id)).toEqual(['__start__', 'helper', 'child', 'finish', '__end__'])
  })
})
