import type { RunRow } from '../store/run-schema.js'
import type { Runtime } from './runtime.js'

/** A run as the Platform API returns it. */
export const runView = (r: RunRow) => ({
  run_id: r.run_id,
  thread_id: r.thread_id,
  assistant_id: r.assistant_id,
  created_at: r.created_at,
  updated_at: r.updated_at,
  status: r.status,
  metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  multitask_strategy: r.multitask_strategy,
  kwargs: JSON.parse(r.kwargs) as Record<string, unknown>,
})

/**
 * What `runs/wait` and `join` answer once the run ended: the thread's values, with the pending
 * interrupts under `__interrupt__` (values included, unlike the official server) or the failure
 * under `__error__`.
 */
export async function runOutcome(rt: Runtime, run: RunRow | undefined, graph: string, threadId: string): Promise<Record<string, unknown>> {
  if (run?.status === 'error') {
    const last = (await rt.runs.listEvents(run.run_id)).filter((e) => e.event === 'error').at(-1)
    return { __error__: last ? (JSON.parse(last.data) as unknown) : { error: 'Error', message: run.error ?? 'run failed' } }
  }
  if (run?.temporary === 1 && run.status !== 'pending') {
    // a stateless run's thread is gone; the runner kept its final values
    return (JSON.parse(run.payload) as Record<string, unknown> | null) ?? {}
  }
  // the runner knew this state when the run ended; a waiter right after needs no read
  let state = run ? rt.finalStates.take(run.run_id) : undefined
  if (!state) {
    const s = await rt.graph(graph).getState({ configurable: { thread_id: threadId } })
    state = { values: s.values as unknown, interrupts: s.tasks.flatMap((t) => t.interrupts) as unknown[] }
  }
  const values = (state.values ?? {}) as Record<string, unknown>
  const interrupts = state.interrupts
  return interrupts.length > 0 ? { ...values, __interrupt__: interrupts } : values
}
