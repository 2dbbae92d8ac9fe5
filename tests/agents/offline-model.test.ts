import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages'
import type { AIMessageChunk } from '@langchain/core/messages'
import { tool } from '@langchain/core/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { OfflineChatModel, tokenize } from '../../agents/offline-model.js'

const TASK = 'How does Switchyard keep a run durable?'
const search = tool(async () => 'unused', {
  name: 'search_docs', description: 'Search the docs', schema: z.object({ query: z.string() }),
})
const Handoff = z.object({
  answer: z.string().min(10),
  citations: z.array(z.number().int()),
  confidence: z.enum(['high', 'medium', 'low']),
  score: z.number().min(0).max(1),
  plan: z.object({ steps: z.array(z.object({ title: z.string(), done: z.boolean() })).min(2), owner: z.string().optional() }),
})
const handoffDef = {
  type: 'function',
  function: { name: 'submit_handoff', description: 'Finish', parameters: z.toJSONSchema(Handoff) },
}
const SEARCH_OUTPUT = [
  '[1] Durability (docs/durability.md)',
  'Every step is checkpointed to SQLite before the next one starts. Resume picks up there.',
  '[2] Runs (docs/runs.md)',
  'A run survives a crash! It is replayed from its last checkpoint.',
].join('\n')

describe('OfflineChatModel', () => {
  const model = new OfflineChatModel()

  it('is deterministic, labelled and typed offline', async () => {
    const msgs = [new SystemMessage('Be brief.'), new HumanMessage(TASK)]
    const a = await model.invoke(msgs)
    const b = await model.invoke(msgs)
    expect(a.content).toEqual(b.content)
    expect(a.text.startsWith('[offline model]')).toBe(true)
    expect(a.text).toContain(TASK)
    expect(model._llmType()).toBe('offline')
  })

  it('streams word-ish tokens that add up to the invoke text', async () => {
    const msgs = [new HumanMessage(TASK)]
    const pieces: string[] = []
    for await (const chunk of await model.stream(msgs)) pieces.push(chunk.text)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe((await model.invoke(msgs)).text)
    const tokens: string[] = []
    await model.invoke(msgs, { callbacks: [{ handleLLMNewToken: (t: string) => void tokens.push(t) }] })
    expect(tokens.length).toBeGreaterThan(1)
  })

  it('tokenize loses nothing', () => {
    const text = '  {"a": [1, 2], "b": "x y."}  end ✓ '
    expect(tokenize(text).join('')).toBe(text)
  })

  it('calls search_docs first with the task as query', async () => {
    const reply = await model.bindTools([search, handoffDef]).invoke([new HumanMessage(TASK)])
    expect(reply.tool_calls).toEqual([expect.objectContaining({ id: 'offline_call_1', name: 'search_docs', args: { query: TASK } })])
  })

  it('then submits a schema-valid handoff citing the search results', async () => {
    const history = [
      new HumanMessage(TASK),
      new AIMessage({ content: '', tool_calls: [{ id: 'offline_call_1', name: 'search_docs', args: { query: TASK } }] }),
      new ToolMessage({ content: SEARCH_OUTPUT, tool_call_id: 'offline_call_1', name: 'search_docs' }),
    ]
    const bound = model.bindTools([search, handoffDef])
    const reply = await bound.invoke(history)
    const call = reply.tool_calls?.[0]
    expect(call).toMatchObject({ id: 'offline_call_2', name: 'submit_handoff' })
    const handoff = Handoff.parse(call?.args)
    expect(handoff.confidence).toBe('high')
    expect(handoff.citations).toEqual([1, 2])
    expect(handoff.answer).toBe(
      '[offline model] Based on the retrieved documents: "Every step is checkpointed to SQLite before the next one starts." [1] "A run survives a crash!" [2]',
    )
    expect(handoff.plan.steps).toHaveLength(2)
    expect(handoff.plan.steps[0]?.title).toBe(`[offline model] title: ${TASK}`)

    const chunks: AIMessageChunk[] = []
    for await (const c of await bound.stream(history)) chunks.push(c)
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks[0]?.tool_call_chunks?.[0]).toMatchObject({ id: 'offline_call_2', name: 'submit_handoff' })
    expect(chunks.map((c) => c.tool_call_chunks?.[0]?.args ?? '').join('')).toBe(JSON.stringify(call?.args))
  })

  it('goes straight to submit_handoff without a retrieval tool, and answers in text without tools', async () => {
    const reply = await model.bindTools([handoffDef]).invoke([new HumanMessage(TASK)])
    expect(reply.tool_calls?.[0]?.name).toBe('submit_handoff')
    expect(Handoff.parse(reply.tool_calls?.[0]?.args).citations).toEqual([])
    const plain = await model.bindTools([search]).invoke([
      new HumanMessage(TASK),
      new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'search_docs', args: { query: TASK } }] }),
      new ToolMessage({ content: SEARCH_OUTPUT, tool_call_id: 'c1' }),
    ])
    expect(plain.tool_calls).toEqual([])
    expect(plain.text).toMatch(/^\[offline model\].*\[1\].*\[2\]$/)
  })
})
