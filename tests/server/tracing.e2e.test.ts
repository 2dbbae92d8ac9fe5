import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ATTR } from '../../agents/tracing/trace-names.js'
import { loadGraphs } from '../../graphs/graph-loader.js'
import { startRunQueue, type RunQueue } from '../../runtime/run-queue.js'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { defaultFakeScript, fakeArgs, startFakeOpenAI, type FakeOpenAI } from '../agents/fake-openai-server.js'
import { contentText } from '../agents/fake-openai-script.js'
import { childrenOf, descendants, parentOf, spanId, startMemoryTracing, traceId, treeOf, type MemoryTracing } from '../agents/tracing/memory-tracing.js'

interface Harness { rt: Runtime; srv: RunningServer; queue: RunQueue; client: Client; stop(): Promise<void> }

const FLAKY = `name: flaky
version: 1
steps:
  - id: flaky
    type: shell
    retry: { limit: 2, backoff: { initial: 1ms } }
    with:
      run: [sh, -c, "test -f flaky-done || { touch flaky-done; exit 3; }"]
  - id: after
    type: template
    needs: flaky
    with: { path: after.txt, template: done }
`

async function boot(dir: string, env: Record<string, string> = {}): Promise<Harness> {
  mkdirSync(join(dir, 'workflows'), { recursive: true })
  writeFileSync(join(dir, 'workflows/flaky.yaml'), FLAKY)
  const registry = await loadGraphs({ workflowsDir: join(dir, 'workflows'), workspaceRoot: dir })
  const rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline', ...env }, registry })
  const queue = await startRunQueue(rt)
  const srv = await startServer({ rt, port: 0, routes: [runsRoutes] })
  const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0 } })
  return { rt, srv, queue, client, stop: async () => { await srv.close(); await queue.stop(); await rt.close() } }
}

const runSpanOf = (runId: string) => (spans: ReadableSpan[]) =>
  spans.find((s) => s.name.startsWith('invoke_workflow ') && s.attributes[ATTR.runId] === runId)
const CONTENT_KEYS = [ATTR.inputMessages, ATTR.outputMessages, ATTR.toolCallArguments, ATTR.toolCallResult, ATTR.retrievalQuery, ATTR.retrievalDocuments]

describe('OpenTelemetry spans of runs served over HTTP (offline model)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-trace-'))
  let t: MemoryTracing
  let h: Harness
  beforeAll(async () => {
    t = await startMemoryTracing()
    h = await boot(dir)
  })
  afterAll(async () => {
    await h.stop()
    await t.tracing.shutdown()
    rmSync(dir, { recursive: true, force: true })
  })
  afterEach(() => { delete process.env.SWITCHYARD_TRACE_CONTENT; t.exporter.reset() })

  it('a team run: the run inside its HTTP request, nodes inside the run, model, tool and retrieval spans inside their node', async () => {
    const th = await h.client.threads.create()
    await h.client.runs.wait(th.thread_id, 'team', { input: { task: 'What is BM25?' } })
    const [run] = await h.client.runs.list(th.thread_id)
    const spans = await t.waitFor('the run span', runSpanOf(run!.run_id))
      .then(() => t.spans())
    const runSpan = runSpanOf(run!.run_id)(spans)!
    expect(runSpan.name).toBe('invoke_workflow team')
    expect(runSpan.attributes).toMatchObject({
      [ATTR.operationName]: 'invoke_workflow', [ATTR.agentName]: 'team', [ATTR.threadId]: th.thread_id,
      [ATTR.conversationId]: th.thread_id, [ATTR.runId]: run!.run_id, [ATTR.assistantId]: run!.assistant_id, [ATTR.runStatus]: 'success',
    })
    const http = spans.find((s) => spanId(s) === parentOf(runSpan))!
    expect(http.name).toBe('POST /threads/:thread_id/runs/wait')
    expect(http.kind).toBe(SpanKind.SERVER)
    expect(http.attributes[ATTR.httpStatus]).toBe(200)

    const tree = treeOf(spans, runSpan)
    expect(tree.children.map((c) => c.name)).toEqual([
      'invoke_agent driver', 'invoke_agent researcher', 'invoke_agent driver', 'invoke_agent generator', 'invoke_agent driver', 'node report',
    ])
    const researcher = childrenOf(spans, runSpan)[1]!
    expect(treeOf(spans, researcher).children).toEqual([
      { name: 'chat offline', children: [] },
      { name: 'execute_tool search_docs', children: [{ name: 'retrieval', children: [] }] },
      { name: 'chat offline', children: [] },
    ])
    const [chat, tool] = childrenOf(spans, researcher)
    expect(chat!.kind).toBe(SpanKind.CLIENT)
    expect(chat!.attributes).toMatchObject({
      [ATTR.operationName]: 'chat', [ATTR.providerName]: 'switchyard.offline', [ATTR.requestModel]: 'offline',
      [ATTR.responseModel]: 'offline', [ATTR.finishReasons]: ['tool_calls'],
    })
    expect(chat!.attributes[ATTR.inputTokens]).toBeGreaterThan(10)
    expect(chat!.attributes[ATTR.outputTokens]).toBeGreaterThan(0)
    expect(tool!.attributes).toMatchObject({ [ATTR.operationName]: 'execute_tool', [ATTR.toolName]: 'search_docs', [ATTR.toolCallId]: expect.any(String) })
    expect(String(tool!.attributes[ATTR.toolCallId])).not.toBe('')
    expect(tool!.status.code).not.toBe(SpanStatusCode.ERROR)
    // one trace: the request's
    for (const s of descendants(spans, runSpan)) expect(traceId(s)).toBe(traceId(http))
    // no content by default
    for (const s of spans) for (const k of CONTENT_KEYS) expect(s.attributes[k], `${s.name} ${k}`).toBeUndefined()
  })

  it("a run queued in the background lands in the trace of the request's traceparent", async () => {
    const caller = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }
    const traced = new Client({ apiUrl: h.srv.url, apiKey: null, callerOptions: { maxRetries: 0 }, defaultHeaders: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` } })
    const th = await h.client.threads.create()
    const run = await traced.runs.create(th.thread_id, 'team', { input: { task: 'Where do runs wait?' } })
    await h.client.runs.join(th.thread_id, run.run_id)
    const runSpan = await t.waitFor('the run span', runSpanOf(run.run_id))
    const spans = await t.spans()
    expect(traceId(runSpan)).toBe(caller.traceId)
    const http = spans.find((s) => spanId(s) === parentOf(runSpan))!
    expect(http.name).toBe('POST /threads/:thread_id/runs')
    expect(parentOf(http)).toBe(caller.spanId)
    expect(descendants(spans, runSpan).length).toBeGreaterThan(10)
  })

  it('an sdlc run and its resume: one trace each, the resume linked to the interrupted run; the gate is an interrupt, not an error', async () => {
    const th = await h.client.threads.create()
    await h.client.runs.wait(th.thread_id, 'sdlc', { input: { task: 'A URL shortener' } })
    await h.client.runs.wait(th.thread_id, 'sdlc', { command: { resume: { action: 'approve' } } })
    const runs = (await h.client.runs.list(th.thread_id)).reverse()
    expect(runs.map((r) => r.status)).toEqual(['success', 'success'])
    const first = await t.waitFor('the first run span', runSpanOf(runs[0]!.run_id))
    const second = await t.waitFor('the resumed run span', runSpanOf(runs[1]!.run_id))
    const spans = await t.spans()
    expect(traceId(first)).not.toBe(traceId(second))
    expect(second.links).toEqual([expect.objectContaining({
      context: expect.objectContaining({ traceId: traceId(first), spanId: spanId(first) }),
      attributes: { [ATTR.linkType]: 'previous_run' },
    })])
    expect(childrenOf(spans, first).map((s) => s.name)).toEqual(['invoke_agent analyst', 'node review_analyst'])
    const gate = childrenOf(spans, first)[1]!
    expect(gate.attributes[ATTR.nodeInterrupted]).toBe(true)
    expect(gate.status.code).toBe(SpanStatusCode.UNSET)
    // the resume re-enters the gate, then the architect works
    expect(childrenOf(spans, second).map((s) => s.name).slice(0, 2)).toEqual(['node review_analyst', 'invoke_agent architect'])
  })

  it('a YAML run: one span per step with its type and attempts, one per attempt of the retried step', async () => {
    const th = await h.client.threads.create()
    await h.client.runs.wait(th.thread_id, 'flaky', { input: {} })
    const [run] = await h.client.runs.list(th.thread_id)
    expect(run!.status).toBe('success')
    const runSpan = await t.waitFor('the run span', runSpanOf(run!.run_id))
    const spans = await t.spans()
    const steps = childrenOf(spans, runSpan).filter((s) => s.name.startsWith('step '))
    expect(steps.map((s) => s.name)).toEqual(['step flaky', 'step after'])
    expect(steps[0]!.attributes).toMatchObject({ [ATTR.stepType]: 'shell', [ATTR.stepStatus]: 'succeeded', [ATTR.stepAttempts]: 2, [ATTR.stepCacheHit]: false })
    const attempts = childrenOf(spans, steps[0]!)
    expect(attempts.map((s) => [s.name, s.attributes[ATTR.stepAttempt], s.status.code])).toEqual([
      ['step_attempt flaky', 1, SpanStatusCode.ERROR], ['step_attempt flaky', 2, SpanStatusCode.UNSET],
    ])
    expect(attempts[0]!.attributes[ATTR.errorType]).toEqual(expect.any(String))
    expect(attempts[0]!.events.map((e) => e.name)).toEqual(['exception'])
    expect(steps[1]!.attributes).toMatchObject({ [ATTR.stepType]: 'template', [ATTR.stepAttempts]: 1 })
  })

  it('SWITCHYARD_TRACE_CONTENT=1 puts messages, tool arguments and results and the retrieval query on the spans', async () => {
    process.env.SWITCHYARD_TRACE_CONTENT = '1'
    const th = await h.client.threads.create()
    await h.client.runs.wait(th.thread_id, 'team', { input: { task: 'What is BM25?' } })
    const [run] = await h.client.runs.list(th.thread_id)
    const runSpan = await t.waitFor('the run span', runSpanOf(run!.run_id))
    const all = descendants(await t.spans(), runSpan)
    const chat = all.find((s) => s.name === 'chat offline')!
    const input = JSON.parse(String(chat.attributes[ATTR.inputMessages])) as { role: string; parts: { content?: string }[] }[]
    expect(input.map((m) => m.role)).toEqual(['system', 'user'])
    expect(input[1]!.parts[0]!.content).toBe('What is BM25?')
    expect(JSON.parse(String(chat.attributes[ATTR.outputMessages]))[0]).toMatchObject({ role: 'assistant', finish_reason: 'tool_calls' })
    const tool = all.find((s) => s.name === 'execute_tool search_docs')!
    expect(JSON.parse(String(tool.attributes[ATTR.toolCallArguments]))).toEqual({ query: expect.any(String) })
    // the test database has no documents: the tool says so
    expect(tool.attributes[ATTR.toolCallResult]).toBe('No documents matched.')
    const retrieval = all.find((s) => s.name === 'retrieval')!
    expect(retrieval.attributes[ATTR.retrievalQuery]).toEqual(expect.any(String))
    expect(retrieval.attributes[ATTR.retrievalDocuments]).toBe('[]')
    expect(retrieval.attributes[ATTR.retrievalHits]).toBe(0)
  })
})

describe('spans of a run on an OpenAI-compatible endpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-trace-oai-'))
  let t: MemoryTracing
  let h: Harness
  let fake: FakeOpenAI
  let refuse = false
  const realFetch = globalThis.fetch
  const activeAtFetch: { url: string; span?: string }[] = []
  beforeAll(async () => {
    t = await startMemoryTracing()
    // the researcher's first search is sent with a number for a query: the tool fails, the agent goes on
    fake = await startFakeOpenAI((body, i) => {
      if (refuse) return { status: 400, error: 'this model is gone' }
      const tools = (body.tools ?? []).map((x) => x.function.name)
      const system = contentText(body.messages[0]?.content)
      const handoff = body.tools?.find((x) => x.function.name === 'submit_handoff')
      if (system.includes('agent "driver"') && handoff) {
        // the driver sends the task to the researcher first, then to the report
        const args = { ...(fakeArgs(handoff.function.parameters ?? {}) as object), next: system.includes('No step has run yet') ? 'researcher' : 'report' }
        return { toolCalls: [{ name: 'submit_handoff', arguments: args }] }
      }
      const answered = body.messages.some((m) => m.role === 'tool')
      if (tools.includes('search_docs') && !answered) return { toolCalls: [{ name: 'search_docs', arguments: { query: 42 } }] }
      return defaultFakeScript(body, i)
    })
    // what an instrumented fetch would see: the span active while the model's request is made
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
      activeAtFetch.push({ url: String(input instanceof Request ? input.url : input), span: trace.getActiveSpan()?.spanContext().spanId })
      return realFetch(input, init)
    }) as typeof fetch
    h = await boot(dir, { OPENAI_BASE_URL: fake.url, SWITCHYARD_MODEL: 'fake-model' })
  })
  afterAll(async () => {
    globalThis.fetch = realFetch
    await h.stop()
    await fake.close()
    await t.tracing.shutdown()
    rmSync(dir, { recursive: true, force: true })
  })

  it('chat spans carry the endpoint, usage and finish reasons, each model request is made inside its chat span, a failing tool is a failed span', async () => {
    const th = await h.client.threads.create()
    await h.client.runs.wait(th.thread_id, 'team', { input: { task: 'What is BM25?' } })
    const [run] = await h.client.runs.list(th.thread_id)
    expect(run!.status).toBe('success')
    const runSpan = await t.waitFor('the run span', runSpanOf(run!.run_id))
    const all = descendants(await t.spans(), runSpan)
    const chats = all.filter((s) => s.name === 'chat fake-model')
    expect(chats.length).toBe(fake.requests.length)
    expect(chats[0]!.attributes).toMatchObject({
      [ATTR.providerName]: 'openai', [ATTR.requestModel]: 'fake-model', [ATTR.responseModel]: 'fake-model',
      [ATTR.serverAddress]: '127.0.0.1', [ATTR.serverPort]: Number(new URL(fake.url).port),
      [ATTR.finishReasons]: ['tool_calls'], [ATTR.inputTokens]: 10, [ATTR.outputTokens]: 5,
    })
    const modelFetches = activeAtFetch.filter((f) => f.url.startsWith(fake.url))
    expect(modelFetches.map((f) => f.span)).toEqual(chats.map(spanId))
    const tool = all.find((s) => s.name === 'execute_tool search_docs')
    if (!tool) console.log(JSON.stringify(treeOf(await t.spans(), runSpan), null, 1))
    expect(tool!.status.code).toBe(SpanStatusCode.ERROR)
    expect(tool!.attributes[ATTR.errorType]).toEqual(expect.any(String))
    expect(tool!.events.map((e) => e.name)).toContain('exception')
    expect(all.find((s) => s.name === 'invoke_agent researcher')!.status.code).toBe(SpanStatusCode.UNSET)
  })

  it('a model endpoint answering 500 fails the chat span with error.type', async () => {
    const th = await h.client.threads.create()
    refuse = true
    await h.client.runs.wait(th.thread_id, 'team', { input: { task: 'x' } }).catch(() => undefined)
    const [run] = await h.client.runs.list(th.thread_id)
    expect(run!.status).toBe('error')
    const runSpan = await t.waitFor('the run span', runSpanOf(run!.run_id))
    expect(runSpan.status.code).toBe(SpanStatusCode.ERROR)
    const chat = descendants(await t.spans(), runSpan).find((s) => s.name === 'chat fake-model')!
    expect(chat.status.code).toBe(SpanStatusCode.ERROR)
    expect(chat.attributes[ATTR.errorType]).toEqual(expect.any(String))
  })
})
