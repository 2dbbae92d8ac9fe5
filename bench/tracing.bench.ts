/**
 * What tracing costs per span, off and on (issue 15): `inSpan` — the wrapper every run, node, model,
 * tool and retrieval span goes through — against calling the same async function directly, with no
 * SDK registered (the API's no-op tracer: Switchyard's default) and with the SDK of `startTracing`
 * exporting to a sink that drops everything (batch processor, AsyncLocalStorage context manager).
 *
 *   npm run bench:tracing            (BENCH_CALLS, default 200000)
 *
 * Multiply by the spans of a run (one_node over HTTP: 2 — the request and the run; a team run ≈ 40)
 * and compare with a run's CPU time in bench:server (several ms) to see why "off" cannot show there.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace'
import { inSpan } from '../agents/tracing/span-helpers.js'
import { activeTraceparent } from '../agents/tracing/trace-context.js'
import { startTracing } from '../agents/tracing/tracing-sdk.js'

const CALLS = Number(process.env.BENCH_CALLS ?? 200_000)
const work = async () => 1

async function perCall(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10_000; i++) await fn()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) await fn()
  return Number(process.hrtime.bigint() - t0) / CALLS / 1000
}

async function measure(label: string) {
  const direct = await perCall(work)
  const span = await perCall(() => inSpan('bench', {}, work))
  const nested = await perCall(() => inSpan('outer', {}, () => inSpan('inner', {}, async () => activeTraceparent())))
  console.log(`| ${label} | ${direct.toFixed(3)} | ${span.toFixed(3)} | ${(span - direct).toFixed(3)} | ${nested.toFixed(3)} |`)
}

const sink: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined }
console.log(`${CALLS} calls each; µs per call\n`)
console.log('| tracing | direct call | inSpan | inSpan − direct | two nested spans + traceparent |')
console.log('|---|---:|---:|---:|---:|')
await measure('off (no SDK: the API\'s no-op tracer)')
const tracing = await startTracing({ exporter: sink })
await measure('on (SDK, batch processor, exporter dropping spans)')
await tracing?.shutdown()
await measure('off again (after shutdown)')
