import { AIMessageChunk } from '@langchain/core/messages'
import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createAgent } from '../../agents/agent-node.js'
import type { AgentSpec } from '../../agents/agent-node.js'
import { createChatModel } from '../../agents/model-provider.js'
import { OfflineChatModel } from '../../agents/offline-model.js'
import { createRetrieverTool } from '../../agents/retriever-tool.js'
import type { DocHit, DocSearch } from '../../agents/retriever-tool.js'
import { fakeArgs, startFakeOpenAI } from './fake-openai-server.js'
import type { FakeOpenAI } from './fake-openai-server.js'

const TASK = 'How does Switchyard keep a run durable?'
const HITS: DocHit[] = [
  { id: 1, docId: 1, title: 'Durability', chunk: 'Each step is checkpointed before the next. More text.', score: 2, source: 'docs/durability.md' },
  { id: 7, docId: 3, title: 'Resume', chunk: 'A crashed run resumes from its last checkpoint.', score: 1, source: 'docs/resume.md' },
]
const docs: DocSearch = { search: async () => HITS }
const Research = z.object({
  answer: z.string(),
  citations: z.array(z.number().int()),
  confidence: z.enum(['low', 'medium', 'high']),
  followUps: z.array(z.object({ question: z.string(), priority: z.number().min(1).max(3) })).min(1),
})
const spec: AgentSpec<typeof Research> = {
  name: 'researcher', role: 'Researcher', systemPrompt: 'Answer from the documents; cite [n].',
  tools: [createRetrieverTool(docs)], handoff: Research,
}

/** A one-node graph running the agent, streamed in "messages" mode so token chunks are visible. */
async function streamAgentInGraph(agent: ReturnType<typeof createAgent<typeof Research>>) {
  const State = Annotation.Root({ task: Annotation<string>, result: Annotation<z.infer<typeof Research>> })
  const graph = new StateGraph(State)
    .addNode('agent', async (s: typeof State.State, config: LangGraphRunnableConfig) => ({ result: (await agent.run({ task: s.task }, config)).handoff }))
    .addEdge(START, 'agent').addEdge('agent', END)
    .compile()
  const chunks: AIMessageChunk[] = []
  let result: z.infer<typeof Research> | undefined
  for await (const [mode, data] of await graph.stream({ task: TASK }, { streamMode: ['messages', 'values'] })) {
    if (mode === 'messages' && AIMessageChunk.isInstance(data[0])) chunks.push(data[0])
    if (mode === 'values' && data.result) result = data.result
  }
  return { chunks, result }
}

describe('createAgent with the offline model', () => {
  it('searches, then hands off a schema-valid, cited result', async () => {
    const agent = createAgent(spec, new OfflineChatModel())
    const out = await agent.run({ task: TASK, context: 'The user is an operator.' })
    expect(out.toolCalls).toHaveLength(1)
    expect(out.toolCalls[0]).toMatchObject({ name: 'search_docs', args: { query: TASK }, artifact: HITS })
    expect(out.toolCalls[0]?.output).toContain('[2] Resume (docs/resume.md)')
    expect(out.handoff.citations).toEqual([1, 2])
    expect(out.handoff.answer).toContain('"Each step is checkpointed before the next." [1]')
    expect(out.handoff.confidence).toBe('low')
    expect(await agent.run({ task: TASK })).toEqual(await agent.run({ task: TASK }))
  })

  it('streams tokens through a LangGraph node', async () => {
    const { chunks, result } = await streamAgentInGraph(createAgent(spec, new OfflineChatModel()))
    expect(chunks.length).toBeGreaterThan(2)
    const names = chunks.flatMap((c) => c.tool_call_chunks ?? []).map((c) => c.name).filter(Boolean)
    expect(names).toEqual(['search_docs', 'submit_handoff'])
    expect(Research.parse(result).citations).toEqual([1, 2])
  })
})

describe('createAgent with ChatOpenAICompletions against the fake server', () => {
  let fake: FakeOpenAI
  beforeAll(async () => {
    fake = await startFakeOpenAI()
  })
  afterAll(async () => {
    await fake.close()
  })

  it('offers the tools, streams, and returns the handoff the server sent', async () => {
    const { model, offline } = await createChatModel({ OPENAI_BASE_URL: fake.url, SWITCHYARD_MODEL: 'fake-model' })
    expect(offline).toBe(false)
    const before = fake.requests.length
    const { chunks, result } = await streamAgentInGraph(createAgent(spec, model))
    const seen = fake.requests.slice(before)
    expect(seen).toHaveLength(2)
    expect(seen.every((r) => r.stream === true && r.model === 'fake-model')).toBe(true)
    expect(seen[0]?.tools?.map((t) => t.function.name)).toEqual(['search_docs', 'submit_handoff'])
    expect(seen[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('[1] Durability') })
    const expected = fakeArgs(seen[0]?.tools?.[1]?.function.parameters ?? {})
    expect(result).toEqual(expected)
    expect(result?.confidence).toBe('high')
    const streamedArgs = chunks.flatMap((c) => c.tool_call_chunks ?? []).filter((c) => c.index === 0).map((c) => c.args ?? '').join('')
    expect(streamedArgs).toContain(JSON.stringify(expected))
  })
})
