import { context, isSpanContextValid, ROOT_CONTEXT, trace, type Context, type Link, type SpanContext } from '@opentelemetry/api'
import { ATTR } from './trace-names.js'

// W3C Trace Context, version 00: version-traceid-spanid-flags
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** A span context as a W3C `traceparent` value. */
export const formatTraceparent = (sc: SpanContext): string =>
  `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`

/** Parses a `traceparent` value; undefined when it is malformed or all zeros. */
export function parseTraceparent(tp: string | null | undefined): SpanContext | undefined {
  const m = tp ? TRACEPARENT.exec(tp.trim()) : null
  if (!m) return undefined
  const sc: SpanContext = { traceId: m[1] as string, spanId: m[2] as string, traceFlags: parseInt(m[3] as string, 16), isRemote: true }
  return isSpanContextValid(sc) ? sc : undefined
}

/**
 * The `traceparent` of the span active now (an HTTP request's, a CLI command's), to be stored with
 * work that runs later; undefined when no span is active (always so when tracing is off).
 */
export function activeTraceparent(): string | undefined {
  const sc = trace.getSpanContext(context.active())
  return sc && isSpanContextValid(sc) ? formatTraceparent(sc) : undefined
}

/** The context to start a span in whose parent is the stored `traceparent` (the root context when there is none). */
export function contextOf(tp: string | null | undefined): Context {
  const sc = parseTraceparent(tp)
  return sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT
}

/** A span link to a stored `traceparent`, tagged with why it links. */
export function linkTo(tp: string | null | undefined, type: string): Link | undefined {
  const sc = parseTraceparent(tp)
  return sc ? { context: sc, attributes: { [ATTR.linkType]: type } } : undefined
}
