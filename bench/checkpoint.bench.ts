/**
 * Checkpointer benchmark: KyselySaver (SQLite file) vs the official SqliteSaver (file) vs MemorySaver, side by side.
 *
 *   npm run bench:checkpoint            # BENCH_RUNS=1000 by default
 *
 * (a) ms per step of a 10-node linear graph, a new thread per run, durability "sync" (and the default "async");
 * (b) one thread of 300 steps, each appending 1 KB to a list channel: bytes on disk, getStateHistory time (after
 *     warm-up passes, as in a long-lived server).
 * Both SQLite files use WAL with synchronous=NORMAL (what openDb sets), so the comparison is storage layout only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Annotation, END, MemorySaver, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph'
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite'
import Database from 'better-sqlite3'
import { openDb } from '../store/db.js'
import { KyselySaver } from '../store/kysely-saver.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000)
const ROUNDS = 10
const NODES = 10
const STEPS = 300
const HISTORY_WARMUP = 10
const HISTORY_RUNS = 10
const dir = mkdtempSync(join(tmpdir(), 'sy-bench-'))

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Subject {
  name: string
  saver: BaseCheckpointSaver
  /** Bytes on disk after folding the WAL into the main file; undefined for memory. */
  bytes(): number | undefined
  close(): Promise<void>
}

function sqliteBytes(db: Database.Database): number {
  db.pragma('wal_checkpoint(TRUNCATE)')
  return Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }))
}

async function subjects(tag: string): Promise<Subject[]> {
  const ours = await openDb(join(dir, `${tag}-kysely.db`))
  const raw = new Database(join(dir, `${tag}-official.db`))
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  return [
    { name: 'KyselySaver', saver: new KyselySaver(ours.db), bytes: () => sqliteBytes(ours.sqlite), close: ours.close },
    { name: 'SqliteSaver', saver: new SqliteSaver(raw), bytes: () => sqliteBytes(raw), close: async () => { raw.close() } },
    { name: 'MemorySaver', saver: new MemorySaver(), bytes: () => undefined, close: async () => {} },
  ]
}

const Linear = Annotation.Root({
  count: Annotation<number>,
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
})

function linearGraph(saver: BaseCheckpointSaver) {
  const g = new StateGraph(Linear)
  for (let i = 0; i < NODES; i++) g.addNode(`n${i}`, (s: typeof Linear.State) => ({ count: s.count + 1, log: [`n${i}`] }))
  const b = g as unknown as StateGraph<typeof Linear.spec, typeof Linear.State, typeof Linear.Update, string>
  b.addEdge(START, 'n0')
  for (let i = 1; i < NODES; i++) b.addEdge(`n${i - 1}`, `n${i}`)
  b.addEdge(`n${NODES - 1}`, END)
  return b.compile({ checkpointer: saver })
}

/**
 * ms per step over RUNS runs, interleaved in ROUNDS rounds across savers so drift and other load hit them alike;
 * the median round is reported, which a burst of load on a shared machine does not move.
 */
async function linear(durability: 'sync' | 'async'): Promise<Map<string, number>> {
  const subs = await subjects(`linear-${durability}`)
  const graphs = subs.map((s) => linearGraph(s.saver))
  const rounds = new Map(subs.map((s) => [s.name, [] as number[]]))
  for (const [i, g] of graphs.entries()) {
    for (let r = 0; r < 30; r++) await g.invoke({ count: 0 }, { configurable: { thread_id: `warm-${i}-${r}` }, durability })
  }
  const perRound = Math.max(1, Math.round(RUNS / ROUNDS))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, g] of graphs.entries()) {
      const t0 = performance.now()
      for (let r = 0; r < perRound; r++) {
        await g.invoke({ count: 0 }, { configurable: { thread_id: `t-${round}-${r}` }, durability })
      }
      rounds.get(subs[i]!.name)!.push((performance.now() - t0) / (perRound * NODES))
    }
  }
  for (const s of subs) await s.close()
  return new Map([...rounds].map(([k, ms]) => [k, median(ms)]))
}

const Long = Annotation.Root({
  n: Annotation<number>,
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
})

/** 1 KB that differs per step, so nothing deduplicates by accident. */
const kb = (i: number) => `${i}:`.padEnd(1024, String.fromCharCode(97 + (i % 26)))

interface LongResult {
  writeMsPerStep: number
  bytes: number | undefined
  historyMs: number
  historyMinMs: number
  listMs: number
  checkpoints: number
}

async function longThread(): Promise<Map<string, LongResult>> {
  const out = new Map<string, LongResult>()
  for (const s of await subjects('long')) {
    const graph = new StateGraph(Long)
      .addNode('step', (st: typeof Long.State) => ({ n: st.n + 1, log: [kb(st.n)] }))
      .addEdge(START, 'step')
      .addConditionalEdges('step', (st: typeof Long.State) => (st.n >= STEPS ? END : 'step'))
      .compile({ checkpointer: s.saver })
    const config = { configurable: { thread_id: 'long' } }
    const t0 = performance.now()
    await graph.invoke({ n: 0 }, { ...config, durability: 'sync', recursionLimit: STEPS + 10 })
    const writeMsPerStep = (performance.now() - t0) / STEPS
    const history: number[] = []
    const lists: number[] = []
    let checkpoints = 0
    for (let k = 0; k < HISTORY_WARMUP + HISTORY_RUNS; k++) {
      let t = performance.now()
      checkpoints = 0
      for await (const snap of graph.getStateHistory(config)) if (snap.values) checkpoints++
      history.push(performance.now() - t)
      t = performance.now()
      for await (const tuple of s.saver.list(config)) void tuple
      lists.push(performance.now() - t)
    }
    // V8 takes about ten passes to optimize the read path; a long-lived server runs in that steady state
    const warm = history.slice(HISTORY_WARMUP)
    out.set(s.name, {
      writeMsPerStep,
      bytes: s.bytes(),
      historyMs: median(warm),
      historyMinMs: Math.min(...warm),
      listMs: median(lists.slice(HISTORY_WARMUP)),
      checkpoints,
    })
    await s.close()
  }
  return out
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? 'n/a' : x.toFixed(digits))
const mb = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x / 1024 / 1024).toFixed(2)} MB`)
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`)

const started = performance.now()
const sync = await linear('sync')
const asyncMode = await linear('async')
const long = await longThread()
rmSync(dir, { recursive: true, force: true })

const k = (m: Map<string, number>) => [m.get('KyselySaver'), m.get('SqliteSaver'), m.get('MemorySaver')] as const
const L = (f: (r: LongResult) => number | undefined) => ['KyselySaver', 'SqliteSaver', 'MemorySaver'].map((n) => f(long.get(n)!))
const rows: [string, string, string, string, string, string][] = []
const row = (metric: string, v: readonly (number | undefined)[], show: (x: number | undefined) => string, target: string) =>
  rows.push([metric, show(v[0]), show(v[1]), show(v[2]), ratio(v[0], v[1]), target])
row(`10-node linear, ms/step, sync (${RUNS} runs, median of ${ROUNDS} rounds)`, k(sync), (x) => fmt(x, 3), '≤ 1.2x')
row(`10-node linear, ms/step, async default (${RUNS} runs, median of ${ROUNDS} rounds)`, k(asyncMode), (x) => fmt(x, 3), '')
row(`${STEPS}-step thread, write ms/step (sync)`, L((r) => r.writeMsPerStep), (x) => fmt(x, 3), '')
row(`${STEPS}-step thread, bytes on disk`, L((r) => r.bytes), mb, '≤ 2 MB')
const cps = long.get('KyselySaver')!.checkpoints
const historyLabel = `${STEPS}-step thread, getStateHistory ms (${cps} checkpoints, median of ${HISTORY_RUNS} after ${HISTORY_WARMUP} warm-up)`
row(historyLabel, L((r) => r.historyMs), (x) => fmt(x, 1), '≤ 50 ms')
row(`${STEPS}-step thread, getStateHistory ms, best run`, L((r) => r.historyMinMs), (x) => fmt(x, 1), '')
row(`${STEPS}-step thread, saver.list ms`, L((r) => r.listMs), (x) => fmt(x, 1), '')

console.log('| metric | KyselySaver | SqliteSaver | MemorySaver | Kysely / Sqlite | target |')
console.log('|---|---:|---:|---:|---:|---|')
for (const r of rows) console.log(`| ${r.join(' | ')} |`)
const load = `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
const total = `${((performance.now() - started) / 1000).toFixed(1)} s`
console.log(`\nnode ${process.version}, ${RUNS} runs × ${NODES} nodes, ${load}; total ${total}`)
