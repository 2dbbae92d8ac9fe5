import { Annotation, Command, END, INTERRUPT, MemorySaver, START, StateGraph, interrupt, type BaseCheckpointSaver } from '@langchain/langgraph'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OpenedDb } from '../../store/db.js'
import { KyselySaver } from '../../store/kysely-saver.js'
import { openTempStore, query, testDialects, type TempStore } from './dialects.js'

const { dialects, skipped } = await testDialects()
if (skipped) describe.skip(`postgres: ${skipped}`, () => { it('skipped', () => undefined) })

// KyselySaver behind real LangGraph graphs, on a real SQLite file and a real Postgres schema, checked against MemorySaver where it matters.
const State = Annotation.Root({
  n: Annotation<number>,
  limit: Annotation<number>,
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  answer: Annotation<string | undefined>,
})
type S = typeof State.State

const entry = (i: number) => `${i}:`.padEnd(600, 'x')

const loop = (saver: BaseCheckpointSaver) =>
  new StateGraph(State)
    .addNode('step', (s: S) => ({ n: s.n + 1, log: [entry(s.n)] }))
    .addEdge(START, 'step')
    .addConditionalEdges('step', (s: S) => (s.n >= s.limit ? END : 'step'))
    .compile({ checkpointer: saver })

const asker = (saver: BaseCheckpointSaver) =>
  new StateGraph(State)
    .addNode('draft', (s: S) => ({ log: [`draft ${s.n}`] }))
    .addNode('ask', () => ({ answer: interrupt<string, string>('approve?') }))
    .addNode('finish', (s: S) => ({ log: [`finished with ${s.answer}`] }))
    .addEdge(START, 'draft').addEdge('draft', 'ask').addEdge('ask', 'finish').addEdge('finish', END)
    .compile({ checkpointer: saver })

const Inner = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) })
const nested = (saver: BaseCheckpointSaver) => {
  const inner = new StateGraph(Inner)
    .addNode('a', () => ({ log: ['inner a'] }))
    .addNode('b', () => ({ log: ['inner b'] }))
    .addEdge(START, 'a').addEdge('a', 'b').addEdge('b', END)
    .compile()
  return new StateGraph(Inner)
    .addNode('before', () => ({ log: ['before'] }))
    .addNode('sub', inner)
    .addEdge(START, 'before').addEdge('before', 'sub').addEdge('sub', END)
    .compile({ checkpointer: saver })
}

const thread = (id: string) => ({ configurable: { thread_id: id } })

async function history(graph: ReturnType<typeof loop>, id: string) {
  const out = []
  for await (const s of graph.getStateHistory(thread(id))) {
    out.push({ values: s.values, next: s.next, step: s.metadata?.step, source: s.metadata?.source, tasks: s.tasks.length })
  }
  return out
}

describe.each(dialects)('KyselySaver with LangGraph on %s', (dialect) => {
  let temp: TempStore
  let store: OpenedDb
  let saver: KyselySaver

  beforeEach(async () => {
    temp = await openTempStore(dialect, 'saver')
    store = temp.store
    saver = new KyselySaver(store.db)
  })
  afterEach(async () => {
    await temp.cleanup()
  })

  it('returns the same state history as MemorySaver', async () => {
    const mem = new MemorySaver()
    for (const s of [saver, mem]) {
      await loop(s).invoke({ n: 0, limit: 40 }, { ...thread('h'), durability: 'sync', recursionLimit: 100 })
      await loop(s).invoke({ n: 0, limit: 3 }, { ...thread('h'), durability: 'sync' })
    }
    const ours = await history(loop(saver), 'h')
    expect(ours.length).toBeGreaterThan(40)
    expect(ours).toEqual(await history(loop(mem), 'h'))
    expect((await loop(saver).getState(thread('h'))).values).toEqual((await loop(mem).getState(thread('h'))).values)
  })

  it('interrupts, then resumes from the stored checkpoint, also through a fresh saver on the same file', async () => {
    const first = await asker(saver).invoke({ n: 1 }, thread('i'))
    expect((first as { [INTERRUPT]?: { value: unknown }[] })[INTERRUPT]?.[0]?.value).toBe('approve?')
    expect((await asker(saver).getState(thread('i'))).next).toEqual(['ask'])

    const restarted = new KyselySaver(store.db)
    const done = await asker(restarted).invoke(new Command({ resume: 'yes' }), thread('i'))
    expect(done.answer).toBe('yes')
    expect(done.log).toEqual(['draft 1', 'finished with yes'])
    expect((await asker(saver).getState(thread('i'))).next).toEqual([])
  })

  it('forks with updateState from an older checkpoint like MemorySaver, leaving the original branch intact', async () => {
    const fork = async (s: BaseCheckpointSaver) => {
      const graph = loop(s)
      await graph.invoke({ n: 0, limit: 6 }, { ...thread('f'), durability: 'sync' })
      const snapshots = []
      for await (const snap of graph.getStateHistory(thread('f'))) snapshots.push(snap)
      const atStep2 = snapshots.find((snap) => snap.metadata?.step === 2)!
      const forked = await graph.updateState(atStep2.config, { log: ['forked'], limit: 4 }, 'step')
      const afterFork = (await graph.getState(forked)).values
      await graph.invoke(null, { ...forked, durability: 'sync' })
      return { afterFork, end: (await graph.getState(thread('f'))).values, original: (await graph.getState(snapshots[0]!.config)).values }
    }
    const ours = await fork(saver)
    expect(ours.afterFork.log).toEqual([entry(0), entry(1), 'forked'])
    expect(ours.end.log).toEqual([entry(0), entry(1), 'forked', entry(2), entry(3)])
    // the fork reuses the integer part of the original branch's versions; the stored original must not change
    expect(ours.original.log).toEqual(Array.from({ length: 6 }, (_, i) => entry(i)))
    expect(ours).toEqual(await fork(new MemorySaver()))
  })

  it('keeps subgraph checkpoints in their own namespace and matches MemorySaver', async () => {
    const mem = new MemorySaver()
    const ours = await nested(saver).invoke({ log: [] }, { ...thread('n'), durability: 'sync' })
    expect(ours).toEqual(await nested(mem).invoke({ log: [] }, { ...thread('n'), durability: 'sync' }))
    const namespaces = await query<{ ns: string }>(store, "select distinct checkpoint_ns ns from checkpoints where thread_id = 'n'")
    expect(namespaces.some((r) => r.ns.startsWith('sub:'))).toBe(true)
  })

  it('continues deltas after a restart (cold cache) exactly as without one', async () => {
    const layout = (id: string) =>
      query<{ kind: string }>(store, "select kind, length(data) bytes from checkpoint_blobs where thread_id = ? and channel = 'log' order by cast(version as real)", id)
    const twice = async (first: KyselySaver, second: KyselySaver, id: string) => {
      await loop(first).invoke({ n: 0, limit: 30 }, { ...thread(id), durability: 'sync', recursionLimit: 100 })
      await loop(second).invoke({ n: 30, limit: 60 }, { ...thread(id), durability: 'sync', recursionLimit: 100 })
    }
    await twice(saver, new KyselySaver(store.db), 'restarted')
    await twice(saver, saver, 'warm')
    expect((await loop(saver).getState(thread('restarted'))).values.log).toEqual(Array.from({ length: 60 }, (_, i) => entry(i)))
    expect(await layout('restarted')).toEqual(await layout('warm'))
    expect((await layout('warm')).filter((r) => r.kind === 'delta').length).toBeGreaterThan(40)
  })

  it('deleteThread removes every row of the thread and nothing else', async () => {
    await loop(saver).invoke({ n: 0, limit: 5 }, { ...thread('gone'), durability: 'sync' })
    await loop(saver).invoke({ n: 0, limit: 5 }, { ...thread('kept'), durability: 'sync' })
    await saver.deleteThread('gone')
    for (const table of ['checkpoints', 'checkpoint_blobs', 'checkpoint_writes']) {
      const count = async (id: string) => (await query<{ n: number }>(store, `select count(*) n from ${table} where thread_id = ?`, id))[0]!.n
      expect(await count('gone'), table).toBe(0)
      expect(await count('kept'), table).toBeGreaterThan(0)
    }
    expect(await saver.getTuple(thread('gone'))).toBeUndefined()
    // a new run on the deleted id starts from scratch, whatever the cache remembered
    const again = await loop(saver).invoke({ n: 0, limit: 2 }, { ...thread('gone'), durability: 'sync' })
    expect(again.log).toEqual([entry(0), entry(1)])
  })
})
