import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LiveEvent } from '../../web/src/live/live-events.js'
import { currentRun, initialLive, pendingInterrupts, reduceLive, toNodeStates } from '../../web/src/live/live-reducer.js'

// a real sdlc thread recorded from `switchyard serve` over protocol v2: run 1 up to the analyst gate,
// an approve, run 2 up to the architect gate
const EVENTS = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sdlc-events.json'), 'utf8')) as LiveEvent[]
const all = () => reduceLive(initialLive(), EVENTS)

describe('the live reducer (events → node states)', () => {
  it('lights the nodes as a real sdlc run went: done with time, the gate interrupted with its payload', () => {
    const first = EVENTS.findIndex((e) => e.method === 'lifecycle' && (e.params.data as { event: string }).event === 'interrupted')
    const s = reduceLive(initialLive(), EVENTS.slice(0, first + 1))
    expect(s.nodes.analyst).toMatchObject({ status: 'done', count: 1 })
    expect(s.nodes.analyst!.ms).toBeGreaterThanOrEqual(0)
    expect(s.nodes.analyst!.chunks).toBeGreaterThan(10)
    expect(s.nodes.analyst!.tokens).toContain('summary')
    expect(s.nodes.review_analyst!.status).toBe('interrupted')
    const [gate] = pendingInterrupts(s)
    expect(gate).toMatchObject({ node: 'review_analyst', payload: { kind: 'approval', phase: 'analyst', actions: ['approve', 'reject', 'amend'] } })
    expect(currentRun(s)?.status).toBe('interrupted')
    expect(s.gaps).toBe(0)
    expect(s.duplicates).toBe(0)
  })

  it('while a run is in flight, the graph nodes that have not run are pending; a node running is running', () => {
    const at = EVENTS.findIndex((e) => e.method === 'tasks' && (e.params.data as { name: string }).name === 'analyst')
    const s = reduceLive(initialLive(), EVENTS.slice(0, at + 1))
    const states = toNodeStates(s, ['__start__', 'analyst', 'review_analyst', 'architect', '__end__'])
    expect(states).toEqual({ analyst: { status: 'running', count: 1 }, review_analyst: { status: 'pending' }, architect: { status: 'pending' } })
  })

  it('the resumed gate is the same execution (count 1); the answered interrupt is no longer pending; the next gate is', () => {
    const s = all()
    expect(s.runOrder).toHaveLength(2)
    expect(s.nodes.review_analyst).toMatchObject({ status: 'done', count: 1 })
    expect(s.nodes.architect).toMatchObject({ status: 'done', count: 1 })
    const pending = pendingInterrupts(s)
    expect(pending.map((i) => i.node)).toEqual(['review_architect'])
    expect(s.gaps).toBe(0)
  })

  it('is pure and batch-independent: one event at a time gives the same state as all at once', () => {
    let one = initialLive()
    for (const e of EVENTS) one = reduceLive(one, [e])
    expect(one).toEqual(all())
  })

  it('reconnect with replay: events up to a drop, then a replay from an earlier seq, equal the uninterrupted state, no duplicate applied', () => {
    const cut = 70
    const before = reduceLive(initialLive(), EVENTS.slice(0, cut))
    // the server replays from `since`; an overlap (the client resubscribed from an older seq) is dropped by seq
    const replay = EVENTS.slice(cut - 10)
    const after = reduceLive(before, replay)
    const straight = all()
    expect(after.duplicates).toBe(10)
    expect({ ...after, duplicates: 0 }).toEqual(straight)
    expect(after.log.map((e) => e.seq)).toEqual(EVENTS.map((e) => e.seq))
  })

  it('a batch that changes no node (custom events) keeps the nodes, runs and interrupts objects: the graph is not redrawn', () => {
    const s = all()
    const last = EVENTS.at(-1)!
    const { runId } = { runId: last.event_id.split(':')[0]! }
    const custom = [0, 1, 2].map((i): LiveEvent => ({ type: 'event', event_id: `${runId}:${1000 + i}`, seq: last.seq + 1000 + i, method: 'custom', params: { namespace: [], timestamp: 1, data: { payload: i } } }))
    const t = reduceLive(s, custom)
    expect(t.log).toHaveLength(s.log.length + 3)
    expect(t.nodes).toBe(s.nodes)
    expect(t.runs).toBe(s.runs)
    expect(t.interrupts).toBe(s.interrupts)
  })

  it('a replay that misses events is seen as a gap (what the e2e asserts never happens)', () => {
    const s = reduceLive(initialLive(), [...EVENTS.slice(0, 20), ...EVENTS.slice(25)])
    expect(s.gaps).toBe(1)
  })

  it('errors where they happened: a failed run marks the node that was running with the message and the stack', () => {
    const run = 'r1'
    const ev = (local: number, method: string, data: unknown, ts = 1000 + local): LiveEvent => ({ type: 'event', event_id: `${run}:${local}`, seq: 1_000_000_000 + local, method, params: { namespace: [], timestamp: ts, data } })
    const s = reduceLive(initialLive(), [
      ev(0, 'lifecycle', { event: 'running', graph_name: 'g' }),
      ev(1, 'tasks', { id: 't1', name: 'route', input: {}, triggers: [] }),
      ev(2, 'lifecycle', { event: 'failed', graph_name: 'g', error: { name: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at route (graph.ts:3:9)' } }, 1250),
    ])
    expect(s.nodes.route).toMatchObject({ status: 'error', error: 'TypeError: x is undefined', ms: 249 })
    expect(s.nodes.route!.stack).toContain('graph.ts:3:9')
    expect(currentRun(s)).toMatchObject({ status: 'failed', error: 'TypeError: x is undefined' })
    expect(toNodeStates(s).route).toMatchObject({ status: 'error', error: 'TypeError: x is undefined' })
    // a task result with an error (a node that threw but the run went on, e.g. a retry)
    const t = reduceLive(initialLive(), [ev(0, 'tasks', { id: 't2', name: 'fetch', input: {}, triggers: [] }), ev(1, 'tasks', { id: 't2', name: 'fetch', result: {}, error: { message: 'ECONNRESET', name: 'Error' }, interrupts: [] })])
    expect(t.nodes.fetch).toMatchObject({ status: 'error', error: 'ECONNRESET', ms: 1 })
  })

  it('errors as this server sends them: the failed task\'s result, then the root `failed` with the class and the stack', () => {
    const run = 'r2'
    const ev = (local: number, method: string, data: unknown): LiveEvent => ({ type: 'event', event_id: `${run}:${local}`, seq: 2_000_000_000 + local, method, params: { namespace: [], timestamp: 1000 + local, data } })
    const stack = 'TypeError: the widget is undefined\n    at explode (live-graphs.ts:18:37)'
    const s = reduceLive(initialLive(), [
      ev(0, 'lifecycle', { event: 'running', graph_name: 'boom' }),
      ev(1, 'tasks', { id: 't1', name: 'explode', input: {}, triggers: [] }),
      ev(2, 'tasks', { id: 't1', name: 'explode', result: {}, error: { message: 'the widget is undefined', name: 'TypeError' }, interrupts: [] }),
      ev(3, 'lifecycle', { event: 'failed', graph_name: 'boom', error: 'the widget is undefined', error_type: 'TypeError', stack }),
    ])
    expect(s.nodes.explode).toMatchObject({ status: 'error', error: 'TypeError: the widget is undefined', stack })
    expect(currentRun(s)).toMatchObject({ status: 'failed', error: 'TypeError: the widget is undefined' })
    expect(toNodeStates(s).explode).toMatchObject({ status: 'error', stack })
  })

  it('a refused answer is said on the node that waits (the gate asked again with `error`)', () => {
    const run = 'r3'
    const ev = (local: number, method: string, data: unknown): LiveEvent => ({ type: 'event', event_id: `${run}:${local}`, seq: 3_000_000_000 + local, method, params: { namespace: [], timestamp: 1000 + local, data } })
    const s = reduceLive(initialLive(), [
      ev(0, 'lifecycle', { event: 'running', graph_name: 'sdlc' }),
      ev(1, 'tasks', { id: 't1', name: 'review_architect', input: {}, triggers: [] }),
      ev(2, 'input.requested', { interrupt_id: 'i1', payload: { kind: 'approval', actions: ['approve', 'amend'], error: 'the artifact does not match its schema' } }),
      ev(3, 'tasks', { id: 't1', name: 'review_architect', result: {}, error: null, interrupts: [{ id: 'i1' }] }),
      ev(4, 'lifecycle', { event: 'interrupted', graph_name: 'sdlc' }),
    ])
    expect(toNodeStates(s).review_architect).toMatchObject({ status: 'interrupted', error: 'the artifact does not match its schema' })
  })

  it('loops: a node that ran three times counts 3, with one span each; token usage adds up', () => {
    const ev = (local: number, method: string, data: unknown, node?: string): LiveEvent => ({ type: 'event', event_id: `r:${local}`, seq: 1_000_000_000 + local, method, params: { namespace: [], timestamp: local * 10, ...(node ? { node } : {}), data } })
    const evs: LiveEvent[] = [ev(0, 'lifecycle', { event: 'running' })]
    for (let i = 0; i < 3; i++) {
      const base = 1 + i * 3
      evs.push(ev(base, 'tasks', { id: `t${i}`, name: 'review', input: {}, triggers: [] }))
      evs.push(ev(base + 1, 'messages', { event: 'message-finish', reason: 'stop', usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } }, 'review'))
      evs.push(ev(base + 2, 'tasks', { id: `t${i}`, name: 'review', result: {}, error: null, interrupts: [] }))
    }
    const s = reduceLive(initialLive(), evs)
    expect(s.nodes.review).toMatchObject({ status: 'done', count: 3, usage: { input: 30, output: 15, total: 45 } })
    expect(s.nodes.review!.spans).toHaveLength(3)
    expect(toNodeStates(s).review).toMatchObject({ count: 3 })
  })
})
