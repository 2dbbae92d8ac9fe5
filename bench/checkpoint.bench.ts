/**
 * Checkpointer benchmark: KyselySaver (SQLite file) vs the official SqliteSaver (file) vs MemorySaver, side by side.
 *
 *   npm run bench:checkpoint            # BENCH_RUNS=1000 by default
 *
 * (a) ms per step of a 10-node linear graph, a new thread per run, durability "sync" (and the default "async");
 * (b) one thread of 300 steps, each appending 1 KB to a list channel: bytes on disk, getStateHistory time (after
 *     warm-up passes, as in a long-lived server).
 * Both SQLite files use WAL with synchronous=NORMAL (what openDb sets), so the comparison is storage layout only.
 * (c) the same 300-step thread served by `startServer`: `POST /threads/{id}/history` through the official SDK
 *     client beside `getStateHistory` in the server's process (all checkpoints, the SDK's default page of 10,
 *     and the timeline's fields without `values`), and a no-op server sending the same bytes (the transfer floor).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Annotation, END, MemorySaver, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph'
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite'
import { Client } from '@langchain/langgraph-sdk'
import Database from 'better-sqlite3'
import { createServer } from 'node:http'
import { GraphRegistry, type AnyGraph } from '../graphs/registry.js'
import { startRunQueue } from '../runtime/run-queue.js'
import { runsRoutes } from '../server/routes/runs-routes.js'
import { startServer } from '../server/serve.js'
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

const longGraph = () => new StateGraph(Long)
  .addNode('step', (st: typeof Long.State) => ({ n: st.n + 1, log: [kb(st.n)] }))
  .addEdge(START, 'step')
  .addConditionalEdges('step', (st: typeof Long.State) => (st.n >= STEPS ? END : 'step'))

async function longThread(): Promise<Map<string, LongResult>> {
  const out = new Map<string, LongResult>()
  for (const s of await subjects('long')) {
    const graph = longGraph().compile({ checkpointer: s.saver })
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

/** Fields a history timeline reads (everything but `values`). */
const TIMELINE = ['checkpoint', 'parent_checkpoint', 'metadata', 'next', 'tasks', 'created_at']

interface HttpCase { name: string; inProcessMs: number; httpMs: number; bytes: number }

async function httpHistory(): Promise<{ cases: HttpCase[]; floorMs: number }> {
  const registry = new GraphRegistry([{
    name: 'long', description: 'the 300-step thread', parseInput: (i) => i,
    build: (d) => longGraph().compile({ checkpointer: d.checkpointer }) as unknown as AnyGraph,
  }])
  const srv = await startServer({ port: 0, dbPath: join(dir, 'http.db'), registry, routes: [runsRoutes] })
  const queue = await startRunQueue(srv.rt, {})
  const client = new Client({ apiUrl: srv.url })
  const { thread_id } = await client.threads.create()
  await client.runs.wait(thread_id, 'long', { input: { n: 0 }, config: { recursion_limit: STEPS + 10 }, durability: 'sync' })
  const graph = srv.rt.graph('long')
  const config = { configurable: { thread_id, checkpoint_ns: '' } }
  const inProcess = async (limit: number) => { for await (const s of graph.getStateHistory(config, { limit })) void s }
  let bytes = 0
  const http = async (limit: number, select?: string[]) => {
    const res = await fetch(`${srv.url}/threads/${thread_id}/history`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ limit, ...(select ? { select } : {}) }),
    })
    const text = await res.text()
    bytes = Buffer.byteLength(text)
    JSON.parse(text) // as the SDK does
  }
  const sdk = (limit: number) => client.threads.getHistory(thread_id, { limit })
  const timed = async (f: () => Promise<unknown>) => {
    const xs: number[] = []
    for (let k = 0; k < HISTORY_WARMUP + HISTORY_RUNS; k++) {
      const t = performance.now()
      await f()
      xs.push(performance.now() - t)
    }
    return median(xs.slice(HISTORY_WARMUP))
  }
  const cases: HttpCase[] = []
  for (const [name, limit, select] of [['all checkpoints, full state', 1000, undefined], ['SDK default page (limit 10)', 10, undefined], ['all checkpoints, timeline fields (select, no values)', 1000, TIMELINE]] as const) {
    const inProcessMs = await timed(() => inProcess(limit))
    const httpMs = select ? await timed(() => http(limit, [...select])) : await timed(() => sdk(limit))
    if (!select) await http(limit)
    cases.push({ name, inProcessMs, httpMs, bytes })
  }
  // the floor of the full-state case: a server that only sends bytes of that size, read and parsed the same way
  await http(1000)
  const body = await (await fetch(`${srv.url}/threads/${thread_id}/history`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"limit":1000}' })).text()
  const noop = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(body) })
  await new Promise<void>((ok) => noop.listen(0, '127.0.0.1', () => ok()))
  const noopUrl = `http://127.0.0.1:${(noop.address() as { port: number }).port}/`
  const floorMs = await timed(async () => JSON.parse(await (await fetch(noopUrl)).text()))
  await new Promise<void>((ok) => noop.close(() => ok()))
  await queue.stop({ graceMs: 0 })
  await srv.close()
  return { cases, floorMs }
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? 'n/a' : x.toFixed(digits))
const mb = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x / 1024 / 1024).toFixed(2)} MB`)
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`)

// BENCH_SECTIONS=c runs only (c), the served history (a short run while the machine is shared)
const SECTIONS = process.env.BENCH_SECTIONS ?? 'abc'
const started = performance.now()
const sync = SECTIONS.includes('a') ? await linear('sync') : new Map<string, number>()
const asyncMode = SECTIONS.includes('a') ? await linear('async') : new Map<string, number>()
const long = SECTIONS.includes('b') ? await longThread() : new Map<string, LongResult>()
const served = await httpHistory()
rmSync(dir, { recursive: true, force: true })

const k = (m: Map<string, number>) => [m.get('KyselySaver'), m.get('SqliteSaver'), m.get('MemorySaver')] as const
const L = (f: (r: LongResult) => number | undefined) => ['KyselySaver', 'SqliteSaver', 'MemorySaver'].map((n) => (long.has(n) ? f(long.get(n)!) : undefined))
const rows: [string, string, string, string, string, string][] = []
const row = (metric: string, v: readonly (number | undefined)[], show: (x: number | undefined) => string, target: string) =>
  rows.push([metric, show(v[0]), show(v[1]), show(v[2]), ratio(v[0], v[1]), target])
row(`10-node linear, ms/step, sync (${RUNS} runs, median of ${ROUNDS} rounds)`, k(sync), (x) => fmt(x, 3), '≤ 1.2x')
row(`10-node linear, ms/step, async default (${RUNS} runs, median of ${ROUNDS} rounds)`, k(asyncMode), (x) => fmt(x, 3), '')
row(`${STEPS}-step thread, write ms/step (sync)`, L((r) => r.writeMsPerStep), (x) => fmt(x, 3), '')
row(`${STEPS}-step thread, bytes on disk`, L((r) => r.bytes), mb, '≤ 2 MB')
const cps = long.get('KyselySaver')?.checkpoints ?? 'n/a'
const historyLabel = `${STEPS}-step thread, getStateHistory ms (${cps} checkpoints, median of ${HISTORY_RUNS} after ${HISTORY_WARMUP} warm-up)`
row(historyLabel, L((r) => r.historyMs), (x) => fmt(x, 1), '≤ 50 ms')
row(`${STEPS}-step thread, getStateHistory ms, best run`, L((r) => r.historyMinMs), (x) => fmt(x, 1), '')
row(`${STEPS}-step thread, saver.list ms`, L((r) => r.listMs), (x) => fmt(x, 1), '')

console.log('| metric | KyselySaver | SqliteSaver | MemorySaver | Kysely / Sqlite | target |')
console.log('|---|---:|---:|---:|---:|---|')
for (const r of rows) console.log(`| ${r.join(' | ')} |`)
console.log(`\n| ${STEPS}-step thread served (startServer) | getStateHistory ms (same process) | POST /threads/{id}/history ms | HTTP / in-process | response | target |`)
console.log('|---|---:|---:|---:|---:|---|')
for (const c of served.cases) {
  const target = c.name.startsWith('all checkpoints, full') ? '' : '≤ 1.3x'
  console.log(`| ${c.name} | ${fmt(c.inProcessMs, 1)} | ${fmt(c.httpMs, 1)} | ${ratio(c.httpMs, c.inProcessMs)} | ${mb(c.bytes)} | ${target} |`)
}
console.log(`| no-op server sending the full-state bytes (transfer + JSON.parse floor) | – | ${fmt(served.floorMs, 1)} | – | | |`)
const load = `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
const total = `${((performance.now() - started) / 1000).toFixed(1)} s`
console.log(`\nnode ${process.version}, ${RUNS} runs × ${NODES} nodes, ${load}; total ${total}`)
