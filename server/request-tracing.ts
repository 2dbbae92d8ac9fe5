import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { failSpan, tracer } from '../agents/tracing/span-helpers.js'
import { ATTR, SPAN } from '../agents/tracing/trace-names.js'

/**
 * Hono middleware: each request runs inside a SERVER span `{method} {route}` (the route pattern, so
 * ids do not multiply span names), a child of the caller's W3C `traceparent` when it sent one. Runs
 * queued by the request store this span as their parent. 5xx answers and throws mark it failed.
 * Untraced, the API's no-op propagator and tracer make this a pass-through.
 */
export function requestTracing(): MiddlewareHandler {
  return async function traceRequest(c, next) {
    const parent = propagation.extract(context.active(), c.req.raw.headers, {
      get: (h, k) => h.get(k) ?? undefined,
      keys: (h) => [...h.keys()],
    })
    // Hono matched every handler before the first middleware ran
    const route = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1)?.path
    const span = tracer().startSpan(route ? SPAN.http(c.req.method, route) : c.req.method, {
      kind: SpanKind.SERVER,
      attributes: { [ATTR.httpMethod]: c.req.method, [ATTR.urlPath]: c.req.path, ...(route ? { [ATTR.httpRoute]: route } : {}) },
    }, parent)
    try {
      await context.with(trace.setSpan(parent, span), next)
      if (span.isRecording()) {
        span.setAttribute(ATTR.httpStatus, c.res.status)
        if (c.res.status >= 500) {
          span.setAttribute(ATTR.errorType, String(c.res.status))
          span.setStatus({ code: SpanStatusCode.ERROR })
        }
      }
    } catch (e) {
      failSpan(span, e)
      throw e
    } finally {
      span.end()
    }
  }
}
