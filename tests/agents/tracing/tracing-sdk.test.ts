import { trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { contextOf, formatTraceparent, linkTo, parseTraceparent } from '../../../agents/tracing/trace-context.js'
import { exporterFromEnv, startTracing } from '../../../agents/tracing/tracing-sdk.js'
import { tracer } from '../../../agents/tracing/span-helpers.js'

describe('exporterFromEnv', () => {
  it('is off unless an OTLP endpoint or an exporter is named', () => {
    expect(exporterFromEnv({})).toBeUndefined()
    expect(exporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('otlp')
    expect(exporterFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe('otlp')
    expect(exporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined()
    expect(exporterFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe('otlp')
    expect(exporterFromEnv({ OTEL_TRACES_EXPORTER: ' Console ' })).toBe('console')
  })
  it('none and OTEL_SDK_DISABLED win over an endpoint', () => {
    expect(exporterFromEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' })).toBeUndefined()
    expect(exporterFromEnv({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined()
  })
  it('refuses an exporter it does not ship with a typed error', () => {
    expect(() => exporterFromEnv({ OTEL_TRACES_EXPORTER: 'otlp,jaeger' })).toThrow(expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('jaeger') }))
  })
  it('startTracing loads nothing and records nothing when off', async () => {
    expect(await startTracing({ env: {} })).toBeUndefined()
    const span = tracer().startSpan('x')
    expect(span.isRecording()).toBe(false)
    span.end()
  })
})

describe('trace context as stored on runs', () => {
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  it('parses and formats W3C traceparent values', () => {
    const sc = parseTraceparent(tp)!
    expect(sc).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 })
    expect(formatTraceparent(sc)).toBe(tp)
  })
  it('ignores malformed and all-zero values', () => {
    for (const bad of [undefined, null, '', 'garbage', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01']) {
      expect(parseTraceparent(bad)).toBeUndefined()
    }
    expect(trace.getSpanContext(contextOf('garbage'))).toBeUndefined()
    expect(linkTo('garbage', 'previous_run')).toBeUndefined()
  })
  it('a stored value becomes a parent context and a link', () => {
    expect(trace.getSpanContext(contextOf(tp))?.spanId).toBe('00f067aa0ba902b7')
    expect(linkTo(tp, 'previous_run')).toMatchObject({ context: { spanId: '00f067aa0ba902b7' }, attributes: { 'switchyard.link.type': 'previous_run' } })
  })
})
