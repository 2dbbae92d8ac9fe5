/**
 * Server benchmark (issue 4): Switchyard's Platform API vs the official `langgraphjs dev` server, on
 * the same langgraph.json graphs (bench/langgraph.json: one node; five nodes in a line), driven by the
 * official SDK client (`threads.create` + `runs.wait` per run), plus the in-process ceiling.
 *
 *   npm run bench:server
 *
 * Each server runs alone in its own process while it is measured, then is stopped (both are killed
 * on any failure). The official server is installed once in bench/peer (its own package.json, never
 * the project's lockfile). It answers a run in about half a second, so its samples are smaller.
 * Knobs: BENCH_SEQ (200), BENCH_SECONDS (5), BENCH_OFFICIAL_SEQ (20), BENCH_OFFICIAL_SECONDS (10),
 * BENCH_INPROC_RUNS (1000), BENCH_SKIP_OFFICIAL=1, BENCH_SUBJECTS (comma-separated, default all:
 * switchyard,cli,split,official,noop,inprocess — fewer subjects keep a run short on a shared machine).
 *
 * Two Switchyard subjects: the bench's own serve script (bench/server/switchyard-serve.ts: the runtime and
 * the runs routes, no log), and the path users take — `switchyard serve --config langgraph.json` through
 * the package bin (compiled dist/, every route, the access log at info), the config and its graphs copied
 * into a project folder with its own node_modules (the peer's: its own @langchain/langgraph copy), as an
 * `npm create langgraph` project is laid out. A third, "split": the two-process layout (`switchyard serve
 * --workers 0` + one `switchyard worker --concurrency 50` on the same SQLite file, bench/server/cluster.ts),
 * whose server CPU is both processes'.
 *
 * A third server, one that does no work at all (bench/server/noop-serve.ts), shows what the client and
 * loopback HTTP cost by themselves; during each concurrent level the CPU time of the server's process
 * tree and of this process (the client) is read, so the report can say where a machine's cores go.
 */
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { inProcessCeiling } from './server/in-process.js'
import { concurrent, sdkClient, sequential, type RunCase } from './server/load.js'
import { startNoopServer } from './server/noop-server.js'
import { startOfficialServer } from './server/official-server.js'
import type { ServerProcess } from './server/processes.js'
import { renderReport, type GraphResult, type ServerResult } from './server/report.js'
import { startSwitchyardCli, startSwitchyardServer } from './server/switchyard-server.js'
import { startCluster } from './server/cluster.js'
import { ensurePeerInstalled } from './server/official-server.js'

const CONFIG = fileURLToPath(new URL('./langgraph.json', import.meta.url))
const PEER = fileURLToPath(new URL('./peer', import.meta.url))
const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt)
const OURS = { runs: num('BENCH_SEQ', 200), warmup: 20, seconds: num('BENCH_SECONDS', 5) }
const OFFICIAL = { runs: num('BENCH_OFFICIAL_SEQ', 20), warmup: 3, seconds: num('BENCH_OFFICIAL_SECONDS', 10) }
const INPROC = { runs: num('BENCH_INPROC_RUNS', 1_000), warmup: 50, clients: 50 }
const LEVELS = [1, 10, 50]

const counted = (graph: string, nodes: number): RunCase => ({
  graph,
  input: { count: 0 },
  check: (v) => typeof v === 'object' && v !== null && (v as { count?: unknown }).count === nodes,
})
const CASES = [counted('one_node', 1), counted('five_nodes', 5)]

const say = (s: string) => console.error(`[bench:server] ${s}`)
const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** Starts a server, measures every graph on it, and stops it whatever happens. */
async function measure(start: () => Promise<ServerProcess & { pids?: number[] }>, plan: { runs: number; warmup: number; seconds: number }): Promise<ServerResult[]> {
  let srv: (ServerProcess & { pids?: number[] }) | undefined
  try {
    srv = await start()
    say(`${srv.name} at ${srv.url}`)
    const client = sdkClient(srv.url)
    const out: ServerResult[] = []
    for (const c of CASES) {
      const latency = await sequential(client, c, plan)
      say(`${srv.name} ${c.graph}: runs.wait p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, create + wait p50 ${(latency.withCreate ?? Number.NaN).toFixed(2)} ms (${latency.runs} runs, ${latency.errors} errors${latency.firstError ? `: ${latency.firstError}` : ''})`)
      const throughput = []
      for (const clients of LEVELS) {
        const t = await concurrent(client, c, { clients, seconds: plan.seconds, serverPid: srv.pids ?? srv.pid })
        const cpu = t.serverCpuMs !== undefined ? `, CPU per run: server ${t.serverCpuMs.toFixed(2)} ms, client ${t.clientCpuMs?.toFixed(2)} ms` : ''
        say(`${srv.name} ${c.graph} ×${clients}: ${t.perSecond.toFixed(1)} runs/s (${t.runs} runs, ${t.errors} errors${t.firstError ? `: ${t.firstError}` : ''}${cpu})`)
        throughput.push(t)
      }
      // the same sequential pass again, on a server the concurrent levels have warmed up (JIT, caches)
      const warm = await sequential(client, c, { ...plan, warmup: 0 })
      say(`${srv.name} ${c.graph} warm: runs.wait p50 ${warm.p50.toFixed(2)} ms, p99 ${warm.p99.toFixed(2)} ms (${warm.runs} runs, ${warm.errors} errors)`)
      out.push({ latency, throughput, warm })
    }
    return out
  } catch (e) {
    say(`not measured: ${message(e)}`)
    return CASES.map(() => ({ error: message(e) }))
  } finally {
    await srv?.stop()
  }
}

const SUBJECTS = new Set((process.env.BENCH_SUBJECTS ?? 'switchyard,cli,split,official,noop,inprocess').split(',').map((s) => s.trim()))
if (process.env.BENCH_SKIP_OFFICIAL === '1') SUBJECTS.delete('official')
const skipped = (name: string) => CASES.map((): ServerResult => ({ error: `skipped (${name} not in BENCH_SUBJECTS)` }))
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')
const loads: string[] = [`start ${load()}`]
const measured = async (name: string, start: () => Promise<ServerProcess & { pids?: number[] }>, plan: typeof OURS) => {
  if (!SUBJECTS.has(name)) return skipped(name)
  const r = await measure(start, plan)
  loads.push(`after ${name} ${load()}`)
  return r
}

const t0 = Date.now()
const ours = await measured('switchyard', () => startSwitchyardServer({ configPath: CONFIG, concurrency: 50 }), OURS)
const cli = await measured('cli', () => {
  ensurePeerInstalled(PEER)
  return startSwitchyardCli({ configPath: CONFIG, project: PEER, args: ['--concurrency', '50'] })
}, OURS)
const split = await measured('split', () => startCluster({ name: 'switchyard serve --workers 0 + worker', configPath: CONFIG, store: { sqlite: true }, workers: 1, concurrency: 50 }), OURS)
const official = await measured('official', () => startOfficialServer({ configPath: CONFIG, peerDir: PEER }), OFFICIAL)
const noop = await measured('noop', startNoopServer, OURS)
const results: GraphResult[] = []
for (const [i, c] of CASES.entries()) {
  const ceiling = SUBJECTS.has('inprocess')
    ? await inProcessCeiling(CONFIG, c, INPROC).catch((e: unknown) => ({ error: message(e) }))
    : { error: 'skipped (inprocess not in BENCH_SUBJECTS)' }
  results.push({ graph: c.graph, switchyard: ours[i]!, cli: cli[i]!, split: split[i]!, official: official[i]!, noop: noop[i]!, ceiling })
}
loads.push(`end ${load()}`)

console.log(renderReport(results, [
  `Each run: \`threads.create\` + \`runs.wait\` with the SDK client (@langchain/langgraph-sdk 1.15.0) in this process, a new thread per run; latency is the \`runs.wait\` call (p50/p99) and both calls together (p50); throughput counts whole runs (both calls); the server runs alone while measured.`,
  `\`switchyard serve --config\` (user project): the package bin (dist/), \`--concurrency 50\`, logs at info to a discarded stderr, the config's graphs copied into a temp project whose node_modules is bench/peer's (their own @langchain/langgraph), as users lay a project out.`,
  `Two processes: \`switchyard serve --workers 0\` (API) + \`switchyard worker --concurrency 50\` on one SQLite file, the repo's bench/langgraph.json, logs at info discarded; server CPU is both processes'.`,
  `Switchyard: child process, SQLite file (WAL), 50 run workers; ${OURS.runs} sequential runs after ${OURS.warmup} warm-up, then ${OURS.seconds} s per concurrency level, then the ${OURS.runs} sequential runs again ("warm": after the thousands of runs of the concurrent levels; every server gets the same second pass).`,
  `Official \`langgraphjs dev\` (@langchain/langgraph-api 2.0.0, in-memory, 10 workers): runs.wait takes ~0.5 s there, so only ${OFFICIAL.runs} sequential runs after ${OFFICIAL.warmup} warm-up (its p99 is close to the max), then ${OFFICIAL.seconds} s per concurrency level.`,
  `No-op server: a plain node:http server answering both calls at once with canned JSON (no graph, no store): what the client and loopback HTTP cost by themselves, the floor of any server measured this way.`,
  `In-process: \`graph.invoke\` on the runtime's KyselySaver (SQLite file, durability sync), ${INPROC.runs} runs sequential, ${INPROC.runs} runs with ${INPROC.clients} in flight.`,
  `Machine: ${cpus().length} vCPU, Node ${process.versions.node}; clients and servers share the cores. Whole bench: ${((Date.now() - t0) / 1_000).toFixed(0)} s. Load average (1, 5, 15 min): ${loads.join('; ')}.`,
]))
