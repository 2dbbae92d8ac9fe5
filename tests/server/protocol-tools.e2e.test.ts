import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootProtocolServer, type ProtocolServer } from './protocol-harness.js'

type Ev = { method: string; params: { namespace: string[]; data: Record<string, unknown> } }

describe('protocol v2 tools channel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-tools-'))
  let h: ProtocolServer
  beforeAll(async () => { h = await bootProtocolServer(join(dir, 'sy.db')) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('streams the team graph\'s tool execution: tool-started, then tool-finished, per call', async () => {
    const thread = h.client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    try {
      const sub = await thread.subscribe(['tools'])
      await thread.run.start({ input: { task: 'What is BM25?' } })
      const events: Ev[] = []
      for await (const e of sub) events.push(e as Ev)
      expect(events.map((e) => [e.method, e.params.data.event])).toEqual([['tools', 'tool-started'], ['tools', 'tool-finished']])
      expect(events[0]!.params.data).toMatchObject({ tool_name: 'search_docs', tool_call_id: expect.any(String) as string })
      expect(events[1]!.params.data.tool_call_id).toBe(events[0]!.params.data.tool_call_id)
    } finally {
      await thread.close()
    }
  })

  it('feeds the SDK\'s toolCalls projection (input and output parsed)', async () => {
    const thread = h.client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    try {
      await thread.run.start({ input: { task: 'What is BM25?' } })
      const calls = []
      for await (const c of thread.toolCalls) calls.push({ name: c.name, input: c.input, output: await c.output })
      expect(calls[0]).toEqual({ name: 'search_docs', input: { query: 'What is BM25?' }, output: 'No documents matched.' })
    } finally {
      await thread.close()
    }
  })
})
