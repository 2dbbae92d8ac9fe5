import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace'
import { startTracing, type Tracing } from '../../../agents/tracing/tracing-sdk.js'

/** Switchyard's SDK set-up (batch processor, context manager, propagator) exporting to memory. */
export interface MemoryTracing {
  exporter: InMemorySpanExporter
  tracing: Tracing
  /** Every finished span so far (flushed first). */
  spans(): Promise<ReadableSpan[]>
  /** Flushes until `pick` finds what it wants among the spans (spans end just after the work they time), or fails after `ms`. */
  waitFor<T>(what: string, pick: (spans: ReadableSpan[]) => T | undefined, ms?: number): Promise<T>
}

export async function startMemoryTracing(): Promise<MemoryTracing> {
  const exporter = new InMemorySpanExporter()
  const tracing = await startTracing({ exporter }) as Tracing
  const spans = async () => { await tracing.flush(); return exporter.getFinishedSpans() }
  return {
    exporter, tracing, spans,
    async waitFor(what, pick, ms = 15_000) {
      const end = Date.now() + ms
      for (;;) {
        const v = pick(await spans())
        if (v !== undefined) return v
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; spans: ${(await spans()).map((s) => s.name).join(', ')}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
  }
}

export const spanId = (s: ReadableSpan) => s.spanContext().spanId
export const traceId = (s: ReadableSpan) => s.spanContext().traceId
export const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId

/** The children of `parent` in start order. */
export const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => parentOf(s) === spanId(parent) && traceId(s) === traceId(parent))
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])

/** The span tree under `root` as nested names, for readable assertions. */
export interface Tree { name: string; children: Tree[] }
export const treeOf = (spans: ReadableSpan[], root: ReadableSpan): Tree =>
  ({ name: root.name, children: childrenOf(spans, root).map((c) => treeOf(spans, c)) })

/** Every span under `root` (any depth). */
export function descendants(spans: ReadableSpan[], root: ReadableSpan): ReadableSpan[] {
  const out: ReadableSpan[] = []
  const walk = (p: ReadableSpan) => { for (const c of childrenOf(spans, p)) { out.push(c); walk(c) } }
  walk(root)
  return out
}
