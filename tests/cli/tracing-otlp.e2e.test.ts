import { Client } from '@langchain/langgraph-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resultOf, runCli, spawnServe, stopChild, tempDb } from './cli-harness.js'
import { startOtlpReceiver } from './otlp-receiver.js'

const CALLER = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }

/** Tracing configured only by the standard OpenTelemetry variables, on the real CLI and `switchyard serve`, exported to a collector on loopback. */
describe('OTLP/HTTP export from the environment', () => {
  const t = tempDb()
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>
  const env = () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k123',
    OTEL_SERVICE_NAME: 'sy-otlp-test',
    // nothing leaves before shutdown: the spans the collector gets prove the flush at exit
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  })
  beforeAll(async () => { otlp = await startOtlpReceiver() })
  afterAll(async () => { await otlp.close(); t.cleanup() })

  it('switchyard serve exports its spans when it shuts down gracefully: the request under the caller, the run under the request', async () => {
    const serve = spawnServe(['--db', t.db], env())
    let code: number | null
    let runId: string
    try {
      const client = new Client({ apiUrl: await serve.url, apiKey: null, callerOptions: { maxRetries: 0 }, defaultHeaders: { traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01` } })
      const th = await client.threads.create()
      await client.runs.wait(th.thread_id, 'team', { input: { task: 'What is BM25?' } })
      runId = (await client.runs.list(th.thread_id))[0]!.run_id
      expect(otlp.spans).toHaveLength(0)
    } finally {
      code = await stopChild(serve.child)
    }
    expect(code).toBe(0)
    expect(otlp.requests[0]).toMatchObject({ path: '/v1/traces', headers: expect.objectContaining({ 'x-collector-key': 'k123' }) })
    const run = otlp.spans.find((s) => s.name === 'invoke_workflow team' && s.attributes['switchyard.run.id'] === runId)!
    expect(run).toMatchObject({ service: 'sy-otlp-test', scope: 'switchyard', traceId: CALLER.traceId, kind: 1 })
    const request = otlp.spans.find((s) => s.spanId === run.parentSpanId)!
    expect(request).toMatchObject({ name: 'POST /threads/:thread_id/runs/wait', kind: 2, parentSpanId: CALLER.spanId })
    expect(request.attributes['http.response.status_code']).toBe(200)
    const chat = otlp.spans.find((s) => s.name === 'chat offline' && s.traceId === CALLER.traceId)!
    expect(chat.kind).toBe(3)
    expect(chat.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'switchyard.offline', 'gen_ai.response.finish_reasons': ['tool_calls'] })
    expect(otlp.spans.filter((s) => s.traceId === CALLER.traceId).map((s) => s.name)).toEqual(expect.arrayContaining(['invoke_agent researcher', 'execute_tool search_docs', 'retrieval', 'node report']))
  })

  it('switchyard run exports before it exits, under the TRACEPARENT it was given', async () => {
    otlp.spans.length = 0
    const r = await runCli(['run', 'team', '--input', 'What is a checkpoint?', '--db', t.db, '--json'], { ...env(), TRACEPARENT: `00-${CALLER.traceId}-${CALLER.spanId}-01` })
    expect(r.code).toBe(0)
    const { run_id: runId } = resultOf(r)
    const run = otlp.spans.find((s) => s.name === 'invoke_workflow team')!
    expect(run).toMatchObject({ traceId: CALLER.traceId, parentSpanId: CALLER.spanId, service: 'sy-otlp-test' })
    expect(run.attributes['switchyard.run.id']).toBe(runId)
    expect(otlp.spans.filter((s) => s.parentSpanId === run.spanId).map((s) => s.name)[0]).toBe('invoke_agent driver')
  })

  it('an unknown OTEL_TRACES_EXPORTER is a usage error naming the supported ones', async () => {
    const r = await runCli(['graphs'], { OTEL_TRACES_EXPORTER: 'zipkin' })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('OTEL_TRACES_EXPORTER: unsupported exporter zipkin (supported: otlp, console, none)')
  })
})
