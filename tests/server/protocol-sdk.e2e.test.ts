import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootProtocolServer, type ProtocolServer } from './protocol-harness.js'

type Page = { checkpoints: { id: string; step: number; node_name?: string; metadata: { next: string[]; source: string } }[]; next_before?: string }
type Ev = { type: string; method: string; seq: number; event_id: string; params: { namespace: string[]; node?: string; data: Record<string, unknown> } }

/** Everything a subscription yields until the SDK pauses it at the run's end. */
async function drain(sub: AsyncIterable<unknown>): Promise<Ev[]> {
  const out: Ev[] = []
  for await (const e of sub) out.push(e as Ev)
  return out
}

describe('protocol v2 with the official SDK (transport: "websocket")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-proto-sdk-'))
  let h: ProtocolServer
  beforeAll(async () => { h = await bootProtocolServer(join(dir, 'sy.db')) })
  afterAll(async () => { await h.stop(); rmSync(dir, { recursive: true, force: true }) })

  it('subscribe, then run.start on team: values, updates, messages and lifecycle events in seq order', async () => {
    const thread = h.client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    try {
      const sub = await thread.subscribe(['values', 'updates', 'messages', 'lifecycle'])
      const { run_id } = await thread.run.start({ input: { task: 'What is BM25?' } })
      const events = await drain(sub)
      expect(new Set(events.map((e) => e.method))).toEqual(new Set(['lifecycle', 'values', 'updates', 'messages']))
      const seqs = events.map((e) => e.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length)
      expect(events[0]!.event_id).toBe(`${run_id}:0`)
      expect(events.filter((e) => e.method === 'lifecycle').map((e) => e.params.data.event)).toEqual(['running', 'completed'])
      expect(events.filter((e) => e.method === 'updates').map((e) => e.params.data.node)).toEqual(['driver', 'researcher', 'driver', 'generator', 'driver', 'report'])
      // streamed tokens arrive as content-block lifecycles; the tool call is finished as parsed arguments
      const msgs = events.filter((e) => e.method === 'messages').map((e) => e.params.data)
      expect(msgs.filter((d) => d.event === 'message-start').length).toBe(msgs.filter((d) => d.event === 'message-finish').length)
      const call = msgs.find((d) => d.event === 'content-block-finish')?.content as { type: string; name: string; args: object }
      expect(call).toMatchObject({ type: 'tool_call', name: 'submit_handoff' })
      expect(typeof call.args).toBe('object')
      const final = (await thread.output) as { final_report: string }
      expect(final.final_report).toContain('# Report: What is BM25?')
    } finally {
      await thread.close()
    }
  })

  it('assembles streamed messages with the SDK\'s messages projection', async () => {
    const thread = h.client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    try {
      await thread.run.start({ input: { task: 'How do handoffs work?' } })
      const messages = []
      for await (const m of thread.messages) messages.push(m)
      expect(messages.map((m) => m.node)).toEqual(['driver', 'researcher', 'researcher', 'driver', 'generator', 'driver'])
      expect(await messages[0]!.toolCalls).toMatchObject([{ type: 'tool_call', name: 'submit_handoff' }])
    } finally {
      await thread.close()
    }
  })

  it('sdlc stops at its human gate; input.respond approve continues to the next gate', async () => {
    const thread = h.client.threads.stream({ assistantId: 'sdlc', transport: 'websocket' })
    try {
      const watch = await thread.subscribe(['lifecycle', 'input'])
      await thread.run.start({ input: { task: 'A URL shortener with expiry' } })
      const first = await drain(watch)
      expect(first.at(-1)!.params.data.event).toBe('interrupted')
      expect(thread.interrupted).toBe(true)
      const gate = thread.interrupts[0]!
      expect(gate.payload).toMatchObject({ kind: 'approval', phase: 'analyst', actions: ['approve', 'reject', 'amend'] })

      // a response to an interrupt that is not pending is refused, and nothing runs
      await expect(thread.input.respond({ namespace: [], interrupt_id: 'f'.repeat(32), response: { action: 'approve' } }))
        .rejects.toMatchObject({ code: 'no_such_interrupt' })
      await thread.input.respond({ namespace: [], interrupt_id: gate.interruptId, response: { action: 'approve' } })
      const second = await drain(watch)
      expect(second.map((e) => e.method)).toEqual(['lifecycle', 'input.answered', 'input.requested', 'lifecycle'])
      expect(second[1]!.params.data).toEqual({ interrupt_ids: [gate.interruptId] })
      expect(second[2]!.params.data.payload).toMatchObject({ phase: 'architect' })
      expect(thread.interrupts.map((i) => (i.payload as { phase: string }).phase)).toEqual(['architect'])

      const state = await thread.state.get({ namespace: [] }) as { values: { artifacts: object }; checkpoint: { id: string }; next: string[] }
      expect(Object.keys(state.values.artifacts)).toEqual(['analyst', 'architect'])
      expect(state.next).toEqual(['review_architect'])
      expect(state.checkpoint.id).toMatch(/^[0-9a-f-]{36}$/)
      const only = await thread.state.get({ namespace: [], keys: ['task'] })
      expect(only.values).toEqual({ task: 'A URL shortener with expiry' })
      expect((await h.client.runs.list(thread.threadId)).map((r) => r.status)).toEqual(['success', 'success'])
    } finally {
      await thread.close()
    }
  })

  it('state.listCheckpoints pages through the history; state.fork branches with edited state and runs it', async () => {
    const thread = h.client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    try {
      await thread.run.start({ input: { task: 'Explain write-ahead logging' } })
      await thread.output
      const page1 = await thread.state.listCheckpoints({ limit: 3 }) as unknown as Page
      expect(page1.checkpoints.map((c) => c.step)).toEqual([6, 5, 4])
      expect(page1.checkpoints.map((c) => c.node_name)).toEqual(['report', 'driver', 'generator'])
      const page2 = await thread.state.listCheckpoints({ limit: 100, before: page1.next_before }) as unknown as Page
      const all = [...page1.checkpoints, ...page2.checkpoints]
      expect(all.map((c) => c.id)).toEqual((await h.client.threads.getHistory(thread.threadId, { limit: 100 })).map((s) => s.checkpoint.checkpoint_id))
      await expect(thread.state.listCheckpoints({ before: 'nope' })).rejects.toMatchObject({ code: 'no_such_checkpoint' })

      // the checkpoint where the driver chose the report: write another task as the driver, run on from there
      const beforeReport = all.find((c) => c.metadata.next.includes('report'))!
      const fork = await thread.state.fork({ checkpoint_id: beforeReport.id, update: { task: 'Forked: what is fsync?' }, as_node: 'driver' } as never) as unknown as { run_id: string; checkpoint_id: string }
      expect(fork.checkpoint_id).not.toBe(beforeReport.id)
      await h.client.runs.join(thread.threadId, fork.run_id)
      const forked = await thread.state.get({ namespace: [] }) as { values: { final_report: string } }
      expect(forked.values.final_report).toContain('# Report: Forked: what is fsync?')
      const history = await thread.state.listCheckpoints({ limit: 100 }) as unknown as Page
      expect(history.checkpoints.length).toBe(all.length + 2)
      expect(history.checkpoints[1]!.metadata.source).toBe('update')
      await expect(thread.state.fork({ checkpoint_id: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: 'no_such_checkpoint' })

      // a plain fork replays from the checkpoint
      const replay = await thread.state.fork({ checkpoint_id: beforeReport.id }) as { run_id: string }
      await h.client.runs.join(thread.threadId, replay.run_id)
      expect((await h.client.runs.get(thread.threadId, replay.run_id)).status).toBe('success')
    } finally {
      await thread.close()
    }
  })

  it('the SSE twin serves the same protocol to the SDK\'s default transport (POST /commands + POST /stream/events)', async () => {
    const thread = h.client.threads.stream({ assistantId: 'sdlc' })
    try {
      const watch = await thread.subscribe(['lifecycle', 'input'])
      await thread.run.start({ input: { task: 'A pastebin' } })
      const first = await drain(watch)
      expect(first.map((e) => e.params.data.event ?? e.method)).toEqual(['running', 'input.requested', 'interrupted'])
      const gate = thread.interrupts[0]!
      expect(gate.payload).toMatchObject({ phase: 'analyst' })
      await thread.input.respond({ namespace: [], interrupt_id: gate.interruptId, response: { action: 'approve' } })
      const second = await drain(watch)
      expect(second.map((e) => e.method)).toEqual(['lifecycle', 'input.answered', 'input.requested', 'lifecycle'])
      expect(thread.interrupts.map((i) => (i.payload as { phase: string }).phase)).toEqual(['architect'])
      expect((await thread.state.listCheckpoints({ limit: 1 })).checkpoints).toHaveLength(1)
    } finally {
      await thread.close()
    }
  })

  it('agent.getTree names the run\'s root graph and its status', async () => {
    const thread = h.client.threads.stream({ assistantId: 'team', transport: 'websocket' })
    try {
      const empty = await thread.agent.getTree()
      expect(empty.tree).toMatchObject({ namespace: [], status: 'started' })
      const { run_id } = await thread.run.start({ input: { task: 'What is a checkpoint?' } })
      await thread.output
      const { tree } = await thread.agent.getTree()
      expect(tree).toEqual({ namespace: [], status: 'completed', graph_name: 'team' })
      expect((await thread.agent.getTree({ run_id })).tree.status).toBe('completed')
      await expect(thread.agent.getTree({ run_id: 'no-such-run' })).rejects.toMatchObject({ code: 'no_such_run' })
    } finally {
      await thread.close()
    }
  })
})
