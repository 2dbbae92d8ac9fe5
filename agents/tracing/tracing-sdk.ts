import { context, propagation, trace } from '@opentelemetry/api'
import type { SpanExporter } from '@opentelemetry/sdk-trace'
import { AppError } from '../../store/app-error.js'
import { TRACER_NAME } from './trace-names.js'

/** A started tracing SDK. */
export interface Tracing {
  /** Exports the spans still buffered by the batch processor. */
  flush(): Promise<void>
  /** Flushes, stops the exporter and unregisters the SDK from the global API (tracing is off afterwards). */
  shutdown(): Promise<void>
}

export interface TracingOptions {
  env?: NodeJS.ProcessEnv
  /** Export here instead of what the environment says (tests pass an `InMemorySpanExporter`); turns tracing on. */
  exporter?: SpanExporter
}

type ExporterKind = 'otlp' | 'console'

/**
 * Which exporter the environment asks for, following the OpenTelemetry SDK variables:
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn tracing off; `OTEL_TRACES_EXPORTER`
 * `otlp` or `console` choose; otherwise an `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`)
 * means OTLP. Nothing set: undefined (off).
 *
 * @throws AppError `VALIDATION` for an exporter name other than otlp, console or none.
 */
export function exporterFromEnv(env: NodeJS.ProcessEnv): ExporterKind | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined
  const names = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)
  const bad = names.filter((n) => !['otlp', 'console', 'none'].includes(n))
  if (bad.length > 0) {
    throw new AppError('VALIDATION', `OTEL_TRACES_EXPORTER: unsupported exporter ${bad.join(', ')} (supported: otlp, console, none)`, { details: { exporters: bad } })
  }
  if (names.includes('none')) return undefined
  if (names.includes('otlp')) return 'otlp'
  if (names.includes('console')) return 'console'
  return env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ? 'otlp' : undefined
}

/**
 * Starts the OpenTelemetry SDK when the environment asks for it (see {@link exporterFromEnv}) or an
 * exporter is given: a tracer provider with a batch span processor, the AsyncLocalStorage context
 * manager and the W3C trace-context propagator, registered with the global API. The OTLP exporter
 * sends OTLP/HTTP JSON and reads its own variables (`OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`,
 * `…_HEADERS`, `…_TIMEOUT`); `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` name the service
 * (default `switchyard`). When tracing is off nothing is imported and undefined is returned: the
 * API's no-op tracer answers every span.
 *
 * @example
 * const tracing = await startTracing({ env: process.env })
 * try { await work() } finally { await tracing?.shutdown() }
 */
export async function startTracing(opts: TracingOptions = {}): Promise<Tracing | undefined> {
  const kind = opts.exporter ? undefined : exporterFromEnv(opts.env ?? process.env)
  if (!opts.exporter && !kind) return undefined
  // loaded only when on: an untraced process never pays for the SDK
  const [sdk, hooks, core, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ])
  const exporter = opts.exporter
    ?? (kind === 'console' ? new sdk.ConsoleSpanExporter() : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter())
  const resource = resources.resourceFromAttributes({ 'service.name': TRACER_NAME })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
  const provider = new sdk.TracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor({ exporter })] })
  const contextManager = new hooks.AsyncLocalStorageContextManager().enable()
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(contextManager)
  propagation.setGlobalPropagator(new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }))
  let stopped: Promise<void> | undefined
  return {
    flush: () => provider.forceFlush(),
    shutdown: () => (stopped ??= (async () => {
      try {
        await provider.shutdown()
      } finally {
        trace.disable()
        context.disable()
        propagation.disable()
      }
    })()),
  }
}
