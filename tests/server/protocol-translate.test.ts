import { describe, expect, it } from 'vitest'
import { NodeMessageTranslator } from '../../server/protocol/message-translator.js'
import { RunTranslator } from '../../server/protocol/run-translator.js'

const chunk = (id: string, o: { text?: string; tool?: { index: number; id?: string; name?: string; args: string }; usage?: object; finish?: string }) => ({
  id, type: 'ai', content: o.text ?? '', tool_call_chunks: o.tool ? [{ type: 'tool_call_chunk', ...o.tool }] : [],
  ...(o.usage ? { usage_metadata: o.usage } : {}), response_metadata: o.finish ? { finish_reason: o.finish } : {},
})
const meta = { langgraph_node: 'agent', ls_provider: 'openai', ls_model_name: 'gpt-4o-mini', run_id: 'r1' }

describe('NodeMessageTranslator', () => {
  it('streams text, then a tool call, as non-interleaved content blocks; finishes with parsed args and summed usage', () => {
    const t = new NodeMessageTranslator()
    const out = [
      ...t.push(chunk('m1', { text: 'Hel' }), meta),
      ...t.push(chunk('m1', { text: 'lo', usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } }), meta),
      ...t.push(chunk('m1', { tool: { index: 0, id: 'c1', name: 'search', args: '{"q":' } }), meta),
      ...t.push(chunk('m1', { tool: { index: 0, args: '"wal"}' }, usage: { input_tokens: 0, output_tokens: 5, total_tokens: 5 }, finish: 'tool_calls' }), meta),
      ...t.end(),
    ]
    expect(out).toEqual([
      { event: 'message-start', id: 'm1', role: 'ai', metadata: { provider: 'openai', model: 'gpt-4o-mini' } },
      { event: 'content-block-start', index: 0, content: { type: 'text', text: '' } },
      { event: 'content-block-delta', index: 0, delta: { type: 'text-delta', text: 'Hel' } },
      { event: 'content-block-delta', index: 0, delta: { type: 'text-delta', text: 'lo' } },
      { event: 'content-block-finish', index: 0, content: { type: 'text', text: 'Hello' } },
      { event: 'content-block-start', index: 1, content: { type: 'tool_call_chunk', id: 'c1', name: 'search', args: '', index: 1 } },
      { event: 'content-block-delta', index: 1, delta: { type: 'tool-call-delta', args: '{"q":' } },
      { event: 'content-block-delta', index: 1, delta: { type: 'tool-call-delta', args: '"wal"}' } },
      { event: 'content-block-finish', index: 1, content: { type: 'tool_call', id: 'c1', name: 'search', args: { q: 'wal' } } },
      { event: 'message-finish', reason: 'tool_calls', usage: { input_tokens: 3, output_tokens: 6, total_tokens: 9 } },
    ])
    expect(t.end()).toEqual([])
  })

  it('a new message id ends the previous message; bad tool JSON finishes as invalid_tool_call', () => {
    const t = new NodeMessageTranslator()
    t.push(chunk('m1', { tool: { index: 0, id: 'c1', name: 'f', args: '{"a":' } }), meta)
    const next = t.push(chunk('m2', { text: 'x' }), meta)
    expect(next.slice(0, 3)).toEqual([
      { event: 'content-block-finish', index: 0, content: { type: 'invalid_tool_call', id: 'c1', name: 'f', args: '{"a":', error: 'arguments are not valid JSON' } },
      { event: 'message-finish', reason: 'stop' },
      { event: 'message-start', id: 'm2', role: 'ai', metadata: { provider: 'openai', model: 'gpt-4o-mini' } },
    ])
  })

  it('replays complete messages whole, once; a complete copy of a streamed message adds nothing', () => {
    const t = new NodeMessageTranslator()
    expect(t.push({ id: 'h1', type: 'human', content: 'hi' }, meta).map((d) => d.event))
      .toEqual(['message-start', 'content-block-start', 'content-block-delta', 'content-block-finish', 'message-finish'])
    t.push(chunk('m1', { text: 'yo' }), meta)
    t.end()
    expect(t.push({ id: 'm1', type: 'ai', content: 'yo', tool_calls: [] }, meta)).toEqual([])
  })
})

describe('RunTranslator', () => {
  const ev = (seq: number, event: string, data: unknown) => ({ seq, event, data: JSON.stringify(data) })

  it('splits interrupts out as input.requested (once per id), envelopes checkpoints, names updates by node', () => {
    const t = new RunTranslator('sdlc')
    const interrupt = { __interrupt__: [{ id: 'a'.repeat(32), value: { phase: 'analyst' } }] }
    expect(t.push(ev(1, 'updates', interrupt))).toEqual([{ method: 'input.requested', namespace: [], data: { interrupt_id: 'a'.repeat(32), payload: { phase: 'analyst' } } }])
    expect(t.push(ev(2, 'values', interrupt))).toEqual([])
    expect(t.interrupted).toBe(true)
    expect(t.push(ev(3, 'updates', { analyst: { n: 1 } }))).toEqual([{ method: 'updates', namespace: [], node: 'analyst', data: { node: 'analyst', values: { n: 1 } } }])
    expect(t.push(ev(4, 'checkpoints', { config: { configurable: { checkpoint_id: 'c2' } }, parent_config: { configurable: { checkpoint_id: 'c1' } }, metadata: { step: 3, source: 'loop' }, values: {} })))
      .toEqual([{ method: 'checkpoints', namespace: [], data: { id: 'c2', parent_id: 'c1', step: 3, source: 'loop' } }])
    expect(t.push(ev(5, 'debug', {}))).toEqual([])
    expect(t.end('interrupted').at(-1)).toEqual({ method: 'lifecycle', namespace: [], data: { event: 'interrupted', graph_name: 'sdlc' } })
  })

  it('maps LangGraph\'s tools mode to the tools channel: started, output deltas, finished, error', () => {
    const t = new RunTranslator('agent')
    const tools = (seq: number, event: string, data: object) => t.push(ev(seq, event, { toolCallId: 'c1', name: 'search', ...data }))
    expect(tools(1, 'tools', { event: 'on_tool_start', input: { q: 'wal' } })).toEqual([
      { method: 'tools', namespace: [], data: { event: 'tool-started', tool_call_id: 'c1', tool_name: 'search', input: { q: 'wal' } } },
    ])
    expect(tools(2, 'tools', { event: 'on_tool_event', data: 'page 1' })[0]!.data).toEqual({ event: 'tool-output-delta', tool_call_id: 'c1', delta: 'page 1' })
    expect(tools(3, 'tools', { event: 'on_tool_end', output: 'found' })[0]!.data).toEqual({ event: 'tool-finished', tool_call_id: 'c1', output: 'found' })
    expect(tools(4, 'tools|sub:1', { event: 'on_tool_error', error: { message: 'down' } }).map((d) => [d.method, d.namespace, d.data])).toEqual([
      ['lifecycle', ['sub:1'], { event: 'started', graph_name: 'sub' }],
      ['tools', ['sub:1'], { event: 'tool-error', tool_call_id: 'c1', message: 'down' }],
    ])
    expect(tools(5, 'tools', { event: 'on_tool_error', error: {} })[0]!.data).toEqual({ event: 'tool-error', tool_call_id: 'c1', message: 'the tool failed' })
  })

  it('announces subgraph namespaces and fails every level on the run\'s error event', () => {
    const t = new RunTranslator('team')
    expect(t.push(ev(1, 'values|child:1', { x: 1 })).map((d) => [d.method, d.namespace, (d.data as { event?: string }).event])).toEqual([
      ['lifecycle', ['child:1'], 'started'], ['values', ['child:1'], undefined],
    ])
    const failed = t.push(ev(2, 'error', { error: 'Error', message: 'boom' }))
    expect(failed).toEqual([
      { method: 'lifecycle', namespace: ['child:1'], data: { event: 'failed', graph_name: 'child' } },
      { method: 'lifecycle', namespace: [], data: { event: 'failed', graph_name: 'team', error: 'boom' } },
    ])
    expect(t.failed).toBe(true)
  })
})
