/**
 * `npm run bench:load` (issue 15 §3, load): N concurrent runs of the `team` graph in one server
 * process (the offline model with a per-token delay), each streamed to an SSE client over HTTP.
 * Reports whether every run finished, the peak RSS of the process (target: under 1 GB), and event
 * delivery latency — from the moment the runner appends an event to its run's log to the moment
 * the SSE client has parsed it (p50, p99, max).
 *
 *   npm run bench:load                        # 1,000 runs, 20 ms per token
 *   LOAD_RUNS=2000 LOAD_DELAY_MS=50 npm run bench:load
 *
 * Not a test: the machine is shared, so the figures (and `uptime`) go into the note, not an assertion.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@langchain/langgraph-sdk'
import { startRunQueue } from '../runtime/run-queue.js'
import { openRuntime } from '../runtime/runtime.js'
import { runsRoutes } from '../server/routes/runs-routes.js'
import { startServer } from '../server/serve.js'

const RUNS = Number(process.env.LOAD_RUNS ?? 1_000)
const DELAY = process.env.LOAD_DELAY_MS ?? '20'
const RSS_LIMIT = 1024 ** 3
// clients open their streams over this many ms in all (a thousand connects at once overflow the
// listen backlog: `fetch failed` before any request); every run lasts far longer, so all overlap
const RAMP_MS = Number(process.env.LOAD_RAMP_MS ?? 2_000)

const dir = mkdtempSync(join(tmpdir(), 'sy-load-'))
const rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline', SWITCHYARD_OFFLINE_DELAY_MS: DELAY } })
const queue = await startRunQueue(rt, { concurrency: RUNS })
const srv = await startServer({ rt, port: 0, routes: [runsRoutes] })
const client = new Client({ apiUrl: srv.url, apiKey: null, callerOptions: { maxRetries: 0, maxConcurrency: Infinity } })

// when each event was handed to the log (the start of its delivery), by run and seq
const appendedAt = new Map<string, number>()
const append = rt.runs.appendEvent.bind(rt.runs)
rt.runs.appendEvent = (runId, seq, event, data) => {
  appendedAt.set(`${runId}:${seq}`, performance.now())
  return append(runId, seq, event, data)
}

let peakRss = 0
const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }
const sampler = setInterval(sample, 100)

const latencies: number[] = []
let errors = 0
let finished = 0
let inFlight = 0
let peakInFlight = 0
const t0 = performance.now()
const load0 = loadavg()[0]!
await Promise.all(Array.from({ length: RUNS }, async (_, i) => {
  await new Promise((r) => setTimeout(r, (i * RAMP_MS) / RUNS))
  let counted = false
  try {
    const thread = await client.threads.create()
    let runId: string | undefined
    let sawEnd = false
    for await (const e of client.runs.stream(thread.thread_id, 'team', { input: { task: `load case ${i}` }, streamMode: ['updates', 'values'] })) {
      const now = performance.now()
      if (e.event === 'metadata') {
        runId = (e.data as { run_id: string }).run_id
        if (!counted) { counted = true; peakInFlight = Math.max(peakInFlight, ++inFlight) }
      }
      const id = (e as { id?: string }).id
      const at = runId !== undefined && id !== undefined ? appendedAt.get(`${runId}:${id}`) : undefined
      if (at !== undefined) latencies.push(now - at)
      if (e.event === 'error') errors++
      if (e.event === 'values' && typeof (e.data as { final_report?: unknown }).final_report === 'string') sawEnd = true
    }
    const run = runId ? await client.runs.get(thread.thread_id, runId) : undefined
    if (run?.status === 'success' && sawEnd) finished++
    else errors++
  } catch (e) {
    errors++
    if (errors <= 3) console.error(e, (e as { cause?: unknown }).cause)
  } finally {
    if (counted) inFlight--
  }
}))
const wall = (performance.now() - t0) / 1_000
sample()
clearInterval(sampler)

latencies.sort((a, b) => a - b)
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN
const result = {
  runs: RUNS, finished, errors, peak_in_flight: peakInFlight, delay_ms_per_token: Number(DELAY), wall_s: +wall.toFixed(1), runs_per_s: +(RUNS / wall).toFixed(1),
  peak_rss_mb: Math.round(peakRss / 1024 ** 2), rss_under_1gb: peakRss < RSS_LIMIT,
  events: latencies.length, delivery_ms: { p50: +q(0.5).toFixed(1), p90: +q(0.9).toFixed(1), p99: +q(0.99).toFixed(1), max: +(latencies.at(-1) ?? Number.NaN).toFixed(1) },
  load_1m: { before: +load0.toFixed(2), after: +loadavg()[0]!.toFixed(2) },
}
console.log(`| runs | finished | errors | peak in flight | wall s | runs/s | peak RSS MB | events | delivery p50 ms | p90 | p99 | max | load 1m |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
| ${RUNS} | ${finished} | ${errors} | ${peakInFlight} | ${result.wall_s} | ${result.runs_per_s} | ${result.peak_rss_mb} ${result.rss_under_1gb ? '✓' : '✗'} | ${latencies.length} | ${result.delivery_ms.p50} | ${result.delivery_ms.p90} | ${result.delivery_ms.p99} | ${result.delivery_ms.max} | ${result.load_1m.before} → ${result.load_1m.after} |`)
console.log(JSON.stringify(result))

await srv.close()
await queue.stop()
await rt.close()
rmSync(dir, { recursive: true, force: true })
process.exit(finished === RUNS && peakRss < RSS_LIMIT ? 0 : 1)
