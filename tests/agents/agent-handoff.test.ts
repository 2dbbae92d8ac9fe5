import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createAgent, isHandoffError } from '../../agents/agent-node.js'
import { handoffFromText } from '../../agents/handoff.js'
import { createChatModel } from '../../agents/model-provider.js'
import { createRetrieverTool } from '../../agents/retriever-tool.js'
import { AppError, isAppError } from '../../store/app-error.js'
import { startFakeOpenAI } from './fake-openai-server.js'
import type { FakeOpenAI, FakeScript } from './fake-openai-server.js'

const Plan = z.object({ title: z.string(), steps: z.array(z.string()).min(1) })
const spec = { name: 'planner', role: 'Planner', systemPrompt: 'Plan the work.', handoff: Plan }
const VALID = { title: 'Ship it', steps: ['write', 'test'] }

let fake: FakeOpenAI | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
async function agentWith(script: FakeScript, extra: Partial<typeof spec> & { maxToolRounds?: number; tools?: never[] | ReturnType<typeof createRetrieverTool>[] } = {}) {
  fake = await startFakeOpenAI(script)
  const { model } = await createChatModel({ OPENAI_BASE_URL: fake.url, SWITCHYARD_MODEL: 'fake-model' })
  return createAgent({ ...spec, ...extra }, model)
}
async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection')
}

describe('handoff failures', () => {
  it('rejects arguments that fail the schema with AppError HANDOFF', async () => {
    const agent = await agentWith(() => ({ toolCalls: [{ name: 'submit_handoff', arguments: { title: 3 } }] }))
    const err = await caught(agent.run({ task: 'plan' }))
    expect(isAppError(err) && isHandoffError(err)).toBe(true)
    expect(err).toMatchObject({ code: 'HANDOFF', status: 422, details: { agent: 'planner', received: { title: 3 } } })
    const paths = ((err as AppError).details?.issues as { path: string }[]).map((i) => i.path)
    expect(paths).toEqual(['title', 'steps'])
    expect(isHandoffError(new AppError('UPSTREAM', 'x'))).toBe(false)
  })

  it('accepts a handoff written as JSON in prose', async () => {
    const agent = await agentWith(() => `Sure! \`\`\`json\n{"name": "submit_handoff", "arguments": ${JSON.stringify(VALID)}}\n\`\`\``)
    expect((await agent.run({ task: 'plan' })).handoff).toEqual(VALID)
    expect(handoffFromText('no json {here')).toBeUndefined()
    expect(handoffFromText('a {"x": "}"} b')).toEqual({ x: '}' })
  })

  it('nudges after prose, and offers only submit_handoff in the last round', async () => {
    const search = createRetrieverTool({ search: async () => [] })
    const agent = await agentWith(() => ({ toolCalls: [{ name: 'search_docs', arguments: { query: 'again' } }] }), { tools: [search], maxToolRounds: 2 })
    const err = await caught(agent.run({ task: 'plan' }))
    expect(err).toMatchObject({ code: 'HANDOFF', message: expect.stringContaining('within 2 tool rounds') })
    expect(fake?.requests.map((r) => r.tools?.map((t) => t.function.name))).toEqual([
      ['search_docs', 'submit_handoff'], ['search_docs', 'submit_handoff'], ['submit_handoff'],
    ])

    const chatty = await agentWith((_, i) => (i === 0 ? 'Let me think.' : { toolCalls: [{ name: 'submit_handoff', arguments: VALID }] }))
    const out = await chatty.run({ task: 'plan' })
    expect(out).toMatchObject({ handoff: VALID, text: 'Let me think.' })
    expect(fake?.requests[1]?.messages.at(-1)).toMatchObject({ role: 'user', content: expect.stringContaining('submit_handoff') })
  })
})

describe('a LangGraph node retrying on isHandoffError', () => {
  it('re-runs the agent after an invalid handoff and succeeds', async () => {
    const agent = await agentWith((_, i) => ({
      toolCalls: [{ name: 'submit_handoff', arguments: i === 0 ? { title: 'Ship it' } : VALID }],
    }))
    let attempts = 0
    const State = Annotation.Root({ task: Annotation<string>, plan: Annotation<z.infer<typeof Plan>> })
    const graph = new StateGraph(State)
      .addNode('planner', async (s: typeof State.State, config: LangGraphRunnableConfig) => {
        attempts++
        return { plan: (await agent.run({ task: s.task }, config)).handoff }
      }, { retryPolicy: { maxAttempts: 3, retryOn: isHandoffError, initialInterval: 1, jitter: false } })
      .addEdge(START, 'planner').addEdge('planner', END)
      .compile()
    const out = await graph.invoke({ task: 'plan the release' })
    expect(out.plan).toEqual(VALID)
    expect(attempts).toBe(2)
    expect(fake?.requests).toHaveLength(2)
  })
})
