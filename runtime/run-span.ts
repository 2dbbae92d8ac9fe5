import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { inSpan } from '../agents/tracing/span-helpers.js'
import { contextOf, formatTraceparent, linkTo } from '../agents/tracing/trace-context.js'
import { ATTR, GEN_AI_OPERATION, SPAN } from '../agents/tracing/trace-names.js'
import type { RunRow, RunStatus } from '../store/run-schema.js'
import { createRunTraceRepo } from '../store/run-trace-repo.js'
import type { Runtime } from './runtime.js'

/**
 * Runs one attempt of a run inside its `invoke_workflow {graph}` span, whose parent is the span the
 * run was queued in (`runs.trace_parent`: the HTTP request's, when it was traced), so nodes, model
 * and tool calls are its descendants. The span links to the thread's previous run (the run a resume
 * continues; one trace per run) and its own context is stored for the next one. Untraced: no reads,
 * no writes, the API's no-op span.
 */
export function inRunSpan<T extends { status: RunStatus; error?: { code: string; message: string } }>(rt: Runtime, run: RunRow, fn: () => Promise<T>): Promise<T> {
  const attributes = {
    [ATTR.operationName]: GEN_AI_OPERATION.workflow,
    [ATTR.agentName]: run.graph,
    [ATTR.conversationId]: run.thread_id,
    [ATTR.threadId]: run.thread_id,
    [ATTR.runId]: run.run_id,
    [ATTR.runAttempt]: run.attempt,
    ...(run.assistant_id ? { [ATTR.assistantId]: run.assistant_id } : {}),
  }
  return inSpan(SPAN.run(run.graph), { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    if (span.isRecording()) {
      const traces = createRunTraceRepo(rt.store.db)
      const previous = linkTo(await traces.previousSpan(run.thread_id, run.ordinal), 'previous_run')
      if (previous) span.addLink(previous)
      await traces.setSpan(run.run_id, formatTraceparent(span.spanContext()))
    }
    const settled = await fn()
    span.setAttribute(ATTR.runStatus, settled.status)
    if (settled.status === 'error') {
      span.setAttribute(ATTR.errorType, settled.error?.code ?? '_OTHER')
      span.setStatus({ code: SpanStatusCode.ERROR, message: settled.error?.message ?? 'run failed' })
    }
    return settled
  }, contextOf(run.trace_parent))
}
