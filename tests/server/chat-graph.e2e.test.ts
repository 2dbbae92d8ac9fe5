import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { rawJson, startTestServer, type TestServer } from './server-harness.js'

type Msg = { type: string; content: unknown; tool_calls?: { name: string }[]; name?: string }
type Ev = { event: string; data: unknown }

describe('the built-in chat graph, as chat UIs drive it', () => {
  let s: TestServer
  let queue: RunQueue
  beforeAll(async () => {
    s = await startTestServer({ routes: [runsRoutes] })
    queue = await startRunQueue(s.rt)
  })
  afterAll(async () => { await queue.stop(); await s.close() })

  it('answers a user message after searching the documents, and keeps the conversation on the thread', async () => {
    const t = await s.client.threads.create({ graphId: 'chat' })
    const first = await s.client.runs.wait(t.thread_id, 'chat', { input: { messages: [{ role: 'user', content: 'What is BM25?' }] } }) as { messages: Msg[] }
    expect(first.messages.map((m) => m.type)).toEqual(['human', 'ai', 'tool', 'ai'])
    expect(first.messages[1]!.tool_calls?.[0]?.name).toBe('search_docs')
    expect(first.messages[2]!.name).toBe('search_docs')
    expect(String(first.messages[3]!.content)).toMatch(/^\[offline model\].*What is BM25\?/)

    const second = await s.client.runs.wait(t.thread_id, 'chat', { input: { messages: [{ role: 'user', content: 'And hybrid search?' }] } }) as { messages: Msg[] }
    expect(second.messages).toHaveLength(8)
    expect(String(second.messages.at(-1)!.content)).toContain('And hybrid search?')
    const state = await s.client.threads.getState(t.thread_id)
    expect((state.values as { messages: Msg[] }).messages).toHaveLength(8)
  })

  it('streams the reply token by token (messages-tuple) from the agent node', async () => {
    const t = await s.client.threads.create()
    const events: Ev[] = []
    for await (const e of s.client.runs.stream(t.thread_id, 'chat', { input: { messages: [{ role: 'user', content: 'hello' }] }, streamMode: ['messages-tuple'] })) events.push(e as Ev)
    const chunks = events.filter((e) => e.event === 'messages').map((e) => e.data as [{ content: unknown }, { langgraph_node: string }])
    expect(chunks.length).toBeGreaterThan(1)
    expect(new Set(chunks.map(([, meta]) => meta.langgraph_node))).toContain('agent')
  })

  it('publishes its input schema and refuses input without messages', async () => {
    const schemas = await s.client.assistants.getSchemas('chat')
    expect(schemas.input_schema).toMatchObject({ type: 'object', required: ['messages'] })
    const t = await s.client.threads.create()
    for (const input of [{ messages: [] }, { task: '' }, { messages: 'hi' }, {}]) {
      const r = await rawJson(`${s.url}/threads/${t.thread_id}/runs`, { method: 'POST', body: JSON.stringify({ assistant_id: 'chat', input }) })
      expect([JSON.stringify(input), r.status, r.body.code]).toEqual([JSON.stringify(input), 400, 'VALIDATION'])
    }
  })
})
