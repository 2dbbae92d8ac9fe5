import type { RunRow } from '../store/run-schema.js'
import { createRun } from './run-service.js'
import type { Runtime } from './runtime.js'

/**
 * Deadlines of human interrupts. A run that stops at an interrupt whose value carries a `deadline`
 * (a YAML `human` step with a `timeout`: `{type: 'human', deadline, ...}`) leaves a *timer run*
 * behind: a resume with `{action: 'timeout'}` for that interrupt, queued with `available_at` = the
 * deadline, so the run queue wakes the thread when nobody answered (and the step takes its
 * `on_timeout` branch). Any other run on the thread (the answer) removes pending timers first, and a
 * timer whose interrupt is no longer pending when it fires does nothing.
 */
export interface InterruptLike { id?: string; value?: unknown }

const deadlineOf = (v: unknown): number | undefined => {
  if (v === null || typeof v !== 'object') return undefined
  const { type, deadline } = v as { type?: unknown; deadline?: unknown }
  if (type !== 'human' || typeof deadline !== 'string') return undefined
  const at = Date.parse(deadline)
  return Number.isFinite(at) ? at : undefined
}

/** Queues one timer run per interrupt with a deadline (the run that stopped there is `run`). */
export async function armInterruptTimers(rt: Runtime, run: RunRow, interrupts: readonly InterruptLike[]): Promise<void> {
  for (const i of interrupts) {
    const at = deadlineOf(i.value)
    if (at === undefined || !i.id) continue
    await createRun(rt, {
      threadId: run.thread_id,
      graph: run.graph,
      assistantId: run.assistant_id ?? undefined,
      kind: 'resume',
      kwargs: { command: { resume: { [i.id]: { action: 'timeout' } } }, stream_mode: ['values'], timer_for: i.id },
      metadata: { timer: 'interrupt-deadline', interrupt_id: i.id, deadline: new Date(at).toISOString() },
      multitaskStrategy: 'enqueue',
      afterSeconds: Math.max(0.001, (at - Date.now()) / 1_000),
    })
  }
}
