import { AIMessage, HumanMessage } from '@langchain/core/messages'
import { Annotation, END, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OpenedDb } from '../../store/db.js'
import { KyselySaver } from '../../store/kysely-saver.js'
import { StatementCache } from '../../store/checkpoint-statements.js'
import { appendedTail } from '../../store/checkpoint-value-writer.js'
import { openTempStore, query, testDialects, type TempStore } from './dialects.js'

const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

// How the saver lays values out, checked through a real graph on a real SQLite file and a real Postgres schema:
// the same O(change) storage on both.
const State = Annotation.Root({
  n: Annotation<number>,
  limit: Annotation<number>,
  /** Set once by the input, large enough to live in checkpoint_blobs. */
  brief: Annotation<string>,
  /** Set once by the input, small enough to live inline. */
  tag: Annotation<string>,
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
})
type S = typeof State.State

const kb = (i: number) => `${i}:`.padEnd(1024, String.fromCharCode(97 + (i % 26)))

const loopGraph = (saver: KyselySaver) =>
  new StateGraph(State)
    .addNode('step', (s: S) => ({ n: s.n + 1, log: [kb(s.n)] }))
    .addEdge(START, 'step')
    .addConditionalEdges('step', (s: S) => (s.n >= s.limit ? END : 'step'))
    .compile({ checkpointer: saver })

const run = (saver: KyselySaver, thread: string, limit: number) =>
  loopGraph(saver).invoke(
    { n: 0, limit, brief: 'b'.repeat(5_000), tag: 'small' },
    { configurable: { thread_id: thread }, durability: 'sync', recursionLimit: limit + 10 },
  )

describe.each(dialects)('KyselySaver storage layout on %s', (dialect) => {
  let temp: TempStore
  let store: OpenedDb
  let saver: KyselySaver
  // versions are `<n>.<random>`: numeric order is write order
  const blobs = (thread: string, channel: string) =>
    query<{ kind: 'full' | 'delta'; bytes: number }>(store, 'select kind, length(data) bytes from checkpoint_blobs where thread_id = ? and channel = ? order by cast(version as real)', thread, channel)

  beforeEach(async () => {
    temp = await openTempStore(dialect, 'saver')
    store = temp.store
    saver = new KyselySaver(store.db)
  })
  afterEach(async () => {
    await temp.cleanup()
  })

  it('writes a channel that does not change exactly once, whether in a blob or inline', async () => {
    await run(saver, 't', 20)
    const [checkpoints] = await query<{ n: number }>(store, "select count(*) n from checkpoints where thread_id = 't'")
    expect(checkpoints!.n).toBeGreaterThan(20)
    expect(await blobs('t', 'brief')).toHaveLength(1)
    const inline = await query<{ data: Uint8Array }>(store, "select inline_data data from checkpoints where thread_id = 't' and inline_data is not null")
    const tagged = inline.filter((r) => (JSON.parse(Buffer.from(r.data).toString()) as [string, unknown][]).some(([ch]) => ch === 'tag'))
    expect(tagged).toHaveLength(1)
    // every later checkpoint points at that one row instead of copying the value
    const refs = await query<{ inline_refs: string }>(store, "select inline_refs from checkpoints where thread_id = 't'")
    expect(refs.filter((r) => 'tag' in JSON.parse(r.inline_refs)).length).toBe(checkpoints!.n - 2)
  })

  it('stores an append as a delta of the appended elements only: bytes grow linearly', async () => {
    await run(saver, 'short', 100)
    await run(saver, 'long', 200)
    const total = (rows: { bytes: number }[]) => rows.reduce((a, r) => a + r.bytes, 0)
    const short = total(await blobs('short', 'log'))
    const long = total(await blobs('long', 'log'))
    const finalSize = JSON.stringify(Array.from({ length: 200 }, (_, i) => kb(i))).length
    // the policy bounds the total to under 3x the final value (full copies < 2x, deltas 1x)
    expect(long).toBeLessThan(3 * finalSize)
    expect(long / short).toBeGreaterThan(1.5)
    expect(long / short).toBeLessThan(2.6)
    expect((await blobs('long', 'log')).filter((r) => r.kind === 'delta').length).toBeGreaterThan(150)
  })

  it('writes a full copy once the deltas since the last one outweigh it', async () => {
    await run(saver, 't', 200)
    const rows = await blobs('t', 'log')
    let full = 0
    let deltas = 0
    for (const r of rows) {
      if (r.kind === 'full') {
        // a new full copy only when the next delta would have pushed the sum past the last full copy
        if (full > 0) expect(deltas + 1_030).toBeGreaterThan(full)
        full = r.bytes
        deltas = 0
      } else {
        deltas += r.bytes
        expect(deltas).toBeLessThanOrEqual(full)
      }
    }
    const fulls = rows.filter((r) => r.kind === 'full').length
    // sizes at least double between full copies: about log2(200) of them
    expect(fulls).toBeGreaterThanOrEqual(6)
    expect(fulls).toBeLessThanOrEqual(10)
  })

  it('round-trips values the JSON fast path must not flatten: bytes, Sets, Maps, undefined, lc-looking data', async () => {
    const values = {
      bytes: new Uint8Array([1, 2, 3]),
      bigBytes: new Uint8Array(5_000).fill(7),
      set: new Set(['a', 'b']),
      map: new Map([['k', { lc: 'not a marker' }]]),
      nothing: undefined,
      text: 'x'.repeat(3_000),
      list: [{ lc: 2, note: 'plain data that looks like a marker' }],
    }
    const versions = Object.fromEntries(Object.keys(values).map((k) => [k, 1]))
    const checkpoint = {
      v: 4, id: '1f000000-0000-6000-8000-000000000001', ts: new Date(0).toISOString(),
      channel_values: values, channel_versions: versions, versions_seen: {},
    }
    const metadata = { source: 'input' as const, step: -1, parents: {} }
    const config = await saver.put({ configurable: { thread_id: 'types' } }, checkpoint, metadata, versions)
    const cold = new KyselySaver(store.db)
    expect((await cold.getTuple(config))?.checkpoint).toEqual(checkpoint)
  })

  it('honours fullCopyRatio: 0 turns deltas off', async () => {
    const noDeltas = new KyselySaver(store.db, { fullCopyRatio: 0 })
    await run(noDeltas, 't', 10)
    expect((await blobs('t', 'log')).every((r) => r.kind === 'full')).toBe(true)
  })
})

describe.each(dialects)('KyselySaver with LangChain messages on %s', (dialect) => {
  let temp: TempStore
  let store: OpenedDb
  beforeEach(async () => {
    temp = await openTempStore(dialect, 'saver')
    store = temp.store
  })
  afterEach(async () => {
    await temp.cleanup()
  })

  const chat = (saver: KyselySaver | MemorySaver) =>
    new StateGraph(MessagesAnnotation)
      .addNode('reply', (s: typeof MessagesAnnotation.State) =>
        ({ messages: [new AIMessage({ content: `reply ${s.messages.length} `.padEnd(300, '.'), id: `ai-${s.messages.length}` })] }))
      .addEdge(START, 'reply').addEdge('reply', END)
      .compile({ checkpointer: saver })

  it('stores a growing message list as deltas and reads back the same messages as MemorySaver', async () => {
    const saver = new KyselySaver(store.db)
    const mem = new MemorySaver()
    for (let turn = 0; turn < 15; turn++) {
      const input = { messages: [new HumanMessage({ content: `question ${turn} `.padEnd(300, '?'), id: `human-${turn}` })] }
      for (const s of [saver, mem]) await chat(s).invoke(input, { configurable: { thread_id: 'chat' }, durability: 'sync' })
    }
    const rows = await query<{ kind: string }>(store, "select kind from checkpoint_blobs where channel = 'messages'")
    expect(rows.filter((r) => r.kind === 'delta').length).toBeGreaterThan(15)
    const history = async (s: KyselySaver | MemorySaver) => {
      const out = []
      for await (const snap of chat(s).getStateHistory({ configurable: { thread_id: 'chat' } })) out.push(snap.values.messages)
      return out
    }
    const ours = await history(saver)
    expect(ours[0]).toHaveLength(30)
    expect(ours[0]![29]).toBeInstanceOf(AIMessage)
    expect(ours).toEqual(await history(mem))
  })
})

describe('appendedTail', () => {
  const b = (s: string) => new TextEncoder().encode(s)
  const t = (prev: string, next: string) => {
    const tail = appendedTail(b(prev), b(next))
    return tail === undefined ? undefined : new TextDecoder().decode(tail)
  }

  it('returns the appended elements as a JSON array', () => {
    expect(t('["a","b"]', '["a","b","c",{"d":1}]')).toBe('["c",{"d":1}]')
    expect(t('[]', '["x"]')).toBe('["x"]')
    expect(t('["a"]', '["a"]')).toBe('[]')
  })

  it('refuses anything that is not an element-wise extension', () => {
    expect(t('[1,2]', '[1,23]')).toBeUndefined()
    expect(t('["a","b"]', '["a","c","d"]')).toBeUndefined()
    expect(t('["a","b"]', '["a"]')).toBeUndefined()
    expect(t('{"a":1}', '{"a":1,"b":2}')).toBeUndefined()
    expect(t('["a"]', '["a"] ')).toBeUndefined()
  })
})

describe.each(dialects)('StatementCache on %s', (dialect) => {
  it('builds a shape once when its parameters line up, every time when they do not', async () => {
    const temp = await openTempStore(dialect, 'stmts')
    const store = temp.store
    try {
      const cache = new StatementCache()
      let builds = 0
      const ids = ['a', 'b', 'c']
      for (const id of ids) {
        const row = {
          thread_id: 't', checkpoint_ns: '', checkpoint_id: id, task_id: 'k', idx: 0,
          channel: 'c', type: 'json', data: new Uint8Array([49]), task_path: '',
        }
        await cache.run(store.db, 'insert', Object.values(row), () => {
          builds++
          return store.db.insertInto('checkpoint_writes').values(row)
        })
        // parameters listed in another order than kysely binds them: never cached, still correct
        await cache.run(store.db, 'odd', [id, 't'], () => {
          builds++
          return store.db.selectFrom('checkpoint_writes').select('idx').where('thread_id', '=', 't').where('checkpoint_id', '=', id)
        })
      }
      expect(builds).toBe(1 + ids.length)
      const stored = await query(store, 'select checkpoint_id from checkpoint_writes order by checkpoint_id')
      expect(stored).toEqual(ids.map((checkpoint_id) => ({ checkpoint_id })))
    } finally {
      await temp.cleanup()
    }
  })
})
