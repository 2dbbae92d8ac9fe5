/**
 * Scale-out benchmark (issue 14 part 5): the same graph and the same client against each process layout
 * the README describes, one after another in one run, printed as one table.
 *
 *   npm run bench:scale
 *
 * Layouts (every one through the package bin, compiled dist/, logs at info to a discarded stderr):
 *   sqlite        `switchyard serve` alone: the embedded default, API and run slots in one process
 *   sqlite-split  `switchyard serve --workers 0` + 1 `switchyard worker`, on the same SQLite file
 *   sqlite-split-redis  the same with REDIS_URL: wake-ups and run ends over Redis, not the 50 ms data_version watch
 *   pg-embedded   `switchyard serve` alone on Postgres (DATABASE_URL)
 *   pg-1, pg-2, pg-4  `serve --workers 0` + 1, 2, 4 `switchyard worker` on Postgres (+ REDIS_URL when the
 *                 build reads it and Redis answers on 127.0.0.1:6379)
 * Each layout gets the same 50 run slots in all (`--concurrency` 50 / workers, rounded up), a fresh store
 * (a SQLite file in a temp folder, or a new schema in database `test` on 127.0.0.1:5432, dropped after),
 * `threads.create` + `runs.wait` of bench/langgraph.json's `one_node` graph with the official SDK client
 * in this process: BENCH_SEQ (100) sequential runs after 20 warm-up, then 50 concurrent clients for
 * BENCH_SECONDS (8); the sequential pass stops after BENCH_MAX_SEQ_SECONDS (30) whatever its count, and a run not answered within BENCH_RUN_TIMEOUT_MS (20000) counts as an error. Server CPU per run sums the API process and every worker (each process tree).
 * Knobs: BENCH_LAYOUTS (comma-separated, default all), BENCH_GRAPH (one_node | five_nodes),
 * BENCH_CLIENTS (50), BENCH_PG_URL (default postgres://postgres@ then root@127.0.0.1:5432/test),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379), SWITCHYARD_PG_POOL (the pool per process, default 10).
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { startCluster, type ClusterSpec, type ClusterStore } from './server/cluster.js'
import { treeCpuMs } from './server/cpu.js'
import { concurrent, sdkClient, sequential, type Latency, type RunCase, type Throughput } from './server/load.js'

const CONFIG = fileURLToPath(new URL('./langgraph.json', import.meta.url))
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt)
const PLAN = { runs: num('BENCH_SEQ', 100), warmup: 20, seconds: num('BENCH_SECONDS', 8) }
const CLIENTS = num('BENCH_CLIENTS', 50)
const MAX_SEQ_SECONDS = num('BENCH_MAX_SEQ_SECONDS', 30)
const RUN_TIMEOUT_MS = num('BENCH_RUN_TIMEOUT_MS', 20_000)
const GRAPH = process.env.BENCH_GRAPH ?? 'one_node'
const NODES: Record<string, number> = { one_node: 1, five_nodes: 5 }
const CASE: RunCase = {
  graph: GRAPH,
  input: { count: 0 },
  check: (v) => typeof v === 'object' && v !== null && (v as { count?: unknown }).count === NODES[GRAPH],
}
const say = (s: string) => console.error(`[bench:scale] ${s}`)
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')

/** The first Postgres URL that answers, or undefined. */
async function pgBase(): Promise<string | undefined> {
  const candidates = process.env.BENCH_PG_URL ? [process.env.BENCH_PG_URL] : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test']
  for (const url of candidates) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
    c.on('error', () => undefined)
    try {
      await c.connect()
      await c.query('select 1')
      return url
    } catch {
      // the next one
    } finally {
      await c.end().catch(() => undefined)
    }
  }
  return undefined
}

/** A fresh schema's URL on `base`, and how to drop it. */
function freshSchema(base: string, tag: string): ClusterStore {
  const schema = `bench_scale_${tag}_${process.pid}_${randomBytes(3).toString('hex')}`.replace(/[^a-z0-9_]/g, '_')
  return {
    databaseUrl: `${base}?schema=${schema}`,
    async drop() {
      const c = new pg.Client({ connectionString: base })
      c.on('error', () => undefined)
      await c.connect()
      try {
        await c.query(`drop schema if exists "${schema}" cascade`)
      } finally {
        await c.end()
      }
    },
  }
}

/** Whether something answers Redis's PING at `url`. */
function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url)
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname, port: Number(u.port || 6379) })
    const done = (ok: boolean) => { s.destroy(); resolve(ok) }
    s.setTimeout(2_000, () => done(false))
    s.once('error', () => done(false))
    s.once('connect', () => s.write('PING\r\n'))
    s.once('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

/** Whether this build reads REDIS_URL (the scale-out issue's live tail; absent from older builds). */
function buildReadsRedisUrl(): boolean {
  for (const dir of ['cli', 'runtime', 'store', 'server']) {
    for (const f of readdirSync(`${ROOT}/${dir}`)) {
      if (f.endsWith('.ts') && readFileSync(`${ROOT}/${dir}/${f}`, 'utf8').includes('REDIS_URL')) return true
    }
  }
  return false
}

interface Row { name: string; layout: string; processes: number; slots: string; latency?: Latency; t?: Throughput; apiCpuMs?: number; error?: string; loadAfter: string }

async function measure(spec: ClusterSpec, layout: string): Promise<Row> {
  const processes = spec.workers === 'embedded' ? 1 : 1 + spec.workers
  const slots = spec.workers === 'embedded' ? `${spec.concurrency}` : `${spec.workers} × ${spec.concurrency}`
  let cluster
  try {
    cluster = await startCluster(spec)
    say(`${spec.name}: ${processes} process(es) at ${cluster.url}`)
    const client = sdkClient(cluster.url)
    const latency = await sequential(client, CASE, { ...PLAN, maxSeconds: MAX_SEQ_SECONDS, runTimeoutMs: RUN_TIMEOUT_MS })
    say(`${spec.name}: runs.wait p50 ${latency.p50.toFixed(2)} ms (${latency.runs} runs, ${latency.errors} errors${latency.firstError ? `: ${latency.firstError}` : ''})`)
    const api0 = treeCpuMs(cluster.pids[0]!)
    const t = await concurrent(client, CASE, { clients: CLIENTS, seconds: PLAN.seconds, serverPid: cluster.pids, runTimeoutMs: RUN_TIMEOUT_MS })
    const api1 = treeCpuMs(cluster.pids[0]!)
    const apiCpuMs = api0 !== undefined && api1 !== undefined && t.runs > 0 ? (api1 - api0) / t.runs : undefined
    say(`${spec.name} ×${CLIENTS}: ${t.perSecond.toFixed(1)} runs/s, runs.wait p50 ${t.waitP50?.toFixed(2)} ms, server CPU ${t.serverCpuMs?.toFixed(2)} ms/run (${t.runs} runs, ${t.errors} errors${t.firstError ? `: ${t.firstError}` : ''})`)
    return { name: spec.name, layout, processes, slots, latency, t, apiCpuMs, loadAfter: load() }
  } catch (e) {
    say(`${spec.name}: not measured: ${(e as Error).message}`)
    return { name: spec.name, layout, processes, slots, error: (e as Error).message.split('\n')[0], loadAfter: load() }
  } finally {
    await cluster?.stop()
  }
}

const LAYOUTS = new Set((process.env.BENCH_LAYOUTS ?? 'sqlite,sqlite-split,sqlite-split-redis,pg-embedded,pg-1,pg-2,pg-4').split(',').map((s) => s.trim()))
const t0 = Date.now()
const loadStart = load()
const base = [...LAYOUTS].some((l) => l.startsWith('pg')) ? await pgBase() : undefined
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const redisOk = buildReadsRedisUrl() && (await redisAnswers(redisUrl)) ? redisUrl : undefined
const redis = base !== undefined ? redisOk : undefined
const pgName = redis ? 'Postgres + Redis' : 'Postgres'
const slotsFor = (workers: number) => Math.ceil(CLIENTS / workers)
const rows: Row[] = []
const layout = async (key: string, spec: () => ClusterSpec, label: string) => {
  if (!LAYOUTS.has(key)) return
  if (key.endsWith('-redis') && !redisOk) {
    rows.push({ name: key, layout: label, processes: 0, slots: '–', error: `no Redis answers at ${redisUrl}, or this build does not read REDIS_URL`, loadAfter: load() })
    return
  }
  if (key.startsWith('pg') && !base) {
    rows.push({ name: key, layout: label, processes: 0, slots: '–', error: 'no Postgres answers on 127.0.0.1:5432 (database test)', loadAfter: load() })
    return
  }
  rows.push(await measure(spec(), label))
}
const pgEnv = { REDIS_URL: redis }
await layout('sqlite', () => ({ name: 'sqlite', configPath: CONFIG, store: { sqlite: true }, workers: 'embedded', concurrency: CLIENTS }), 'SQLite, `switchyard serve` (embedded default)')
await layout('sqlite-split', () => ({ name: 'sqlite-split', configPath: CONFIG, store: { sqlite: true }, workers: 1, concurrency: slotsFor(1) }), 'SQLite, `serve --workers 0` + 1 `worker`')
await layout('sqlite-split-redis', () => ({ name: 'sqlite-split-redis', configPath: CONFIG, store: { sqlite: true }, workers: 1, concurrency: slotsFor(1), env: { REDIS_URL: redisOk } }), 'SQLite + Redis, `serve --workers 0` + 1 `worker`')
await layout('pg-embedded', () => ({ name: 'pg-embedded', configPath: CONFIG, store: freshSchema(base!, 'emb'), workers: 'embedded', concurrency: CLIENTS, env: pgEnv }), `${pgName}, \`switchyard serve\` alone`)
for (const n of [1, 2, 4]) {
  await layout(`pg-${n}`, () => ({ name: `pg-${n}`, configPath: CONFIG, store: freshSchema(base!, `w${n}`), workers: n, concurrency: slotsFor(n), env: pgEnv }), `${pgName}, \`serve --workers 0\` + ${n} \`worker\``)
}

const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(v >= 100 ? 0 : d))
const lines = [
  `### bench:scale — ${GRAPH}, ${CLIENTS} concurrent clients`,
  '',
  '| layout | processes | run slots | runs.wait p50 ms (sequential) | runs/s ×' + CLIENTS + ' | runs.wait p50 ms ×' + CLIENTS + ' | p99 ms ×' + CLIENTS + ' | server CPU ms/run (API process) | client CPU ms/run | cores in use | runs (sequential / ×' + CLIENTS + ') | errors | load after |',
  '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
]
for (const r of rows) {
  if (r.error || !r.latency || !r.t) { lines.push(`| ${r.layout} | ${r.processes} | ${r.slots} | not measured: ${r.error} | | | | | | | | | ${r.loadAfter} |`); continue }
  const t = r.t
  const cores = t.serverCpuMs !== undefined ? (t.perSecond * (t.serverCpuMs + (t.clientCpuMs ?? 0))) / 1_000 : undefined
  lines.push(`| ${r.layout} | ${r.processes} | ${r.slots} | ${f(r.latency.p50)} | ${f(t.perSecond, 1)} | ${f(t.waitP50)} | ${f(t.waitP99)} | ${f(t.serverCpuMs)}${r.processes > 1 ? ` (${f(r.apiCpuMs)})` : ''} | ${f(t.clientCpuMs)} | ${f(cores)} | ${r.latency.runs} / ${t.runs} | ${r.latency.errors + t.errors} | ${r.loadAfter} |`)
}
lines.push('',
  `- Each run: \`threads.create\` + \`runs.wait\` (official SDK client, this process, a new thread per run) of \`${GRAPH}\` from bench/langgraph.json; ${PLAN.runs} sequential runs after ${PLAN.warmup} warm-up, then ${CLIENTS} clients back to back for ${PLAN.seconds} s. Run slots: 50 in all per layout (per worker: 50 / workers, rounded up).`,
  `- Postgres: ${base ? `${base.replace(/\/\/[^@]*@/, '//…@')}, a fresh schema per layout (dropped after), pool ${process.env.SWITCHYARD_PG_POOL ?? 10} per process` : [...LAYOUTS].some((l) => l.startsWith('pg')) ? 'not answering' : 'not used'}; Redis: ${redisOk ? `${redisUrl} (REDIS_URL) for the Postgres layouts and sqlite-split-redis` : buildReadsRedisUrl() ? 'not answering' : 'not used (this build does not read REDIS_URL)'}. Server processes log at info to a discarded stderr.`,
  `- Server CPU per run: all the layout's processes (API + workers, each process tree) over the concurrent level, in parentheses the API process's share; cores in use = runs/s × (server + client CPU per run).`,
  `- Machine: ${cpus().length} vCPU, Node ${process.versions.node}; client and servers share the cores (and the machine is shared). Load average (1, 5, 15 min) at start ${loadStart}, at end ${load()}. Whole bench ${((Date.now() - t0) / 1_000).toFixed(0)} s.`,
)
console.log(lines.join('\n'))
