import type { Hono, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Runtime } from '../runtime/runtime.js'

/** What `--metrics` counts, in one registry per server (process metrics included). */
export interface Metrics {
  registry: Registry
  /** Hono middleware timing every request by method, matched route pattern and status. */
  http: MiddlewareHandler
  /** Called by the run queue when a run ends. */
  runEnded(graph: string, status: string, seconds: number): void
}

/**
 * Prometheus metrics of a server: HTTP requests and their durations (by route pattern, so ids do not
 * multiply the series), runs finished and their durations by graph and status, and, read from the
 * store at scrape time, the runs pending and running (all processes on the database).
 */
export function createMetrics(rt: Runtime): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' })
  const requests = new Histogram({
    name: 'switchyard_http_request_duration_seconds', help: 'HTTP requests by method, route and status (until the response starts)',
    labelNames: ['method', 'route', 'status'] as const, buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry],
  })
  const runs = new Counter({ name: 'switchyard_runs_total', help: 'Runs this process finished, by graph and status', labelNames: ['graph', 'status'] as const, registers: [registry] })
  const durations = new Histogram({
    name: 'switchyard_run_duration_seconds', help: 'Run durations in this process, by graph', labelNames: ['graph'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600], registers: [registry],
  })
  const queued = new Gauge({
    name: 'switchyard_runs', help: 'Runs in the store by status (pending, running), every process',
    labelNames: ['status'] as const, registers: [registry],
    async collect() {
      const rows = await rt.store.db.selectFrom('runs').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'running']).groupBy('status').execute()
      for (const s of ['pending', 'running']) this.set({ status: s }, Number(rows.find((r) => r.status === s)?.n ?? 0))
    },
  })
  void queued
  return {
    registry,
    http: async function countRequest(c, next) {
      const end = requests.startTimer()
      await next()
      // the handler's pattern (`/threads/:thread_id/runs/wait`), not its path: ids would multiply the series
      const handler = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1)
      end({ method: c.req.method, route: handler?.path ?? 'unmatched', status: String(c.res.status) })
    },
    runEnded(graph, status, seconds) {
      runs.inc({ graph, status })
      durations.observe({ graph }, seconds)
    },
  }
}

/** `GET /metrics` in Prometheus' text format. */
export function metricsRoute(app: Hono, m: Metrics): void {
  app.get('/metrics', async (c) => c.body(await m.registry.metrics(), 200, { 'content-type': m.registry.contentType }))
}
