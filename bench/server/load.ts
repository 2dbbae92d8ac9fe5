import { Client } from '@langchain/langgraph-sdk'
import { ownCpuMs, treeCpuMs } from './cpu.js'

/** One run as a client does it: a new thread, then `runs.wait` for the graph's final values. */
export interface RunCase {
  graph: string
  input: Record<string, unknown>
  /** True when the final values are right (a failed run must not count as a fast one). */
  check(values: unknown): boolean
}

/**
 * Sequential latency of one client in ms: `p50`/`p99` of the `runs.wait` call (the metric: the
 * thread exists already), and `withCreate`, the p50 of `threads.create` + `runs.wait` together.
 */
export interface Latency { runs: number; p50: number; p99: number; withCreate?: number; errors: number; firstError?: string }

/**
 * Throughput of `clients` concurrent clients, each running back to back; with the CPU time per run (ms)
 * of the server's process tree and of this process (the client), when they could be read.
 */
export interface Throughput {
  clients: number; runs: number; seconds: number; perSecond: number; errors: number; firstError?: string; serverCpuMs?: number; clientCpuMs?: number
  /** p50 / p99 of the `runs.wait` calls made at this level (ms). */
  waitP50?: number; waitP99?: number
}

/** An SDK client with no retries: a failure shows as an error, not as a slow run. */
export const sdkClient = (url: string) => new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })

/** The `q` quantile (0..1) of samples, by nearest rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

type Outcome = { error: string } | { createMs: number; waitMs: number }

/** How long `threads.create` and `runs.wait` took, or why the run failed or came back wrong. */
async function oneRun(client: Client, c: RunCase, timeoutMs?: number): Promise<Outcome> {
  try {
    const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)
    const t0 = performance.now()
    const t = await client.threads.create(signal ? { signal } : undefined)
    const t1 = performance.now()
    const values = await client.runs.wait(t.thread_id, c.graph, { input: c.input, ...(signal ? { signal } : {}) })
    const t2 = performance.now()
    return c.check(values) ? { createMs: t1 - t0, waitMs: t2 - t1 } : { error: `unexpected values ${JSON.stringify(values).slice(0, 200)}` }
  } catch (e) {
    return { error: (e as Error).message ?? String(e) }
  }
}

/** Runs `runs` runs one after another after `warmup` unmeasured ones. */
export async function sequential(client: Client, c: RunCase, opts: { runs: number; warmup: number; maxSeconds?: number; runTimeoutMs?: number }): Promise<Latency> {
  // a layout that answers a run in seconds (no wake-ups across processes) must not hold the bench for hours
  const deadline = opts.maxSeconds === undefined ? Infinity : performance.now() + opts.maxSeconds * 1_000
  for (let i = 0; i < opts.warmup && performance.now() < deadline; i++) await oneRun(client, c, opts.runTimeoutMs)
  const wait: number[] = []
  const both: number[] = []
  let errors = 0
  let firstError: string | undefined
  let runs = 0
  for (let i = 0; i < opts.runs && performance.now() < deadline; i++, runs++) {
    const r = await oneRun(client, c, opts.runTimeoutMs)
    if ('error' in r) { errors++; firstError ??= r.error; continue }
    wait.push(r.waitMs)
    both.push(r.createMs + r.waitMs)
  }
  return { runs, p50: quantile(wait, 0.5), p99: quantile(wait, 0.99), withCreate: quantile(both, 0.5), errors, firstError }
}

/**
 * `clients` concurrent clients each start runs back to back until `seconds` have passed; runs/s
 * counts the successful runs over the time until the last one ended.
 */
export async function concurrent(client: Client, c: RunCase, opts: { clients: number; seconds: number; serverPid?: number | number[]; runTimeoutMs?: number }): Promise<Throughput> {
  const pids = opts.serverPid === undefined ? [] : [opts.serverPid].flat()
  const serverCpu = () => {
    if (pids.length === 0) return undefined
    let sum = 0
    for (const pid of pids) {
      const ms = treeCpuMs(pid)
      if (ms === undefined) return undefined
      sum += ms
    }
    return sum
  }
  const server0 = serverCpu()
  const client0 = ownCpuMs()
  const t0 = performance.now()
  const deadline = t0 + opts.seconds * 1_000
  let ok = 0
  let errors = 0
  let firstError: string | undefined
  const waits: number[] = []
  await Promise.all(Array.from({ length: opts.clients }, async () => {
    while (performance.now() < deadline) {
      const r = await oneRun(client, c, opts.runTimeoutMs)
      if (!('error' in r)) { ok++; waits.push(r.waitMs) }
      else { errors++; firstError ??= r.error }
    }
  }))
  const seconds = (performance.now() - t0) / 1_000
  const server1 = serverCpu()
  const perRun = (ms: number | undefined) => (ms === undefined || ok === 0 ? undefined : ms / ok)
  return {
    clients: opts.clients, runs: ok, seconds, perSecond: ok / seconds, errors, firstError,
    serverCpuMs: perRun(server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined),
    clientCpuMs: perRun(ownCpuMs() - client0),
    waitP50: quantile(waits, 0.5), waitP99: quantile(waits, 0.99),
  }
}
