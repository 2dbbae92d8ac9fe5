import { Client } from '@langchain/langgraph-sdk'

/** One run as a client does it: a new thread, then `runs.wait` for the graph's final values. */
export interface RunCase {
  graph: string
  input: Record<string, unknown>
  /** True when the final values are right (a failed run must not count as a fast one). */
  check(values: unknown): boolean
}

/** Sequential latency of one client, in ms per run (thread create + run wait). */
export interface Latency { runs: number; p50: number; p99: number; errors: number; firstError?: string }

/** Throughput of `clients` concurrent clients, each running back to back. */
export interface Throughput { clients: number; runs: number; seconds: number; perSecond: number; errors: number; firstError?: string }

/** An SDK client with no retries: a failure shows as an error, not as a slow run. */
export const sdkClient = (url: string) => new Client({ apiUrl: url, apiKey: null, callerOptions: { maxRetries: 0 } })

/** The `q` quantile (0..1) of samples, by nearest rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/** Undefined when the run succeeded with the right values, else why not. */
async function oneRun(client: Client, c: RunCase): Promise<string | undefined> {
  try {
    const t = await client.threads.create()
    const values = await client.runs.wait(t.thread_id, c.graph, { input: c.input })
    return c.check(values) ? undefined : `unexpected values ${JSON.stringify(values).slice(0, 200)}`
  } catch (e) {
    return (e as Error).message ?? String(e)
  }
}

/** Runs `runs` runs one after another after `warmup` unmeasured ones. */
export async function sequential(client: Client, c: RunCase, opts: { runs: number; warmup: number }): Promise<Latency> {
  for (let i = 0; i < opts.warmup; i++) await oneRun(client, c)
  const ms: number[] = []
  let errors = 0
  let firstError: string | undefined
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now()
    const err = await oneRun(client, c)
    if (err === undefined) ms.push(performance.now() - t0)
    else { errors++; firstError ??= err }
  }
  return { runs: opts.runs, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), errors, firstError }
}

/**
 * `clients` concurrent clients each start runs back to back until `seconds` have passed; runs/s
 * counts the successful runs over the time until the last one ended.
 */
export async function concurrent(client: Client, c: RunCase, opts: { clients: number; seconds: number }): Promise<Throughput> {
  const t0 = performance.now()
  const deadline = t0 + opts.seconds * 1_000
  let ok = 0
  let errors = 0
  let firstError: string | undefined
  await Promise.all(Array.from({ length: opts.clients }, async () => {
    while (performance.now() < deadline) {
      const err = await oneRun(client, c)
      if (err === undefined) ok++
      else { errors++; firstError ??= err }
    }
  }))
  const seconds = (performance.now() - t0) / 1_000
  return { clients: opts.clients, runs: ok, seconds, perSecond: ok / seconds, errors, firstError }
}
