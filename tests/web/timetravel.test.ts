// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { fileSource, parseExport, type ThreadExport } from '../../web/src/timetravel/debug-source.js'
import { buildTree, lineThrough, nodeStatesAt, pathTo, type HistoryState } from '../../web/src/timetravel/history-tree.js'
import { checkForkValues } from '../../web/src/timetravel/schema-check.js'
import { diffStates, keySummary, pathText } from '../../web/src/timetravel/state-diff.js'
import { useTimeline } from '../../web/src/timetravel/timeline-store.js'
import { buildWaterfall } from '../../web/src/timetravel/waterfall.js'
import { parseMetadataQuery } from '../../web/src/views/threads-view.js'

// checkpoint ids sort in time order (uuid v6 in LangGraph): c0 < c1 < ...
const cp = (id: string, parent: string | undefined, step: number, next: string[], at: number, extra: Partial<HistoryState> = {}): HistoryState => ({
  checkpoint: { checkpoint_id: id }, parent_checkpoint: parent ? { checkpoint_id: parent } : null,
  metadata: { step, source: step < 0 ? 'input' : 'loop' }, next, created_at: new Date(1_700_000_000_000 + at).toISOString(), ...extra,
})

// a thread: input → driver → researcher → driver → end; forked at c2 (an edited state, then driver again)
const HISTORY: HistoryState[] = [
  cp('c0', undefined, -1, ['__start__'], 0),
  cp('c1', 'c0', 0, ['driver'], 10),
  cp('c2', 'c1', 1, ['researcher'], 40),
  cp('c3', 'c2', 2, ['driver'], 90),
  cp('c4', 'c3', 3, [], 120),
  { ...cp('c5', 'c2', 2, ['driver'], 500), metadata: { step: 2, source: 'update' } },
  cp('c6', 'c5', 3, [], 530, { tasks: [] }),
].reverse() // newest first, as the history API answers

describe('the checkpoint tree', () => {
  const tree = buildTree(HISTORY)
  it('orders checkpoints in time and makes a fork a branch of its own', () => {
    expect(tree.order).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'])
    expect(tree.head).toBe('c6')
    expect(tree.branches).toEqual([{ id: 0, ids: ['c0', 'c1', 'c2', 'c3', 'c4'] }, { id: 1, forkOf: 'c2', ids: ['c5', 'c6'] }])
    expect(tree.byId.get('c2')!.children).toEqual(['c3', 'c5'])
    expect(tree.byId.get('c6')!.branch).toBe(1)
  })
  it('gives the path to a checkpoint and the line the scrubber steps along', () => {
    expect(pathTo(tree, 'c6')).toEqual(['c0', 'c1', 'c2', 'c5', 'c6'])
    // through an older checkpoint of the first line: on along its own branch, not into the fork
    expect(lineThrough(tree, 'c1')).toEqual(['c0', 'c1', 'c2', 'c3', 'c4'])
    expect(lineThrough(tree, 'c5')).toEqual(['c0', 'c1', 'c2', 'c5', 'c6'])
  })
  it('says where the graph was at a checkpoint: nodes done with their counts, the next one running', () => {
    expect(nodeStatesAt(tree, 'c3')).toEqual({ __start__: { status: 'done', count: 1 }, driver: { status: 'running', count: 1 }, researcher: { status: 'done', count: 1 } })
    expect(nodeStatesAt(tree, 'c4')).toEqual({ __start__: { status: 'done', count: 1 }, driver: { status: 'done', count: 2 }, researcher: { status: 'done', count: 1 } })
    const failing = buildTree([cp('a', undefined, 0, ['review'], 0, { tasks: [{ name: 'review', error: 'boom' }] })])
    expect(nodeStatesAt(failing, 'a')).toEqual({ review: { status: 'error' } })
    const waiting = buildTree([cp('a', undefined, 0, ['gate'], 0, { tasks: [{ name: 'gate', interrupts: [{ value: 1 }] }] })])
    expect(nodeStatesAt(waiting, 'a').gate!.status).toBe('interrupted')
  })
  it('keeps a thread of 5,000 checkpoints in one line without recursion', () => {
    const long = Array.from({ length: 5000 }, (_, i) => cp(`k${String(i).padStart(5, '0')}`, i ? `k${String(i - 1).padStart(5, '0')}` : undefined, i, ['n'], i))
    const t = buildTree(long)
    expect(t.branches).toHaveLength(1)
    expect(lineThrough(t, 'k00000')).toHaveLength(5000)
  })
})

describe('the state diff', () => {
  it('lists added, removed and changed values with their paths', () => {
    const before = { task: 'a', analysis: 'x', steps: [{ step: 1 }], gone: true }
    const after = { task: 'a', analysis: 'y', steps: [{ step: 1 }, { step: 2 }], report: 'r' }
    expect(diffStates(before, after)).toEqual([
      { path: ['analysis'], kind: 'changed', before: 'x', after: 'y' },
      { path: ['gone'], kind: 'removed', before: true },
      { path: ['report'], kind: 'added', after: 'r' },
      { path: ['steps', 1], kind: 'added', after: { step: 2 } },
    ])
    expect(keySummary(before, after)).toEqual({ added: ['report'], removed: ['gone'], changed: ['analysis', 'steps'] })
    expect(pathText(['messages', 2, 'content'])).toBe('messages[2].content')
  })
  it('matches messages by id, so an insertion is one addition', () => {
    const m = (id: string) => ({ id, content: id })
    expect(diffStates({ messages: [m('a'), m('b')] }, { messages: [m('new'), m('a'), m('b')] })).toEqual([{ path: ['messages', 0], kind: 'added', after: m('new') }])
    expect(diffStates({ a: 1 }, { a: 1 })).toEqual([])
  })
})

describe('the fork editor\'s check against the state schema', () => {
  const schema = { type: 'object', properties: { task: { type: 'string' }, count: { type: 'integer' }, steps: { type: 'array', items: { type: 'object' } } } }
  it('accepts a state of the schema\'s keys and types', () => {
    expect(checkForkValues('{"task":"b","count":2,"steps":[{}]}', schema)).toEqual({ value: { task: 'b', count: 2, steps: [{}] }, errors: [] })
  })
  it('says what is wrong: bad JSON, not an object, unknown key, wrong type', () => {
    expect(checkForkValues('{"task":', schema).errors[0]).toMatch(/^not JSON/)
    expect(checkForkValues('[1]', schema).errors).toEqual(['the state must be a JSON object'])
    expect(checkForkValues('{"tsk":"b"}', schema).errors).toEqual(['tsk: not a key of the state (task, count, steps)'])
    expect(checkForkValues('{"count":"two","steps":[1]}', schema).errors).toEqual(['count: expected integer, got string', 'steps[0]: expected object, got integer'])
  })
})

describe('the waterfall', () => {
  const tree = buildTree(HISTORY)
  const run = (id: string, created: number, updated: number) => ({ run_id: id, thread_id: 't', assistant_id: 'a', created_at: new Date(1_700_000_000_000 + created).toISOString(), updated_at: new Date(1_700_000_000_000 + updated).toISOString(), status: 'success', metadata: {}, multitask_strategy: 'reject' }) as never
  const at = (ms: number) => new Date(1_700_000_000_000 + ms).toISOString()
  it('from checkpoints: queue wait apart, each attempt its own bar, a span per node that ran', () => {
    const spans = buildWaterfall([run('r1', -5, 125)], { r1: [
      { seq: 0, event: 'metadata', data: { attempt: 1 }, created_at: at(2) },
      { seq: 5, event: 'metadata', data: { attempt: 2 }, created_at: at(60) },
    ] }, tree)
    expect(spans.map((s) => [s.kind, s.label, s.start - 1_700_000_000_000, s.end - 1_700_000_000_000, s.checkpointId])).toEqual([
      ['queue', 'queued', -5, 2, undefined],
      ['attempt', 'attempt 1', 2, 60, undefined],
      ['node', '__start__', 2, 10, 'c1'],
      ['node', 'driver', 10, 40, 'c2'],
      ['attempt', 'attempt 2', 60, 125, undefined],
      ['node', 'researcher', 60, 90, 'c3'],
      ['node', 'driver', 90, 120, 'c4'],
    ])
  })
  it('from tasks events when the run streamed them, each task from its start to its result', () => {
    const spans = buildWaterfall([run('r1', 0, 130)], { r1: [
      { seq: 0, event: 'metadata', data: { attempt: 1 }, created_at: at(1) },
      { seq: 1, event: 'tasks', data: { id: 't1', name: 'driver', input: {} }, created_at: at(12) },
      { seq: 2, event: 'tasks', data: { id: 't1', name: 'driver', result: [], error: null }, created_at: at(39) },
    ] }, tree)
    expect(spans.filter((s) => s.kind === 'node').map((s) => [s.label, s.end - s.start, s.checkpointId])).toEqual([['driver', 27, 'c2']])
  })
})

describe('the timeline store and an exported file', () => {
  const bundle: ThreadExport = {
    format: 'switchyard.thread-export', version: 1, exported_at: at0(), source: 'http://127.0.0.1:8123',
    thread: { thread_id: 't1', created_at: at0(), updated_at: at0(), metadata: { graph_id: 'team' }, status: 'idle', values: {}, interrupts: {} } as never,
    history: HISTORY.map((h, i) => ({ ...h, values: { n: i } })), runs: [], events: {},
  }
  function at0() { return new Date(1_700_000_000_000).toISOString() }
  it('opens a file\'s thread, builds its tree, and serves full states from it', async () => {
    const parsed = parseExport(JSON.stringify(bundle))
    await useTimeline.getState().open(fileSource(parsed))
    const s = useTimeline.getState()
    expect(s.error).toBeUndefined()
    expect(s.thread?.thread_id).toBe('t1')
    expect(s.tree?.order).toHaveLength(7)
    expect((await s.ensureState('c6'))?.values).toEqual({ n: 0 })
    expect(useTimeline.getState().states.c6?.values).toEqual({ n: 0 })
    expect(await useTimeline.getState().ensureState('nope')).toBeUndefined()
    expect(useTimeline.getState().stateErrors.nope?.kind).toBe('not-found')
  })
  it('refuses what is not an export, saying why', () => {
    expect(() => parseExport('{')).toThrow(/not JSON/)
    expect(() => parseExport('{"format":"other"}')).toThrow(/not a Switchyard thread export/)
    expect(() => parseExport(JSON.stringify({ ...bundle, version: 2 }))).toThrow(/version 2 is not supported/)
    expect(() => parseExport(JSON.stringify({ ...bundle, history: undefined }))).toThrow(/lacks/)
  })
})

describe('the threads search\'s metadata field', () => {
  it('reads key=value pairs (JSON values) or a JSON object, and says what it cannot read', () => {
    expect(parseMetadataQuery('')).toEqual({})
    expect(parseMetadataQuery('owner=alice, n=3, ok=true')).toEqual({ owner: 'alice', n: 3, ok: true })
    expect(parseMetadataQuery('{"owner":"bob"}')).toEqual({ owner: 'bob' })
    expect(parseMetadataQuery('owner')).toBe('"owner" is not key=value')
    expect(parseMetadataQuery('{oops')).toMatch(/^not JSON/)
  })
})
