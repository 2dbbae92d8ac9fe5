import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { registryWithConfig } from '../../graphs/langgraph-config.js'
import { openRuntime } from '../../runtime/runtime.js'
import { ownCpuMs } from './cpu.js'
import { quantile, type Latency, type RunCase, type Throughput } from './load.js'

/** The ceiling a server is measured against: the same graph invoked in this process, no HTTP, no run queue. */
export interface Ceiling { sequential: Latency & { perSecond: number }; concurrent: Throughput }

/**
 * Invokes a langgraph.json graph compiled with our KyselySaver on a fresh SQLite file (the runtime's
 * checkpointer, durability `sync` as the server runs it), a new thread per run: `runs` one after
 * another, then `runs` more with `clients` invocations in flight at once.
 */
export async function inProcessCeiling(configPath: string, c: RunCase, opts: { runs: number; warmup: number; clients: number }): Promise<Ceiling> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-inproc-'))
  const rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' }, registry: await registryWithConfig(configPath) })
  try {
    const graph = rt.graph(c.graph)
    const one = async () => {
      const values: unknown = await graph.invoke(c.input, { configurable: { thread_id: randomUUID() }, durability: 'sync' })
      if (!c.check(values)) throw new Error(`unexpected values ${JSON.stringify(values)}`)
    }
    for (let i = 0; i < opts.warmup; i++) await one()

    const ms: number[] = []
    const s0 = performance.now()
    for (let i = 0; i < opts.runs; i++) {
      const t0 = performance.now()
      await one()
      ms.push(performance.now() - t0)
    }
    const seqSeconds = (performance.now() - s0) / 1_000

    let next = 0
    const cpu0 = ownCpuMs()
    const c0 = performance.now()
    await Promise.all(Array.from({ length: opts.clients }, async () => {
      while (next++ < opts.runs) await one()
    }))
    const seconds = (performance.now() - c0) / 1_000
    return {
      sequential: { runs: opts.runs, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), errors: 0, perSecond: opts.runs / seqSeconds },
      concurrent: { clients: opts.clients, runs: opts.runs, seconds, perSecond: opts.runs / seconds, errors: 0, serverCpuMs: (ownCpuMs() - cpu0) / opts.runs },
    }
  } finally {
    await rt.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
