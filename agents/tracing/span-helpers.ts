import { isGraphBubbleUp } from '@langchain/langgraph'
import { context, SpanStatusCode, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api'
import { isAppError } from '../../store/app-error.js'
import { redactError, redactText } from '../../store/secret-redaction.js'
import { ATTR, TRACE_CONTENT_ENV, TRACER_NAME } from './trace-names.js'

/**
 * The tracer of the global OpenTelemetry API. With no SDK registered it is the API's no-op tracer
 * (nothing is recorded or allocated beyond a non-recording span); with {@link startTracing}'s SDK,
 * or one the embedding application registered, spans are recorded. Looked up per call, so a provider
 * registered later (or replaced in tests) is used.
 */
export const tracer = (): Tracer => trace.getTracer(TRACER_NAME)

/** Whether message contents, tool arguments and results and retrieval queries go on spans (`SWITCHYARD_TRACE_CONTENT=1`). */
export const traceContent = (): boolean => {
  const v = process.env[TRACE_CONTENT_ENV]
  return v === '1' || v === 'true'
}

/** A low-cardinality class of an error for `error.type`: its AppError code, else its name. */
export function errorType(e: unknown): string {
  if (isAppError(e)) return e.code
  if (e instanceof Error && e.name) return e.name
  return '_OTHER'
}

/** Marks a span failed: status ERROR with the message, `error.type`, and the exception as an event. */
export function failSpan(span: Span, e: unknown): void {
  if (!span.isRecording()) return
  redactError(e)
  span.setAttribute(ATTR.errorType, errorType(e))
  span.recordException(e instanceof Error ? e : redactText(String(e)))
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : redactText(String(e)) })
}

/**
 * Runs `fn` inside a new active span (so spans started and requests made inside it are its children)
 * and ends it. A throw marks it failed, except LangGraph's interrupts and parent commands, which are
 * control flow (the span gets `switchyard.node.interrupted`).
 *
 * @example
 * await inSpan(SPAN.tool('search_docs'), { attributes: { [ATTR.toolName]: 'search_docs' } }, async (span) => tool.invoke(call))
 */
export function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  return tracer().startActiveSpan(name, opts, parent ?? context.active(), async (span) => {
    try {
      return await fn(span)
    } catch (e) {
      // in place, before the span, LangGraph's checkpoint writes or the run's error record read it (tracing on or off)
      redactError(e)
      if (isGraphBubbleUp(e)) span.setAttribute(ATTR.nodeInterrupted, true)
      else failSpan(span, e)
      throw e
    } finally {
      span.end()
    }
  })
}

/** JSON for a content attribute, cut at 64 KiB so one huge message cannot swell an export. */
export function contentJson(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? ''
  return s.length > 65_536 ? `${s.slice(0, 65_536)}…` : s
}
