import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraphRegistry } from '../../graphs/registry.js'
import { nestedGraph } from './nested-graph.js'
import { bootProtocolServer, isRootEnd, RawProtocolClient, type Frame, type ProtocolServer } from './protocol-harness.js'

type State = { values: { messages: { id: string; content: string; type?: string; role?: string }[]; notes: string[] } }

const rootEnds = (c: RawProtocolClient): Frame[] => c.events().filter(isRootEnd)

describe('protocol v2 input.inject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-inject-'))
  let h: ProtocolServer
  beforeAll(async () => {
    const registry = new GraphRegistry()
    registry.register(nestedGraph)
    h = await bootProtocolServer(join(dir, 'sy.db'), {}, { registry })
  })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('while a run is in flight, queues the message for the graph\'s next turn; on an idle thread, runs it at once', async () => {
    const t = randomUUID()
    const c = await RawProtocolClient.open(h.wsUrl(t))
    await c.command('subscription.subscribe', { channels: ['lifecycle', 'values'] })
    const first = await c.command('run.start', { assistant_id: 'nested', input: { topic: 'quick slow' } })
    const injected = await c.command('input.inject', { namespace: [], message: { role: 'user', content: 'also cover BM25F' } })
    expect(injected).toMatchObject({ type: 'success', result: { queued: true, message_id: expect.any(String) as string } })
    const result = injected.result as { run_id: string; message_id: string }
    expect(result.run_id).not.toBe((first.result as { run_id: string }).run_id)
    await c.waitFor(() => rootEnds(c).length === 2)
    expect(rootEnds(c).map((e) => e.params!.data.event)).toEqual(['completed', 'completed'])
    // the first run finished untouched; the second took the message at its start
    const state = (await c.command('state.get', {})).result as State
    expect(state.values.messages).toMatchObject([{ id: result.message_id, content: 'also cover BM25F' }])
    expect(state.values.notes).toContain('done after 0 messages')
    expect(state.values.notes.at(-1)).toBe('done after 1 messages')
    expect((await h.client.runs.get(t, result.run_id)).status).toBe('success')
    await c.close()

    // through the SDK, on the now idle thread: a run starts at once
    const thread = h.client.threads.stream(t, { assistantId: 'nested', transport: 'websocket' })
    try {
      await thread.input.inject({ namespace: [], message: { role: 'system', content: 'be brief' } })
      const [latest] = await h.client.runs.list(t, { limit: 1 })
      expect(latest!.metadata).toHaveProperty('injected_message_id')
      await h.client.runs.join(t, latest!.run_id)
      const after = (await thread.state.get({ namespace: [] })) as unknown as State
      expect(after.values.messages.map((m) => m.content)).toEqual(['also cover BM25F', 'be brief'])
      expect(after.values.notes.at(-1)).toBe('done after 2 messages')
    } finally {
      await thread.close()
    }
  })

  it('refuses a thread waiting at an interrupt, a graph without messages, a subgraph namespace, a bad message', async () => {
    const t = randomUUID()
    const c = await RawProtocolClient.open(h.wsUrl(t))
    expect(await c.command('input.inject', { namespace: [], message: { role: 'user', content: 'hi' } })).toMatchObject({ type: 'error', error: 'no_such_run' })
    await c.command('subscription.subscribe', { channels: ['lifecycle', 'input'] })
    await c.command('run.start', { assistant_id: 'nested', input: { topic: 'bm25' } })
    const asked = await c.waitFor((f) => f.method === 'input.requested')
    await c.waitFor(isRootEnd)
    const refused = await c.command('input.inject', { namespace: [], message: { role: 'user', content: 'hi' } })
    expect(refused).toMatchObject({ type: 'error', error: 'invalid_argument', details: { pending: [asked.params!.data.interrupt_id] } })
    expect(await c.command('input.inject', { namespace: ['child:1'], message: { role: 'user', content: 'hi' } })).toMatchObject({ type: 'error', error: 'not_supported' })
    expect(await c.command('input.inject', { namespace: [], message: { role: 'assistant', content: 'hi' } })).toMatchObject({ type: 'error', error: 'invalid_argument' })
    expect(await c.command('input.inject', { namespace: [] })).toMatchObject({ type: 'error', error: 'invalid_argument' })
    await c.close()

    const team = await RawProtocolClient.open(h.wsUrl(randomUUID()))
    await team.command('subscription.subscribe', { channels: ['lifecycle'] })
    await team.command('run.start', { assistant_id: 'team', input: { task: 'What is BM25?' } })
    await team.waitFor(isRootEnd)
    expect(await team.command('input.inject', { namespace: [], message: { role: 'user', content: 'hi' } })).toMatchObject({ type: 'error', error: 'not_supported' })
    await team.close()
  })
})
