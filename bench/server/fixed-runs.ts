import type { Client } from '@langchain/langgraph-sdk'
import type { RunCase } from './load.js'

/** Runs exactly `runs` runs (`threads.create` + `runs.wait`) with `clients` in flight; returns the errors. */
export async function fixedRuns(client: Client, c: RunCase, opts: { runs: number; clients: number }): Promise<{ errors: number; firstError?: string }> {
  let next = 0
  let errors = 0
  let firstError: string | undefined
  await Promise.all(Array.from({ length: Math.min(opts.clients, opts.runs) }, async () => {
    while (next < opts.runs) {
      next++
      try {
        const t = await client.threads.create()
        const values = await client.runs.wait(t.thread_id, c.graph, { input: c.input })
        if (!c.check(values)) throw new Error(`unexpected values ${JSON.stringify(values).slice(0, 200)}`)
      } catch (e) {
        errors++
        firstError ??= (e as Error).message
      }
    }
  }))
  return { errors, firstError }
}
