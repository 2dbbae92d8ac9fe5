import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { graphAssistantId } from '../../runtime/graph-assistants.js'
import { startTestServer, type TestServer } from './server-harness.js'

describe('assistants routes (official SDK client)', () => {
  let t: TestServer
  beforeAll(async () => { t = await startTestServer() })
  afterAll(async () => { await t.close() })

  it('creates one default assistant per graph with the official uuid5 id', async () => {
    // the LangGraph Platform derives a graph's default assistant id as uuid5(graph_id, NAMESPACE_URL)
    expect(graphAssistantId('sdlc')).toBe('e59156b6-7e0e-5f0f-9474-3e6b7053b708')
    const found = await t.client.assistants.search({ metadata: { created_by: 'system' }, sortBy: 'graph_id', sortOrder: 'asc' })
    expect(found.map((a) => [a.graph_id, a.assistant_id, a.name, a.version])).toEqual([
      ['chat', graphAssistantId('chat'), 'chat', 1],
      ['sdlc', graphAssistantId('sdlc'), 'sdlc', 1],
      ['team', graphAssistantId('team'), 'team', 1],
    ])
    expect(await t.client.assistants.count({ graphId: 'team' })).toBe(1)
  })

  it('gets an assistant by id or by graph name', async () => {
    const byId = await t.client.assistants.get(graphAssistantId('team'))
    expect(byId).toMatchObject({ graph_id: 'team', config: {}, metadata: { created_by: 'system' } })
    expect(await t.client.assistants.get('team')).toEqual(byId)
  })

  it('draws the graph, with and without xray, and publishes its schemas', async () => {
    const g = await t.client.assistants.getGraph('sdlc')
    expect(g.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['__start__', 'analyst', 'review_analyst', 'deployer']))
    expect(g.edges).toContainEqual(expect.objectContaining({ source: '__start__', target: 'analyst' }))
    expect((await t.client.assistants.getGraph('sdlc', { xray: true })).nodes.length).toBe(g.nodes.length)
    const s = await t.client.assistants.getSchemas('sdlc')
    expect(s.graph_id).toBe('sdlc')
    expect(s.input_schema).toMatchObject({ type: 'object', required: ['task'] })
    expect(Object.keys((s.state_schema as { properties: object }).properties)).toEqual(expect.arrayContaining(['task', 'artifacts', 'log']))
    expect(await t.client.assistants.getSubgraphs('sdlc')).toEqual({})
  })

  it('creates, versions, rolls back and deletes an assistant', async () => {
    const a = await t.client.assistants.create({ graphId: 'team', name: 'researcher', metadata: { owner: 'ana' }, config: { recursion_limit: 40 } })
    expect(a).toMatchObject({ graph_id: 'team', name: 'researcher', version: 1, config: { recursion_limit: 40 }, metadata: { owner: 'ana' } })
    await expect(t.client.assistants.create({ graphId: 'team', assistantId: a.assistant_id })).rejects.toMatchObject({ status: 409 })
    expect(await t.client.assistants.create({ graphId: 'team', assistantId: a.assistant_id, ifExists: 'do_nothing' })).toEqual(a)

    const v2 = await t.client.assistants.update(a.assistant_id, { name: 'researcher-2', metadata: { team: 'x' } })
    expect(v2).toMatchObject({ version: 2, name: 'researcher-2', metadata: { owner: 'ana', team: 'x' }, config: { recursion_limit: 40 } })
    const versions = await t.client.assistants.getVersions(a.assistant_id)
    expect(versions.map((v) => [v.version, v.name])).toEqual([[2, 'researcher-2'], [1, 'researcher']])
    expect(await t.client.assistants.getVersions(a.assistant_id, { metadata: { team: 'x' } })).toHaveLength(1)

    const back = await t.client.assistants.setLatest(a.assistant_id, 1)
    expect(back).toMatchObject({ version: 1, name: 'researcher', metadata: { owner: 'ana' } })
    expect(await t.client.assistants.search({ name: 'RESEARCH' })).toEqual([expect.objectContaining({ assistant_id: a.assistant_id })])
    await expect(t.client.assistants.setLatest(a.assistant_id, 9)).rejects.toMatchObject({ status: 404 })

    await t.client.assistants.delete(a.assistant_id)
    await expect(t.client.assistants.get(a.assistant_id)).rejects.toMatchObject({ status: 404 })
  })

  it('pages search results and reports the next offset', async () => {
    for (const name of ['p1', 'p2', 'p3']) await t.client.assistants.create({ graphId: 'sdlc', name, metadata: { page: true } })
    const first = await t.client.assistants.search({ metadata: { page: true }, limit: 2, sortBy: 'name', sortOrder: 'asc', includePagination: true })
    expect(first.assistants.map((a) => a.name)).toEqual(['p1', 'p2'])
    expect(first.next).toBe('2')
    const rest = await t.client.assistants.search({ metadata: { page: true }, limit: 2, offset: 2, sortBy: 'name', sortOrder: 'asc', includePagination: true })
    expect([rest.assistants.map((a) => a.name), rest.next]).toEqual([['p3'], null])
    const picked = await t.client.assistants.search({ metadata: { page: true }, limit: 1, select: ['assistant_id', 'name'] })
    expect(Object.keys(picked[0]!).sort()).toEqual(['assistant_id', 'name'])
  })

  it('refuses an assistant for an unknown graph', async () => {
    await expect(t.client.assistants.create({ graphId: 'nope' })).rejects.toMatchObject({ status: 404 })
  })
})
