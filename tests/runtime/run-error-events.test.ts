import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraphRegistry, type GraphDefinition } from '../../graphs/registry.js'
import { startRunQueue } from '../../runtime/run-queue.js'
import { STACK_CAP } from '../../runtime/serialize.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { REDACTED, registerSecret } from '../../store/secret-redaction.js'
import { rawJson, startTestServer, type TestServer } from '../server/server-harness.js'

const SECRET = 'sk-live-0123456789abcdefghij'
const S = Annotation.Root({ n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) })
type St = typeof S.State

const graph = (name: string, description: string, build: GraphDefinition['build']): GraphDefinition =>
  ({ name, description, parseInput: (v) => v ?? {}, build })

function recurse(depth: number): never {
  if (depth === 0) throw new RangeError(`deep failure with key ${SECRET}`)
  return recurse(depth - 1)
}

/** `review` loops `LOOPS` times, then `explode` throws; `route` loops the same way, then its router throws. */
const LOOPS = 12
const defs = [
  graph('boom', 'a node that loops, then a node that throws', ({ checkpointer }) => new StateGraph(S)
    .addNode('review', (s: St) => ({ n: s.n + 1 }))
    .addNode('explode', () => { throw new TypeError(`the widget is undefined (key ${SECRET})`) })
    .addEdge(START, 'review')
    .addConditionalEdges('review', (s: St) => (s.n < LOOPS ? 'review' : 'explode'), ['review', 'explode'])
    .addEdge('explode', END)
    .compile({ checkpointer })),
  graph('router', 'a node that loops, then its router throws', ({ checkpointer }) => new StateGraph(S)
    .addNode('review', (s: St) => ({ n: s.n + 1 }))
    .addEdge(START, 'review')
    .addConditionalEdges('review', (s: St) => { if (s.n >= 3) throw new Error('no route for 3'); return 'review' }, ['review', END])
    .compile({ checkpointer })),
  graph('deep', 'a node whose error has a very long stack', ({ checkpointer }) => new StateGraph(S)
    .addNode('dig', () => {
      // Node keeps 10 frames by default: a deep stack as a recursive tool or parser leaves
      const was = Error.stackTraceLimit
      Error.stackTraceLimit = 1_000
      try { return recurse(400) } finally { Error.stackTraceLimit = was }
    })
    .addEdge(START, 'dig').addEdge('dig', END)
    .compile({ checkpointer })),
]

interface LoggedEvent { seq: number; event: string; data: Record<string, unknown> }

describe('a run whose node throws keeps every event before the error in its log, and the error carries its stack', () => {
  let api: TestServer
  let queue: Awaited<ReturnType<typeof startRunQueue>>
  beforeAll(async () => {
    registerSecret(SECRET)
    const registry = new GraphRegistry()
    for (const d of defs) registry.register(d)
    api = await startTestServer({ registry, routes: [runsRoutes] })
    queue = await startRunQueue(api.rt)
  })
  afterAll(async () => {
    await queue?.stop()
    await api?.close()
  })

  const runToFailure = async (graphId: string) => {
    const t = await api.client.threads.create()
    const run = await api.client.runs.create(t.thread_id, graphId, { input: { n: 0 }, streamMode: ['values', 'updates', 'tasks'] })
    await api.client.runs.join(t.thread_id, run.run_id)
    expect((await api.client.runs.get(t.thread_id, run.run_id)).status).toBe('error')
    const res = await rawJson(`${api.url}/api/threads/${t.thread_id}/runs/${run.run_id}/events`)
    expect(res.status).toBe(200)
    const history = await api.client.threads.getHistory(t.thread_id, { limit: 100 })
    return { events: res.body as unknown as LoggedEvent[], history, threadId: t.thread_id, runId: run.run_id }
  }
  const starts = (events: LoggedEvent[], name: string) => events.filter((e) => e.event === 'tasks' && e.data.name === name && 'input' in e.data)
  const results = (events: LoggedEvent[], name: string) => events.filter((e) => e.event === 'tasks' && e.data.name === name && 'result' in e.data)

  it('a node that ran 12 times, then a node that threw: 12 review tasks, the failing task\'s start, then the error (HTTP event log)', async () => {
    const { events, history } = await runToFailure('boom')
    // what the checkpoints say ran (each review step left one), the log says too
    const reviewSteps = history.filter((c) => c.next.includes('review')).length
    expect(reviewSteps).toBe(LOOPS)
    expect(starts(events, 'review')).toHaveLength(LOOPS)
    expect(results(events, 'review')).toHaveLength(LOOPS)
    expect(events.filter((e) => e.event === 'updates')).toHaveLength(LOOPS)
    expect(starts(events, 'explode')).toHaveLength(1)
    // the failing task's result is there too, its error redacted (LangGraph gives it class and message)
    const failed = results(events, 'explode')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.data.error).toMatchObject({ name: 'TypeError', message: `the widget is undefined (key ${REDACTED})` })
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i))
    const last = events.at(-1)!
    expect(last.event).toBe('error')
    expect(last.data).toMatchObject({ error: 'TypeError', message: `the widget is undefined (key ${REDACTED})` })
    const stack = last.data.stack as string
    expect(stack.split('\n')[0]).toBe(`TypeError: the widget is undefined (key ${REDACTED})`)
    expect(stack).toMatch(/\n\s+at /)
    expect(JSON.stringify(events)).not.toContain(SECRET)
  })

  it('a router that threw: the loops before it are in the log, the error names the router\'s message with its stack', async () => {
    const { events } = await runToFailure('router')
    expect(starts(events, 'review')).toHaveLength(3)
    const last = events.at(-1)!
    expect(last).toMatchObject({ event: 'error', data: { error: 'Error', message: 'no route for 3' } })
    expect(last.data.stack as string).toContain('no route for 3')
    expect(last.data.stack as string).toMatch(/\n\s+at /)
  })

  it('a stack longer than the cap is cut, redacted, and says how much was left out', async () => {
    const { events } = await runToFailure('deep')
    const err = events.at(-1)!
    expect(err.event).toBe('error')
    const stack = err.data.stack as string
    expect(stack.startsWith(`RangeError: deep failure with key ${REDACTED}`)).toBe(true)
    expect(stack.length).toBeLessThanOrEqual(STACK_CAP + 60)
    expect(stack).toMatch(/… \(\d+ more characters\)$/)
    expect(stack).not.toContain(SECRET)
  })
})
