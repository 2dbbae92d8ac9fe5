import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ATTR } from '../../agents/tracing/trace-names.js'
import { parentOf, spanId, startMemoryTracing, type MemoryTracing } from '../agents/tracing/memory-tracing.js'
import { bootProtocolServer, RawProtocolClient, type ProtocolServer } from './protocol-harness.js'

describe('spans of WebSocket protocol commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-ws-trace-'))
  let t: MemoryTracing
  let p: ProtocolServer
  beforeAll(async () => {
    t = await startMemoryTracing()
    p = await bootProtocolServer(join(dir, 'sy.db'))
  })
  afterAll(async () => {
    await p.stop()
    await t.tracing.shutdown()
    rmSync(dir, { recursive: true, force: true })
  })

  it('each command is a SERVER span; a run it starts is its child; a refused command carries error.type', async () => {
    const thread = await p.client.threads.create()
    const c = await RawProtocolClient.open(p.wsUrl(thread.thread_id))
    try {
      const started = await c.command('run.start', { assistant_id: 'team', input: { task: 'traced over ws' } })
      expect(started).toMatchObject({ type: 'success' })
      const bad = await c.command('state.get', { namespace: 'not a list' })
      expect(bad).toMatchObject({ type: 'error' })
      const runs = await p.client.runs.list(thread.thread_id)
      await p.client.runs.join(thread.thread_id, runs[0]!.run_id)
      const run = await t.waitFor('the run span', (s) => s.find((x) => x.name === 'invoke_workflow team' && x.attributes[ATTR.threadId] === thread.thread_id))
      const spans = await t.spans()
      const start = spans.find((s) => s.name === 'ws run.start')!
      expect(start.kind).toBe(SpanKind.SERVER)
      expect(start.attributes).toMatchObject({ [ATTR.protocolMethod]: 'run.start', [ATTR.protocolCommandId]: 1 })
      expect(parentOf(start)).toBeUndefined()
      expect(parentOf(run)).toBe(spanId(start))
      const get = spans.find((s) => s.name === 'ws state.get')!
      expect(get.attributes[ATTR.errorType]).toBe('VALIDATION')
      expect(get.status.code).toBe(SpanStatusCode.UNSET)
    } finally {
      await c.close()
    }
  })
})
